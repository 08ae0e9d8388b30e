"""Fixtures of the reliability tests: a small real league in a DuckDB file, built once and copied per test.

The league is the demo 2023-24 season cut at D2 = 2024-01-18 (later games stay scheduled, without box
scores; pre-game rows exist for two more days), with the five Phase 4 tables already computed for
D1 and D2, so a test can break one input and compare against healthy partitions.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import dagster as dg
import pandas as pd
import pytest

from nba_features.contracts import contract
from nba_features.defs.phase4_assets import PHASE4_ASSETS
from nba_features.defs.resources import WarehouseResource
from nba_features.phase4.spec import RunInfo, compute_partitions
from nba_features.pipeline.registry import RUN_ORDER
from nba_features.warehouse import DuckDBWarehouse, Warehouse

D1, D2 = dt.date(2024, 1, 17), dt.date(2024, 1, 18)
DATES = [D1, D2]
THROUGH = D2  # last date with final games
SCHEDULED = dt.date(2024, 1, 19)  # a date whose games are scheduled, not played
RUN = RunInfo(processed_at=pd.Timestamp("2024-01-18 12:00", tz="UTC"))
QUIET = {"loggers": {"console": {"config": {"log_level": "CRITICAL"}}}}


def build_league(path: Path) -> DuckDBWarehouse:
    from nba_features.demo.demo_league import generate_league

    warehouse = DuckDBWarehouse(path)
    warehouse.apply_schemas()
    for name, frame in generate_league(seasons=1, start_season=2023, seed=7, through=THROUGH, upcoming_days=2).items():
        warehouse.append(name, frame)
    for table in RUN_ORDER:
        warehouse.replace_partitions(table.table, DATES, compute_partitions(table, warehouse, DATES, RUN))
    return warehouse


@pytest.fixture(scope="session")
def league_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("reliability_league") / "warehouse.duckdb"
    build_league(path)
    return path


@pytest.fixture
def league(league_file, tmp_path) -> DuckDBWarehouse:
    """A private copy of the small league (a real DuckDB file)."""
    path = tmp_path / "warehouse.duckdb"
    shutil.copyfile(league_file, path)
    return DuckDBWarehouse(path)


def rows_of(warehouse: Warehouse, table: str, dates: list[dt.date] = DATES) -> pd.DataFrame:
    """Every row of `table` on `dates`, in primary-key order."""
    spec = contract(table)
    column = spec.partition_column
    rows = warehouse.query(f"SELECT * FROM {table} WHERE {column} IN UNNEST(@dates)", {"dates": list(dates)})
    return rows.sort_values(list(spec.primary_key)).reset_index(drop=True)


def materialize(warehouse: DuckDBWarehouse, asset: str | list[str], day: str) -> dg.ExecuteInProcessResult:
    """Materialize the Phase 4 asset(s) for one partition through Dagster, on a test instance."""
    names = [asset] if isinstance(asset, str) else asset
    with dg.instance_for_test() as instance:
        return dg.materialize(
            [a for a in PHASE4_ASSETS if a.key.path[-1] in names],
            partition_key=day, instance=instance, run_config=QUIET, raise_on_error=False,
            resources={"warehouse": WarehouseResource(duckdb_path=str(warehouse.path))},
        )  # fmt: skip


def step_failures(result: dg.ExecuteInProcessResult) -> list[str]:
    """Each failed step's error with the errors that caused it, outermost first."""
    failures = []
    for event in result.all_events:
        if event.event_type_value == "STEP_FAILURE":
            error, chain = event.event_specific_data.error, []
            while error is not None:
                chain.append(f"{error.cls_name}: {error.message.strip()}")
                error = error.cause
            failures.append("\n".join(chain))
    return failures
