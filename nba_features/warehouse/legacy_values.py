"""Writing into a live table that holds documented legacy types (docs/LEGACY.md#type-compatibility).

A FLOAT64 contract column stored as NUMERIC(p, s) in a legacy table receives the frame's floats as
`decimal.Decimal` values rounded to the live scale, half away from zero (what BigQuery does on insert),
from the float's shortest decimal spelling (`repr`), so 2.675 rounds to 2.68 as the legacy writer's
literal would. A value with more integer digits than the type holds is refused before anything is
written, naming the table, column, row key and value: BigQuery would reject the whole statement.
"""

from __future__ import annotations

import decimal

import numpy as np
import pandas as pd

from nba_features.contracts import ContractError, TableContract
from nba_features.contracts.legacy_types import Numeric, numeric_type


def _decimal(value: float, numeric: Numeric) -> decimal.Decimal:
    return decimal.Decimal(repr(float(value))).quantize(decimal.Decimal(1).scaleb(-numeric.scale), rounding=decimal.ROUND_HALF_UP)


def _shown(value: object) -> object:
    return value.date() if isinstance(value, pd.Timestamp) else value


def to_live_types(table: TableContract, frame: pd.DataFrame, live_types: dict[str, str]) -> tuple[TableContract, pd.DataFrame]:
    """The contract as the live table types it, and the prepared frame with those columns as rounded Decimals."""
    converted = frame.copy(deep=False)
    for name, live_type in live_types.items():
        numeric = numeric_type(live_type)
        if numeric is None:
            raise ContractError(f"{table.full_name}.{name}: live type {live_type} is not a fixed-point type")
        limit = decimal.Decimal(10) ** numeric.integer_digits
        values = converted[name]
        present = values.notna().to_numpy()
        rounded = np.full(len(values), None, dtype=object)
        rounded[present] = [_decimal(v, numeric) for v in values.to_numpy()[present]]
        overflow = [i for i in np.flatnonzero(present) if abs(rounded[i]) >= limit]
        if overflow:
            row = converted.iloc[overflow[0]]
            key = ", ".join(f"{k}={_shown(row[k])}" for k in table.primary_key) or f"row {overflow[0]}"
            raise ContractError(
                f"{table.full_name}.{name}: {len(overflow)} value(s) overflow the live type {numeric.spelling}, "
                f"e.g. {float(values.iloc[overflow[0]])!r} at {key}; nothing was written (docs/LEGACY.md#type-compatibility)"
            )
        converted[name] = pd.Series(rounded, index=converted.index, dtype=object)
    return table.with_types({name: numeric_type(t).spelling for name, t in live_types.items()}), converted
