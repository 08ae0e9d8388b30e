"""End to end: `dagster dev` (webserver + daemon + code server) on 127.0.0.1 with a private instance and a
one-season demo warehouse. A partition backfill is launched through the GraphQL API and another through
the CLI; the daemon executes both, GraphQL shows both, per-date check results are read back, and every
process the test started is stopped."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from nba_features_tests.automation.conftest import ROOT, write_instance_home

pytestmark = pytest.mark.slow

DATES = ["2024-01-16", "2024-01-17", "2024-01-18"]
GRAPHQL_ASSET = "team_defense_zone_analysis"
CLI_ASSET = "player_shot_zone_analysis"
STARTUP_SECONDS = 90
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
LOCATIONS = """
{ workspaceOrError { __typename ... on Workspace { locationEntries { name loadStatus
    locationOrLoadError { __typename ... on PythonError { message } } } } } }"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def graphql(port: int, query: str, variables: dict | None = None) -> dict:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/graphql",
        data=json.dumps({"query": query, "variables": variables or {}}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        body = json.loads(response.read())
    assert not body.get("errors"), body["errors"]
    return body["data"]


def wait_until(condition, timeout: float, what: str, interval: float = 1.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


def _proc_stat(pid: int) -> tuple[int, int] | None:
    """(parent pid, process group) of a live process, from /proc."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return None
    return int(fields[1]), int(fields[2])


def _all_pids() -> list[int]:
    return [int(p) for p in os.listdir("/proc") if p.isdigit()]


def descendants(root: int) -> set[int]:
    children: dict[int, list[int]] = {}
    for pid in _all_pids():
        stat = _proc_stat(pid)
        if stat:
            children.setdefault(stat[0], []).append(pid)
    found, stack = set(), [root]
    while stack:
        for child in children.get(stack.pop(), []):
            if child not in found:
                found.add(child)
                stack.append(child)
    return found


def alive(pids: set[int]) -> set[int]:
    """Pids still running (zombies awaiting their parent count as stopped)."""
    running = set()
    for pid in pids:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except (FileNotFoundError, ProcessLookupError):
            continue
        if state != "Z":
            running.add(pid)
    return running


def stop_process_tree(process: subprocess.Popen) -> None:
    """SIGTERM the session's process group, then SIGKILL what is left, by group and by pid."""
    started = descendants(process.pid) | {process.pid}
    group = os.getpgid(process.pid)
    try:
        os.killpg(group, signal.SIGTERM)
    except ProcessLookupError:
        pass
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        pass
    started |= descendants(process.pid)
    if alive(started) or any(_proc_stat(p) and _proc_stat(p)[1] == group for p in _all_pids()):
        try:
            os.killpg(group, signal.SIGKILL)
        except ProcessLookupError:
            pass
        for pid in alive(started):
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
    if process.poll() is None:
        process.wait(timeout=10)
    wait_until(lambda: not alive(started), 15, "every started process to exit", interval=0.2)


def test_dagster_dev_runs_a_graphql_backfill_and_a_cli_backfill(seeded_league_file, tmp_path):
    warehouse = tmp_path / "warehouse.duckdb"
    shutil.copyfile(seeded_league_file, warehouse)
    home = write_instance_home(tmp_path / "dagster_home")
    port = free_port()
    bin_dir = Path(sys.executable).parent
    env = {
        **os.environ,
        "DAGSTER_HOME": str(home),
        "NBA_FEATURES_WAREHOUSE": str(warehouse),
        "DAGSTER_DISABLE_TELEMETRY": "yes",
        "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}",
    }
    log = (tmp_path / "dagster_dev.log").open("w")
    dev = subprocess.Popen(
        [str(bin_dir / "dagster"), "dev", "-w", str(ROOT / "workspace.yaml"), "-h", "127.0.0.1", "-p", str(port)],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )
    try:
        def server_up():
            assert dev.poll() is None, (tmp_path / "dagster_dev.log").read_text()[-3000:]
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/server_info", timeout=5) as response:
                    return response.status == 200
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                return False

        wait_until(server_up, STARTUP_SECONDS, "the webserver")

        def location_loaded():
            entries = graphql(port, LOCATIONS)["workspaceOrError"]["locationEntries"]
            errors = [e["locationOrLoadError"] for e in entries if e["locationOrLoadError"]["__typename"] == "PythonError"]
            assert not errors, errors
            return entries and all(e["loadStatus"] == "LOADED" for e in entries)

        wait_until(location_loaded, STARTUP_SECONDS, "the code location")
        location = graphql(port, LOCATIONS)["workspaceOrError"]["locationEntries"][0]["name"]

        launched = graphql(port, LAUNCH, {"params": {
            "partitionsByAssets": [{"assetKey": {"path": [GRAPHQL_ASSET]}, "partitions": {"range": {"start": DATES[0], "end": DATES[-1]}}}],
            "title": "e2e graphql backfill",
        }})["launchPartitionBackfill"]
        assert launched["__typename"] == "LaunchBackfillSuccess", launched
        graphql_backfill = launched["backfillId"]

        cli = subprocess.run(
            [str(bin_dir / "nba-features"), "backfill", "--from", DATES[0], "--to", DATES[-1], "--select", CLI_ASSET],
            env=env, capture_output=True, text=True, timeout=120,
        )
        assert cli.returncode == 0, cli.stderr
        cli_backfill = cli.stdout.splitlines()[0].strip()

        def finished(backfill_id):
            def check():
                result = graphql(port, BACKFILL, {"id": backfill_id})["partitionBackfillOrError"]
                assert result["__typename"] == "PartitionBackfill", result
                return result if result["status"] in TERMINAL else None
            return check

        graphql_result = wait_until(finished(graphql_backfill), BACKFILL_SECONDS, "the GraphQL backfill", interval=2)
        cli_result = wait_until(finished(cli_backfill), BACKFILL_SECONDS, "the CLI backfill (visible through GraphQL)", interval=2)
        assert (graphql_result["status"], graphql_result["numPartitions"]) == ("COMPLETED_SUCCESS", 3)
        assert cli_result["status"] == "COMPLETED_SUCCESS"

        for asset in (GRAPHQL_ASSET, CLI_ASSET):
            for check in ("row_count_expected", "primary_key_unique", "schema_matches_contract"):
                executions = graphql(port, CHECK_EXECUTIONS, {"asset": {"path": [asset]}, "check": check})["assetCheckExecutions"]
                per_date = {e["partition"]: e for e in executions if e["partition"]}
                assert set(per_date) == set(DATES), (asset, check, executions)
                assert all(e["status"] == "SUCCEEDED" and e["evaluation"]["success"] for e in per_date.values())

        # the daemon evaluated every sensor (RUNNING by default) without a failed tick
        for sensor in SENSORS:
            selector = {"repositoryLocationName": location, "repositoryName": "__repository__", "sensorName": sensor}

            def ticked():
                state = graphql(port, SENSOR_TICKS, {"selector": selector})["sensorOrError"]
                assert state["__typename"] == "Sensor", state
                return state["sensorState"] if state["sensorState"]["ticks"] else None

            state = wait_until(ticked, 60, f"a tick of {sensor}")
            assert state["status"] == "RUNNING"
            assert all(t["status"] in ("SKIPPED", "SUCCESS") for t in state["ticks"]), (sensor, state["ticks"])

        # the input-change sensor's first tick recorded fingerprints as observations of the inputs
        observed = graphql(port, OBSERVATIONS, {"asset": {"path": ["nba_reference", "nba_schedule"]}})["assetOrError"]
        assert any(
            "fingerprint_window" in {m["label"] for m in o["metadataEntries"]} for o in observed["assetObservations"]
        ), observed

        status = subprocess.run(
            [str(bin_dir / "nba-features"), "backfill", "status", cli_backfill], env=env, capture_output=True, text=True, timeout=120
        )
        assert status.returncode == 0, status.stderr
        assert f"backfill {cli_backfill}: COMPLETED_SUCCESS" in status.stdout
        assert any(line.split()[:5] == [CLI_ASSET, "3", "3", "0", "0"] for line in status.stdout.splitlines())
    finally:
        stop_process_tree(dev)
        log.close()
