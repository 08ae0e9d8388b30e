"""One Phase 4 table over a set of dates: lineage, extracts, transform, atomic write, checks, events.

`run_table` is the whole materialization of a table without Dagster. The asset (`defs/phase4_assets.py`)
maps its `TableRun` to Dagster materializations and check evaluations; the benchmark times the same
function; tests call it directly. Each stage's seconds are in `TableRun.seconds`.

What it guarantees:
- the inputs are read once for the whole run (bounded extracts), the transform is set-based, and the
  write replaces every date of the run in one transaction (rows of a date the transform produced
  nothing for are deleted: a player who left the roster leaves no stale row);
- a live table that does not match schemas/ refuses the write before anything is written
  (`WriteRefusedError`, with the failed `schema_matches_contract` outcome, recorded as an event);
- every check is evaluated for every date of the run (days without games pass with their reason);
  a date is red when one of its blocking ERROR checks failed;
- events are opened, folded and resolved (`quality/events.py: record_outcomes`).
Transient warehouse errors propagate (the caller retries); data errors propagate before the write.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

import pandas as pd

from nba_features.phase4.seasons import SCHEDULE_SQL, season_frame
from nba_features.phase4.spec import Phase4Table, RunInfo, extract_inputs
from nba_features.pipeline.lineage import upstream_materialized
from nba_features.pipeline.registry import FEATURE_STORE, PHASE4_TABLES, RUN_ORDER
from nba_features.quality.daily_quality import record_daily_quality
from nba_features.quality.events import EventChanges, record_outcomes
from nba_features.quality.outcomes import CheckDefinition, CheckInputs, CheckOutcome
from nba_features.quality.table_checks import schema_check_failure
from nba_features.warehouse.base import SchemaDriftError, Warehouse

STAGES = ("upstream", "extract", "transform", "write", "checks")
PREVIEW_ROWS = 5
PREVIEW_COLUMNS = 12


class WriteRefusedError(SchemaDriftError):
    """The live table does not match schemas/: nothing was written, the failed check was recorded."""

    def __init__(self, message: str, outcome: CheckOutcome):
        super().__init__(message)
        self.outcome = outcome


@dataclass(frozen=True)
class DateResult:
    """What the run did to one partition date."""

    date: dt.date
    rows: int
    rows_deleted: int
    games_scheduled: int
    skip_reason: str | None  # "no games scheduled" / bootstrap, when the date has nothing to judge
    red_checks: tuple[str, ...]  # blocking ERROR checks that failed on this date
    preview: str

    @property
    def red(self) -> bool:
        return bool(self.red_checks)


@dataclass(frozen=True)
class TableRun:
    table: Phase4Table
    dates: tuple[dt.date, ...]
    per_date: dict[dt.date, DateResult]
    outcomes: tuple[CheckOutcome, ...]
    events: EventChanges
    rows_written: int
    bytes_processed: int | None
    seconds: dict[str, float] = field(default_factory=dict)

    @property
    def red_dates(self) -> dict[dt.date, tuple[str, ...]]:
        return {day: result.red_checks for day, result in self.per_date.items() if result.red}

    @property
    def green_dates(self) -> list[dt.date]:
        return [day for day, result in self.per_date.items() if not result.red]

    @property
    def total_seconds(self) -> float:
        return sum(self.seconds.values())


def _cell(value) -> str:
    if isinstance(value, float):
        return "" if value != value else f"{value:.6g}"
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    return "" if value is None or value is pd.NA else str(value)


def previews(frame: pd.DataFrame, partition_column: str, dates: Sequence[dt.date]) -> dict[dt.date, str]:
    """A few rows of each date as a markdown table (scalar columns, features aside), "(no rows)" when none.

    Built by hand from one `groupby().head()`: a markdown library call per date cost seconds a season.
    """
    if frame.empty:
        return {day: "(no rows)" for day in dates}
    scalar = [
        c for c in frame.columns
        if not c.startswith("feature_") and not isinstance(frame[c].iloc[0], (list, dict, tuple))
    ][:PREVIEW_COLUMNS]  # fmt: skip
    heads = frame.groupby(pd.to_datetime(frame[partition_column]).dt.date, sort=False).head(PREVIEW_ROWS)
    header = "| " + " | ".join(scalar) + " |\n|" + "---|" * len(scalar)
    found: dict[dt.date, list[str]] = {}
    for day, row in zip(pd.to_datetime(heads[partition_column]).dt.date, heads[scalar].itertuples(index=False)):
        found.setdefault(day, []).append("| " + " | ".join(_cell(v) for v in row) + " |")
    return {day: header + "\n" + "\n".join(found[day]) if day in found else "(no rows)" for day in dates}


def run_table(
    warehouse: Warehouse,
    table: Phase4Table,
    checks: Sequence[CheckDefinition],
    dates: Sequence[dt.date],
    *,
    run_id: str | None,
    processed_at: pd.Timestamp | None = None,
    labels: dict[str, str] | None = None,
) -> TableRun:
    """Compute, write and judge `table` for `dates` (one set-based pass, one atomic write)."""
    dates = sorted(set(dates))
    processed_at = processed_at if processed_at is not None else pd.Timestamp.now(tz="UTC").floor("us")
    clock = time.perf_counter
    t0 = clock()
    run = RunInfo(processed_at=processed_at, upstream_materialized=upstream_materialized(warehouse, table, dates, PHASE4_TABLES))
    day_info = season_frame(dates, warehouse.query(SCHEDULE_SQL, {"start_date": min(dates), "end_date": max(dates)}))
    t1 = clock()
    inputs = extract_inputs(table, warehouse, dates)
    t2 = clock()
    frame = table.transform(inputs, dates, run)
    del inputs  # the extracts are freed before the write (peak memory of a season)
    t3 = clock()
    try:
        written = warehouse.replace_partitions(
            table.table, dates, frame,
            labels={"asset": table.asset_name, "partition": f"{dates[0]}_{dates[-1]}", **(labels or {})},
        )  # fmt: skip
    except SchemaDriftError as error:
        failure = schema_check_failure(dates, str(error))
        record_outcomes(warehouse, [failure], table=table.table, run_id=run_id, dates=dates)
        raise WriteRefusedError(str(error), failure) from error
    t4 = clock()
    check_inputs = CheckInputs(
        table=table.table, dates=dates, frame=frame, day_info=day_info,
        upstream_materialized=run.upstream_materialized, warehouse=warehouse,
    )  # fmt: skip
    outcomes = [outcome for check in checks for outcome in check.evaluate(check_inputs)]
    blocking = {c.name for c in checks if c.blocking and c.severity == "ERROR"}
    red: dict[dt.date, list[str]] = {}
    for outcome in outcomes:
        if not outcome.passed and outcome.check_name in blocking and outcome.game_date is not None:
            red.setdefault(outcome.game_date, []).append(outcome.check_name)
    events = record_outcomes(
        warehouse, outcomes, table=table.table, run_id=run_id, dates=dates,
        materialized=[d for d in dates if d not in red], now=processed_at,
    )  # fmt: skip
    if table.asset_name == FEATURE_STORE:
        # the dates' quality figures, next to the rows they describe (nba_orchestration.daily_quality)
        upstream = [t for t in RUN_ORDER if t.asset_name in table.upstream_assets]
        record_daily_quality(
            warehouse, frame, dates, day_info, outcomes, blocking, table, upstream, computed_at=processed_at, run_id=run_id
        )
    rows = frame.groupby(pd.to_datetime(frame[table.partition_column]).dt.date).size() if len(frame) else pd.Series(dtype="int64")
    shown = previews(frame, table.partition_column, dates)
    info = day_info.set_index(day_info["date"].dt.date)
    per_date = {
        day: DateResult(
            date=day,
            rows=int(rows.get(day, 0)),
            rows_deleted=written.deleted_by_date.get(day, 0),
            games_scheduled=int(info.at[day, "games_scheduled"]),
            skip_reason=check_inputs.skip_reason(day),
            red_checks=tuple(red.get(day, ())),
            preview=shown[day],
        )
        for day in dates
    }
    t5 = clock()
    return TableRun(
        table=table,
        dates=tuple(dates),
        per_date=per_date,
        outcomes=tuple(outcomes),
        events=events,
        rows_written=written.rows_written,
        bytes_processed=written.bytes_processed,
        seconds=dict(zip(STAGES, (t1 - t0, t2 - t1, t3 - t2, t4 - t3, t5 - t4))),
    )
