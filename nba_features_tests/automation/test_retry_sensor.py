"""The upstream-fixed retry sensor over a real instance's event log and real materializations."""

from __future__ import annotations

import datetime as dt

import dagster as dg
import pytest
from dagster._core.event_api import PartitionKeyFilter

from nba_features.defs.sensors.upstream_fixed_retry import upstream_fixed_retry_sensor
from nba_features_tests.automation.conftest import materialize, phase4_definitions, table_missing

RED_DAY, FAILED_DAY, SAME_RUN_DAY = dt.date(2024, 1, 16), dt.date(2024, 1, 17), dt.date(2024, 1, 18)
TDZA, PSZA, PCF, PDC, FS = (
    "team_defense_zone_analysis",
    "player_shot_zone_analysis",
    "player_composite_factors",
    "player_daily_cache",
    "ml_feature_store_v2",
)


def tick(instance, cursor):
    return upstream_fixed_retry_sensor(dg.build_sensor_context(instance=instance, cursor=cursor))


def latest_check(instance, asset, check, day):
    key = dg.AssetCheckKey(dg.AssetKey(asset), check)
    return instance.event_log_storage.get_latest_asset_check_execution_by_key(
        [key], partition_filter=PartitionKeyFilter(key=day.isoformat())
    )[key].status.value


@pytest.mark.slow
def test_red_and_failed_feature_store_partitions_are_retried_once_their_upstream_is_fixed(league, tmp_path):
    definitions = phase4_definitions(league)
    with dg.instance_for_test() as instance:
        assert materialize(definitions, instance, [TDZA, PSZA, PDC], RED_DAY, FAILED_DAY).success
        # red: composite factors never computed for the date (the 2026-02-06 incident)
        assert not materialize(definitions, instance, [FS], RED_DAY).success
        assert latest_check(instance, FS, "upstream_phase4_complete", RED_DAY) == "FAILED"
        # failed: composite factors fail, the feature store never runs
        with table_missing(league, "nba_precompute.player_composite_factors"):
            assert not materialize(definitions, instance, [PCF, FS], FAILED_DAY).success
        baseline = tick(instance, None)
        assert not baseline.run_requests

        assert materialize(definitions, instance, [PCF], RED_DAY, FAILED_DAY).success  # the upstream fix
        retry = tick(instance, baseline.cursor)
        assert {r.partition_key: [k.to_user_string() for k in r.asset_selection] for r in retry.run_requests} == {
            RED_DAY.isoformat(): [FS],
            FAILED_DAY.isoformat(): [FS],
        }
        assert all(r.tags["nba_features/trigger"] == "upstream_fixed" for r in retry.run_requests)
        replay = tick(instance, baseline.cursor)
        assert [r.run_key for r in replay.run_requests] == [r.run_key for r in retry.run_requests]
        assert not tick(instance, retry.cursor).run_requests

        # a run that rematerializes the upstream and then the feature store, which stays red: the
        # feature store already read the new upstream rows, so nothing is retried
        assert not materialize(definitions, instance, [PCF, FS], SAME_RUN_DAY).success
        assert latest_check(instance, FS, "upstream_phase4_complete", SAME_RUN_DAY) == "FAILED"
        after_same_run = tick(instance, retry.cursor)
        assert not after_same_run.run_requests

        # the requested rerun turns the incident's gate green
        materialize(definitions, instance, [FS], RED_DAY)
        assert latest_check(instance, FS, "upstream_phase4_complete", RED_DAY) == "SUCCEEDED"
        assert not tick(instance, after_same_run.cursor).run_requests
