"""SQL is written once, in BigQuery dialect; this module translates it for DuckDB.

Every value reaches SQL as a named query parameter (`@name`); identifiers come from the table
contracts only. The dialect differences the project relies on, and where they are handled:
- `@param` → DuckDB `$param` (sqlglot), values bound by the driver, never formatted into SQL;
- `x IN UNNEST(@list)` → `x IN (SELECT UNNEST($list))` (sqlglot);
- `DATE_DIFF`, `SAFE_DIVIDE`, `COUNTIF`, `QUALIFY`, `IF`, `GREATEST`/`LEAST` and `CONCAT` with a
  NULL argument (NULL in BigQuery), `ORDER BY` (NULLs first ascending in BigQuery, in windows and
  aggregates too) (sqlglot);
- `DATE_SUB` / `DATE_ADD` return a DATE in BigQuery but a TIMESTAMP in DuckDB (`date ± interval`):
  cast back to DATE here (`to_duckdb`);
- `EXTRACT(DAYOFWEEK ...)` is 1 (Sunday) .. 7 in BigQuery, 0 .. 6 in DuckDB: + 1 here (`to_duckdb`);
- result types (`duckdb_frame`): BigQuery's one integer type is INT64, but DuckDB sums integers into
  HUGEINT (which pandas receives as float64) and keeps INTEGER literals 32-bit; BigQuery has no NULL
  arrays (an absent array is empty); nested DATE and TIMESTAMP values come back as datetime.date and
  UTC datetimes, as the BigQuery warehouse returns them;
- BigQuery types in DDL → DuckDB types (`duckdb_type` below);
- `dataset.table` → `project.<prefix>dataset.table` on BigQuery (warehouse.bigquery_warehouse).
Not translated, so not to be used: week-based date parts (`WEEK`: Sunday-based in BigQuery, ISO in
DuckDB), `IGNORE NULLS` in aggregates (sqlglot drops it) and `COUNTIF(...) OVER (...)` (valid on both,
but the test emulator rejects it: use `SUM(IF(..., 1, 0)) OVER (...)`).
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Mapping
from typing import Any

import duckdb
import numpy as np
import pandas as pd
import sqlglot
from sqlglot import exp

_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def validate_identifier(name: str) -> str:
    """Reject anything but a plain identifier before it is placed into SQL text."""
    if not _IDENTIFIER.match(name):
        raise ValueError(f"invalid SQL identifier {name!r}")
    return name


def _bigquery_semantics(node: exp.Expression) -> exp.Expression:
    """Rewrite the constructs sqlglot transpiles to DuckDB with another meaning than BigQuery's."""
    if isinstance(node, (exp.DateAdd, exp.DateSub)):
        return exp.cast(node, exp.DataType.Type.DATE)
    if isinstance(node, exp.Extract) and node.name.upper() == "DAYOFWEEK":
        return exp.paren(exp.Add(this=node, expression=exp.Literal.number(1)))
    return node


@functools.lru_cache(maxsize=512)
def to_duckdb(sql: str) -> str:
    """Translate one BigQuery-dialect statement to DuckDB."""
    statements = sqlglot.parse(sql, read="bigquery")
    if len(statements) != 1 or statements[0] is None:
        raise ValueError("one statement per query")
    return statements[0].transform(_bigquery_semantics).sql(dialect="duckdb")


# --- results ---------------------------------------------------------------------------------
_DUCKDB_INTEGERS = frozenset(
    {"tinyint", "smallint", "integer", "bigint", "hugeint", "utinyint", "usmallint", "uinteger", "ubigint", "uhugeint"}
)
# Element types whose values .tolist() already gives as the Python values BigQuery's do.
_DUCKDB_PLAIN_ELEMENTS = _DUCKDB_INTEGERS | {"float", "double", "varchar", "boolean", "decimal"}


def is_null_value(value: Any) -> bool:
    """Whether a value of a result frame (or of an array or struct in it) is NULL."""
    return value is None or value is pd.NA or value is pd.NaT or (isinstance(value, np.datetime64) and np.isnat(value))


