"""Which upstream Phase 4 tables hold rows for each date of a run (the feature store's traceability)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

import pandas as pd

from nba_features.phase4.spec import Phase4Table
from nba_features.warehouse.base import Warehouse


def upstream_materialized(
    warehouse: Warehouse, table: Phase4Table, dates: Sequence[dt.date], tables: Mapping[str, Phase4Table]
) -> dict[dt.date, frozenset[str]]:
    """For each date, the upstream Phase 4 assets (of `tables`, by asset name) whose tables hold rows for it."""
    found: dict[dt.date, set[str]] = {d: set() for d in dates}
    for name in table.upstream_assets:
        upstream = tables[name]
        counts = warehouse.query(
            f"SELECT {upstream.partition_column} AS d, COUNT(*) AS n FROM {upstream.table} "
            f"WHERE {upstream.partition_column} BETWEEN @start_date AND @end_date GROUP BY 1",
            {"start_date": min(dates), "end_date": max(dates)},
        )
        for day in pd.to_datetime(counts["d"]).dt.date:
            found[day].add(name)
    return {d: frozenset(names) for d, names in found.items()}
