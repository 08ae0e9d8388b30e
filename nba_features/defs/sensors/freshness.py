"""Freshness of each Phase 4 asset's latest game-date partitions (docs/ALERTS.md#freshness).

One check per asset, `latest_partition_fresh` (severity ERROR), judged by `alerts/freshness.py`:
today's partition materialized by the pregame deadline, yesterday's rematerialized after its final box scores by
the postgame deadline, days without games never late. Dagster's `build_time_partition_freshness_checks` does
not fit: it has one cron deadline for the latest partition, knows nothing of the schedule (a day without games
would be late) and has no second deadline for yesterday's rerun.

`phase4_freshness_sensor` (every 5 minutes) evaluates them at the clock of the daemon's tick (Dagster's
clock, so tests freeze it), reports each changed verdict as a runless check evaluation (the asset's Checks tab)
and through the quality events' life cycle: a miss opens a CRITICAL event and one Slack post naming the
partition, since when it is late and the last run's status; it folds while open and resolves (with a note) once
the partition is fresh. Each tick also posts the reminders of events open for more than a day
(`quality/events.py: remind_overdue`).

The check is reported, not declared as an executable asset check: an unpartitioned check on these partitioned
assets would be planned into every run that selects its asset (a multi-asset check even makes a one-asset
selection fail to build, tried), and a check of the clock has nothing to compute per partition in a range run.
"""

from __future__ import annotations

import datetime as dt
import json

import dagster as dg
import pandas as pd

from nba_features.alerts.freshness import EASTERN, FRESHNESS_CHECK, FreshnessSettings, Verdict, freshness_verdicts
from nba_features.defs.resources import WarehouseResource
from nba_features.lib.dagster_internals import get_current_timestamp
from nba_features.lib.run_tags import PARTITION_TAG
from nba_features.phase4.seasons import SCHEDULE_TABLE
from nba_features.pipeline.registry import PHASE4_TABLES
from nba_features.quality.events import record_outcomes, remind_overdue
from nba_features.quality.outcomes import CheckOutcome
from nba_features.warehouse.base import Warehouse

TIPOFFS_SQL = f"""
-- bound: yesterday and today
SELECT game_date, tipoff_time FROM {SCHEDULE_TABLE} WHERE game_date BETWEEN @start_date AND @end_date
"""


def tipoffs(warehouse: Warehouse, today: dt.date) -> dict[dt.date, list[dt.datetime]]:
    frame = warehouse.query(
        TIPOFFS_SQL, {"start_date": today - dt.timedelta(days=1), "end_date": today}, labels={"sensor": "freshness"}
    )
    found: dict[dt.date, list[dt.datetime]] = {}
    for day, tipoff in zip(frame["game_date"], frame["tipoff_time"]):
        found.setdefault(pd.Timestamp(day).date(), []).append(pd.Timestamp(tipoff).to_pydatetime())
    return found


def materialized_at(instance: dg.DagsterInstance, asset: str, days: list[dt.date]) -> dict[dt.date, dt.datetime | None]:
    latest: dict[dt.date, dt.datetime | None] = {}
    for day in days:
        records = instance.fetch_materializations(
            dg.AssetRecordsFilter(asset_key=dg.AssetKey(asset), asset_partitions=[day.isoformat()]), limit=1
        ).records
        latest[day] = dt.datetime.fromtimestamp(records[0].timestamp, dt.UTC) if records else None
    return latest


def last_run_status(instance: dg.DagsterInstance, day: dt.date) -> str:
    records = instance.get_run_records(dg.RunsFilter(tags={PARTITION_TAG: day.isoformat()}), limit=1)
    if not records:
        return "no run has targeted this partition"
    run = records[0].dagster_run
    return f"last run {run.run_id} {run.status.value}"


def evaluate(
    instance: dg.DagsterInstance, warehouse: Warehouse, now: dt.datetime, settings: FreshnessSettings
) -> dict[str, list[Verdict]]:
    """Every asset's verdicts due at `now`; a miss's description ends with the partition's last run status."""
    today = now.astimezone(EASTERN).date()
    days = [today - dt.timedelta(days=1), today]
    games = tipoffs(warehouse, today)
    verdicts = {}
    for asset in PHASE4_TABLES:
        found = freshness_verdicts(now, games, materialized_at(instance, asset, days), settings)
        verdicts[asset] = [
            v
            if v.passed
            else Verdict(v.day, v.kind, v.passed, v.deadline, f"{v.description}; {last_run_status(instance, v.day)}")
            for v in found
        ]
    return verdicts


def outcome(verdict: Verdict) -> CheckOutcome:
    deadline = verdict.deadline.astimezone(EASTERN).strftime("%H:%M ET") if verdict.deadline else "n/a"
    return CheckOutcome(
        FRESHNESS_CHECK, verdict.day, verdict.passed, "ERROR", "partition_late", 0.0 if verdict.passed else 1.0,
        f"{verdict.kind} by {deadline}", verdict.description, {"kind": verdict.kind},
    )  # fmt: skip


def check_evaluation(asset: str, verdict: Verdict) -> dg.AssetCheckEvaluation:
    return dg.AssetCheckEvaluation(
        asset_key=dg.AssetKey(asset),
        check_name=FRESHNESS_CHECK,
        passed=verdict.passed,
        severity=dg.AssetCheckSeverity.ERROR,
        description=verdict.description,
        metadata={"partition": verdict.day.isoformat(), "kind": verdict.kind},
    )


@dg.sensor(
    name="phase4_freshness_sensor",
    minimum_interval_seconds=300,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Today's and yesterday's partitions of every Phase 4 asset on time; overdue event reminders.",
)
def freshness_sensor(context: dg.SensorEvaluationContext, warehouse: WarehouseResource) -> dg.SkipReason:
    now = dt.datetime.fromtimestamp(get_current_timestamp(), dt.UTC)
    store = warehouse.get()
    reported = json.loads(context.cursor) if context.cursor else {}
    current: dict[str, bool] = {}
    late = []
    for asset, verdicts in evaluate(context.instance, store, now, FreshnessSettings.from_env()).items():
        changed = []
        for verdict in verdicts:
            key = f"{asset}|{verdict.day}|{verdict.kind}"
            current[key] = verdict.passed
            late += [f"{asset} {verdict.day}"] if not verdict.passed else []
            if reported.get(key) != verdict.passed:
                changed.append(verdict)
        if changed:  # open, fold or resolve the events of what changed; report it to the asset's Checks tab
            table = PHASE4_TABLES[asset].table
            record_outcomes(
                store, [outcome(v) for v in changed], table=table, run_id=None, dates=sorted({v.day for v in changed}),
                now=pd.Timestamp(now),
            )  # fmt: skip
            for verdict in changed:
                context.instance.report_runless_asset_event(check_evaluation(asset, verdict))
    reminded = remind_overdue(store, now=pd.Timestamp(now))
    context.update_cursor(json.dumps(current, sort_keys=True))
    summary = f"late: {', '.join(late)}" if late else "every due partition is fresh"
    return dg.SkipReason(f"{summary}; {len(reminded)} overdue reminder(s) posted")
