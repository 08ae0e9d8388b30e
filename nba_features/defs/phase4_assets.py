"""Thin Dagster assets over the declarative Phase 4 tables: `run_table`'s result as Dagster events.

Each asset works out its run's partition dates (one date, or a whole backfill range in one run), calls
`pipeline.table_run.run_table`, and maps what happened:
- every date is its own materialization with its own metadata (rows, rows deleted, games, a preview),
  set per partition, so a date never shows another date's or the run's figures; the few run-level
  entries are named `run_...`;
- a red date (a blocking ERROR check failed on it) is not materialized: its rows are written and
  flagged, its failed checks are recorded, and the step fails once every date has been judged, so Dagster
  marks exactly the red dates failed (their planned materialization never came) while every other date
  of the range is materialized. Dagster cannot fail one partition of a range step any other way
  (dagster-io/dagster#17836). Per-date blocking checks therefore live only on the last asset of the
  chain (the feature store), whose red dates have nothing downstream; see docs/ARCHITECTURE.md;
- check outcomes become per-date evaluations (`defs/asset_checks.py`).
Transient warehouse errors are retried inside the warehouse and then twice more by Dagster
(RetryRequested); data errors fail the run at once, before anything is written.
"""

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import replace

import dagster as dg

from nba_features.defs.asset_checks import check_events, check_specs_for, evaluation, latest_materializations
from nba_features.defs.column_schema import column_schema
from nba_features.defs.inputs import source_asset_key
from nba_features.defs.resources import WarehouseResource
from nba_features.partitions import date_range, game_dates, parse_date
from nba_features.phase4.spec import Phase4Table
from nba_features.pipeline.registry import RUN_ORDER, checks_for
from nba_features.pipeline.table_run import DateResult, TableRun, WriteRefusedError, run_table
from nba_features.quality.outcomes import CheckDefinition
from nba_features.warehouse import TransientWarehouseError, Warehouse

PHASE4_GROUP = "phase4"
WAREHOUSE_POOL = "warehouse"
TRANSIENT_RETRIES = 2
RUN_ORDER_PRIORITY = 10  # step priority of the first asset of the run order; each next one is one lower


def run_partition_dates(context: dg.AssetExecutionContext) -> list[dt.date]:
    """The run's dates: one partition or a range (context.partition_key raises in range runs)."""
    window = context.partition_time_window
    start = parse_date(window.start.date().isoformat())
    end = parse_date(window.end.date().isoformat()) - dt.timedelta(days=1)
    return date_range(start, end)


def date_metadata(result: DateResult) -> dict:
    """What is true of one partition: its own rows and games, never the run's totals."""
    metadata = {
        "dagster/row_count": result.rows,
        "rows_deleted": result.rows_deleted,
        "games_scheduled": result.games_scheduled,
        "preview": dg.MetadataValue.md(result.preview),
    }
    if result.skip_reason:
        metadata["note"] = f"{result.skip_reason}: nothing to compute" if result.games_scheduled == 0 else result.skip_reason
    return metadata


def run_metadata(run: TableRun, warehouse: Warehouse) -> dict:
    """Entries about the run that wrote the partition, named as such (true of every partition it wrote)."""
    first, last = run.dates[0], run.dates[-1]
    metadata = {
        "dagster/table_name": run.table.table,
        "run_partition_range": f"{first} .. {last} ({len(run.dates)} dates)",
        "run_seconds": round(run.total_seconds, 3),
        "warehouse": warehouse.kind,
    }
    if run.bytes_processed is not None:
        metadata["run_bytes_processed"] = run.bytes_processed
    return metadata


def materialize_table(
    context: dg.AssetExecutionContext, table: Phase4Table, checks: Sequence[CheckDefinition], warehouse: Warehouse
) -> Iterator[dg.MaterializeResult | dg.AssetMaterialization | dg.AssetCheckEvaluation | dg.Output]:
    dates = run_partition_dates(context)
    try:
        run = run_table(warehouse, table, checks, dates, run_id=context.run.run_id)
    except WriteRefusedError as refused:
        # the refused write fails the schema check on every date of the run (one event was recorded)
        check = next(c for c in checks if c.name == refused.outcome.check_name)
        targets = latest_materializations(context.instance, table.asset_name, [d.isoformat() for d in dates])
        for day in dates:
            yield evaluation(table.asset_name, check, replace(refused.outcome, game_date=day), targets.get(day.isoformat()))
        raise
    except TransientWarehouseError as error:
        raise dg.RetryRequested(max_retries=TRANSIENT_RETRIES, seconds_to_wait=5) from error
    shared = run_metadata(run, warehouse)
    if not run.red_dates:
        for day, result in run.per_date.items():
            context.add_asset_metadata(date_metadata(result), partition_key=day.isoformat())
        yield dg.MaterializeResult(metadata=shared)
    else:
        # only the dates that passed their blocking checks are materialized; the step fails below
        for day in run.green_dates:
            yield dg.AssetMaterialization(
                asset_key=table.asset_name, partition=day.isoformat(), metadata={**shared, **date_metadata(run.per_date[day])}
            )
        context.log.warning(
            f"{table.asset_name}: red dates (not materialized): "
            + "; ".join(f"{day} ({', '.join(names)})" for day, names in sorted(run.red_dates.items()))
        )
    yield from check_events(context, table.asset_name, checks, run.outcomes)


def build_phase4_asset(table: Phase4Table, checks: Sequence[CheckDefinition], run_position: int) -> dg.AssetsDefinition:
    """The asset of `table`, `run_position` in the run order (0 first): independent assets of one run
    (team defense and shot zones; composite factors and the daily cache) start in that order, which a
    higher step priority gives them (Dagster otherwise orders ready steps by name)."""
    deps = [*table.upstream_assets, *(source_asset_key(t) for t in table.source_tables)]

    @dg.asset(
        name=table.asset_name,
        description=table.description,
        partitions_def=game_dates,
        deps=deps,
        group_name=PHASE4_GROUP,
        kinds={"python", "sql"},
        pool=WAREHOUSE_POOL,
        op_tags={"dagster/priority": str(RUN_ORDER_PRIORITY - run_position)},
        backfill_policy=dg.BackfillPolicy.single_run(),
        check_specs=check_specs_for(table.asset_name, checks),
        # a red date is not materialized (see the module docstring), so the output may be absent
        output_required=False,
        metadata={
            "dagster/column_schema": column_schema(table.contract),
            "dagster/table_name": table.table,
            "lookback_days": table.lookback_days,
        },
    )
    def _asset(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
        yield from materialize_table(context, table, checks, warehouse.get())

    return _asset


PHASE4_ASSETS = [build_phase4_asset(table, checks_for(table), position) for position, table in enumerate(RUN_ORDER)]
