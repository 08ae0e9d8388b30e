"""Warehouse layer: one interface, DuckDB (embedded default) and BigQuery (production)."""

from nba_features.warehouse.base import (
    SchemaDiff,
    TransientWarehouseError,
    Warehouse,
    WriteResult,
    prepare_frame,
    retry_transient,
)
from nba_features.warehouse.duckdb_warehouse import DuckDBWarehouse
from nba_features.warehouse.environment import warehouse_from_env

__all__ = [
    "DuckDBWarehouse",
    "SchemaDiff",
    "TransientWarehouseError",
    "Warehouse",
    "WriteResult",
    "prepare_frame",
    "retry_transient",
    "warehouse_from_env",
]
