"""Query parameters typed for the BigQuery client (warehouse/sql.py: bigquery_param_type): a plain function,
tested without the emulator. An empty array has no element type and is refused by name (callers filter in
Python instead). Found by tools/mutation.py (docs/MUTATION.md).
"""

from __future__ import annotations

import datetime as dt

import pytest

from nba_features.warehouse.sql import bigquery_param_type


@pytest.mark.parametrize(
    "value,expected",
    [
        (True, ("BOOL", None)),
        (3, ("INT64", None)),
        (1.5, ("FLOAT64", None)),
        ("a", ("STRING", None)),
        (dt.date(2024, 1, 16), ("DATE", None)),
        (dt.datetime(2024, 1, 16, 10, tzinfo=dt.UTC), ("TIMESTAMP", None)),
        ([1, 2], ("ARRAY", "INT64")),
        (("a",), ("ARRAY", "STRING")),
        ([dt.date(2024, 1, 16)], ("ARRAY", "DATE")),
    ],
)
def test_parameter_types(value, expected):
    assert bigquery_param_type(value) == expected


def test_empty_array_is_refused_by_name():
    with pytest.raises(ValueError, match="empty array"):
        bigquery_param_type([])
