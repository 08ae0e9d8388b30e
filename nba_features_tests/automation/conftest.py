"""Fixtures of the automation tests: one small demo season seeded once, copied per test; Dagster
instances configured like the project's dagster.yaml with storage under the test's directory."""

from __future__ import annotations

import contextlib
import datetime as dt
import shutil
from pathlib import Path

import pandas as pd
import pytest
import yaml

from nba_features.contracts import contract
from nba_features.warehouse import DuckDBWarehouse, Warehouse

ROOT = Path(__file__).resolve().parents[2]


def seed_league(warehouse: Warehouse) -> None:
    """Write one demo season (2023-24) the way `nba-features seed` does."""
    from nba_features.demo.demo_league import generate_league

    warehouse.apply_schemas()
    for name, frame in generate_league(seasons=1, start_season=2023).items():
        dates = sorted(frame[contract(name).partition_column].dt.date.unique())
        warehouse.replace_partitions(name, dates, frame)


@pytest.fixture(scope="session")
def seeded_league_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("league") / "warehouse.duckdb"
    seed_league(DuckDBWarehouse(path))
    return path


@pytest.fixture
def league(seeded_league_file, tmp_path) -> DuckDBWarehouse:
    """A private copy of the seeded 2023-24 demo season (a real DuckDB file)."""
    path = tmp_path / "warehouse.duckdb"
    shutil.copyfile(seeded_league_file, path)
    return DuckDBWarehouse(path)


def instance_config(home: Path) -> dict:
    """The project's dagster.yaml with every storage directory moved under `home` (absolute paths,
    so processes started from any directory share one instance)."""
    config = yaml.safe_load((ROOT / "dagster.yaml").read_text())
    for section in config.values():
        if isinstance(section, dict) and isinstance(section.get("config"), dict) and "base_dir" in section["config"]:
            section["config"]["base_dir"] = str(home / section["config"]["base_dir"])
    return config


def write_instance_home(home: Path) -> Path:
    """A DAGSTER_HOME with the project's instance config and its storage created, as on a deployed
    instance (processes that start together on an empty home race to create the SQLite tables)."""
    import dagster as dg

    home.mkdir(parents=True, exist_ok=True)
    (home / "dagster.yaml").write_text(yaml.safe_dump(instance_config(home)))
    dg.DagsterInstance.from_config(str(home)).dispose()
    return home


def rows_on(warehouse: Warehouse, table: str, day: dt.date) -> pd.DataFrame:
    column = contract(table).partition_column
    return warehouse.query(f"SELECT * FROM {table} WHERE {column} = @day", {"day": day})


def phase4_definitions(warehouse: DuckDBWarehouse):
    """The project's assets and checks bound to `warehouse` (what the code location serves)."""
    import dagster as dg

    from nba_features.defs.inputs import INPUT_ASSETS
    from nba_features.defs.phase4_assets import PHASE4_ASSETS
    from nba_features.defs.resources import WarehouseResource

    return dg.Definitions(
        assets=[*INPUT_ASSETS, *PHASE4_ASSETS],
        resources={"warehouse": WarehouseResource(duckdb_path=str(warehouse.path))},
    )


def materialize(definitions, instance, assets: list[str], start: dt.date, end: dt.date | None = None):
    """One run of `assets` over [start, end] (a range run when end > start), as backfills make them."""
    import dagster as dg

    job = definitions.resolve_implicit_global_asset_job_def()
    selection = [dg.AssetKey(a) for a in assets]
    if end is None or end == start:
        return job.execute_in_process(
            instance=instance, asset_selection=selection, partition_key=start.isoformat(), raise_on_error=False
        )
    tags = {"dagster/asset_partition_range_start": start.isoformat(), "dagster/asset_partition_range_end": end.isoformat()}
    return job.execute_in_process(instance=instance, asset_selection=selection, tags=tags, raise_on_error=False)


@contextlib.contextmanager
def table_missing(warehouse: DuckDBWarehouse, table: str):
    """The live table renamed away for a while: writes to it fail before anything is written."""
    dataset, name = table.split(".")
    warehouse.execute_native(f"ALTER TABLE {table} RENAME TO {name}_hidden")
    try:
        yield
    finally:
        warehouse.execute_native(f"ALTER TABLE {dataset}.{name}_hidden RENAME TO {name}")
