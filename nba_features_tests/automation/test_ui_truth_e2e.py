"""What the UI shows is true, read through the webserver's GraphQL on a real `dagster dev`.

The fields are those the UI's own queries read: the Checks tab and the lineage cards
(`AssetChecksQuery`, `AssetGraphLiveQuery`: each check's `executionForLatestMaterialization` and
`partitionStatuses`, the asset's `partitionStats`), the Partitions tab (`assetPartitionStatuses`) and
a partition's materialization metadata.

1. A healthy range with a day without games (2023-12-23 .. 12-26, Christmas Eve has none), all five
   assets in one backfill launched as the UI launches it: every check of every asset is SUCCEEDED on
   every date (the day without games too, never skipped or "execution failed"), every partition is
   materialized, and each date's `dagster/row_count` is that date's rows in the warehouse.
2. One red date: the composite factors of 2023-12-26 are deleted (the 2026-02-06 incident) and the
   feature store alone is backfilled over the range. Exactly 12-26 is red: its blocking gates are
   FAILED on that date only, the asset's partition status marks that date failed (one click from the
   asset), every other date stays materialized and green, `backfill status` exits 1 naming the date and
   the gates, and `backfill retry` targets exactly that partition.
"""

from __future__ import annotations

import datetime as dt
import shutil

import pytest

from nba_features.pipeline.registry import PHASE4_ASSET_NAMES, PHASE4_TABLES
from nba_features.warehouse import DuckDBWarehouse
from nba_features_tests.automation.conftest import write_instance_home
from nba_features_tests.dagster_dev_server import dagster_dev, wait_until

pytestmark = pytest.mark.slow

DATES = ["2023-12-23", "2023-12-24", "2023-12-25", "2023-12-26"]
NO_GAMES = "2023-12-24"
RED = "2023-12-26"
FEATURE_STORE = "ml_feature_store_v2"
GATES = {"required_default_rate", "quality_ready_rate", "clean_player_coverage", "upstream_phase4_complete"}
BACKFILL_SECONDS = 240

LAUNCH = """
mutation Launch($params: LaunchBackfillParams!) {
  launchPartitionBackfill(backfillParams: $params) {
    __typename
    ... on LaunchBackfillSuccess { backfillId }
    ... on PythonError { message }
  }
}"""
BACKFILL = """
query Backfill($id: String!) {
  partitionBackfillOrError(backfillId: $id) { __typename ... on PartitionBackfill { id status } }
}"""
# the fields of the UI's AssetChecksQuery / AssetGraphLiveQuery that carry a status
ASSET = """
query Asset($assetKey: AssetKeyInput!) {
  assetNodeOrError(assetKey: $assetKey) {
    __typename
    ... on AssetNode {
      partitionStats { numMaterialized numMaterializing numPartitions numFailed }
      assetPartitionStatuses { __typename ... on TimePartitionStatuses { ranges { startKey endKey status } } }
      assetChecksOrError {
        __typename
        ... on AssetChecks {
          checks {
            name
            blocking
            executionForLatestMaterialization { status evaluation { partition severity description } }
            partitionStatuses { __typename ... on AssetCheckTimePartitionStatuses { ranges { startKey endKey status } } }
          }
        }
      }
    }
  }
}"""
MATERIALIZATIONS = """
query Materializations($assetKey: AssetKeyInput!, $partitions: [String!]) {
  assetNodeOrError(assetKey: $assetKey) {
    ... on AssetNode {
      assetMaterializations(partitions: $partitions, limit: 100) {
        partition runId
        metadataEntries { label ... on IntMetadataEntry { intValue } }
      }
    }
  }
}"""


def per_date(ranges: list[dict], dates=DATES) -> dict[str, str]:
    """A time-partition status list as date → status, for `dates` (absent: no status)."""
    found = {}
    for day in dates:
        for r in ranges:
            if r["startKey"] <= day <= r["endKey"]:
                found[day] = r["status"]
    return found


def asset_state(dev, asset: str) -> dict:
    node = dev.graphql(ASSET, {"assetKey": {"path": [asset]}})["assetNodeOrError"]
    assert node["__typename"] == "AssetNode", node
    checks = node["assetChecksOrError"]
    assert checks["__typename"] == "AssetChecks", checks
    return {
        "partitions": per_date(node["assetPartitionStatuses"]["ranges"]),
        "stats": node["partitionStats"],
        "checks": {c["name"]: c for c in checks["checks"]},
    }


def launch(dev, assets: list[str], title: str) -> str:
    launched = dev.graphql(LAUNCH, {"params": {
        "partitionsByAssets": [
            {"assetKey": {"path": [a]}, "partitions": {"range": {"start": DATES[0], "end": DATES[-1]}}} for a in assets
        ],
        "title": title,
    }})["launchPartitionBackfill"]  # fmt: skip
    assert launched["__typename"] == "LaunchBackfillSuccess", launched
    backfill_id = launched["backfillId"]

    def finished():
        status = dev.graphql(BACKFILL, {"id": backfill_id})["partitionBackfillOrError"]["status"]
        return status if status in {"COMPLETED", "COMPLETED_SUCCESS", "COMPLETED_FAILED", "FAILED", "CANCELED"} else None

    wait_until(finished, BACKFILL_SECONDS, f"backfill {title}", interval=2)
    return backfill_id


