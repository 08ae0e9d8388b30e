"""What the DuckDB warehouse reports about its live tables: whether a table exists and its columns in BigQuery
spelling, None for a table that is not there; what `schema apply` says it created. Found by tools/mutation.py
(docs/MUTATION.md).
"""

from __future__ import annotations

from nba_features.contracts import contract
from nba_features.warehouse import DuckDBWarehouse

TABLE = "nba_orchestration.data_quality_events"


def test_an_applied_table_exists_with_its_contract_columns(warehouse):
    assert warehouse.table_exists(TABLE)
    live = warehouse.live_columns(TABLE)
    assert list(live) == contract(TABLE).column_names
    assert live["metric_value"] == "FLOAT64" and live["event_timestamp"] == "TIMESTAMP" and live["game_date"] == "DATE"


def test_a_missing_table_does_not_exist(warehouse):
    assert not warehouse.table_exists("nba_orchestration.no_such_table")
    assert warehouse.live_columns("nba_orchestration.no_such_table") is None


def test_schema_apply_reports_each_table_it_creates(tmp_path):
    warehouse = DuckDBWarehouse(tmp_path / "warehouse.duckdb")
    assert warehouse.apply_schemas([TABLE, "nba_precompute.player_daily_cache"]) == [
        f"created {TABLE}",
        "created nba_precompute.player_daily_cache",
    ]
    assert warehouse.apply_schemas([TABLE]) == []
