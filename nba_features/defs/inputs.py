"""Phase 3 and raw input tables as external assets: produced outside this platform, read by Phase 4."""

from __future__ import annotations

import dagster as dg

from nba_features.contracts import contract
from nba_features.defs.column_schema import column_schema
from nba_features.phase4.inputs import SOURCE_TABLES

SOURCE_GROUP = "phase3_and_raw"


def source_asset_key(table: str) -> dg.AssetKey:
    return dg.AssetKey(table.split("."))


def input_asset(table: str) -> dg.AssetSpec:
    return dg.AssetSpec(
        key=source_asset_key(table),
        group_name=SOURCE_GROUP,
        description=contract(table).description or f"External input table {table}",
        kinds={"table"},
        metadata={"dagster/column_schema": column_schema(contract(table)), "dagster/table_name": table},
    )


INPUT_ASSETS = [input_asset(table) for table in SOURCE_TABLES]
