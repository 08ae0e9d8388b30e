"""The warehouse the environment asks for, without Dagster (the CLI, tools and the resource share it).

`NBA_FEATURES_ENV=local` (default) selects the embedded DuckDB file at `NBA_FEATURES_WAREHOUSE`;
`NBA_FEATURES_ENV=prod` selects BigQuery with the project, dataset prefix and location from
`NBA_FEATURES_BQ_PROJECT`, `NBA_FEATURES_BQ_DATASET_PREFIX`, `NBA_FEATURES_BQ_LOCATION`; credentials
come from Application Default Credentials (`GOOGLE_APPLICATION_CREDENTIALS`) and are never logged.

Shadow mode (docs/LEGACY.md#shadow-mode), on either warehouse: `NBA_FEATURES_INPUT_DATASET_PREFIX` and
`NBA_FEATURES_OUTPUT_DATASET_PREFIX` place the inputs (the legacy Phase 2/3 tables) and the outputs under
prefixes of their own; on BigQuery each defaults to `NBA_FEATURES_BQ_DATASET_PREFIX`, on DuckDB to empty
(the legacy names).
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from nba_features.warehouse.base import Warehouse
from nba_features.warehouse.datasets import DatasetNames
from nba_features.warehouse.duckdb_warehouse import DuckDBWarehouse

ENVIRONMENTS = ("local", "prod")


@dataclass(frozen=True)
class WarehouseSettings:
    env: str = "local"
    # None: DuckDB reads NBA_FEATURES_WAREHOUSE when the file is opened, not when the settings are made
    duckdb_path: str | None = None
    bigquery_project: str | None = None
    dataset_prefix: str = ""
    # shadow mode: the inputs' and the outputs' prefixes; None = dataset_prefix
    input_dataset_prefix: str | None = None
    output_dataset_prefix: str | None = None
    location: str = "US"
    api_endpoint: str | None = None  # only for the offline BigQuery emulator; None in production

    @property
    def datasets(self) -> DatasetNames:
        def pick(prefix: str | None) -> str:
            return self.dataset_prefix if prefix is None else prefix

        return DatasetNames(pick(self.input_dataset_prefix), pick(self.output_dataset_prefix))

    def open(self) -> Warehouse:
        if self.env == "local":
            # NBA_FEATURES_BQ_DATASET_PREFIX is BigQuery's; the file takes only the two shadow-mode prefixes
            local = DatasetNames(self.input_dataset_prefix or "", self.output_dataset_prefix or "")
            return DuckDBWarehouse(self.duckdb_path, datasets=local)
        if self.env == "prod":
            from nba_features.warehouse.bigquery_warehouse import BigQueryWarehouse

            if not self.bigquery_project:
                raise ValueError("NBA_FEATURES_ENV=prod needs NBA_FEATURES_BQ_PROJECT")
            return BigQueryWarehouse(
                project=self.bigquery_project,
                dataset_prefix=self.datasets.output_prefix,
                input_dataset_prefix=self.datasets.input_prefix,
                location=self.location,
                api_endpoint=self.api_endpoint,
            )
        raise ValueError(f"NBA_FEATURES_ENV must be one of {ENVIRONMENTS}, not {self.env!r}")


def settings_from_env() -> WarehouseSettings:
    env = os.environ.get("NBA_FEATURES_ENV", "local")
    if env not in ENVIRONMENTS:
        raise ValueError(f"NBA_FEATURES_ENV must be one of {ENVIRONMENTS}, not {env!r}")
    return WarehouseSettings(
        env=env,
        bigquery_project=os.environ.get("NBA_FEATURES_BQ_PROJECT"),
        dataset_prefix=os.environ.get("NBA_FEATURES_BQ_DATASET_PREFIX", ""),
        input_dataset_prefix=os.environ.get("NBA_FEATURES_INPUT_DATASET_PREFIX"),
        output_dataset_prefix=os.environ.get("NBA_FEATURES_OUTPUT_DATASET_PREFIX"),
        location=os.environ.get("NBA_FEATURES_BQ_LOCATION", "US"),
        api_endpoint=os.environ.get("NBA_FEATURES_BQ_API_ENDPOINT"),
    )


def warehouse_from_env() -> Warehouse:
    return settings_from_env().open()
