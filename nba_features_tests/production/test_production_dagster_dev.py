"""`dagster dev` on the production instance (deploy/dagster.production.yaml on a real PostgreSQL server):
the daemon ticks a sensor and runs a backfill launched as the UI launches it (the runs go through the
instance's queued run coordinator and the `warehouse` pool), and the webserver's GraphQL reads the
partition and check statuses back from PostgreSQL: every asset materialized and every check SUCCEEDED on
every date of the range (the fields of the UI's AssetChecksQuery / AssetGraphLiveQuery)."""

from __future__ import annotations

import shutil

import pytest

from nba_features.pipeline.registry import PHASE4_ASSET_NAMES
from nba_features_tests.automation.test_ui_truth_e2e import ASSET, BACKFILL, LAUNCH, per_date
from nba_features_tests.dagster_dev_server import dagster_dev, wait_until

pytestmark = pytest.mark.slow

DATES = ["2023-12-25", "2023-12-26"]
SENSOR = "phase4_input_change_sensor"
SENSOR_TICKS = """
query Ticks($selector: SensorSelector!) {
  sensorOrError(sensorSelector: $selector) {
    __typename
    ... on Sensor { sensorState { status ticks(limit: 5) { status skipReason error { message } } } }
  }
}"""
DONE = {"COMPLETED", "COMPLETED_SUCCESS", "COMPLETED_FAILED", "FAILED", "CANCELED"}


def test_daemon_backfill_sensor_tick_and_check_statuses_on_postgres(production_home, seeded_league_file, tmp_path):
    warehouse = tmp_path / "warehouse.duckdb"
    shutil.copyfile(seeded_league_file, warehouse)
    with dagster_dev(production_home, warehouse, tmp_path / "dagster_dev.log") as dev:
        # a sensor tick, written by the daemon to the schedule storage in PostgreSQL
        selector = {"repositoryName": "__repository__", "repositoryLocationName": dev.location, "sensorName": SENSOR}

        def ticked():
            sensor = dev.graphql(SENSOR_TICKS, {"selector": selector})["sensorOrError"]
            assert sensor["__typename"] == "Sensor", sensor
            return [t for t in sensor["sensorState"]["ticks"] if t["status"] != "STARTED"]

        ticks = wait_until(ticked, 120, f"a tick of {SENSOR}", interval=2)
        assert all(t["status"] in {"SUCCESS", "SKIPPED"} for t in ticks), ticks

        # a backfill of every asset over the range, launched as the UI launches it and run by the daemon
        launched = dev.graphql(LAUNCH, {"params": {
            "partitionsByAssets": [
                {"assetKey": {"path": [a]}, "partitions": {"range": {"start": DATES[0], "end": DATES[-1]}}}
                for a in PHASE4_ASSET_NAMES
            ],
            "title": "production instance",
        }})["launchPartitionBackfill"]  # fmt: skip
        assert launched["__typename"] == "LaunchBackfillSuccess", launched

        def finished():
            status = dev.graphql(BACKFILL, {"id": launched["backfillId"]})["partitionBackfillOrError"]["status"]
            return status if status in DONE else None

        assert wait_until(finished, 240, "the backfill", interval=2) in {"COMPLETED", "COMPLETED_SUCCESS"}

        # the statuses the UI shows, read back from PostgreSQL through the webserver
        for asset in PHASE4_ASSET_NAMES:
            node = dev.graphql(ASSET, {"assetKey": {"path": [asset]}})["assetNodeOrError"]
            assert per_date(node["assetPartitionStatuses"]["ranges"], DATES) == dict.fromkeys(DATES, "MATERIALIZED"), asset
            checks = node["assetChecksOrError"]["checks"]
            assert checks, asset
            for check in checks:
                statuses = per_date(check["partitionStatuses"]["ranges"], DATES)
                assert statuses == dict.fromkeys(DATES, "SUCCEEDED"), (asset, check["name"], statuses)
                assert check["executionForLatestMaterialization"]["status"] == "SUCCEEDED", (asset, check["name"])
