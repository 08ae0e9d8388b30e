"""The code location's resources, bound per environment (docs/ARCHITECTURE.md, configuration).

One resource, `warehouse`: the same settings as `warehouse/environment.py` reads from the environment
(`NBA_FEATURES_ENV` local = embedded DuckDB, prod = BigQuery), as a Dagster resource that assets,
checks, schedules and sensors receive.
"""

from __future__ import annotations

import dataclasses

import dagster as dg

from nba_features.warehouse.base import Warehouse
from nba_features.warehouse.environment import WarehouseSettings, settings_from_env


class WarehouseResource(dg.ConfigurableResource):
    """Selects and configures the warehouse implementation (fields as WarehouseSettings)."""

    env: str = "local"
    duckdb_path: str | None = None
    bigquery_project: str | None = None
    dataset_prefix: str = ""
    input_dataset_prefix: str | None = None  # shadow mode (docs/LEGACY.md#shadow-mode)
    output_dataset_prefix: str | None = None
    location: str = "US"
    api_endpoint: str | None = None

    def get(self) -> Warehouse:
        return WarehouseSettings(**{f.name: getattr(self, f.name) for f in dataclasses.fields(WarehouseSettings)}).open()


def resources_for_environment() -> dict[str, dg.ConfigurableResource]:
    """The resources of the environment this process runs in."""
    return {"warehouse": WarehouseResource(**dataclasses.asdict(settings_from_env()))}
