"""Value coercions the Phase 4 transforms share: warehouse columns as plain floats, flags and day numbers.

Warehouse frames arrive with nullable dtypes (`Int64`, `boolean`), `Decimal` values from NUMERIC columns
(docs/RULES.md#legacy-column-types) or dates as `datetime.date`; the transforms compute on float64 / bool /
int64 day numbers, converted here, one name per conversion.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd


def as_float_series(series: pd.Series) -> pd.Series:
    """A column as a float64 Series on the same index; NULL and values that are not numbers become NaN."""
    return pd.to_numeric(series, errors="coerce").astype("float64")


def as_float_array(series: pd.Series) -> np.ndarray:
    """A numeric column as a float64 array with NaN for NULL (nullable Int64 / boolean included); a value that
    is not a number raises."""
    numeric = pd.to_numeric(series, errors="raise")
    if isinstance(numeric.dtype, pd.api.extensions.ExtensionDtype):
        return numeric.to_numpy(dtype="float64", na_value=np.nan)
    return numeric.astype("float64").to_numpy()


def as_flag(series: pd.Series) -> pd.Series:
    """A BOOL column as plain bool, NULL read as FALSE."""
    return series.astype("boolean").fillna(False).astype(bool)


def day_numbers(dates: pd.Series | pd.DatetimeIndex | np.ndarray) -> np.ndarray:
    """Days since 1970-01-01 as int64 (dates are midnight timestamps)."""
    return np.asarray(pd.to_datetime(dates).to_numpy(dtype="datetime64[ns]").astype("datetime64[D]").astype(np.int64))


def rounded(values: pd.Series | np.ndarray, decimals: int) -> np.ndarray:
    """Values rounded to `decimals` as float64, with -0.0 turned into 0.0 so equal values print (and hash) the same."""
    return np.round(np.asarray(values, dtype="float64"), decimals) + 0.0


def with_datetime_columns(
    inputs: Mapping[str, pd.DataFrame], date_columns: Mapping[str, Sequence[str]]
) -> dict[str, pd.DataFrame]:
    """The extracts named in `date_columns`, their date columns as datetime64[ns] whatever the warehouse returned."""
    return {
        name: inputs[name].assign(**{c: pd.to_datetime(inputs[name][c]).astype("datetime64[ns]") for c in columns})
        for name, columns in date_columns.items()
    }
