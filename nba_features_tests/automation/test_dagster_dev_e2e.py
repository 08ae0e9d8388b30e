"""End to end: `dagster dev` (webserver + daemon + code server) on 127.0.0.1 with a private instance and a
one-season demo warehouse. A partition backfill is launched through the GraphQL API and another through
the CLI; the daemon executes both, GraphQL shows both, per-date check results are read back, and every
process the test started is stopped."""

from __future__ import annotations

import shutil

import pytest

from nba_features_tests.automation.conftest import write_instance_home
from nba_features_tests.dagster_dev_server import dagster_dev, wait_until

pytestmark = pytest.mark.slow

DATES = ["2024-01-16", "2024-01-17", "2024-01-18"]
GRAPHQL_ASSET = "team_defense_zone_analysis"
CLI_ASSET = "player_shot_zone_analysis"
BACKFILL_SECONDS = 120
TERMINAL = {"COMPLETED", "COMPLETED_SUCCESS", "COMPLETED_FAILED", "FAILED", "CANCELED"}

LAUNCH = """
mutation Launch($params: LaunchBackfillParams!) {
  launchPartitionBackfill(backfillParams: $params) {
    __typename
    ... on LaunchBackfillSuccess { backfillId }
    ... on PythonError { message }
    ... on UnauthorizedError { message }
    ... on PartitionSetNotFoundError { message }
  }
}"""
BACKFILL = """
query Backfill($id: String!) {
  partitionBackfillOrError(backfillId: $id) {
    __typename
    ... on PartitionBackfill { id status numPartitions title }
    ... on PythonError { message }
  }
}"""
CHECK_EXECUTIONS = """
query Checks($asset: AssetKeyInput!, $check: String!) {
  assetCheckExecutions(assetKey: $asset, checkName: $check, limit: 50) {
    runId status partition evaluation { partition success }
  }
}"""
SENSOR_TICKS = """
query Ticks($selector: SensorSelector!) {
  sensorOrError(sensorSelector: $selector) {
    __typename
    ... on Sensor { sensorState { status ticks(limit: 20) { status error { message } } } }
  }
}"""
OBSERVATIONS = """
query Observations($asset: AssetKeyInput!) {
  assetOrError(assetKey: $asset) { __typename ... on Asset { assetObservations(limit: 5) { metadataEntries { label } } } }
}"""
SENSORS = ("phase4_input_change_sensor", "phase4_upstream_fixed_retry_sensor", "phase4_run_failure_sensor")


def test_dagster_dev_runs_a_graphql_backfill_and_a_cli_backfill(seeded_league_file, tmp_path):
    warehouse = tmp_path / "warehouse.duckdb"
    shutil.copyfile(seeded_league_file, warehouse)
    home = write_instance_home(tmp_path / "dagster_home")
    with dagster_dev(home, warehouse, tmp_path / "dagster_dev.log") as dev:
        launched = dev.graphql(
            LAUNCH,
            {
                "params": {
                    "partitionsByAssets": [
                        {"assetKey": {"path": [GRAPHQL_ASSET]}, "partitions": {"range": {"start": DATES[0], "end": DATES[-1]}}}
                    ],
                    "title": "e2e graphql backfill",
                }
            },
        )["launchPartitionBackfill"]
        assert launched["__typename"] == "LaunchBackfillSuccess", launched
        graphql_backfill = launched["backfillId"]

        cli = dev.cli("backfill", "--from", DATES[0], "--to", DATES[-1], "--select", CLI_ASSET, timeout=120)
        assert cli.returncode == 0, cli.stderr
        cli_backfill = cli.stdout.splitlines()[0].strip()

        def finished(backfill_id):
            def check():
                result = dev.graphql(BACKFILL, {"id": backfill_id})["partitionBackfillOrError"]
                assert result["__typename"] == "PartitionBackfill", result
                return result if result["status"] in TERMINAL else None

            return check

        graphql_result = wait_until(finished(graphql_backfill), BACKFILL_SECONDS, "the GraphQL backfill", interval=2)
        cli_result = wait_until(
            finished(cli_backfill), BACKFILL_SECONDS, "the CLI backfill (visible through GraphQL)", interval=2
        )
        assert (graphql_result["status"], graphql_result["numPartitions"]) == ("COMPLETED_SUCCESS", 3)
        assert cli_result["status"] == "COMPLETED_SUCCESS"

        for asset in (GRAPHQL_ASSET, CLI_ASSET):
            for check in ("row_count_expected", "primary_key_unique", "schema_matches_contract"):
                executions = dev.graphql(CHECK_EXECUTIONS, {"asset": {"path": [asset]}, "check": check})["assetCheckExecutions"]
                per_date = {e["partition"]: e for e in executions if e["partition"]}
                assert set(per_date) == set(DATES), (asset, check, executions)
                assert all(e["status"] == "SUCCEEDED" and e["evaluation"]["success"] for e in per_date.values())

        # the daemon evaluated every sensor (RUNNING by default) without a failed tick
        for sensor in SENSORS:
            selector = {"repositoryLocationName": dev.location, "repositoryName": "__repository__", "sensorName": sensor}

            def ticked(selector=selector):
                state = dev.graphql(SENSOR_TICKS, {"selector": selector})["sensorOrError"]
                assert state["__typename"] == "Sensor", state
                return state["sensorState"] if state["sensorState"]["ticks"] else None

            state = wait_until(ticked, 60, f"a tick of {sensor}")
            assert state["status"] == "RUNNING"
            assert all(t["status"] in ("SKIPPED", "SUCCESS") for t in state["ticks"]), (sensor, state["ticks"])

        # the input-change sensor's first tick recorded fingerprints as observations of the inputs
        observed = dev.graphql(OBSERVATIONS, {"asset": {"path": ["nba_reference", "nba_schedule"]}})["assetOrError"]
        assert any("fingerprint_window" in {m["label"] for m in o["metadataEntries"]} for o in observed["assetObservations"]), (
            observed
        )

        status = dev.cli("backfill", "status", cli_backfill, timeout=120)
        assert status.returncode == 0, status.stderr
        assert f"backfill {cli_backfill}: COMPLETED_SUCCESS" in status.stdout
        assert any(line.split()[:5] == [CLI_ASSET, "3", "3", "0", "0"] for line in status.stdout.splitlines())
