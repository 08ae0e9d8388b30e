"""What every Phase 4 output row shares: which dates get rows, the audit stamp, data_hash, the contract's dtypes."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence

import numpy as np
import pandas as pd

from nba_features.contracts import contract
from nba_features.phase4.seasons import season_frame
from nba_features.phase4.spec import RunInfo


def output_dates(dates: Sequence[dt.date], schedule: pd.DataFrame) -> pd.DataFrame:
    """The run's dates that get rows: games scheduled, inside a season, past its 14 bootstrap days."""
    calendar = season_frame(dates, schedule)
    keep = (calendar["games_scheduled"] > 0) & calendar["season_year"].notna() & ~calendar["is_bootstrap"]
    calendar = calendar[keep]
    return calendar.assign(
        season_year=calendar["season_year"].astype("int64"), days_into_season=calendar["days_into_season"].astype("int64")
    ).reset_index(drop=True)


def run_timestamp(run: RunInfo) -> pd.Timestamp:
    """processed_at / created_at of every row the run writes (UTC)."""
    stamp = pd.Timestamp(run.processed_at).as_unit("ns")
    return stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp.tz_convert("UTC")


def sha16(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def field_texts(field: str, series: pd.Series) -> list[str]:
    """'field:value' per row for data_hash: dates ISO, floats repr, integers and booleans plain, NULL 'NULL'.

    Built with one C-level map per column (`'field:%r' % value`), not a call per value: a season range
    hashes millions of values.
    """
    if pd.api.types.is_datetime64_any_dtype(series):
        naive = series.dt.tz_localize(None) if series.dt.tz is not None else series  # the wall date, as strftime
        values, template = naive.to_numpy(dtype="datetime64[D]").astype(str).tolist(), f"{field}:%s"
    elif pd.api.types.is_float_dtype(series):
        values, template = series.to_numpy(dtype="float64", na_value=np.nan).tolist(), f"{field}:%r"
    else:  # integers, booleans (str(True) == 'True'), text
        values, template = series.tolist(), f"{field}:%s"
    texts = list(map(template.__mod__, values))
    for row in np.flatnonzero(series.isna().to_numpy()):
        texts[row] = f"{field}:NULL"
    return texts


def data_hashes(frame: pd.DataFrame, fields: Sequence[str]) -> list[str]:
    """Per row: first 16 hex chars of SHA-256 over the sorted 'field:value' pairs, '|'-joined."""
    if frame.empty:
        return []
    parts = [field_texts(field, frame[field]) for field in sorted(fields)]
    return list(map(sha16, map("|".join, zip(*parts))))


_PANDAS_DTYPES = {  # docs/CONVENTIONS.md: (BigQuery type, nullable) → pandas dtype
    ("INT64", False): "int64", ("INT64", True): "Int64", ("FLOAT64", False): "float64", ("FLOAT64", True): "float64",
    ("BOOL", False): "bool", ("BOOL", True): "boolean", ("DATE", False): "datetime64[ns]", ("DATE", True): "datetime64[ns]",
    ("TIMESTAMP", False): "datetime64[ns, UTC]", ("TIMESTAMP", True): "datetime64[ns, UTC]",
}  # fmt: skip


def conform_to_contract(frame: pd.DataFrame, table: str) -> pd.DataFrame:
    """The contract's columns, in order, with the dtypes docs/CONVENTIONS.md gives their types.

    Columns that already have their dtype are not copied: a season of the feature store is ~200 MB per copy.
    """
    columns = {}
    for column in contract(table).columns:
        series = frame[column.name]
        if column.base_type == "TIMESTAMP":
            series = pd.to_datetime(series, utc=True)
        columns[column.name] = series.astype(_PANDAS_DTYPES.get((column.base_type, column.nullable), "object"), copy=False)
    return pd.DataFrame(columns, copy=False)


def empty_output(table: str) -> pd.DataFrame:
    """A run without rows (no games, bootstrap): the contract's columns and dtypes, no rows."""
    return conform_to_contract(pd.DataFrame({name: [] for name in contract(table).column_names}), table)


def stamp_and_hash(out: pd.DataFrame, run: RunInfo, hash_fields: Sequence[str]) -> pd.DataFrame:
    """The audit columns every Phase 4 row carries: processed_at = created_at = the run's stamp, and
    data_hash over the table's metric fields (so unchanged inputs give an unchanged hash)."""
    stamp = run_timestamp(run)
    out["processed_at"] = stamp
    out["created_at"] = stamp
    out["data_hash"] = data_hashes(out, hash_fields)
    return out
