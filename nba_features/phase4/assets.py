"""Thin Dagster assets over the declarative Phase 4 tables.

Each asset: work out the run's partition dates (one date, or a whole backfill range in one run),
read through the warehouse resource with the table's bounded extracts, call the pure transform,
replace the partitions atomically, evaluate the table's checks per date, and return row counts,
a preview and the check results. Transient warehouse errors are retried inside the warehouse and
then once more by Dagster (RetryRequested); data errors fail the run at once, leaving the previous
partition intact.
"""


import datetime as dt
import time
from collections.abc import Iterator, Sequence

import dagster as dg
import pandas as pd

from nba_features.partitions import date_range, game_dates, parse_date
from nba_features.phase4.seasons import SCHEDULE_SQL, season_frame
from nba_features.phase4.spec import Phase4Table, RunInfo, extract_inputs
from nba_features.quality.dagster_checks import check_events, check_specs_for, schema_check_failure
from nba_features.quality.events import record_failures
from nba_features.quality.outcomes import CheckDefinition, CheckInputs
from nba_features.sources.assets import source_asset_key
from nba_features.warehouse import TransientWarehouseError, Warehouse, WarehouseResource
from nba_features.warehouse.base import SchemaDriftError
from nba_features.contracts.dagster_metadata import column_schema

PHASE4_GROUP = "phase4"
WAREHOUSE_POOL = "warehouse"
PREVIEW_ROWS = 10
PREVIEW_COLUMNS = 14


def run_partition_dates(context: dg.AssetExecutionContext) -> list[dt.date]:
    """The run's dates: one partition or a range (context.partition_key raises in range runs)."""
    window = context.partition_time_window
    start = parse_date(window.start.date().isoformat())
    end = parse_date(window.end.date().isoformat()) - dt.timedelta(days=1)
    return date_range(start, end)


def upstream_materialized(warehouse: Warehouse, table: Phase4Table, dates: Sequence[dt.date]) -> dict[dt.date, frozenset[str]]:
    """For each date, the upstream Phase 4 assets whose tables hold rows for it (decision: traceability)."""
    from nba_features.phase4.registry import PHASE4_TABLES  # the registry imports this module's callers

    found: dict[dt.date, set[str]] = {d: set() for d in dates}
    for name in table.upstream_assets:
        upstream = PHASE4_TABLES[name]
        counts = warehouse.query(
            f"SELECT {upstream.partition_column} AS d, COUNT(*) AS n FROM {upstream.table} "
            f"WHERE {upstream.partition_column} BETWEEN @start_date AND @end_date GROUP BY 1",
            {"start_date": min(dates), "end_date": max(dates)},
        )
        for day in pd.to_datetime(counts["d"]).dt.date:
            found[day].add(name)
    return {d: frozenset(names) for d, names in found.items()}


def _preview(frame: pd.DataFrame) -> str:
    if frame.empty:
        return "(no rows)"
    columns = [c for c in frame.columns if not c.startswith("feature_") and frame[c].map(lambda v: not isinstance(v, (list, dict))).all()]
    return frame[columns[:PREVIEW_COLUMNS]].head(PREVIEW_ROWS).to_markdown(index=False)


def _rows_per_date(frame: pd.DataFrame, column: str, dates: Sequence[dt.date]) -> pd.Series:
    counts = frame.groupby(pd.to_datetime(frame[column]).dt.date).size() if len(frame) else pd.Series(dtype="int64")
    return pd.Series({d: int(counts.get(d, 0)) for d in dates})


