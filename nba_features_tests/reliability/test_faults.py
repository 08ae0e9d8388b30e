"""Faults: a process killed inside a partition write, warehouse errors that clear up and those that do not,
a changed column type of a live output table, and a data error through the Dagster asset.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import dagster as dg
import pandas as pd
import pytest
from google.api_core import exceptions as api_exceptions

import nba_features.warehouse.base as base
from nba_features.contracts import ContractError
from nba_features.warehouse import DuckDBWarehouse, TransientWarehouseError
from nba_features.warehouse.bigquery_warehouse import BigQueryError, BigQueryWarehouse
from nba_features_tests.reliability.conftest import D1, D2, materialize, rows_of, step_failures

ROOT = Path(__file__).resolve().parents[2]
PDC_TABLE = "nba_precompute.player_daily_cache"


def start_process(*arguments: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "nba_features_tests.reliability._processes", *arguments],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


def wait_for(path: Path, process: subprocess.Popen, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not path.exists():
        if process.poll() is not None:
            raise AssertionError(f"the process ended before {path.name}: {process.stderr.read()}")
        if time.monotonic() > deadline:
            process.kill()
            raise AssertionError(f"no {path.name} within {timeout}s")
        time.sleep(0.02)


def retries(result: dg.ExecuteInProcessResult) -> int:
    return sum(e.event_type_value == "STEP_UP_FOR_RETRY" for e in result.all_events)


# --- a process killed inside the write ------------------------------------------------------------
def test_a_process_killed_inside_a_partition_write_leaves_the_partition_as_it_was(league, tmp_path):
    before = rows_of(league, PDC_TABLE, [D1])
    other = rows_of(league, PDC_TABLE, [D2])
    marker = tmp_path / "inside_the_write"
    writer = start_process("write-and-hang", str(league.path), PDC_TABLE, D1.isoformat(), str(marker))
    try:
        wait_for(marker, writer)  # the DELETE of D1 has run; the INSERT is under way, uncommitted
        os.kill(writer.pid, signal.SIGKILL)
        assert writer.wait(timeout=30) == -signal.SIGKILL
    finally:
        if writer.poll() is None:
            writer.kill()
            writer.wait()
    pd.testing.assert_frame_equal(rows_of(league, PDC_TABLE, [D1]), before, check_exact=True)
    pd.testing.assert_frame_equal(rows_of(league, PDC_TABLE, [D2]), other, check_exact=True)
    assert len(before) > 0
    # the file is healthy: the next write goes through
    assert league.replace_partitions(PDC_TABLE, [D1], before).rows_written == len(before)
    pd.testing.assert_frame_equal(rows_of(league, PDC_TABLE, [D1]), before, check_exact=True)


# --- warehouse errors -----------------------------------------------------------------------------
def hold_lock(path: Path, seconds: float) -> subprocess.Popen:
    """A process that holds the DuckDB file lock for `seconds` (prints 'locked' once it does)."""
    holder = subprocess.Popen(
        [sys.executable, "-c", f"import duckdb, time; c = duckdb.connect({str(path)!r}); print('locked', flush=True); time.sleep({seconds})"],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert holder.stdout.readline().strip() == "locked"
    return holder


def test_a_locked_file_is_retried_with_backoff_until_the_lock_is_released(league, monkeypatch):
    delays = []
    real_sleep = time.sleep
    monkeypatch.setattr(base.time, "sleep", lambda seconds: (delays.append(seconds), real_sleep(seconds)))
    holder = hold_lock(league.path, 1.0)
    try:
        assert league.query("SELECT 1 AS x")["x"].tolist() == [1]
    finally:
        holder.kill()
        holder.wait()
    assert len(delays) >= 2 and delays == [0.2 * 2**i for i in range(len(delays))]  # exponential backoff


@pytest.mark.slow
def test_a_lock_that_is_never_released_fails_the_asset_cleanly_after_retries(league, monkeypatch):
    """The warehouse retries the lock with backoff, the asset asks Dagster for two more attempts
    (RetryRequested, 5 s apart), then the run fails naming the file and the lock; nothing is written.
    Backoff sleeps are shortened (time.sleep is one function for the warehouse and Dagster)."""
    real_sleep = time.sleep
    monkeypatch.setattr(base.time, "sleep", lambda seconds: real_sleep(min(seconds, 0.05)))
    before = rows_of(league, PDC_TABLE, [D1])
    holder = hold_lock(league.path, 120)
    try:
        result = materialize(league, "player_daily_cache", D1.isoformat())
    finally:
        holder.kill()
        holder.wait()
    assert not result.success and retries(result) == 2
    (failure,) = step_failures(result)
    assert "Exceeded max_retries of 2" in failure and f"TransientWarehouseError: {league.path}: " in failure, failure
    assert "lock" in failure, failure
    pd.testing.assert_frame_equal(rows_of(league, PDC_TABLE, [D1]), before, check_exact=True)


def test_a_data_error_is_not_retried(league, monkeypatch):
    connections = []
    real_connect = DuckDBWarehouse.connect
    monkeypatch.setattr(DuckDBWarehouse, "connect", lambda self: (connections.append(1), real_connect(self))[1])
    with pytest.raises(Exception, match="does_not_exist"):
        league.query("SELECT * FROM nba_analytics.does_not_exist")
    assert len(connections) == 1


@pytest.mark.parametrize(
    "error",
    [
        api_exceptions.ServiceUnavailable("backend unavailable"),
        api_exceptions.InternalServerError("internal error"),
        api_exceptions.TooManyRequests("quota exceeded"),
        api_exceptions.Forbidden("Exceeded rate limits", errors=[{"reason": "rateLimitExceeded"}]),
    ],
    ids=["http_503", "http_500", "http_429", "rate_limit_exceeded"],
)
def test_transient_bigquery_errors_are_retried_with_backoff_then_fail_cleanly(error, monkeypatch):
    delays = []
    monkeypatch.setattr(base.time, "sleep", delays.append)
    attempts = []

    def failing():
        attempts.append(1)
        raise error

    with pytest.raises(TransientWarehouseError, match=r"^query: "):
        BigQueryWarehouse("my-project")._call("query", failing)
    assert len(attempts) == 6 and delays == [0.2, 0.4, 0.8, 1.6, 3.2]


def test_bigquery_data_errors_are_raised_at_once_with_their_reason(monkeypatch):
    monkeypatch.setattr(base.time, "sleep", lambda seconds: pytest.fail("a data error must not be retried"))
    attempts = []

    def rejected():
        attempts.append(1)
        raise api_exceptions.BadRequest("Invalid value for column", errors=[{"reason": "invalid"}])

    with pytest.raises(BigQueryError, match=r"replace partitions of t: BigQuery rejected it \(invalid\)"):
        BigQueryWarehouse("my-project")._call("replace partitions of t", rejected)
    assert len(attempts) == 1


# --- data errors and schema drift through the asset -----------------------------------------------
def test_an_input_contract_error_fails_the_asset_at_once_and_writes_nothing(league):
    league.execute_native(
        "INSERT INTO nba_analytics.player_game_summary SELECT * FROM nba_analytics.player_game_summary "
        "WHERE game_date = DATE '2024-01-12' ORDER BY player_lookup LIMIT 1"
    )
    before = rows_of(league, PDC_TABLE, [D1])
    result = materialize(league, "player_daily_cache", D1.isoformat())
    assert not result.success and retries(result) == 0
    (failure,) = step_failures(result)
    assert "InputContractError: nba_analytics.player_game_summary: 2 row(s) break the rule 'one row per" in failure
    assert "game_date=2024-01-12" in failure
    pd.testing.assert_frame_equal(rows_of(league, PDC_TABLE, [D1]), before, check_exact=True)


def test_a_changed_column_type_is_reported_and_refuses_the_write(league):
    league.execute_native(f"ALTER TABLE {PDC_TABLE} ALTER points_avg_last_5 TYPE VARCHAR")
    diff = league.schema_diff(PDC_TABLE)
    assert [(d.column, d.problem, d.expected, d.live) for d in diff.drift] == [("points_avg_last_5", "type", "FLOAT64", "STRING")]
    before = rows_of(league, PDC_TABLE, [D1])
    with pytest.raises(ContractError, match=r"refusing to write: .*points_avg_last_5 type \(contract FLOAT64, live STRING\)"):
        league.replace_partitions(PDC_TABLE, [D1], before)
    with pytest.raises(ContractError, match="points_avg_last_5: live type STRING differs from contract FLOAT64"):
        league.apply_schemas([PDC_TABLE])
    pd.testing.assert_frame_equal(rows_of(league, PDC_TABLE, [D1]), before, check_exact=True)
