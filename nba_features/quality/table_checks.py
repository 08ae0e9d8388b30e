"""Checks every Phase 4 table has (docs/RULES.md#per-table-checks): rows for the date, unique keys, value ranges, schema.

Each returns one outcome per partition date, never silently skipping one. On no-game days (and, for
the four upstream tables, bootstrap days) row_count_expected expects no rows and says why; rows there
fail it. The feature store writes bootstrap placeholders, so its bootstrap days are counted normally.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence

import pandas as pd

from nba_features.contracts import contract
from nba_features.quality.outcomes import CheckDefinition, CheckInputs, CheckOutcome

SCHEMA_CHECK = "schema_matches_contract"

# date → (minimum, maximum) rows expected for that date, from the inputs the asset already read.
ExpectedRows = Callable[[CheckInputs], Mapping[dt.date, tuple[int, int]]]


def _row_dates(inputs: CheckInputs) -> pd.Series | None:
    """The partition date of each row written (None when nothing was), worked out once per run."""

    def dates() -> pd.Series | None:
        if inputs.frame.empty:
            return None
        return pd.to_datetime(inputs.frame[contract(inputs.table).partition_column]).dt.date

    return inputs.cached("table_checks_row_dates", dates)


def _sums_by_date(inputs: CheckInputs, values: pd.DataFrame) -> dict[dt.date, dict[str, int]]:
    """Per date that has rows, the column sums of `values` (one value per row of the frame).

    One groupby for the whole run instead of a sub-frame per date: a season is hundreds of dates.
    """
    dates = _row_dates(inputs)
    if dates is None:
        return {}
    sums = values.groupby(dates.to_numpy()).sum()
    return {day: {column: int(total) for column, total in row.items()} for day, row in sums.iterrows()}


def row_count_check(expected: ExpectedRows, *, bootstrap_writes_rows: bool = False) -> CheckDefinition:
    def evaluate(inputs: CheckInputs) -> list[CheckOutcome]:
        rows = _sums_by_date(inputs, pd.DataFrame({"rows": 1}, index=inputs.frame.index))
        bounds = expected(inputs)
        outcomes = []
        for day in inputs.dates:
            count = rows.get(day, {}).get("rows", 0)
            reason = inputs.skip_reason(day)
            if reason and not (bootstrap_writes_rows and reason.startswith("bootstrap")):
                passed, description, threshold = count == 0, f"{count} rows; {reason}: none expected", "0"
            else:
                low, high = bounds.get(day, (1, 10**9))
                passed = low <= count <= high
                threshold = f"[{low}, {high}]"
                description = f"{count} rows, expected {threshold} from the roster/teams for the date"
            outcomes.append(
                CheckOutcome("row_count_expected", day, passed, "WARN", "row_count", float(count), threshold, description)
            )
        return outcomes

    return CheckDefinition(
        "row_count_expected", "Rows for the date match the teams/roster the inputs imply", "WARN", False, evaluate
    )


def primary_key_check() -> CheckDefinition:
    def evaluate(inputs: CheckInputs) -> list[CheckOutcome]:
        key = list(contract(inputs.table).primary_key)
        dates = _row_dates(inputs)
        duplicated = {}
        if dates is not None:
            # rows sharing the key within their partition date: the key columns and the date, duplicated together
            keyed = inputs.frame[key].copy()
            keyed.insert(0, "__partition_date__", dates.to_numpy())
            flags = pd.DataFrame({"duplicated": keyed.duplicated(keep=False)}, index=inputs.frame.index)
            duplicated = _sums_by_date(inputs, flags)
        outcomes = []
        for day in inputs.dates:
            duplicates = duplicated.get(day, {}).get("duplicated", 0)
            outcomes.append(
                CheckOutcome(
                    "primary_key_unique",
                    day,
                    duplicates == 0,
                    "ERROR",
                    "duplicate_key_rows",
                    float(duplicates),
                    "0",
                    f"{duplicates} rows share a primary key ({', '.join(key)})",
                )
            )
        return outcomes

    return CheckDefinition("primary_key_unique", "The primary key is unique within the partition", "ERROR", True, evaluate)


def value_range_check(ranges: Mapping[str, tuple[float, float]]) -> CheckDefinition:
    def evaluate(inputs: CheckInputs) -> list[CheckOutcome]:
        outside = {}
        if not inputs.frame.empty:
            flags = {}
            for column, (low, high) in ranges.items():
                values = pd.to_numeric(inputs.frame[column], errors="coerce")
                flags[column] = (values < low) | (values > high)
            outside = _sums_by_date(inputs, pd.DataFrame(flags, index=inputs.frame.index))
        outcomes = []
        for day in inputs.dates:
            violations = {column: bad for column, bad in outside.get(day, {}).items() if bad}
            total = sum(violations.values())
            reason = inputs.skip_reason(day) if day not in outside else None
            outcomes.append(
                CheckOutcome(
                    "values_in_range",
                    day,
                    total == 0,
                    "WARN",
                    "out_of_range_values",
                    float(total),
                    "; ".join(f"{c} in [{lo}, {hi}]" for c, (lo, hi) in ranges.items()),
                    f"passed: {reason}"
                    if reason
                    else "all values in range"
                    if not total
                    else "out of range: " + ", ".join(f"{c} ({n})" for c, n in violations.items()),
                    {"violations": str(violations)} if violations else {},
                )
            )
        return outcomes

    return CheckDefinition("values_in_range", "Metric columns stay inside their documented ranges", "WARN", False, evaluate)


def schema_check() -> CheckDefinition:
    """Passes once the write went through: the live table was compared with schemas/ before it.

    A mismatch never reaches this point: the write is refused with the diff (`schema_check_failure`),
    the failure is recorded as one event about the whole write, and the run fails (docs/RULES.md#schemas).
    """

    def evaluate(inputs: CheckInputs) -> list[CheckOutcome]:
        return [
            CheckOutcome(
                SCHEMA_CHECK,
                day,
                True,
                "ERROR",
                "schema_drift",
                0.0,
                "live table = schemas/ contract",
                "live table matched schemas/ before the write",
            )
            for day in inputs.dates
        ]

    return CheckDefinition(
        SCHEMA_CHECK, "The live table has every column of schemas/ with the contract's types", "ERROR", True, evaluate
    )


def schema_check_failure(dates: Sequence[dt.date], message: str) -> CheckOutcome:
    """The refused write, as one outcome without a date (one event; the asset fails every date with it)."""
    return CheckOutcome(
        SCHEMA_CHECK,
        None,
        False,
        "ERROR",
        "schema_drift",
        None,
        "live table = schemas/ contract",
        message,
        {"dates": f"{min(dates)}..{max(dates)}"},
    )


def standard_checks(
    expected: ExpectedRows, ranges: Mapping[str, tuple[float, float]], *, bootstrap_writes_rows: bool = False
) -> list[CheckDefinition]:
    return [
        schema_check(),
        primary_key_check(),
        row_count_check(expected, bootstrap_writes_rows=bootstrap_writes_rows),
        value_range_check(ranges),
    ]
