"""Which DuckDB errors are transient (docs/RELIABILITY.md): a write conflicting with another connection's open
transaction is retried with backoff and goes through once that transaction ends, or fails as a
TransientWarehouseError naming the conflict; a file that is not a database and a misused transaction are data
errors, raised at once without a retry. Found by tools/mutation.py (docs/MUTATION.md).
"""

from __future__ import annotations

import duckdb
import pytest

import nba_features.warehouse.base as base
from nba_features.warehouse import DuckDBWarehouse, TransientWarehouseError
from nba_features.warehouse.duckdb_warehouse import DUCKDB_CONFIG


@pytest.fixture
def held(tmp_path):
    """A warehouse file and a second connection holding an uncommitted update of its one row."""
    warehouse = DuckDBWarehouse(tmp_path / "warehouse.duckdb")
    warehouse.execute_native("CREATE SCHEMA s; CREATE TABLE s.t (k INT64, v INT64); INSERT INTO s.t VALUES (1, 1)")
    other = duckdb.connect(str(warehouse.path), config=DUCKDB_CONFIG)
    other.execute("BEGIN; UPDATE s.t SET v = 2 WHERE k = 1")
    yield warehouse, other
    other.close()


def test_a_conflicting_write_is_retried_until_the_other_transaction_ends(held, monkeypatch):
    warehouse, other = held
    monkeypatch.setattr(base.time, "sleep", lambda seconds: other.execute("COMMIT"))  # the other side commits meanwhile
    warehouse.execute("UPDATE s.t SET v = 3 WHERE k = 1")
    assert warehouse.query("SELECT v FROM s.t")["v"].tolist() == [3]


def test_a_conflict_that_never_ends_fails_as_transient(held, monkeypatch):
    warehouse, _ = held
    monkeypatch.setattr(base.time, "sleep", lambda seconds: None)
    with pytest.raises(TransientWarehouseError, match="Conflict on update"):
        warehouse.execute("UPDATE s.t SET v = 3 WHERE k = 1")


def test_a_file_that_is_not_a_database_is_raised_at_once(tmp_path, monkeypatch):
    sleeps = []
    monkeypatch.setattr(base.time, "sleep", sleeps.append)
    path = tmp_path / "warehouse.duckdb"
    path.write_bytes(b"not a database" * 1000)
    with pytest.raises(duckdb.IOException, match="not a valid DuckDB database file"):
        DuckDBWarehouse(path).query("SELECT 1 AS x")
    assert sleeps == []


def test_a_transaction_error_that_is_no_conflict_is_raised_at_once(tmp_path, monkeypatch):
    sleeps = []
    monkeypatch.setattr(base.time, "sleep", sleeps.append)
    with pytest.raises(duckdb.TransactionException, match="within a transaction"):
        DuckDBWarehouse(tmp_path / "warehouse.duckdb").execute_native("BEGIN; BEGIN")
    assert sleeps == []
