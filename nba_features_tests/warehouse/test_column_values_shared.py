"""One round-trip test for both warehouses: every column kind of schemas/ written and read back exactly.

A value that changes on the way through a warehouse is a quiet defect: a lost array element, a NULL flag read
as False, an integer turned float. Each kind is written twice, with and without NULLs, through the two write
paths (replace_partitions for Phase 4 tables, append for events), and the frame read back must equal one
expected frame, values and dtypes (docs/CONVENTIONS.md#dataframes-crossing-module-boundaries), whichever
warehouse stored it. The BigQuery variant runs on the offline emulator (marked `bigquery`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import numpy as np
import pandas as pd
import pytest

from nba_features.contracts import TableContract, parse_ddl
from nba_features.warehouse import Warehouse
from nba_features.warehouse.duckdb_warehouse import DuckDBWarehouse
from nba_features_tests.warehouse.conftest import use_contracts

DDL = """
CREATE TABLE IF NOT EXISTS nba_precompute.shared_test_values (
  game_date DATE NOT NULL,
  player_lookup STRING NOT NULL,
  games_played INT64,
  minutes INT64,
  is_starter BOOL,
  is_injured BOOL,
  points FLOAT64,
  issues ARRAY<STRING>,
  detail STRUCT<source STRING, value FLOAT64>,
  processed_at TIMESTAMP NOT NULL,
  PRIMARY KEY (game_date, player_lookup) NOT ENFORCED
)
PARTITION BY game_date
OPTIONS(require_partition_filter=TRUE)
"""
TABLE = "nba_precompute.shared_test_values"
REPLACED, APPENDED = dt.date(2024, 1, 10), dt.date(2024, 1, 11)
AT = pd.Timestamp("2024-01-20 12:00", tz="UTC")

# Per player: the values written. games_played and is_starter never hold NULL; the other nullable columns do
# on one row each. A NULL array is stored as an empty one (BigQuery has no NULL arrays).
WRITTEN = {
    "curry": dict(games_played=5, minutes=34, is_starter=True, is_injured=False, points=27.5,
                  issues=["low_sample", "stale_team"], detail={"source": "box", "value": 1.5}),
    "james": dict(games_played=0, minutes=None, is_starter=False, is_injured=None, points=None,
                  issues=None, detail=None),
    "tatum": dict(games_played=12, minutes=0, is_starter=True, is_injured=True, points=0.0,
                  issues=[], detail={"source": None, "value": None}),
}  # fmt: skip
READ_BACK_ISSUES = {"curry": ["low_sample", "stale_team"], "james": [], "tatum": []}
COLUMNS = ["game_date", "player_lookup", "games_played", "minutes", "is_starter", "is_injured", "points",
           "issues", "detail", "processed_at"]  # fmt: skip


@pytest.fixture
def contract(monkeypatch: pytest.MonkeyPatch) -> TableContract:
    """Both warehouses read this test contract instead of schemas/."""
    return use_contracts(monkeypatch, {TABLE: parse_ddl(DDL)})[TABLE]


@pytest.fixture(params=["duckdb", pytest.param("bigquery", marks=pytest.mark.bigquery)])
def any_warehouse(request: pytest.FixtureRequest, contract: TableContract, tmp_path) -> Iterator[Warehouse]:
    """The test table on an empty DuckDB file, or on the emulator under its own dataset prefix."""
    if request.param == "duckdb":
        warehouse: Warehouse = DuckDBWarehouse(tmp_path / "warehouse.duckdb")
    else:
        warehouse = request.getfixturevalue("bigquery_warehouse")  # warehouse/conftest.py: the session's emulator
    warehouse.apply_schemas([TABLE])
    yield warehouse


def written(day: dt.date) -> pd.DataFrame:
    return pd.DataFrame(
        [{"game_date": pd.Timestamp(day), "player_lookup": player, **values, "processed_at": AT}
         for player, values in WRITTEN.items()]
    )  # fmt: skip


def read_back(warehouse: Warehouse, day: dt.date) -> pd.DataFrame:
    return warehouse.query(
        f"SELECT {', '.join(COLUMNS)} FROM {TABLE} WHERE game_date = @day ORDER BY player_lookup", {"day": day}
    )


def expected(day: dt.date) -> pd.DataFrame:
    players = list(WRITTEN)
    return pd.DataFrame(
        {
            "game_date": pd.Series([pd.Timestamp(day)] * 3, dtype="datetime64[ns]"),
            "player_lookup": pd.Series(players, dtype=object),
            "games_played": pd.Series([5, 0, 12], dtype="int64"),  # no NULL read: plain int64
            "minutes": pd.Series([34, None, 0], dtype="Int64"),  # a NULL read: nullable Int64
            "is_starter": pd.Series([True, False, True], dtype=bool),
            "is_injured": pd.Series([False, None, True], dtype="boolean"),
            "points": pd.Series([27.5, np.nan, 0.0], dtype="float64"),
            "issues": pd.Series([READ_BACK_ISSUES[p] for p in players], dtype=object),
            "detail": pd.Series([{"source": "box", "value": 1.5}, None, {"source": None, "value": None}], dtype=object),
            "processed_at": pd.Series([AT] * 3, dtype="datetime64[ns, UTC]"),
        }
    )


def test_every_column_kind_is_read_back_as_written(any_warehouse):
    assert any_warehouse.replace_partitions(TABLE, [REPLACED], written(REPLACED)).rows_written == 3
    assert any_warehouse.append(TABLE, written(APPENDED)) == 3

    for day in (REPLACED, APPENDED):
        frame = read_back(any_warehouse, day)
        pd.testing.assert_frame_equal(frame, expected(day), check_exact=True)
        # assert_frame_equal compares object columns by value; the values' own types must match too
        assert all(type(v) is list for v in frame["issues"]), frame["issues"].map(type).tolist()
        assert [type(v) for v in frame["detail"]] == [dict, type(None), dict]
