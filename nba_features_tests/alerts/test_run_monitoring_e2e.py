"""Run monitoring under real `dagster dev` (webserver + daemon) with the project's dagster.yaml: a Phase 4 run that
cannot finish (the DuckDB file held by this test, so every warehouse call waits and retries) is stopped at its
`dagster/max_runtime`, marked failed, and the run-failure sensor posts it to Slack (a local HTTP server)."""

from __future__ import annotations

import datetime as dt
import threading

import duckdb
import pytest
import yaml

from nba_features_tests.automation.conftest import write_instance_home
from nba_features_tests.dagster_dev_server import dagster_dev, wait_until
from nba_features_tests.fake_slack import FakeSlack

pytestmark = pytest.mark.slow
DAY = dt.date(2024, 1, 16)
LAUNCH = """
mutation($params: ExecutionParams!) { launchRun(executionParams: $params) {
  __typename ... on LaunchRunSuccess { run { runId } } ... on PythonError { message } } }"""
RUN = """query($id: ID!) { runOrError(runId: $id) { ... on Run { status } } }"""


def test_a_run_past_its_max_runtime_is_stopped_and_posted(league, tmp_path):
    home = write_instance_home(tmp_path / "home")
    config = yaml.safe_load((home / "dagster.yaml").read_text())
    config["run_monitoring"]["poll_interval_seconds"] = 1  # the project polls every minute; the test cannot wait that long
    config["run_retries"]["enabled"] = False  # the retry of the stopped run is the instance's business, not this test's
    (home / "dagster.yaml").write_text(yaml.safe_dump(config))
    slack = FakeSlack()
    threading.Thread(target=slack.serve_forever, daemon=True).start()
    env = {"NBA_FEATURES_SLACK_API_URL": slack.url, "SLACK_BOT_TOKEN": "xoxb-test", "NBA_FEATURES_SLACK_CHANNEL": "#alerts"}
    try:
        with dagster_dev(home, league.path, tmp_path / "dagster_dev.log", extra_env=env) as dev:
            holder = duckdb.connect(str(league.path))  # every warehouse call of the run now waits on the file lock
            try:
                params = {
                    "selector": {"repositoryLocationName": dev.location, "repositoryName": "__repository__", "jobName": "phase4_job"},
                    "executionMetadata": {"tags": [
                        {"key": "dagster/partition", "value": DAY.isoformat()}, {"key": "dagster/max_runtime", "value": "5"},
                    ]},
                }  # fmt: skip
                launched = dev.graphql(LAUNCH, {"params": params})["launchRun"]
                assert launched["__typename"] == "LaunchRunSuccess", launched
                run_id = launched["run"]["runId"]
                wait_until(
                    lambda: dev.graphql(RUN, {"id": run_id})["runOrError"]["status"] in ("FAILURE", "CANCELED"),
                    120, "run monitoring to stop the run",
                )  # fmt: skip
            finally:
                holder.close()
            wait_until(lambda: any(run_id in r["body"]["text"] for r in slack.requests), 120, "the run-failure post")
    finally:
        slack.shutdown()
        slack.server_close()
    (post,) = [r["body"]["text"] for r in slack.requests if run_id in r["body"]["text"]]
    assert post.startswith(f"*Phase 4 run failed*: `{run_id}` (phase4_job")
    assert "Exceeded maximum runtime of 5 seconds" in post and f"dates: {DAY}" in post
    assert "team_defense_zone_analysis" in post and "ml_feature_store_v2" in post
