import os
import subprocess
import sys
from pathlib import Path

import dagster as dg

from nba_features.definitions import defs
from nba_features.partitions import game_dates

ROOT = Path(__file__).resolve().parents[2]
PHASE4 = [
    "team_defense_zone_analysis",
    "player_shot_zone_analysis",
    "player_composite_factors",
    "player_daily_cache",
    "ml_feature_store_v2",
]


def _deps(graph, name):
    return {key.to_user_string() for key in graph.get(dg.AssetKey(name)).parent_keys}


def test_lineage_follows_the_true_data_dependencies():
    graph = defs.resolve_asset_graph()
    assert _deps(graph, "team_defense_zone_analysis") == {"nba_analytics/team_defense_game_summary", "nba_reference/nba_schedule"}
    assert "player_game_summary" in " ".join(_deps(graph, "player_shot_zone_analysis"))
    composite = _deps(graph, "player_composite_factors")
    assert {"player_shot_zone_analysis", "team_defense_zone_analysis", "nba_analytics/upcoming_player_game_context"} <= composite
    assert "player_daily_cache" not in composite
    cache = _deps(graph, "player_daily_cache")
    assert {
        "player_shot_zone_analysis",
        "nba_analytics/player_game_summary",
        "nba_analytics/team_offense_game_summary",
        "nba_analytics/upcoming_player_game_context",
    } <= cache
    assert "player_composite_factors" not in cache
    store = _deps(graph, "ml_feature_store_v2")
    assert set(PHASE4[:4]) <= store
    assert "nba_predictions/prediction_accuracy" in store


def test_assets_are_daily_partitioned_in_new_york_with_todays_partition():
    for name in PHASE4:
        assert defs.resolve_assets_def(name).partitions_def == game_dates
    assert game_dates.timezone == "America/New_York"
    today = dg.DailyPartitionsDefinition(
        start_date="2021-10-01", timezone="America/New_York", end_offset=1
    ).get_last_partition_key()
    assert game_dates.get_last_partition_key() == today


def test_checks_are_declared_per_asset_and_feature_store_gates_block():
    store_checks = {spec.name: spec for spec in defs.resolve_assets_def("ml_feature_store_v2").check_specs}
    for name in ("required_default_rate", "quality_ready_rate", "clean_player_coverage", "upstream_phase4_complete"):
        assert store_checks[name].blocking
    for name in PHASE4:
        names = {spec.name for spec in defs.resolve_assets_def(name).check_specs}
        assert {"schema_matches_contract", "primary_key_unique", "row_count_expected", "values_in_range"} <= names


def test_the_code_location_registers_exactly_its_schedules_and_sensors_running_by_default():
    """The exact names: a schedule or sensor dropped from the code location (or a new one) fails here."""
    schedules = {s.name: s.default_status for s in defs.schedules}
    assert schedules == {
        "pregame_features_schedule": dg.DefaultScheduleStatus.RUNNING,
        "final_box_scores_schedule": dg.DefaultScheduleStatus.RUNNING,
    }
    sensors = {s.name: s.default_status for s in defs.sensors}
    assert sensors == {
        "phase4_input_change_sensor": dg.DefaultSensorStatus.RUNNING,
        "phase4_upstream_fixed_retry_sensor": dg.DefaultSensorStatus.RUNNING,
        "phase4_run_failure_sensor": dg.DefaultSensorStatus.RUNNING,
        "phase4_run_canceled_sensor": dg.DefaultSensorStatus.RUNNING,
        "phase4_freshness_sensor": dg.DefaultSensorStatus.RUNNING,
    }
    # What the loaded code location serves, not only the list handed to Definitions.
    repository = defs.get_repository_def()
    assert {s.name for s in repository.schedule_defs} == set(schedules)
    assert {s.name for s in repository.sensor_defs} == set(sensors)


def test_dg_check_defs_passes(tmp_path):
    env = {**os.environ, "DAGSTER_HOME": str(tmp_path), "VIRTUAL_ENV": str(Path(sys.executable).parents[1])}
    result = subprocess.run(
        [str(Path(sys.executable).parent / "dg"), "check", "defs"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "All definitions loaded successfully" in result.stdout + result.stderr


def test_per_date_blocking_gates_live_only_on_the_last_asset_of_the_run_order():
    """A red date is not materialized and fails its step (docs/ARCHITECTURE.md, red dates): on the last asset
    that skips nothing downstream. Upstream assets block only on what a write itself enforces (the live
    schema, the key), whose violations refuse the whole write before anything is written."""
    write_level = {"schema_matches_contract", "primary_key_unique"}
    assert PHASE4[-1] == "ml_feature_store_v2"
    for name in PHASE4[:-1]:
        blocking = {spec.name for spec in defs.resolve_assets_def(name).check_specs if spec.blocking}
        assert blocking == write_level, name
    graph = defs.resolve_asset_graph()
    assert not [k for k in graph.get(dg.AssetKey(PHASE4[-1])).child_keys if k.to_user_string() in PHASE4]
