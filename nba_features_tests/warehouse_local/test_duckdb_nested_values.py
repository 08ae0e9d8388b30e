"""DuckDB results in the shapes the BigQuery warehouse gives (docs/RULES.md#units; docs/ARCHITECTURE.md): values
inside ARRAY and STRUCT are plain Python values of their own types, and only EXTRACT(DAYOFWEEK) is shifted to
BigQuery's 1 = Sunday.
Found by tools/mutation.py (docs/MUTATION.md): these rows were never read back nested.
"""

from __future__ import annotations

import datetime as dt

from nba_features.warehouse import DuckDBWarehouse


def test_struct_fields_keep_their_types(tmp_path):
    warehouse = DuckDBWarehouse(tmp_path / "warehouse.duckdb")
    row = warehouse.query(
        "SELECT STRUCT(7 AS n, CAST(1.5 AS FLOAT64) AS x, 'a' AS s, DATE '2024-01-16' AS d, TIMESTAMP '2024-01-16 10:30:00+00' AS t) AS v"
    ).iloc[0]
    value = row["v"]
    assert value == {"n": 7, "x": 1.5, "s": "a", "d": dt.date(2024, 1, 16), "t": dt.datetime(2024, 1, 16, 10, 30, tzinfo=dt.UTC)}
    assert type(value["n"]) is int and type(value["x"]) is float
    assert value["t"].utcoffset() == dt.timedelta(0)


def test_array_of_timestamps_are_utc_datetimes(tmp_path):
    warehouse = DuckDBWarehouse(tmp_path / "warehouse.duckdb")
    value = warehouse.query("SELECT [TIMESTAMP '2024-01-16 10:30:00+00', TIMESTAMP '2024-01-17 00:00:00+00'] AS v").iloc[0]["v"]
    assert value == [dt.datetime(2024, 1, 16, 10, 30, tzinfo=dt.UTC), dt.datetime(2024, 1, 17, tzinfo=dt.UTC)]


def test_only_dayofweek_is_shifted(tmp_path):
    warehouse = DuckDBWarehouse(tmp_path / "warehouse.duckdb")
    # 2024-01-16 is a Tuesday: BigQuery's DAYOFWEEK is 3 (Sunday = 1); the other parts are unchanged
    row = warehouse.query(
        "SELECT EXTRACT(DAYOFWEEK FROM DATE '2024-01-16') AS dow, EXTRACT(YEAR FROM DATE '2024-01-16') AS y, "
        "EXTRACT(MONTH FROM DATE '2024-01-16') AS m, EXTRACT(DAY FROM DATE '2024-01-16') AS d"
    ).iloc[0]
    assert (row["dow"], row["y"], row["m"], row["d"]) == (3, 2024, 1, 16)


def test_array_elements_are_plain_python_values(tmp_path):
    warehouse = DuckDBWarehouse(tmp_path / "warehouse.duckdb")
    row = warehouse.query(
        "SELECT [1, 2] AS i, [CAST(0.5 AS FLOAT64), 1.5] AS f, [DATE '2024-01-16', DATE '2024-01-17'] AS d"
    ).iloc[0]
    assert row["i"] == [1, 2] and all(type(v) is int for v in row["i"])
    assert row["f"] == [0.5, 1.5] and all(type(v) is float for v in row["f"])
    assert row["d"] == [dt.date(2024, 1, 16), dt.date(2024, 1, 17)]
