"""Rerun windows read from the extracts' SQL and declared lookbacks; the README documents them."""

from __future__ import annotations

import dataclasses
import datetime as dt

from nba_features.phase4 import player_composite_factors
from nba_features.pipeline.registry import RUN_ORDER
from nba_features.reruns.lookbacks import (
    DOWNSTREAM,
    RERUN_WINDOWS,
    RerunWindow,
    affected_partitions,
    excludes_end_date,
    extract_window,
    lookback_table_markdown,
    with_downstream,
)
from nba_features.warehouse.sql import to_duckdb
from nba_features_tests.automation.conftest import ROOT

D = dt.date


def test_windows_follow_each_extracts_bound_and_declared_lookback():
    composite = RERUN_WINDOWS["player_composite_factors"]
    assert composite["nba_analytics.player_game_summary"] == RerunWindow(1, 60)  # game_date < D, 60 days back
    assert composite["nba_analytics.upcoming_player_game_context"] == RerunWindow(0, 0)  # pre-game rows of D
    assert composite["nba_reference.nba_schedule"] == RerunWindow(0, 400)
    store = RERUN_WINDOWS["ml_feature_store_v2"]
    assert store["nba_raw.odds_api_player_points_props"] == RerunWindow(0, 14)
    assert store["nba_raw.nbac_injury_report"] == RerunWindow(0, 0)
    assert store["nba_predictions.prediction_accuracy"] == RerunWindow(1, 60)
    assert "nba_analytics.player_game_summary" not in RERUN_WINDOWS["team_defense_zone_analysis"]
    # Phase 4 tables read by other Phase 4 assets are lineage, not windows
    assert not any(source.startswith("nba_precompute.") for w in RERUN_WINDOWS.values() for source in w)


def test_a_changed_extract_changes_its_window():
    extract = next(e for e in player_composite_factors.SPEC.extracts if e.name == "player_games")
    inclusive = dataclasses.replace(
        extract, sql=extract.sql.replace("game_date < @end_date", "game_date <= @end_date"), lookback_days=90
    )
    assert extract_window(inclusive) == RerunWindow(0, 90)
    assert excludes_end_date("SELECT 1 FROM a.b WHERE d > DATE_SUB(@start_date, INTERVAL 3 DAY) AND @end_date > d")
    assert not excludes_end_date("SELECT 1 FROM a.b WHERE d BETWEEN @start_date AND @end_date")


def test_affected_partitions_are_bounded_by_windows_partitions_and_game_days():
    games = {D(2024, 1, d) for d in range(1, 32)} - {D(2024, 1, 12)}
    reruns = affected_partitions(
        {"nba_analytics.upcoming_team_game_context": [D(2024, 1, 5)], "nba_raw.odds_api_player_points_props": [D(2024, 1, 9)]},
        first_partition=D(2021, 10, 1),
        last_partition=D(2024, 1, 14),
        game_dates=games,
    )
    assert reruns == {
        D(2024, 1, 5): ("player_composite_factors", "ml_feature_store_v2"),
        **{D(2024, 1, d): ("ml_feature_store_v2",) for d in (9, 10, 11, 13, 14)},  # [X, X+14] ∩ games ∩ <= today
    }


def test_downstream_closure_follows_the_lineage():
    assert DOWNSTREAM["team_defense_zone_analysis"] == {"player_composite_factors", "ml_feature_store_v2"}
    assert DOWNSTREAM["player_shot_zone_analysis"] == {"player_composite_factors", "player_daily_cache", "ml_feature_store_v2"}
    assert with_downstream(["player_daily_cache"]) == ("player_daily_cache", "ml_feature_store_v2")


def test_every_fingerprint_query_translates_for_duckdb():
    from nba_features.defs.inputs import SOURCE_TABLES
    from nba_features.reruns.fingerprints import fingerprint_sql

    for table in SOURCE_TABLES:
        translated = to_duckdb(fingerprint_sql(table))
        assert "processed_at" not in translated and "BIT_XOR" in translated


def test_readme_documents_the_lookback_table():
    readme = (ROOT / "README.md").read_text()
    assert lookback_table_markdown() in readme, "README is stale: paste `python -m nba_features.reruns.lookbacks`"
    assert {t.asset_name for t in RUN_ORDER} == set(RERUN_WINDOWS)
