"""Check definitions and outcomes, independent of Dagster.

A check is evaluated per partition date and yields one CheckOutcome per date; the Dagster layer
(`nba_features.quality.dagster_checks`) turns outcomes into asset-check evaluations and failed ones
into rows of nba_orchestration.data_quality_events.
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
    game_date: dt.date
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
    context: Mapping[str, pd.DataFrame] = field(default_factory=dict)  # extra frames (e.g. expected rosters)
    upstream_materialized: Mapping[dt.date, frozenset[str]] = field(default_factory=dict)


@dataclass(frozen=True)
class CheckDefinition:
    name: str
    description: str
    severity: Severity
    blocking: bool
    evaluate: Callable[[CheckInputs], list[CheckOutcome]]
