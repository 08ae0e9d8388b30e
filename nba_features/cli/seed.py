"""`nba-features seed`: the deterministic demo league into the warehouse's input tables."""

from __future__ import annotations

import datetime as dt
import time

from nba_features.contracts import contract
from nba_features.demo.demo_league import DEFAULT_SEED, generate_league
from nba_features.warehouse import warehouse_from_env


def seed(seasons: int, start_season: int, seed_value: int | None, through: dt.date | None) -> dict[str, int]:
    warehouse = warehouse_from_env()
    warehouse.apply_schemas()
    started = time.perf_counter()
    tables = generate_league(seasons=seasons, start_season=start_season, seed=seed_value or DEFAULT_SEED, through=through)
    counts = {}
    for name, frame in tables.items():
        spec = contract(name)
        dates = sorted(frame[spec.partition_column].dt.date.unique())
        if dates:
            warehouse.replace_partitions(name, dates, frame)
        counts[name] = len(frame)
    print(f"seeded {seasons} season(s) from {start_season} in {time.perf_counter() - started:.1f}s into {warehouse!r}")
    for name, count in counts.items():
        print(f"  {name:<48} {count:>9,} rows")
    return counts