def test_the_ui_shows_a_healthy_range_green_and_marks_exactly_the_red_date(seeded_league_file, tmp_path):
    warehouse_path = tmp_path / "warehouse.duckdb"
    shutil.copyfile(seeded_league_file, warehouse_path)
    warehouse = DuckDBWarehouse(warehouse_path)
    home = write_instance_home(tmp_path / "dagster_home")
    with dagster_dev(home, warehouse_path, tmp_path / "dagster_dev.log") as dev:
        # --- 1. a healthy range, every asset, launched as the UI launches a backfill ---------------------
        healthy = launch(dev, list(PHASE4_ASSET_NAMES), "healthy range")
        for asset in PHASE4_ASSET_NAMES:
            state = asset_state(dev, asset)
            assert state["partitions"] == dict.fromkeys(DATES, "MATERIALIZED"), (asset, state["partitions"])
            assert state["stats"]["numFailed"] == 0 and state["stats"]["numMaterialized"] == len(DATES), asset
            for name, check in state["checks"].items():
                statuses = per_date(check["partitionStatuses"]["ranges"])
                assert statuses == dict.fromkeys(DATES, "SUCCEEDED"), (asset, name, statuses)  # 12-24 included
                latest = check["executionForLatestMaterialization"]
                assert latest and latest["status"] == "SUCCEEDED", (asset, name, latest)
            # each date's row count is that date's, not the run's
            table = PHASE4_TABLES[asset]
            rows = warehouse.query(
                f"SELECT {table.partition_column} AS d, COUNT(*) AS n FROM {table.table} "
                f"WHERE {table.partition_column} BETWEEN @start AND @end GROUP BY 1",
                {"start": dt.date.fromisoformat(DATES[0]), "end": dt.date.fromisoformat(DATES[-1])},
            )
            in_warehouse = {d.date().isoformat(): int(n) for d, n in zip(rows["d"], rows["n"])}
            events = dev.graphql(MATERIALIZATIONS, {"assetKey": {"path": [asset]}, "partitions": DATES})["assetNodeOrError"]
            shown = {}
            for event in events["assetMaterializations"]:  # newest first
                counts = {m["label"]: m.get("intValue") for m in event["metadataEntries"]}
                shown.setdefault(event["partition"], counts["dagster/row_count"])
            assert shown == {day: in_warehouse.get(day, 0) for day in DATES}, asset
            assert shown[NO_GAMES] == 0 and len(set(shown.values())) > 1, asset
        status = dev.cli("backfill", "status", healthy)
        assert status.returncode == 0, status.stdout + status.stderr

        # --- 2. one red date: the composite factors of RED never computed, the feature store rerun --------
        warehouse.execute(
            "DELETE FROM nba_precompute.player_composite_factors WHERE game_date = @d", {"d": dt.date.fromisoformat(RED)}
        )
        red = launch(dev, [FEATURE_STORE], "feature store after the incident")
        state = asset_state(dev, FEATURE_STORE)
        assert state["partitions"] == {**dict.fromkeys(DATES, "MATERIALIZED"), RED: "FAILED"}, state["partitions"]
        assert state["stats"]["numFailed"] == 1
        for name, check in state["checks"].items():
            statuses = per_date(check["partitionStatuses"]["ranges"])
            assert "EXECUTION_FAILED" not in statuses.values() and "SKIPPED" not in statuses.values(), (name, statuses)
            assert {day: s for day, s in statuses.items() if day != RED} == dict.fromkeys(set(DATES) - {RED}, "SUCCEEDED"), name
            if name in GATES:
                assert statuses[RED] == "FAILED", (name, statuses)
        for asset in PHASE4_ASSET_NAMES[:-1]:  # the upstream assets were not touched
            assert asset_state(dev, asset)["partitions"] == dict.fromkeys(DATES, "MATERIALIZED"), asset

        status = dev.cli("backfill", "status", red)
        assert status.returncode == 1, status.stdout + status.stderr
        red_lines = [line for line in status.stdout.splitlines() if line.strip().startswith(f"red {FEATURE_STORE}")]
        assert len(red_lines) == 1 and f"1 date(s): {RED} (" in red_lines[0], status.stdout
        assert all(gate in red_lines[0] for gate in GATES), red_lines

        retry = dev.cli("backfill", "retry", red)
        assert retry.returncode == 0, retry.stdout + retry.stderr
        retry_id = retry.stdout.splitlines()[0].strip()
        planned = dev.cli("backfill", "status", retry_id)
        targeted = [line.split() for line in planned.stdout.splitlines() if line.strip().startswith(FEATURE_STORE)]
        assert [row[:2] for row in targeted] == [[FEATURE_STORE, "1"]], planned.stdout
