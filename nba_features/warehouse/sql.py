"""SQL is written once, in BigQuery dialect; this module translates it for DuckDB.

Every value reaches SQL as a named query parameter (`@name`); identifiers come from the table
contracts only. The dialect differences the project relies on, and where they are handled:
- `@param` → DuckDB `$param` (sqlglot), values bound by the driver, never formatted into SQL;
- `x IN UNNEST(@list)` → `x IN (SELECT UNNEST($list))` (sqlglot);
- `DATE_SUB(@d, INTERVAL n DAY)`, `DATE_DIFF`, `SAFE_DIVIDE`, `COUNTIF`, `QUALIFY` (sqlglot);
- BigQuery types in DDL → DuckDB types (`duckdb_type` below);
- `dataset.table` → `project.<prefix>dataset.table` on BigQuery (warehouse.bigquery).
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Mapping
from typing import Any

import sqlglot
from sqlglot import exp

_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def validate_identifier(name: str) -> str:
    """Reject anything but a plain identifier before it is placed into SQL text."""
    if not _IDENTIFIER.match(name):
        raise ValueError(f"invalid SQL identifier {name!r}")
    return name


@functools.lru_cache(maxsize=512)
def to_duckdb(sql: str) -> str:
    """Translate one BigQuery-dialect statement to DuckDB."""
    statements = sqlglot.transpile(sql, read="bigquery", write="duckdb")
    if len(statements) != 1:
        raise ValueError("one statement per query")
    return statements[0]


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
