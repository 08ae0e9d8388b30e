"""Rows that satisfy a table's contract, so quality tests state only the columns a check reads.

Every NOT NULL column gets a neutral value of its type, nullable columns are NULL, and the keyword
arguments override both. Frames built from them pass `prepare_frame`, so they can be written to a
real warehouse as they are.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from nba_features.contracts import contract

_NEUTRAL = {
    "STRING": "x",
    "INT64": 0,
    "FLOAT64": 0.0,
    "BOOL": False,
    "DATE": dt.date(2026, 1, 1),
    "TIMESTAMP": pd.Timestamp("2026-01-01 12:00", tz="UTC"),
    "ARRAY": [],
}


def contract_row(table: str, **values) -> dict:
    spec = contract(table)
    unknown = set(values) - set(spec.column_names)
    assert not unknown, f"{table} has no columns {sorted(unknown)}"
    row = {}
    for column in spec.columns:
        if column.name in values:
            row[column.name] = values[column.name]
        elif column.nullable:
            row[column.name] = None
        else:
            row[column.name] = _NEUTRAL[column.base_type]
    return row


def contract_frame(table: str, rows: list[dict]) -> pd.DataFrame:
    """Rows made by `contract_row`, in contract column order with CONVENTIONS.md dtypes."""
    spec = contract(table)
    frame = pd.DataFrame(rows, columns=spec.column_names)
    for column in spec.columns:
        if column.base_type == "DATE":
            frame[column.name] = pd.to_datetime(frame[column.name]).astype("datetime64[ns]")
        elif column.base_type == "TIMESTAMP":
            frame[column.name] = pd.to_datetime(frame[column.name], utc=True)
        elif column.base_type == "FLOAT64":
            frame[column.name] = pd.to_numeric(frame[column.name]).astype("float64")
        elif column.base_type == "INT64":
            frame[column.name] = pd.array(frame[column.name].tolist(), dtype="Int64")
        elif column.base_type == "BOOL":
            frame[column.name] = pd.array(frame[column.name].tolist(), dtype="boolean")
    return frame
