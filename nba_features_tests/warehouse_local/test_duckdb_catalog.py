"""What the DuckDB warehouse reports about its live tables: whether a table exists and its columns in BigQuery
spelling, None for a table that is not there. Found by tools/mutation.py (docs/MUTATION.md).
"""

from __future__ import annotations

from nba_features.contracts import contract

TABLE = "nba_orchestration.data_quality_events"


def test_an_applied_table_exists_with_its_contract_columns(warehouse):
    assert warehouse.table_exists(TABLE)
    live = warehouse.live_columns(TABLE)
    assert list(live) == contract(TABLE).column_names
    assert live["metric_value"] == "FLOAT64" and live["event_timestamp"] == "TIMESTAMP" and live["game_date"] == "DATE"


def test_a_missing_table_does_not_exist(warehouse):
    assert not warehouse.table_exists("nba_orchestration.no_such_table")
    assert warehouse.live_columns("nba_orchestration.no_such_table") is None
