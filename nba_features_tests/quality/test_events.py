"""Failed checks as rows of nba_orchestration.data_quality_events (decision 16) and as Slack posts.

Slack is a local HTTP server on 127.0.0.1 speaking the Web API's chat.postMessage; dagster-slack's
client is pointed at it with NBA_FEATURES_SLACK_API_URL, so the whole path (environment, SlackResource,
slack_sdk WebClient, HTTP) runs for real.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pandas as pd
import pytest

from nba_features.quality.events import EVENTS_TABLE, event_rows, notify_slack, record_failures
from nba_features.quality.outcomes import CheckOutcome
from nba_features.warehouse import DuckDBWarehouse

TABLE = "nba_predictions.ml_feature_store_v2"
D = dt.date(2026, 2, 6)
TOKEN = "xoxb-test-token-never-logged"
NOW = pd.Timestamp("2026-02-06 15:00", tz="UTC")

RED = CheckOutcome(
    "required_default_rate", D, False, "ERROR", "pct_rows_required_defaults", 100.0, "<= 30.0%",
    "100.0% of 201 rows have required defaults",
)  # fmt: skip
CANARY = CheckOutcome(
    "quality_ready_canary", D, False, "WARN", "pct_quality_ready", 12.5, ">= 60.0%", "12.5% of 201 rows are quality-ready",
    {"rows": 201},
)  # fmt: skip


class FakeSlack(ThreadingHTTPServer):
    """Records every request; answers chat.postMessage with `reply`."""

    def __init__(self):
        self.requests: list[dict] = []
        self.reply = {"ok": True, "channel": "C123", "ts": "1770390000.000100"}
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server's naming)
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                server.requests.append({"path": self.path, "headers": dict(self.headers), "body": json.loads(body or b"{}")})
                payload = json.dumps(server.reply).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args):
                pass

        super().__init__(("127.0.0.1", 0), Handler)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/api/"


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory) -> DuckDBWarehouse:
    """Shared by this module's tests (events are appended; each test reads back its own run id)."""
    warehouse = DuckDBWarehouse(tmp_path_factory.mktemp("events") / "warehouse.duckdb")
    warehouse.apply_schemas([EVENTS_TABLE])
    return warehouse


@pytest.fixture
def slack(monkeypatch):
    server = FakeSlack()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    monkeypatch.setenv("NBA_FEATURES_SLACK_API_URL", server.url)
    yield server
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


def configure(monkeypatch, token: str | None = TOKEN, channel: str | None = "#nba-quality"):
    for name, value in (("SLACK_BOT_TOKEN", token), ("NBA_FEATURES_SLACK_CHANNEL", channel)):
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)


# --- events ------------------------------------------------------------------------------------------
def test_event_rows_carry_severity_metric_threshold_and_details():
    rows = event_rows([RED, CANARY], table=TABLE, run_id="run-1", now=NOW)
    assert rows[["severity", "threshold_breached", "metric_name", "metric_value", "processor_name"]].to_dict("records") == [
        {"severity": "CRITICAL", "threshold_breached": "critical", "metric_name": "pct_rows_required_defaults",
         "metric_value": 100.0, "processor_name": "required_default_rate"},
        {"severity": "WARNING", "threshold_breached": "warning", "metric_name": "pct_quality_ready", "metric_value": 12.5,
         "processor_name": "quality_ready_canary"},
    ]  # fmt: skip
    first = rows.iloc[0]
    assert (first["event_type"], first["table_name"], first["game_date"], first["session_id"]) == ("QUALITY_ISSUE_DETECTED", TABLE, pd.Timestamp(D), "run-1")
    assert (first["event_timestamp"], first["created_at"], first["resolution_status"], first["triggered_by"]) == (NOW, NOW, "PENDING", "validation")
    assert json.loads(rows.iloc[1]["details_json"]) == {"check": "quality_ready_canary", "threshold": ">= 60.0%", "rows": 201}
    assert rows["event_id"].nunique() == 2


def test_record_failures_appends_one_row_per_failure(warehouse):
    assert record_failures(warehouse, [], table=TABLE, run_id="run-empty") == 0
    assert record_failures(warehouse, [RED, CANARY], table=TABLE, run_id="run-two") == 2
    stored = warehouse.query(
        f"SELECT * FROM {EVENTS_TABLE} WHERE game_date = @d AND session_id IN UNNEST(@runs) ORDER BY metric_name",
        {"d": D, "runs": ["run-empty", "run-two"]},
    )
    assert stored[["processor_name", "severity", "metric_value", "session_id"]].values.tolist() == [
        ["quality_ready_canary", "WARNING", 12.5, "run-two"], ["required_default_rate", "CRITICAL", 100.0, "run-two"],
    ]  # fmt: skip
    assert stored.iloc[1]["description"] == "100.0% of 201 rows have required defaults"


# --- Slack ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("token", "channel"), [(None, None), (TOKEN, None), (None, "#nba-quality"), ("", "#nba-quality")])
def test_nothing_is_posted_unless_token_and_channel_are_set(warehouse, slack, monkeypatch, token, channel):
    configure(monkeypatch, token, channel)
    assert record_failures(warehouse, [RED], table=TABLE, run_id="run-1") == 1  # the event is still written
    assert notify_slack([RED], table=TABLE) is False
    assert slack.requests == []


def test_failures_are_posted_to_the_channel_naming_the_check(warehouse, slack, monkeypatch):
    configure(monkeypatch)
    assert record_failures(warehouse, [RED, CANARY], table=TABLE, run_id="run-1") == 2
    (request,) = slack.requests
    assert request["path"] == "/api/chat.postMessage"
    assert request["headers"]["Authorization"] == f"Bearer {TOKEN}"
    assert request["body"]["channel"] == "#nba-quality"
    assert request["body"]["text"] == (
        "*2 data-quality check(s) failed on nba_predictions.ml_feature_store_v2*\n"
        "• 2026-02-06 `required_default_rate` (ERROR): 100.0% of 201 rows have required defaults\n"
        "• 2026-02-06 `quality_ready_canary` (WARN): 12.5% of 201 rows are quality-ready"
    )
    assert notify_slack([], table=TABLE) is False and len(slack.requests) == 1  # nothing failed, nothing posted


def test_long_lists_are_cut_at_20_lines(slack, monkeypatch):
    configure(monkeypatch)
    failures = [CheckOutcome("red_alert_rows", D + dt.timedelta(days=i), False, "WARN", "red_rows", 40.0, "<= 30", "40 red rows") for i in range(23)]
    assert notify_slack(failures, table=TABLE)
    text = slack.requests[0]["body"]["text"].splitlines()
    assert len(text) == 22 and text[-1] == f"… and 3 more in {EVENTS_TABLE}"


def test_a_slack_error_is_logged_without_the_token_and_never_fails_the_run(warehouse, slack, monkeypatch, caplog):
    configure(monkeypatch)
    slack.reply = {"ok": False, "error": "channel_not_found"}
    with caplog.at_level(logging.WARNING, logger="nba_features.quality.events"):
        assert notify_slack([RED], table=TABLE) is False
        assert record_failures(warehouse, [RED], table=TABLE, run_id="run-1") == 1
    assert len(slack.requests) == 2
    assert [r.getMessage() for r in caplog.records] == ["Slack notification failed: SlackApiError"] * 2
    assert TOKEN not in caplog.text
