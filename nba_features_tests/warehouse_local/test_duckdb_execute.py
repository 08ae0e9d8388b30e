"""Warehouse.execute returns the number of rows the statement changed (the callers report it), on DuckDB as on
BigQuery's num_dml_affected_rows; execute_native (DuckDB SQL for tests and tools) binds its parameters. Found by
tools/mutation.py (docs/MUTATION.md).
"""

from __future__ import annotations

from nba_features.warehouse import DuckDBWarehouse


def test_execute_returns_the_rows_changed(tmp_path):
    warehouse = DuckDBWarehouse(tmp_path / "warehouse.duckdb")
    warehouse.execute_native("CREATE SCHEMA s; CREATE TABLE s.t (k INT64); INSERT INTO s.t VALUES (1), (2), (3)")
    assert warehouse.execute("UPDATE s.t SET k = k + 10 WHERE k >= 2") == 2
    assert warehouse.execute("DELETE FROM s.t WHERE k = 1") == 1
    assert warehouse.execute("DELETE FROM s.t WHERE k = 1") == 0


def test_execute_native_binds_its_parameters(tmp_path):
    warehouse = DuckDBWarehouse(tmp_path / "warehouse.duckdb")
    assert warehouse.execute_native("SELECT ?::BIGINT + 1 AS x", [41])["x"].tolist() == [42]
