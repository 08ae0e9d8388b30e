"""Check definitions and outcomes, independent of Dagster.

A check is evaluated per partition date and yields one CheckOutcome per date of the run, days without
games included (they pass with their reason). The one outcome without a date is a refused write (the
live table does not match schemas/), which is about the whole write. The Dagster layer turns outcomes
into asset-check evaluations; `quality/events.py` turns failed ones into rows of
nba_orchestration.data_quality_events.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import pandas as pd

Severity = Literal["ERROR", "WARN"]


@dataclass(frozen=True)
class CheckOutcome:
    check_name: str
    game_date: dt.date | None  # None only for a refused write (`table_checks.schema_check_failure`)
    passed: bool
    severity: Severity
    metric_name: str
    metric_value: float | None
    threshold: str
    description: str
    details: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class CheckInputs:
    """What a check sees: the rows just written for the run's dates, plus context it may need."""

    table: str
    dates: Sequence[dt.date]
    frame: pd.DataFrame  # the rows written for `dates`
    day_info: pd.DataFrame  # one row per date: date, season_year, is_bootstrap, games_scheduled, ...
    upstream_materialized: Mapping[dt.date, frozenset[str]] = field(default_factory=dict)
    # for checks that compare with other tables or a trailing window (bounded, parameterised reads)
    warehouse: Any = None
    # reads shared by several checks of one run, made once per run (see `cached`)
    cache: dict = field(default_factory=dict)

    def cached(self, key: str, load: Callable[[], Any]) -> Any:
        if key not in self.cache:
            self.cache[key] = load()
        return self.cache[key]

    def day(self, day: dt.date) -> pd.Series:
        # indexed once per run: checks ask for every date, and re-indexing each time dominated range runs
        by_date = self.cached("day_info_by_date", lambda: self.day_info.set_index(self.day_info["date"].dt.date))
        return by_date.loc[day]

    def skip_reason(self, day: dt.date) -> str | None:
        """Why a date has nothing to judge (no games, bootstrap), or None."""
        reasons = self.cached("skip_reasons", dict)  # every check asks for every date: worked out once per date
        if day not in reasons:
            info = self.day(day)
            if info["games_scheduled"] == 0:
                reasons[day] = "no games scheduled"
            elif bool(info["is_bootstrap"]):
                reasons[day] = "bootstrap day (first 14 days of the season)"
            else:
                reasons[day] = None
        return reasons[day]


@dataclass(frozen=True)
class CheckDefinition:
    name: str
    description: str
    severity: Severity
    blocking: bool
    evaluate: Callable[[CheckInputs], list[CheckOutcome]]
