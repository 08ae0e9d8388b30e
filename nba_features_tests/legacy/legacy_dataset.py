"""A legacy warehouse for the tests: tables typed as the legacy DDL types them, filled with demo data.

`legacy_contract` is a table of schemas/ with every documented legacy type (NUMERIC(p, s) for the FLOAT64
measures, docs/LEGACY.md#type-compatibility) and, for the feature store, the legacy names the platform
writes under other names. The demo league is written into those tables through the platform's own writes
(which round to the NUMERIC scales), the platform runs in shadow mode beside them, and its Phase 4 rows are
copied into the legacy Phase 4 tables with a few deliberate differences, which `compare` must find exactly.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import dagster as dg
import pandas as pd

from nba_features.contracts import Column, TableContract, contract
from nba_features.defs.resources import WarehouseResource
from nba_features.demo.demo_league import generate_league, generate_prediction_accuracy
from nba_features.legacy.compare import COMPARED_TABLES
from nba_features.warehouse import Warehouse
from nba_features_tests.warehouse.test_bigquery_parity import materialize_dates

DATES = [dt.date(2023, 12, 23), dt.date(2023, 12, 24)]
SHADOW_PREFIX = "shadow_"
FEATURE_STORE = "nba_predictions.ml_feature_store_v2"
# legacy feature-store columns the platform does not create (docs/LEGACY.md#legacy-feature-store-names)
LEGACY_ONLY_COLUMNS = (Column("feature_sample_sizes_json", "STRING"), Column("feature_expected_values_json", "STRING"))

# The planted differences, one of each kind compare reports.
PDC_COLUMN, PDC_SHIFT = "points_avg_last_10", 3.0
FQS_SHIFT = -2.5
FEATURE_INDEX, FEATURE_SHIFT = 13, 5.0
GHOST_PLAYER = "ghostplayer"


def legacy_contract(table: str) -> TableContract:
    spec = contract(table)
    legacy = spec.with_types({c.name: c.legacy_types[0] for c in spec.columns if c.legacy_types})
    if table == FEATURE_STORE:
        legacy = dataclasses.replace(legacy, columns=legacy.columns + LEGACY_ONLY_COLUMNS)
    return legacy


def league_inputs() -> dict[str, pd.DataFrame]:
    """One demo season's inputs up to the last compared date (later rows are never read)."""
    tables = generate_league(seasons=1, start_season=2023)
    tables["nba_predictions.prediction_accuracy"] = generate_prediction_accuracy(tables)
    trimmed = {}
    for name, frame in tables.items():
        partition = contract(name).partition_column
        trimmed[name] = frame[frame[partition] <= pd.Timestamp(DATES[-1])].reset_index(drop=True)
    return trimmed


def build_legacy_inputs(legacy: Warehouse, inputs: dict[str, pd.DataFrame]) -> None:
    """Create every input table with its legacy types and write the demo rows into it."""
    for name, frame in inputs.items():
        legacy._create_table(legacy_contract(name))
        partition = contract(name).partition_column
        legacy.replace_partitions(name, sorted(frame[partition].dt.date.unique()), frame)


def run_shadow(resource: WarehouseResource) -> dg.ExecuteInProcessResult:
    """The five assets over DATES in one range run, on the shadow warehouse."""
    resource.get().apply_schemas()
    return materialize_dates(resource, DATES)


def read_rows(warehouse: Warehouse, table: str) -> pd.DataFrame:
    partition = contract(table).partition_column
    return warehouse.query(
        f"SELECT * FROM {table} WHERE {partition} BETWEEN @start AND @end", {"start": DATES[0], "end": DATES[-1]}
    )


def plant_legacy_outputs(shadow: Warehouse, legacy: Warehouse) -> dict[str, dict]:
    """Copy the shadow Phase 4 rows into legacy-typed tables of the legacy datasets, with the planted differences.

    Returns what was planted, per table, in the terms compare reports.
    """
    planted: dict[str, dict] = {}
    for table in COMPARED_TABLES:
        rows = read_rows(shadow, table)
        assert len(rows), f"the shadow run wrote no {table} rows"
        planted[table] = {}
        if table == "nba_precompute.team_defense_zone_analysis":
            dropped = rows.iloc[0]
            planted[table]["only_new"] = [
                {"analysis_date": f"{dropped['analysis_date']:%Y-%m-%d}", "team_abbr": dropped["team_abbr"]}
            ]
            rows = rows.iloc[1:]
        elif table == "nba_precompute.player_shot_zone_analysis":
            ghost = rows.iloc[[0]].assign(player_lookup=GHOST_PLAYER)
            planted[table]["only_legacy"] = [
                {"player_lookup": GHOST_PLAYER, "analysis_date": f"{ghost['analysis_date'].iloc[0]:%Y-%m-%d}"}
            ]
            rows = pd.concat([rows, ghost], ignore_index=True)
        elif table == "nba_precompute.player_daily_cache":
            row = rows[PDC_COLUMN].first_valid_index()
            rows.loc[row, PDC_COLUMN] += PDC_SHIFT
            planted[table][PDC_COLUMN] = (rows.loc[row, "player_lookup"], PDC_SHIFT)
        elif table == FEATURE_STORE:
            rows.loc[0, "feature_quality_score"] += FQS_SHIFT
            planted[table]["feature_quality_score"] = (rows.loc[0, "player_lookup"], abs(FQS_SHIFT))
            features = list(rows.loc[1, "features"])
            features[FEATURE_INDEX] += FEATURE_SHIFT
            rows.at[1, "features"] = features
            planted[table]["feature"] = (rows.loc[1, "player_lookup"], FEATURE_SHIFT)
        legacy._create_table(legacy_contract(table))
        legacy.replace_partitions(table, DATES, rows.reset_index(drop=True))
        if table == FEATURE_STORE:
            # the legacy-only columns are not the platform's to write: set them as the legacy writer did
            for column in LEGACY_ONLY_COLUMNS:
                legacy.execute(
                    f"UPDATE {table} SET {column.name} = '{{}}' WHERE game_date BETWEEN @start AND @end",
                    {"start": DATES[0], "end": DATES[-1]},
                )
    return planted
