"""Shared fixtures: real DuckDB files in a temporary directory, real Dagster instances."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# Tests never write to the developer's warehouse or Dagster home.
os.environ.setdefault("DAGSTER_HOME", str(Path(__file__).resolve().parents[1] / ".dagster_home" / "tests"))
Path(os.environ["DAGSTER_HOME"]).mkdir(parents=True, exist_ok=True)

from nba_features.warehouse import DuckDBWarehouse  # noqa: E402


@pytest.fixture
def warehouse(tmp_path) -> DuckDBWarehouse:
    """An empty DuckDB warehouse file with every table of schemas/ created."""
    warehouse = DuckDBWarehouse(tmp_path / "warehouse.duckdb")
    warehouse.apply_schemas()
    return warehouse
