"""The code location exposes the automation: sensors RUNNING, targeting the Phase 4 job."""

from __future__ import annotations

import dagster as dg

from nba_features.definitions import defs


def test_sensors_are_in_the_code_location_and_run_by_default():
    sensors = {s.name: s for s in defs.sensors}
    assert set(sensors) == {
        "phase4_input_change_sensor", "phase4_upstream_fixed_retry_sensor", "phase4_run_failure_sensor",
        "phase4_run_canceled_sensor", "phase4_freshness_sensor",
    }  # fmt: skip
    for sensor in sensors.values():
        assert sensor.default_status == dg.DefaultSensorStatus.RUNNING
    assert sensors["phase4_input_change_sensor"].job_name == "phase4_job"
    assert sensors["phase4_upstream_fixed_retry_sensor"].job_name == "phase4_job"


def test_phase4_job_covers_the_five_assets_and_the_warehouse_pool():
    job = defs.resolve_job_def("phase4_job")
    assert {k.to_user_string() for k in job.asset_layer.executable_asset_keys} == {
        "team_defense_zone_analysis",
        "player_shot_zone_analysis",
        "player_composite_factors",
        "player_daily_cache",
        "ml_feature_store_v2",
    }
    assert job.partitions_def is not None and job.partitions_def.timezone == "America/New_York"
    for name in ("team_defense_zone_analysis", "ml_feature_store_v2"):
        assert defs.resolve_assets_def(name).op.pool == "warehouse"
