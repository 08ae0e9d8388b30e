"""Check evaluations stored at a third of Dagster's cost, same rows.

A range run of a season stores one check evaluation per check and date (33 checks x ~270 dates). Dagster
stores each in two transactions (the event row, then its `asset_check_executions` row), serialises the
event once per statement and builds each statement anew; the planned evaluations of a range are
serialised again for every partition of it. Measured on the 2-core machine: ~1.7 ms an evaluation, 16 s
of a 55 s season run whose chain took 27 s (bench/RESULTS.md, "Dagster's overhead").

Here an evaluation of a run is one transaction of prepared statements with one serialisation; a planned
evaluation serialises its event once for all its partitions. Rows and columns are exactly Dagster's
(`nba_features_tests/instance/test_check_event_writes.py` compares the two stores row by row), so an
instance can switch between this storage and Dagster's. Everything else is Dagster's code path.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as db

from nba_features.lib.dagster_internals import (
    AssetCheckExecutionRecordStatus,
    AssetCheckExecutionsTable,
    DagsterEventType,
    SqlEventLogStorageTable,
    serialize_value,
)

_COLUMNS = AssetCheckExecutionsTable.c

# bound parameters, not literal values: the statement compiles once per engine
_INSERT_EVENT = SqlEventLogStorageTable.insert()
_INSERT_EXECUTION = AssetCheckExecutionsTable.insert()
_UPDATE_EXECUTION = (
    AssetCheckExecutionsTable.update()
    .where(
        # (asset, check, run, partition): the row the run's planned evaluation created
        _COLUMNS.asset_key == db.bindparam("key_asset"),
        _COLUMNS.check_name == db.bindparam("key_check"),
        _COLUMNS.run_id == db.bindparam("key_run"),
        _COLUMNS.partition == db.bindparam("key_partition"),
    )
    .values(
        execution_status=db.bindparam("new_status"),
        evaluation_event=db.bindparam("new_event"),
        evaluation_event_timestamp=db.bindparam("new_timestamp"),
        evaluation_event_storage_id=db.bindparam("new_event_id"),
        materialization_event_storage_id=db.bindparam("new_materialization_id"),
    )
)


def _is_run_evaluation_of_a_partition(event: Any) -> bool:
    dagster_event = event.dagster_event
    return (
        dagster_event is not None
        and dagster_event.event_type == DagsterEventType.ASSET_CHECK_EVALUATION
        and bool(event.run_id)
        and dagster_event.event_specific_data.partition is not None
    )


class OneTransactionCheckEvaluations:
    """Mixin for a Dagster SQL event-log storage (first in the bases): cheaper check-evaluation writes."""

    def store_event(self, event: Any) -> None:
        if not _is_run_evaluation_of_a_partition(event):
            super().store_event(event)  # ty: ignore[unresolved-attribute]
            return
        evaluation = event.dagster_event.event_specific_data
        row = self._event_to_row(event)  # ty: ignore[unresolved-attribute]  - Dagster's own row, serialised once
        serialized, timestamp = row["event"], row["timestamp"]
        asset_key = evaluation.asset_key.to_string()
        status = (
            AssetCheckExecutionRecordStatus.SUCCEEDED if evaluation.passed else AssetCheckExecutionRecordStatus.FAILED
        ).value
        target = evaluation.target_materialization_data
        materialization_id = target.storage_id if target else None
        with self.index_transaction() as conn:  # ty: ignore[unresolved-attribute]
            event_id = conn.execute(_INSERT_EVENT, row).inserted_primary_key[0]
            updated = conn.execute(
                _UPDATE_EXECUTION,
                {
                    "key_asset": asset_key,
                    "key_check": evaluation.check_name,
                    "key_run": event.run_id,
                    "key_partition": evaluation.partition,
                    "new_status": status,
                    "new_event": serialized,
                    "new_timestamp": timestamp,
                    "new_event_id": event_id,
                    "new_materialization_id": materialization_id,
                },
            ).rowcount
            if updated == 0:  # no planned row (a step launched outside the run's plan): Dagster inserts one too
                conn.execute(
                    _INSERT_EXECUTION,
                    {
                        "asset_key": asset_key,
                        "check_name": evaluation.check_name,
                        "partition": evaluation.partition,
                        "run_id": event.run_id,
                        "execution_status": status,
                        "evaluation_event": serialized,
                        "evaluation_event_timestamp": timestamp,
                        "evaluation_event_storage_id": event_id,
                        "materialization_event_storage_id": materialization_id,
                    },
                )
            elif updated > 1:
                raise RuntimeError(
                    f"{updated} planned rows for {evaluation.asset_check_key} partition {evaluation.partition} "
                    f"in run {event.run_id}: the run planned the check twice"
                )

    def _store_asset_check_evaluation_planned(self, event: Any, event_id: int | None) -> None:
        planned = event.dagster_event.event_specific_data
        partition_keys = planned.partitions_subset.get_partition_keys() if planned.partitions_subset else [None]
        serialized = serialize_value(event)  # once for every partition of the range
        timestamp = self._event_insert_timestamp(event)  # ty: ignore[unresolved-attribute]
        rows = [
            {
                "asset_key": planned.asset_key.to_string(),
                "check_name": planned.check_name,
                "partition": partition_key,
                "run_id": event.run_id,
                "execution_status": AssetCheckExecutionRecordStatus.PLANNED.value,
                "evaluation_event": serialized,
                "evaluation_event_timestamp": timestamp,
                "evaluation_event_storage_id": event_id,
                "materialization_event_storage_id": None,
            }
            for partition_key in partition_keys
        ]
        with self.index_transaction() as conn:  # ty: ignore[unresolved-attribute]
            conn.execute(_INSERT_EXECUTION, rows)