def materialize_table(
    context: dg.AssetExecutionContext, table: Phase4Table, checks: Sequence[CheckDefinition], warehouse: Warehouse
) -> Iterator[dg.MaterializeResult | dg.AssetCheckResult | dg.AssetCheckEvaluation]:
    dates = run_partition_dates(context)
    started = time.perf_counter()
    processed_at = pd.Timestamp.now(tz="UTC").floor("us")
    try:
        run = RunInfo(processed_at=processed_at, upstream_materialized=upstream_materialized(warehouse, table, dates))
        schedule = warehouse.query(SCHEDULE_SQL, {"start_date": min(dates), "end_date": max(dates)})
        # the extracts are freed when the transform returns, not kept through the write (peak memory of a season)
        frame = table.transform(extract_inputs(table, warehouse, dates), dates, run)
        try:
            written = warehouse.replace_partitions(
                table.table, dates, frame, labels={"asset": table.asset_name, "partition": f"{min(dates)}_{max(dates)}"}
            )
        except SchemaDriftError as error:
            failure = schema_check_failure(dates, str(error))
            record_failures(warehouse, [failure], table=table.table, run_id=context.run.run_id)
            # the failed check is recorded against every partition of the run before the run fails
            for day in dates:
                yield dg.AssetCheckEvaluation(
                    asset_key=dg.AssetKey(table.asset_name), check_name=failure.check_name, passed=False,
                    severity=dg.AssetCheckSeverity.ERROR, description=failure.description, blocking=True,
                    partition=day.isoformat(),
                )
            raise
    except TransientWarehouseError as error:
        raise dg.RetryRequested(max_retries=2, seconds_to_wait=5) from error
    elapsed = time.perf_counter() - started

    day_info = season_frame(dates, schedule)
    outcomes = []
    check_inputs = CheckInputs(
        table=table.table, dates=dates, frame=frame, day_info=day_info,
        upstream_materialized=run.upstream_materialized, warehouse=warehouse,
    )
    for check in checks:
        outcomes.extend(check.evaluate(check_inputs))
    record_failures(warehouse, [o for o in outcomes if not o.passed], table=table.table, run_id=context.run.run_id)

    per_date = _rows_per_date(frame, table.partition_column, dates)
    no_game_dates = [d.isoformat() for d, games in zip(day_info["date"].dt.date, day_info["games_scheduled"]) if games == 0]
    metadata = {
        "dagster/row_count": int(len(frame)),
        "dagster/table_name": table.table,
        "partition_dates": f"{min(dates)} .. {max(dates)} ({len(dates)} dates)",
        "rows_per_date": dg.MetadataValue.md(per_date.rename("rows").to_frame().T.to_markdown() if len(dates) <= 31 else per_date.describe().to_frame("rows per date").to_markdown()),
        "rows_deleted": written.rows_deleted,
        "no_game_dates": ", ".join(no_game_dates[:40]) + (" ..." if len(no_game_dates) > 40 else "") if no_game_dates else "none",
        "preview": dg.MetadataValue.md(_preview(frame)),
        "seconds": round(elapsed, 3),
        "warehouse": warehouse.kind,
    }
    if written.bytes_processed is not None:
        metadata["bytes_processed"] = written.bytes_processed
    yield dg.MaterializeResult(metadata=metadata)
    no_games = frozenset(day_info.loc[day_info["games_scheduled"] == 0, "date"].dt.date)
    yield from check_events(context, table.asset_name, checks, outcomes, no_games)


def build_phase4_asset(table: Phase4Table, checks: Sequence[CheckDefinition]) -> dg.AssetsDefinition:
    deps = [*table.upstream_assets, *(source_asset_key(t) for t in table.source_tables)]

    @dg.asset(
        name=table.asset_name,
        description=table.description,
        partitions_def=game_dates,
        deps=deps,
        group_name=PHASE4_GROUP,
        kinds={"python", "sql"},
        pool=WAREHOUSE_POOL,
        backfill_policy=dg.BackfillPolicy.single_run(),
        check_specs=check_specs_for(table.asset_name, checks),
        metadata={
            "dagster/column_schema": column_schema(table.contract),
            "dagster/table_name": table.table,
            "lookback_days": table.lookback_days,
        },
    )
    def _asset(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
        yield from materialize_table(context, table, checks, warehouse.get())

    return _asset
