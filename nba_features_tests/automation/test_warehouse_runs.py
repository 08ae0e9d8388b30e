"""Runs against the warehouse: concurrent runs of one partition (the warehouse pool), and the retry
policy (transient warehouse errors are retried by Dagster after the warehouse's own backoff; data
errors fail at once)."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import dagster as dg
import pandas as pd
from dagster._core.events import DagsterEventType

from nba_features.phase4.spec import RunInfo, compute_partitions
from nba_features.pipeline.registry import PHASE4_TABLES
from nba_features_tests.automation.conftest import (
    ROOT,
    materialize,
    phase4_definitions,
    rows_on,
    table_missing,
    write_instance_home,
)

DAY = dt.date(2024, 1, 16)
ASSET = "team_defense_zone_analysis"
TABLE = PHASE4_TABLES[ASSET]


STARTS = (DagsterEventType.STEP_START, DagsterEventType.STEP_RESTARTED)
ENDS = (DagsterEventType.STEP_SUCCESS, DagsterEventType.STEP_FAILURE, DagsterEventType.STEP_UP_FOR_RETRY)


def step_attempts(instance, run_id: str) -> list[tuple[int, int]]:
    """(first, last) event-log storage ids of each attempt of the run's step, in the order the instance wrote
    them: from STEP_START (or STEP_RESTARTED after a retry) to STEP_SUCCESS, STEP_FAILURE or STEP_UP_FOR_RETRY.
    Storage ids are the instance's own order of writes, the same for every process on the instance."""
    records = instance.get_records_for_run(run_id, of_type={*STARTS, *ENDS}).records
    attempts, start = [], None
    for record in sorted(records, key=lambda r: r.storage_id):
        event_type = record.event_log_entry.dagster_event.event_type
        if event_type in STARTS:
            assert start is None, f"run {run_id}: a step started twice without ending"
            start = record.storage_id
        else:
            assert start is not None, f"run {run_id}: {event_type} without a start"
            attempts.append((start, record.storage_id))
            start = None
    assert start is None and attempts, f"run {run_id}: a step attempt never ended"
    return attempts


def without_audit_columns(frame: pd.DataFrame) -> pd.DataFrame:
    audit = [c.name for c in TABLE.contract.columns if c.base_type == "TIMESTAMP"]
    key = list(TABLE.contract.primary_key)
    return frame.drop(columns=audit).sort_values(key).reset_index(drop=True)


def test_two_materializations_of_one_partition_at_once_leave_one_correct_partition(league, tmp_path):
    """Two processes materialize the same partition at the same moment on one instance: the
    warehouse pool (limit 1) runs the steps one after the other, both succeed, and the partition
    holds exactly one run's rows."""
    home = write_instance_home(tmp_path / "dagster_home")
    env = {
        **os.environ,
        "DAGSTER_HOME": str(home),
        "NBA_FEATURES_WAREHOUSE": str(league.path),
        "DAGSTER_DISABLE_TELEMETRY": "yes",
    }
    command = [
        str(Path(sys.executable).parent / "nba-features"),
        "materialize",
        "--from",
        DAY.isoformat(),
        "--to",
        DAY.isoformat(),
        "--select",
        ASSET,
    ]
    processes = [
        subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        for _ in range(2)
    ]
    outputs = [p.communicate(timeout=180)[0] for p in processes]
    assert [p.returncode for p in processes] == [0, 0], outputs

    with dg.DagsterInstance.from_config(str(home)) as instance:
        runs = instance.get_runs()
        assert len(runs) == 2 and all(r.status == dg.DagsterRunStatus.SUCCESS for r in runs)
        # Measured in the instance's order of writes, not wall clocks. An overlap here is real: both steps held
        # the pool's one slot (Dagster's SQLite slot claim is not atomic; nba_features/pool_slots.py serialises it).
        first, second = (step_attempts(instance, r.run_id) for r in runs)
        overlapping = [(a, b) for a in first for b in second if a[0] < b[1] and b[0] < a[1]]
        assert not overlapping, (
            f"the warehouse pool lets one step run at a time; attempts overlapping in the event log: {overlapping}"
        )

    written = rows_on(league, TABLE.table, DAY)
    assert len(written) == 30 and not written.duplicated(list(TABLE.contract.primary_key)).any()
    expected = compute_partitions(TABLE, league, [DAY], RunInfo(processed_at=pd.Timestamp.now(tz="UTC")))
    pd.testing.assert_frame_equal(without_audit_columns(written), without_audit_columns(expected), check_dtype=False)


def test_transient_warehouse_errors_are_retried_and_data_errors_are_not(league):
    definitions = phase4_definitions(league)
    # Another process holds the DuckDB file: every connection fails with a lock error (transient).
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb, sys; c = duckdb.connect(sys.argv[1]); print('locked', flush=True); sys.stdin.read()",
            str(league.path),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "locked"
        with dg.instance_for_test() as instance:
            outcome = {}
            run = threading.Thread(target=lambda: outcome.update(result=materialize(definitions, instance, [ASSET], DAY)))
            run.start()

            def put_up_for_retry() -> bool:
                return any(
                    instance.get_records_for_run(r.run_id, of_type=DagsterEventType.STEP_UP_FOR_RETRY).records
                    for r in instance.get_runs()
                )

            deadline = time.monotonic() + 90
            while not put_up_for_retry():
                assert time.monotonic() < deadline and run.is_alive(), "the step was not put up for retry"
                time.sleep(0.2)
            holder.stdin.close()  # the lock is released while Dagster waits to retry
            holder.wait(timeout=30)
            run.join(timeout=90)
            result = outcome["result"]
            assert result.success
            types = [e.event_type_value for e in result.all_events if e.step_key == ASSET]
            # once, unless a loaded machine kept the lock past Dagster's 5 s wait (then twice)
            assert 1 <= types.count("STEP_UP_FOR_RETRY") == types.count("STEP_RESTARTED") and types[-1] == "STEP_SUCCESS"
            retry = next(e for e in result.all_events if e.event_type_value == "STEP_UP_FOR_RETRY")
            assert "TransientWarehouseError" in str(retry.event_specific_data.error.cause or retry.event_specific_data.error)

            with table_missing(league, TABLE.table):  # a data (contract) error: no retry
                failed = materialize(definitions, instance, [ASSET], DAY)
            types = [e.event_type_value for e in failed.all_events if e.step_key == ASSET]
            assert "STEP_FAILURE" in types and "STEP_UP_FOR_RETRY" not in types
    finally:
        if holder.poll() is None:
            holder.kill()
            holder.wait()
