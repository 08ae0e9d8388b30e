"""The project's SQLite event log writes check events as Dagster's own storage does, row for row
(nba_features/lib/check_event_writes.py): the same events stored in the same order by both storages
leave equal `event_logs` and `asset_check_executions` rows, for planned evaluations of a range, passed
and failed evaluations, one with no planned row, one without a partition and one without a run."""

from __future__ import annotations

import dagster as dg
from dagster._core.storage.event_log.sql_event_log import SqlEventLogStorage

from nba_features.lib.check_event_writes import OneTransactionCheckEvaluations
from nba_features.lib.dagster_internals import ConsolidatedSqliteEventLogStorage
from nba_features.lib.instance_storage import PooledSqliteEventLogStorage
from nba_features_tests.automation._check_event_replay import FAILING, RANGE, range_run_events, stored_rows


def test_check_events_are_stored_as_dagster_stores_them(tmp_path):
    events = range_run_events()
    kinds = [e.dagster_event_type for e in events if e.is_dagster_event]
    assert kinds.count(dg.DagsterEventType.ASSET_CHECK_EVALUATION_PLANNED) == 2
    assert kinds.count(dg.DagsterEventType.ASSET_CHECK_EVALUATION) == 2 * 3 + 3

    dagsters, ours = (
        ConsolidatedSqliteEventLogStorage(str(tmp_path / "dagster")),
        PooledSqliteEventLogStorage(str(tmp_path / "ours")),
    )
    for storage in (dagsters, ours):
        for event in events:
            storage.store_event(event)
    expected, got = stored_rows(dagsters), stored_rows(ours)
    ours.dispose()
    dagsters.dispose()

    assert got == expected
    executions = expected["asset_check_executions"]
    # what the rows say: every planned (check, day) of the range resolved, the failing one failed
    of_the_run = {
        (r["check_name"], r["partition"]): r["execution_status"] for r in executions if r["partition"] in RANGE and r["run_id"]
    }
    assert of_the_run == {
        (name, day): "FAILED" if (name, day) == FAILING else "SUCCEEDED" for name in ("rows_match", "no_nulls") for day in RANGE
    }
    assert {r["partition"] for r in executions} == {*RANGE, "2024-01-09", None}  # the inserted rows too


def test_the_storage_takes_the_cheaper_path_and_dagster_still_has_the_methods_it_replaces():
    assert PooledSqliteEventLogStorage.store_event is OneTransactionCheckEvaluations.store_event
    # the planned-evaluation override replaces a private method: an upgrade renaming it must fail here
    for name in ("_store_asset_check_evaluation_planned", "_event_to_row", "_event_insert_timestamp", "index_transaction"):
        assert callable(getattr(SqlEventLogStorage, name)), name
