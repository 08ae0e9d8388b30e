"""The declarative shape of a Phase 4 table: its extracts, its pure transform, its lineage.

Nothing here imports Dagster: a Phase4Table can be computed by tests straight from a warehouse
(`compute_partitions`), and `nba_features.defs.phase4_assets` turns each one into a thin partitioned asset.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import TypeVar

import pandas as pd

from nba_features.contracts import TableContract, contract
from nba_features.phase4.inputs import SCHEDULE_TABLE
from nba_features.phase4.seasons import SEASON_START_PARAMETER, season_start_of
from nba_features.phase4.validation import InputTableMissingError
from nba_features.warehouse.base import TransientWarehouseError, Warehouse
from nba_features.warehouse.sql import parameter_names


@dataclass(frozen=True)
class Extract:
    """One bounded, partition-pruned extract query.

    `sql` is BigQuery dialect with the parameters @start_date and @end_date (the first and last
    partition date of the run). Every predicate on a date-partitioned table bounds the partition
    column between DATE_SUB(@start_date, INTERVAL <lookback_days> DAY) and @end_date, so the cost of a
    run does not grow with the length of history; `lookback_days` states the bound.

    A season-scoped extract bounds it below by @season_start instead: the first game date of
    @start_date's season (`seasons.season_start_of`, at most SEASON_LOOKBACK_DAYS = `lookback_days`
    earlier), moved back to `start_date - min_lookback_days` when the extract also needs a fixed day
    window that may begin before the season (TDZA's league window).
    """

    name: str
    sql: str
    lookback_days: int
    optional: bool = False  # the table may not exist (e.g. nba_predictions.prediction_accuracy)
    source_table: str | None = None  # the table whose existence decides `optional` reads
    min_lookback_days: int = 0

    @cached_property
    def parameter_names(self) -> frozenset[str]:
        return frozenset(parameter_names(self.sql))

    @property
    def season_bounded(self) -> bool:
        return SEASON_START_PARAMETER in self.parameter_names

    def parameters(self, dates: Sequence[dt.date], season_start: dt.date | None) -> dict[str, dt.date]:
        """The values of the query's parameters for a run over `dates`."""
        values = {"start_date": min(dates), "end_date": max(dates)}
        if self.season_bounded:
            assert season_start is not None, f"{self.name} is season-bounded: resolve the season start first"
            values[SEASON_START_PARAMETER] = min(season_start, min(dates) - dt.timedelta(days=self.min_lookback_days))
        return {name: value for name, value in values.items() if name in self.parameter_names}


@dataclass(frozen=True)
class RunInfo:
    """What a transform may know about the run besides its inputs (kept explicit for purity)."""

    processed_at: pd.Timestamp
    # date → asset names that have materialized rows for that date before this run (feature store)
    upstream_materialized: Mapping[dt.date, frozenset[str]] = field(default_factory=dict)


T = TypeVar("T")

Transform = Callable[[Mapping[str, pd.DataFrame], Sequence[dt.date], RunInfo], pd.DataFrame]


@dataclass(frozen=True)
class Phase4Table:
    asset_name: str
    table: str
    description: str
    extracts: tuple[Extract, ...]
    transform: Transform
    # true data dependencies: other Phase 4 asset names and source tables ('dataset.table')
    upstream_assets: tuple[str, ...] = ()
    source_tables: tuple[str, ...] = ()

    @property
    def contract(self) -> TableContract:
        return contract(self.table)

    @property
    def partition_column(self) -> str:
        column = self.contract.partition_column
        assert column, f"{self.table} must be partitioned"
        return column

    @property
    def lookback_days(self) -> int:
        """The widest history window any extract reads (the rerun bound of the sensors)."""
        return max(e.lookback_days for e in self.extracts)


def extract_inputs(table: Phase4Table, warehouse: Warehouse, dates: Sequence[dt.date]) -> dict[str, pd.DataFrame]:
    """Run the table's extracts once for the whole run, however many dates it covers."""

    def read(source_table: str | None, what: str, query: Callable[[], T]) -> T:
        try:
            return query()
        except TransientWarehouseError:
            raise
        except Exception as error:
            # A dropped or never-created input table: say which one, not the driver's catalog message.
            if source_table and not warehouse.table_exists(source_table):
                raise InputTableMissingError(
                    f"{source_table}: input table does not exist ({what} of {table.asset_name}); "
                    "create it with `nba-features schema apply` and load it"
                ) from error
            raise

    season_start = None
    if any(extract.season_bounded for extract in table.extracts):
        season_start = read(SCHEDULE_TABLE, "extract 'season_start'", lambda: season_start_of(warehouse, min(dates)))
    inputs: dict[str, pd.DataFrame] = {}
    for extract in table.extracts:
        if extract.optional and extract.source_table and not warehouse.table_exists(extract.source_table):
            inputs[extract.name] = None  # type: ignore[assignment]  # absent table: the transform decides
            continue
        params = extract.parameters(dates, season_start)
        labels = {"asset": table.asset_name, "extract": extract.name}
        inputs[extract.name] = read(
            extract.source_table,
            f"extract '{extract.name}'",
            functools.partial(warehouse.query, extract.sql, params, labels=labels),
        )
    return inputs


def compute_partitions(table: Phase4Table, warehouse: Warehouse, dates: Sequence[dt.date], run: RunInfo) -> pd.DataFrame:
    """Extract + transform for `dates`, without writing: what the asset would write."""
    dates = sorted(set(dates))
    return table.transform(extract_inputs(table, warehouse, dates), dates, run)