def array_values(value: Any) -> list:
    """The elements of an array value as a list (numpy datetimes stay numpy: .tolist() would turn
    nanosecond ones into integers)."""
    if isinstance(value, np.ndarray):
        return list(value) if value.dtype.kind == "M" else value.tolist()
    return list(value)


def _duckdb_value(value: Any, kind: duckdb.typing.DuckDBPyType) -> Any:
    """A nested value as the BigQuery warehouse returns it: lists, dicts, dates, UTC datetimes."""
    if kind.id == "list":
        if is_null_value(value):
            return []  # BigQuery has no NULL arrays
        values = array_values(value)
        if kind.child.id in _DUCKDB_PLAIN_ELEMENTS:
            return values
        return [_duckdb_value(v, kind.child) for v in values]
    if is_null_value(value):
        return None
    if kind.id == "struct":
        return {name: _duckdb_value(value.get(name), child) for name, child in kind.children}
    if kind.id == "date":
        return pd.Timestamp(value).date()
    if kind.id == "timestamp with time zone":
        stamp = pd.Timestamp(value)
        return (stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp.tz_convert("UTC")).to_pydatetime()
    if kind.id in _DUCKDB_INTEGERS:
        return int(value)
    return value.item() if isinstance(value, np.generic) else value


def duckdb_frame(result: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The frame of an executed DuckDB query, with the types BigQuery gives the same rows.

    Every integer column is INT64 (`int64`, or `Int64` with NULLs): DuckDB's SUM of integers is a
    HUGEINT, which pandas receives as float64. ARRAY and STRUCT values are lists and dicts with
    datetime.date for DATE and UTC datetimes for TIMESTAMP, and a NULL array is an empty one.
    """
    types = {name: kind for name, kind, *_ in result.description}
    frame = result.df()
    for name, kind in types.items():
        series = frame[name]
        if kind.id in _DUCKDB_INTEGERS:
            frame[name] = series.astype("Int64") if series.isna().any() else series.astype("int64")
        elif kind.id in ("list", "struct"):
            frame[name] = series.map(lambda value, kind=kind: _duckdb_value(value, kind)).astype(object)
    return frame


def parameter_names(sql: str) -> set[str]:
    return {p.name for p in sqlglot.parse_one(sql, read="bigquery").find_all(exp.Parameter)}


def check_parameters(sql: str, params: Mapping[str, Any] | None) -> dict[str, Any]:
    """Every @name in the SQL has a value and every value is used; dates are plain dates."""
    params = dict(params or {})
    wanted = parameter_names(sql)
    missing = wanted - params.keys()
    unused = params.keys() - wanted
    if missing or unused:
        raise ValueError(f"query parameters do not match: missing {sorted(missing)}, unused {sorted(unused)}")
    for name, value in params.items():
        if isinstance(value, dt.datetime):
            raise TypeError(f"parameter {name!r}: pass a datetime.date for DATE columns, not a datetime")
    return params


def duckdb_type(bq_type: str) -> str:
    """DuckDB spelling of a BigQuery column type from schemas/."""
    parsed = exp.DataType.build(bq_type, dialect="bigquery")
    return parsed.sql("duckdb")


def bigquery_param_type(value: Any) -> tuple[str, str | None]:
    """(type, array element type) of a query parameter for the BigQuery client."""
    if isinstance(value, (list, tuple)):
        if not value:
            raise ValueError("empty array parameters have no type; filter in Python instead")
        return "ARRAY", bigquery_param_type(value[0])[0]
    if isinstance(value, bool):
        return "BOOL", None
    if isinstance(value, int):
        return "INT64", None
    if isinstance(value, float):
        return "FLOAT64", None
    if isinstance(value, dt.datetime):
        return "TIMESTAMP", None
    if isinstance(value, dt.date):
        return "DATE", None
    if isinstance(value, str):
        return "STRING", None
    raise TypeError(f"unsupported query parameter value {value!r}")
