"""Phase 3 and raw input tables as external assets: produced outside this platform, read by Phase 4."""

from __future__ import annotations

import dagster as dg

from nba_features.contracts import contract
from nba_features.defs.column_schema import column_schema

SOURCE_GROUP = "phase3_and_raw"

# Inputs every Phase 4 run may read. nba_predictions.prediction_accuracy is a Phase 5 output that
# feeds features 55-56 when it exists (docs/RULES.md#feature-list): an external asset too, but an optional one.
SOURCE_TABLES = (
    "nba_reference.nba_schedule",
    "nba_analytics.player_game_summary",
    "nba_analytics.team_defense_game_summary",
    "nba_analytics.team_offense_game_summary",
    "nba_analytics.upcoming_player_game_context",
    "nba_analytics.upcoming_team_game_context",
    "nba_raw.odds_api_player_points_props",
    "nba_raw.bettingpros_player_points_props",
    "nba_raw.nbac_injury_report",
    "nba_predictions.prediction_accuracy",
)


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
