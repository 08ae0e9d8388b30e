"""The events of a real range run with partitioned checks, and the rows a storage makes of them.

`range_run_events()` materializes a small partitioned asset with two partitioned checks over a three-day
range (one check fails on one day) in a throwaway instance, and returns every event the run stored,
plus three events Dagster's path handles in other ways: an evaluation of a partition the run did not
plan (no planned row to update: inserted), one of a check without partitions, and one without a run.
`stored_rows(storage)` reads back the two tables check events write, with everything but the row's own
creation time, in id order: two storages given the same events in the same order must return equal rows.
"""

from __future__ import annotations

import warnings

import dagster as dg
import sqlalchemy as db
from dagster_shared.record import copy

from nba_features.defs.asset_checks import close_check_outputs
from nba_features.lib.dagster_internals import AssetCheckExecutionsTable, SqlEventLogStorageTable

DAYS = dg.DailyPartitionsDefinition(start_date="2024-01-01", end_date="2024-01-10")
RANGE = ("2024-01-02", "2024-01-03", "2024-01-04")
FAILING = ("rows_match", "2024-01-03")


def _asset() -> dg.AssetsDefinition:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # partitioned check specs are a preview feature
        specs = [dg.AssetCheckSpec(name, asset="box", partitions_def=DAYS) for name in ("rows_match", "no_nulls")]

    @dg.asset(name="box", partitions_def=DAYS, check_specs=specs, backfill_policy=dg.BackfillPolicy.single_run())
    def box(context):
        yield dg.MaterializeResult(metadata={"rows": 3})
        for day in context.partition_keys:
            for name in ("rows_match", "no_nulls"):
                yield dg.AssetCheckEvaluation(
                    asset_key=dg.AssetKey("box"), check_name=name, partition=day, passed=(name, day) != FAILING,
                    metadata={"day": day},
                )  # fmt: skip
        yield from close_check_outputs(context)

    return box


def range_run_events() -> list[dg.EventLogEntry]:
    with dg.instance_for_test() as instance:
        result = dg.materialize(
            [_asset()],
            instance=instance,
            tags={"dagster/asset_partition_range_start": RANGE[0], "dagster/asset_partition_range_end": RANGE[-1]},
        )
        assert result.success
        events = [record.event_log_entry for record in instance.get_records_for_run(result.run_id).records]
    evaluation = next(e for e in events if e.dagster_event_type == dg.DagsterEventType.ASSET_CHECK_EVALUATION)
    data = evaluation.dagster_event.event_specific_data
    unplanned = evaluation._replace(
        dagster_event=evaluation.dagster_event._replace(event_specific_data=copy(data, partition="2024-01-09"))
    )
    unpartitioned = evaluation._replace(
        dagster_event=evaluation.dagster_event._replace(event_specific_data=copy(data, partition=None))
    )
    runless = evaluation._replace(run_id="")
    return [*events, unplanned, unpartitioned, runless]


def stored_rows(storage) -> dict[str, list[dict]]:
    tables = {"event_logs": SqlEventLogStorageTable, "asset_check_executions": AssetCheckExecutionsTable}
    rows = {}
    with storage.index_connection() as conn:
        for name, table in tables.items():
            columns = [c for c in table.c if c.name != "create_timestamp"]  # the database's clock, per row
            result = conn.execute(db.select(*columns).order_by(table.c.id))
            rows[name] = [dict(row._mapping) for row in result]
    return rows
