"""`nba-features validate [--date D] [--format json]`: is the date ready?

One answer from the warehouse alone: D's scheduled games; the Phase 3 inputs D needs, present and complete
(`quality/input_readiness.py`); rows per Phase 4 table against the expected counts and every check of every
table, evaluated now on the stored rows of D with the definitions the runs use (`pipeline/registry.py:
checks_for`); the open quality events about D; D's contamination tiers and `historical_completeness`.

Ready = every input complete, every table within its expected rows, no ERROR check failed, no open
CRITICAL event about D and tier 1 within its limit. Failed WARN checks and open WARNING events are
listed as warnings. Exit 0 ready, 1 not ready (each reason on its own line), 2 usage
(docs/RULES.md#exit-codes). D defaults to today in America/New_York.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
from dataclasses import asdict, dataclass, field
from zoneinfo import ZoneInfo

import pandas as pd

from nba_features.partitions import TIMEZONE
from nba_features.pipeline.lineage import upstream_materialized
from nba_features.pipeline.registry import FEATURE_STORE, PHASE4_TABLES, RUN_ORDER, checks_for
from nba_features.quality import input_readiness as inputs
from nba_features.quality.daily_quality import MIN_FEATURE_COUNT
from nba_features.quality.events import EVENTS_TABLE, OPEN_EVENT_HORIZON_DAYS
from nba_features.quality.outcomes import CheckInputs, CheckOutcome
from nba_features.quality.report import TIER1_ALERT_PCT, build_report
from nba_features.quality.table_checks import SCHEMA_CHECK
from nba_features.warehouse import warehouse_from_env
from nba_features.warehouse.base import Warehouse

OPEN_EVENTS_SQL = f"""
-- bound: events of the last {OPEN_EVENT_HORIZON_DAYS} days (partition DATE(event_timestamp))
SELECT event_timestamp, severity, table_name, game_date, processor_name, description
FROM {EVENTS_TABLE}
WHERE DATE(event_timestamp) >= @since AND resolution_status = 'PENDING'
ORDER BY event_timestamp, table_name, processor_name
"""


def today_new_york() -> dt.date:
    return dt.datetime.now(ZoneInfo(TIMEZONE)).date()


def add_validate_parser(commands) -> None:
    parser = commands.add_parser("validate", help="is the date ready? inputs, Phase 4 rows, checks, events, contamination")
    parser.add_argument("--date", dest="day", type=dt.date.fromisoformat, default=None, help="default: today, America/New_York")
    parser.add_argument("--format", choices=["table", "json"], default="table")


@dataclass
class Validation:
    date: str
    games: list[str]
    season_start: str | None
    skip_reason: str | None
    inputs: list[dict] = field(default_factory=list)
    tables: list[dict] = field(default_factory=list)
    checks: list[dict] = field(default_factory=list)
    events: list[dict] = field(default_factory=list)
    other_open_events: int = 0
    contamination: dict = field(default_factory=dict)
    historical_completeness: dict = field(default_factory=dict)
    reasons: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def ready(self) -> bool:
        return not self.reasons


def stored_rows(warehouse: Warehouse, table, day: dt.date) -> pd.DataFrame:
    return warehouse.query(f"SELECT * FROM {table.table} WHERE {table.partition_column} = @day", {"day": day})


def table_outcomes(warehouse: Warehouse, table, day: dt.date, day_info: pd.DataFrame) -> tuple[pd.DataFrame, list[CheckOutcome]]:
    """Every check of `table` on its stored rows of `day`; the schema check compares the live table now."""
    frame = stored_rows(warehouse, table, day)
    upstream = upstream_materialized(warehouse, table, [day], PHASE4_TABLES) if table.asset_name == FEATURE_STORE else {}
    check_inputs = CheckInputs(
        table=table.table, dates=[day], frame=frame, day_info=day_info, upstream_materialized=upstream, warehouse=warehouse
    )
    outcomes = []
    for check in checks_for(table):
        if check.name == SCHEMA_CHECK:
            diff = warehouse.schema_diff(table.table)
            outcomes.append(
                CheckOutcome(
                    SCHEMA_CHECK,
                    day,
                    diff.ok,
                    "ERROR",
                    "schema_drift",
                    float(not diff.ok),
                    "live table = schemas/ contract",
                    diff.describe(),
                )
            )
        else:
            outcomes += check.evaluate(check_inputs)
    return frame, outcomes


def historical_completeness(rows: pd.DataFrame) -> dict:
    """Over D's scored feature-store rows (placeholders aside): how complete the players' last-10 lists are."""
    rows = rows[rows["data_source"] != "early_season"] if len(rows) else rows
    structs = [h for h in (rows["historical_completeness"] if len(rows) else []) if isinstance(h, dict)]
    if not structs:
        return {"rows": 0}
    found = sum(int(h.get("games_found") or 0) for h in structs)
    expected = sum(int(h.get("games_expected") or 0) for h in structs)
    return {
        "rows": len(structs),
        "complete_pct": round(100.0 * sum(bool(h.get("is_complete")) for h in structs) / len(structs), 1),
        "bootstrap_pct": round(100.0 * sum(bool(h.get("is_bootstrap")) for h in structs) / len(structs), 1),
        "games_found": found,
        "games_expected": expected,
    }


def validate(warehouse: Warehouse, day: dt.date) -> Validation:
    absent = inputs.missing_tables(warehouse)
    if absent:
        result = Validation(date=day.isoformat(), games=[], season_start=None, skip_reason=None)
        result.reasons += [f"{table}: input table does not exist (`nba-features schema apply`, then load it)" for table in absent]
        return result
    loaded = inputs.load_inputs(warehouse, [day])
    schedule, day_info = loaded.schedule, loaded.day_info
    info = day_info.iloc[0]
    season_start = loaded.season_start(day)
    todays = schedule[schedule["game_date"] == pd.Timestamp(day)].sort_values("game_id")
    skip = (
        "no games scheduled"
        if info["games_scheduled"] == 0
        else "bootstrap day (first 14 days of the season)"
        if info["is_bootstrap"]
        else None
    )
    result = Validation(
        date=day.isoformat(),
        games=[
            f"{g.game_id} {g.away_team_tricode}@{g.home_team_tricode} (status {g.game_status})"
            for g in todays.itertuples(index=False)
        ],
        season_start=season_start.isoformat() if season_start else None,
        skip_reason=skip,
    )
    for status in inputs.date_statuses(loaded, day):
        result.inputs.append({**asdict(status), "complete": status.complete})
        result.reasons += status.problems

    feature_store_rows = pd.DataFrame()
    for table in RUN_ORDER:
        frame, outcomes = table_outcomes(warehouse, table, day, day_info)
        for outcome in outcomes:
            if outcome.check_name == "row_count_expected":
                result.tables.append(
                    {"table": table.table, "rows": len(frame), "expected": outcome.threshold, "ok": outcome.passed}
                )
                if not outcome.passed:
                    result.reasons.append(f"{table.table}: {outcome.description}")
                continue
            result.checks.append({
                "table": table.table, "check": outcome.check_name, "severity": outcome.severity,
                "passed": outcome.passed, "description": outcome.description,
            })  # fmt: skip
            if not outcome.passed:
                line = f"{table.table}: check {outcome.check_name} failed: {outcome.description}"
                (result.reasons if outcome.severity == "ERROR" else result.warnings).append(line)
        if table.asset_name == FEATURE_STORE:
            feature_store_rows = frame

    since = min(day, dt.date.today()) - dt.timedelta(days=OPEN_EVENT_HORIZON_DAYS)
    events = warehouse.query(OPEN_EVENTS_SQL, {"since": since})
    about_day = events[events["game_date"] == pd.Timestamp(day)]
    result.other_open_events = len(events) - len(about_day)
    for event in about_day.itertuples(index=False):
        result.events.append({
            "opened": event.event_timestamp.isoformat(), "severity": event.severity, "table": event.table_name,
            "check": event.processor_name, "description": event.description,
        })  # fmt: skip
        line = f"open {event.severity} event: {event.table_name} {event.processor_name}: {event.description}"
        (result.reasons if event.severity == "CRITICAL" else result.warnings).append(line)

    scored = (
        feature_store_rows[feature_store_rows["feature_count"] >= MIN_FEATURE_COUNT]
        if len(feature_store_rows)
        else feature_store_rows
    )
    report = build_report(scored, day, day)
    result.contamination = {
        "rows": report.total_rows,
        "placeholder_rows": report.bootstrap_placeholder_rows,
        "tier1_pct": report.tier1_pct,
        "tier2_pct": report.tier2_pct,
        "quality_ready_pct": report.quality_ready_pct,
        "tier1_alert_pct": TIER1_ALERT_PCT,
        "top_defaulted_features": [f"{f['name']} {f['pct_of_rows']}%" for f in report.top_defaulted_features[:5]],
    }
    if report.total_rows and report.tier1_pct > TIER1_ALERT_PCT:
        result.reasons.append(f"contamination: tier 1 {report.tier1_pct}% of {report.total_rows} rows exceeds {TIER1_ALERT_PCT}%")
    result.historical_completeness = historical_completeness(feature_store_rows)
    return result


def render(result: Validation) -> str:
    verdict = "READY" if result.ready else f"NOT READY ({len(result.reasons)} reason(s))"
    lines = [f"{result.date}: {verdict}"]
    lines.append(
        f"schedule: {len(result.games)} game(s)"
        + (f"; season started {result.season_start}" if result.season_start else "; no known season")
        + (f"; {result.skip_reason}" if result.skip_reason else "")
    )
    lines += [f"  {game}" for game in result.games]
    lines.append("inputs:")
    for status in result.inputs:
        lines.append(
            f"  {'ok     ' if status['complete'] else 'MISSING'} {status['table']:<48} {status['rows']:>8,} rows  ({status['scope']})"
        )
    lines.append("Phase 4 rows:")
    for table in result.tables:
        lines.append(
            f"  {'ok     ' if table['ok'] else 'OFF    '} {table['table']:<48} {table['rows']:>8,} rows  (expected {table['expected']})"
        )
    failed = [c for c in result.checks if not c["passed"]]
    lines.append(f"checks: {len(result.checks) - len(failed)} of {len(result.checks)} passed")
    lines += [f"  FAILED {c['severity']:<5} {c['table']}: {c['check']}: {c['description']}" for c in failed]
    lines.append(
        f"open events about {result.date}: {len(result.events)} (other dates: {result.other_open_events}, see `nba-features events`)"
    )
    c = result.contamination  # empty when the inputs' tables do not exist: nothing was judged past them
    if c:
        lines.append(
            f"contamination: {c['rows']} rows ({c['placeholder_rows']} placeholders aside): tier 1 {c['tier1_pct']}% "
            f"(limit {c['tier1_alert_pct']}%), tier 2 {c['tier2_pct']}%, quality-ready {c['quality_ready_pct']}%"
        )
    if c and c["top_defaulted_features"]:
        lines.append(f"  top defaulted: {', '.join(c['top_defaulted_features'])}")
    h = result.historical_completeness
    if h.get("rows"):
        lines.append(
            f"historical_completeness: {h['complete_pct']}% of {h['rows']} rows complete, {h['bootstrap_pct']}% bootstrap, "
            f"{h['games_found']:,} of {h['games_expected']:,} expected games found"
        )
    else:
        lines.append("historical_completeness: no scored rows")
    if result.warnings:
        lines.append("warnings:")
        lines += [f"  {w}" for w in result.warnings]
    if result.reasons:
        lines.append("not ready because:")
        lines += [f"  {r}" for r in result.reasons]
    return "\n".join(lines)


def run_validate_command(args: argparse.Namespace) -> int:
    day = args.day or today_new_york()
    result = validate(warehouse_from_env(), day)
    if args.format == "json":
        print(json.dumps(asdict(result) | {"ready": result.ready}, indent=2, default=str))
    else:
        print(render(result))
    return 0 if result.ready else 1
