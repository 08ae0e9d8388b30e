"""Input contracts of the Phase 4 transforms: a value that breaks one stops the run with a clear error.

A bad upstream value (negative minutes, makes above attempts, a team code the schedule does not
know) would otherwise flow silently into rolling averages. The error names the table, the date of
the first offending row, the column and the rule, so the Phase 3 row can be found and fixed.
"""

from __future__ import annotations

import pandas as pd


class InputContractError(ValueError):
    """An upstream row breaks a rule a Phase 4 transform relies on."""


def check_rule(
    frame: pd.DataFrame,
    table: str,
    date_column: str,
    column: str,
    bad_rows: pd.Series,
    rule: str,
) -> None:
    """Raise InputContractError when any row of `frame` is flagged in the boolean mask `bad_rows`.

    `bad_rows` must be False where a NULL is allowed: NULL-tolerant masks are the caller's choice.
    The first offending row is the earliest by `date_column`.
    """
    flagged = bad_rows.fillna(False).astype(bool)
    if not flagged.any():
        return
    offenders = frame.loc[flagged]
    first = offenders.sort_values(date_column, kind="stable").iloc[0]
    date = pd.Timestamp(first[date_column]).date().isoformat()
    raise InputContractError(
        f"{table}: {int(flagged.sum())} row(s) break the rule '{rule}' on column {column}; "
        f"first on {date_column}={date} ({column}={first[column]!r})"
    )
