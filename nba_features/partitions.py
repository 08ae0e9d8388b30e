"""One partition per game date, in America/New_York.

`end_offset=1` makes today's partition exist: features for tonight's games are computed the same
morning. Days without games are partitions too; they materialize as quick no-ops that say so.
The first partition is `NBA_FEATURES_FIRST_DATE` (default 2021-10-01, the demo league's first season).
"""

from __future__ import annotations

import datetime as dt
import os

import dagster as dg

TIMEZONE = "America/New_York"
FIRST_DATE = os.environ.get("NBA_FEATURES_FIRST_DATE", "2021-10-01")

game_dates = dg.DailyPartitionsDefinition(start_date=FIRST_DATE, timezone=TIMEZONE, end_offset=1)


def parse_date(value: str | dt.date) -> dt.date:
    """A partition key or CLI argument as a date, with a clear error."""
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{value!r} is not a date (expected YYYY-MM-DD)") from None


def date_range(start: dt.date, end: dt.date) -> list[dt.date]:
    return [start + dt.timedelta(days=i) for i in range((end - start).days + 1)]
