"""Statement limits in both warehouses: a real DuckDB query interrupted by the timer, a BigQuery job on a paused
emulator cancelled at its limit; the error names the tables and the purpose, is not transient, and a Dagster step
that hits it gives the `warehouse` pool's slot back."""

from __future__ import annotations

import os
import signal
import threading
import time

import dagster as dg
import pytest

from nba_features.lib.run_outcome import run_outcome
from nba_features.warehouse import DuckDBWarehouse
from nba_features.warehouse.base import QueryTimeoutError, TransientWarehouseError
from nba_features_tests.automation.conftest import instance_config

# 3,000 rows cross-joined three ways: 2.7e10 combinations, hours on one thread, so only the timer ends it
SLOW_SQL = """
SELECT COUNT(*) AS n FROM nba_orchestration.probe a CROSS JOIN nba_orchestration.probe b CROSS JOIN nba_orchestration.probe c
WHERE a.x + b.x + c.x < @limit
"""
LABELS = {"asset": "ml_feature_store_v2", "extract": "slow_probe"}


def probe_warehouse(path, timeout: float) -> DuckDBWarehouse:
    warehouse = DuckDBWarehouse(path, query_timeout=timeout)
    warehouse.execute_native("CREATE SCHEMA IF NOT EXISTS nba_orchestration")
    warehouse.execute_native("CREATE TABLE nba_orchestration.probe AS SELECT CAST(i AS DOUBLE) AS x FROM range(3000) t(i)")
    return warehouse


def test_a_duckdb_statement_past_its_limit_is_interrupted_and_named(tmp_path):
    warehouse = probe_warehouse(tmp_path / "w.duckdb", timeout=1.0)
    started = time.monotonic()
    with pytest.raises(QueryTimeoutError) as raised:
        warehouse.query(SLOW_SQL, {"limit": 1e12}, labels=LABELS)
    elapsed = time.monotonic() - started
    assert 1.0 <= elapsed < 10, elapsed  # interrupted at the limit, and not retried
    assert not isinstance(raised.value, TransientWarehouseError)
    message = str(raised.value)
    assert "interrupted after 1 s" in message
    assert "nba_orchestration.probe" in message and "asset=ml_feature_store_v2, extract=slow_probe" in message
    # the connection is usable afterwards: the file is not left locked or in a broken state
    assert int(warehouse.query("SELECT COUNT(*) AS n FROM nba_orchestration.probe")["n"].iloc[0]) == 3000


def test_quick_statements_are_untouched_by_the_limit(tmp_path):
    warehouse = probe_warehouse(tmp_path / "w.duckdb", timeout=1.0)
    for _ in range(3):
        assert int(warehouse.query("SELECT COUNT(*) AS n FROM nba_orchestration.probe")["n"].iloc[0]) == 3000
    time.sleep(1.2)  # a timer left running would interrupt nothing now: every timer was cancelled with its statement


def test_a_timed_out_step_fails_with_its_root_cause_and_releases_the_pool_slot(tmp_path):
    path = tmp_path / "w.duckdb"
    probe_warehouse(path, timeout=1.0)

    @dg.asset(pool="warehouse")
    def slow_asset() -> None:
        DuckDBWarehouse(path, query_timeout=1.0).query(SLOW_SQL, {"limit": 1e12}, labels=LABELS)

    @dg.asset(pool="warehouse")
    def quick_asset() -> None:
        DuckDBWarehouse(path, query_timeout=1.0).query("SELECT 1 AS one")

    home = tmp_path / "home"
    home.mkdir()
    with dg.instance_for_test(overrides=instance_config(home)) as instance:
        failed = dg.materialize([slow_asset], instance=instance, raise_on_error=False)
        assert not failed.success
        outcome = run_outcome(instance, failed.run_id)
        assert [(f.step, f.kind, f.error_class) for f in outcome.failures] == [
            ("slow_asset", "query timeout", "QueryTimeoutError")
        ]
        assert "extract=slow_probe" in outcome.failures[0].message
        info = instance.event_log_storage.get_concurrency_info("warehouse")
        assert info.slot_count == 1 and not info.claimed_slots and not info.pending_steps
        assert dg.materialize([quick_asset], instance=instance).success  # the one slot is free for the next run


@pytest.mark.bigquery
def test_a_bigquery_job_on_a_paused_emulator_is_cancelled_at_its_limit(bigquery_emulator, bigquery_warehouse):
    """The emulator does not enforce `job_timeout_ms` (the limit BigQuery itself applies); pausing the process
    (SIGSTOP) makes the job's API calls hang, which the client-side limit and the cancel call must bound."""
    bigquery_warehouse.query_timeout = 2.0
    bigquery_warehouse.query("SELECT 1 AS one")  # the client and its connection are ready before the pause
    os.kill(bigquery_emulator.pid, signal.SIGSTOP)
    safety = threading.Timer(60, os.kill, (bigquery_emulator.pid, signal.SIGCONT))  # never leave it paused
    safety.start()
    started = time.monotonic()
    try:
        with pytest.raises(QueryTimeoutError) as raised:
            bigquery_warehouse.query("SELECT COUNT(*) AS n FROM nba_reference.nba_schedule", labels=LABELS)
    finally:
        os.kill(bigquery_emulator.pid, signal.SIGCONT)
        safety.cancel()
    elapsed = time.monotonic() - started
    message = str(raised.value)
    assert "nba_reference.nba_schedule" in message and "extract=slow_probe" in message and "cancelled after 2 s" in message
    assert not isinstance(raised.value, TransientWarehouseError)  # state unknown: not retried
    assert elapsed < 2.0 + 2.0 + 5, elapsed  # the limit, plus the cancel call bounded by the limit
    assert int(bigquery_warehouse.query("SELECT 1 AS one")["one"].iloc[0]) == 1  # resumed: the warehouse works again


@pytest.mark.bigquery
def test_every_bigquery_query_job_carries_the_limit(bigquery_warehouse):
    bigquery_warehouse.query_timeout = 42.0
    assert int(bigquery_warehouse._job_config({}, LABELS).job_timeout_ms) == 42_000  # the API carries it as a string
    assert int(bigquery_warehouse.query("SELECT 1 AS one", labels=LABELS)["one"].iloc[0]) == 1  # and accepts it
