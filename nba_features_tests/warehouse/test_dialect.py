"""BigQuery SQL written once: each construct gives BigQuery's documented result on both warehouses.

Every case is a BigQuery-dialect statement with the result BigQuery gives (values and the dtypes of
docs/CONVENTIONS.md). It runs on the embedded DuckDB warehouse (translated by warehouse/sql.py, result
types by `duckdb_frame`) and on the BigQuery emulator (the BigQuery warehouse's `conform_result`).
The cases are the constructs the project's SQL uses and the ones whose DuckDB spelling means something
else (see docs/ARCHITECTURE.md, "Dialect differences").
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pytest

from nba_features.warehouse import DuckDBWarehouse, Warehouse
from nba_features.warehouse.sql import to_duckdb

SUNDAY = dt.date(2024, 1, 14)


@dataclass(frozen=True)
class Case:
    sql: str
    expected: list[dict]
    dtypes: dict[str, str] = field(default_factory=dict)
    params: dict = field(default_factory=dict)


CASES = {
    "date arithmetic returns DATE": Case(
        "SELECT DATE_SUB(@d, INTERVAL 3 DAY) AS earlier, DATE_ADD(@d, INTERVAL 1 MONTH) AS later, "
        "[DATE_SUB(@d, INTERVAL 1 DAY)] AS days, DATE_DIFF(@d, DATE '2024-01-01', DAY) AS elapsed",
        [
            {
                "earlier": pd.Timestamp("2024-01-11"),
                "later": pd.Timestamp("2024-02-14"),
                "days": [dt.date(2024, 1, 13)],
                "elapsed": 13,
            }
        ],
        {"earlier": "datetime64[ns]", "later": "datetime64[ns]", "elapsed": "int64"},
        {"d": SUNDAY},
    ),
    "DAYOFWEEK counts from Sunday = 1": Case(
        "SELECT EXTRACT(DAYOFWEEK FROM @d) AS sunday, EXTRACT(DAYOFWEEK FROM DATE_ADD(@d, INTERVAL 6 DAY)) AS saturday",
        [{"sunday": 1, "saturday": 7}],
        {"sunday": "int64", "saturday": "int64"},
        {"d": SUNDAY},
    ),
    "sums of integers are INT64": Case(
        "SELECT SUM(IF(x > 1, 1, 0)) AS above, SUM(x) AS total, COUNTIF(x > 2) AS counted, 7 / 2 AS ratio "
        "FROM UNNEST([1, 2, 3]) AS x",
        [{"above": 2, "total": 6, "counted": 1, "ratio": 3.5}],
        {"above": "int64", "total": "int64", "counted": "int64", "ratio": "float64"},
    ),
    "an integer column with NULLs is Int64": Case(
        "SELECT x, SUM(x) OVER (ORDER BY x ROWS BETWEEN 1 PRECEDING AND 1 PRECEDING) AS previous "
        "FROM UNNEST([1, 2]) AS x ORDER BY x",
        [{"x": 1, "previous": None}, {"x": 2, "previous": 1}],
        {"x": "int64", "previous": "Int64"},
    ),
    "NULLs sort first ascending, last descending": Case(
        "SELECT x, ROW_NUMBER() OVER (ORDER BY x) AS ascending, ROW_NUMBER() OVER (ORDER BY x DESC) AS descending "
        "FROM UNNEST([3, NULL, 1]) AS x ORDER BY x",
        [
            {"x": None, "ascending": 1, "descending": 3},
            {"x": 1, "ascending": 2, "descending": 2},
            {"x": 3, "ascending": 3, "descending": 1},
        ],
        {"x": "Int64", "ascending": "int64", "descending": "int64"},
    ),
    "GREATEST, LEAST and CONCAT of a NULL are NULL": Case(
        "SELECT GREATEST(1, NULL) AS g, LEAST(1, NULL) AS l, CONCAT('a', NULL) AS c, CONCAT('a', 'b') AS ab",
        [{"g": None, "l": None, "c": None, "ab": "ab"}],
    ),
    "SAFE_DIVIDE by zero is NULL": Case(
        "SELECT SAFE_DIVIDE(1, 0) AS by_zero, SAFE_DIVIDE(3, 2) AS half",
        [{"by_zero": None, "half": 1.5}],
        {"by_zero": "float64", "half": "float64"},
    ),
    "IN UNNEST of an array parameter, QUALIFY, running SUM(IF())": Case(
        "SELECT x, SUM(IF(x > 1, 1, 0)) OVER (ORDER BY x) AS running FROM UNNEST([1, 2, 3, 4]) AS x "
        "WHERE x IN UNNEST(@wanted) QUALIFY ROW_NUMBER() OVER (ORDER BY x DESC) <= 2 ORDER BY x",
        [{"x": 2, "running": 1}, {"x": 4, "running": 2}],
        {"x": "int64", "running": "int64"},
        {"wanted": [1, 2, 4]},
    ),
    "a NULL array is an empty one": Case(
        "SELECT CAST(NULL AS ARRAY<INT64>) AS nothing, [1, 2] AS numbers",
        [{"nothing": [], "numbers": [1, 2]}],
    ),
    "nested DATE and TIMESTAMP values": Case(
        "SELECT STRUCT(@d AS day, [@d] AS days, TIMESTAMP '2024-01-14 10:00:00+00' AS at) AS detail",
        [{"detail": {"day": SUNDAY, "days": [SUNDAY], "at": dt.datetime(2024, 1, 14, 10, tzinfo=dt.UTC)}}],
        {},
        {"d": SUNDAY},
    ),
}


def plain(value):
    if isinstance(value, np.generic):
        return value.item()
    if value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and np.isnan(value)):
        return None
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    return value


def assert_bigquery_result(warehouse: Warehouse, case: Case) -> None:
    frame = warehouse.query(case.sql, case.params)
    records = [{k: plain(v) for k, v in row.items()} for row in frame.to_dict("records")]
    assert records == case.expected
    for record in records:  # the same value of another type (a datetime for a date, 2.0 for 2) is not the same
        for name, value in record.items():
            expected = next(r for r in case.expected if r == record)[name]
            assert type(value) is type(expected) or expected is None, f"{name}: {value!r} is not a {type(expected).__name__}"
    assert {name: str(frame[name].dtype) for name in case.dtypes} == case.dtypes


@pytest.fixture(scope="module")
def duckdb_warehouse(tmp_path_factory) -> DuckDBWarehouse:
    return DuckDBWarehouse(tmp_path_factory.mktemp("dialect") / "warehouse.duckdb")


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_duckdb_gives_bigquerys_result(duckdb_warehouse, case):
    assert_bigquery_result(duckdb_warehouse, case)


@pytest.mark.bigquery
@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_bigquery_emulator_gives_bigquerys_result(bigquery_warehouse, case):
    assert_bigquery_result(bigquery_warehouse, case)


def test_translations_that_change_meaning_are_explicit():
    """sqlglot alone would give DuckDB a TIMESTAMP for DATE_SUB and a Sunday of 0."""
    assert to_duckdb("SELECT DATE_SUB(@d, INTERVAL 3 DAY) AS x") == "SELECT CAST($d - INTERVAL '3' DAY AS DATE) AS x"
    assert to_duckdb("SELECT EXTRACT(DAYOFWEEK FROM @d) AS x") == "SELECT (EXTRACT(DAYOFWEEK FROM $d) + 1) AS x"
    assert to_duckdb("SELECT x FROM t ORDER BY x") == "SELECT x FROM t ORDER BY x NULLS FIRST"
    with pytest.raises(ValueError, match="one statement"):
        to_duckdb("SELECT 1; SELECT 2")
