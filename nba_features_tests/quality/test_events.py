"""Failed checks as rows of nba_orchestration.data_quality_events and as Slack posts; the events' life cycle.

Slack is a local HTTP server on 127.0.0.1 speaking the Web API's chat.postMessage; dagster-slack's
client is pointed at it with NBA_FEATURES_SLACK_API_URL, so the whole path (environment, SlackResource,
slack_sdk WebClient, HTTP) runs for real.
"""

from __future__ import annotations

import datetime as dt
import json
import logging

import pandas as pd
import pytest

from nba_features.quality.events import EVENTS_TABLE, event_rows, notify_slack, record_outcomes, record_run_failure
from nba_features.quality.outcomes import CheckOutcome
from nba_features.warehouse import DuckDBWarehouse
from nba_features_tests.fake_slack import fake_slack

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


@pytest.fixture
def warehouse(tmp_path) -> DuckDBWarehouse:
    warehouse = DuckDBWarehouse(tmp_path / "warehouse.duckdb")
    warehouse.apply_schemas([EVENTS_TABLE])
    return warehouse


def record_failures(warehouse, failures, *, run_id, now=NOW) -> int:
    """The failures of one run over their dates: the number of events opened."""
    dates = sorted({o.game_date for o in failures}) or [D]
    return len(record_outcomes(warehouse, failures, table=TABLE, run_id=run_id, dates=dates, now=now).opened)


def stored(warehouse) -> pd.DataFrame:
    return warehouse.query(
        f"SELECT * FROM {EVENTS_TABLE} WHERE DATE(event_timestamp) >= @since ORDER BY event_timestamp, processor_name",
        {"since": dt.date(2000, 1, 1)},
    )


@pytest.fixture
def slack(monkeypatch):
    with fake_slack(monkeypatch) as server:
        yield server


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
    assert (first["event_type"], first["table_name"], first["game_date"], first["session_id"]) == (
        "QUALITY_ISSUE_DETECTED",
        TABLE,
        pd.Timestamp(D),
        "run-1",
    )
    assert (first["event_timestamp"], first["created_at"], first["resolution_status"], first["triggered_by"]) == (
        NOW,
        NOW,
        "PENDING",
        "validation",
    )
    assert json.loads(rows.iloc[1]["details_json"]) == {"check": "quality_ready_canary", "threshold": ">= 60.0%", "rows": 201}
    assert rows["event_id"].nunique() == 2


def test_record_failures_appends_one_row_per_failure(warehouse):
    assert record_failures(warehouse, [], run_id="run-empty") == 0
    assert record_failures(warehouse, [RED, CANARY], run_id="run-two") == 2
    stored = warehouse.query(
        f"SELECT * FROM {EVENTS_TABLE} WHERE game_date = @d AND session_id IN UNNEST(@runs) ORDER BY metric_name",
        {"d": D, "runs": ["run-empty", "run-two"]},
    )
    assert stored[["processor_name", "severity", "metric_value", "session_id"]].values.tolist() == [
        ["quality_ready_canary", "WARNING", 12.5, "run-two"], ["required_default_rate", "CRITICAL", 100.0, "run-two"],
    ]  # fmt: skip
    assert stored.iloc[1]["description"] == "100.0% of 201 rows have required defaults"


# --- the life cycle ------------------------------------------------------------------------------------
PASSED = CheckOutcome(
    "required_default_rate", D, True, "ERROR", "pct_rows_required_defaults", 2.0, "<= 30.0%", "2.0% of 201 rows"
)


def test_an_event_opens_on_failure_folds_repeats_and_resolves_on_a_later_pass(warehouse, slack, monkeypatch):
    configure(monkeypatch)
    opened = record_outcomes(warehouse, [RED], table=TABLE, run_id="run-red", dates=[D], now=NOW)
    assert [o.check_name for o in opened.opened] == ["required_default_rate"]
    (event,) = stored(warehouse).itertuples()
    assert (event.resolution_status, event.session_id) == ("PENDING", "run-red") and pd.isna(event.duration_seconds)

    # the same check failing again on the same partition while the event is open: folded, nothing posted
    again = record_outcomes(warehouse, [RED], table=TABLE, run_id="run-again", dates=[D], now=NOW + pd.Timedelta(hours=1))
    assert (again.opened, [o.check_name for o in again.still_open]) == ((), ["required_default_rate"])
    assert len(stored(warehouse)) == 1 and len(slack.requests) == 1

    # another check or another date is another event
    other_day = CheckOutcome(**{**RED.__dict__, "game_date": D + dt.timedelta(days=1)})
    assert (
        len(record_outcomes(warehouse, [other_day], table=TABLE, run_id="run-other", dates=[other_day.game_date], now=NOW).opened)
        == 1
    )

    # a later passing evaluation of that check on that partition resolves it, naming the run
    fixed_at = NOW + pd.Timedelta(hours=5, seconds=7)
    resolved = record_outcomes(warehouse, [PASSED], table=TABLE, run_id="run-fix", dates=[D], now=fixed_at)
    assert resolved.resolved == (event.event_id,)
    rows = stored(warehouse).set_index("event_id")
    fixed = rows.loc[event.event_id]
    assert (fixed["resolution_status"], fixed["duration_seconds"]) == ("RESOLVED", 5 * 3600 + 7)
    details = json.loads(fixed["details_json"])
    assert details["resolved_by_run_id"] == "run-fix" and details["check"] == "required_default_rate"
    assert pd.Timestamp(details["resolved_at"]) == fixed_at
    assert (rows["resolution_status"] == "PENDING").sum() == 1  # the other date's event stays open
    # one post per opened event, none for the fold, a resolution note when it closes (docs/ALERTS.md)
    assert len(slack.requests) == 3
    assert slack.requests[-1]["body"]["text"].startswith(
        f"*1 quality event(s) resolved on {TABLE}*\n• `required_default_rate` {D}"
    )

    # failing again after the resolution opens a new event
    assert len(record_outcomes(warehouse, [RED], table=TABLE, run_id="run-red-2", dates=[D], now=fixed_at).opened) == 1


def test_a_refused_write_opens_one_event_without_a_date_closed_by_a_later_pass(warehouse):
    refused = CheckOutcome("schema_matches_contract", None, False, "ERROR", "schema_drift", None, "live = contract", "missing x")
    ok = CheckOutcome("schema_matches_contract", D, True, "ERROR", "schema_drift", 0.0, "live = contract", "matched")
    assert len(record_outcomes(warehouse, [refused], table=TABLE, run_id="run-1", dates=[D], now=NOW).opened) == 1
    assert pd.isna(stored(warehouse)["game_date"].iloc[0])
    assert len(record_outcomes(warehouse, [ok], table=TABLE, run_id="run-2", dates=[D], now=NOW).resolved) == 1
    assert set(stored(warehouse)["resolution_status"]) == {"RESOLVED"}


def test_a_run_failure_of_one_date_is_resolved_when_that_date_is_materialized(warehouse):
    record_run_failure(
        warehouse, run_id="failed-run", processor_name="ml_feature_store_v2", description="run failed", failed_at=NOW,
        game_date=D, table=TABLE, details={"job": "phase4_job"},
    )  # fmt: skip
    untouched = record_outcomes(warehouse, [], table=TABLE, run_id="other", dates=[D], materialized=[], now=NOW)
    assert untouched.resolved == () and set(stored(warehouse)["resolution_status"]) == {"PENDING"}
    done = record_outcomes(
        warehouse, [], table=TABLE, run_id="rerun", dates=[D], materialized=[D], now=NOW + pd.Timedelta(minutes=3)
    )
    assert len(done.resolved) == 1
    (event,) = stored(warehouse).itertuples()
    assert (event.resolution_status, event.duration_seconds, json.loads(event.details_json)["resolved_by_run_id"]) == (
        "RESOLVED",
        180,
        "rerun",
    )


# --- Slack ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("token", "channel"), [(None, None), (TOKEN, None), (None, "#nba-quality"), ("", "#nba-quality")])
def test_nothing_is_posted_unless_token_and_channel_are_set(warehouse, slack, monkeypatch, token, channel):
    configure(monkeypatch, token, channel)
    assert record_failures(warehouse, [RED], run_id="run-1") == 1  # the event is still written
    assert notify_slack([RED], table=TABLE) is False
    assert slack.requests == []


def test_failures_are_posted_to_the_channel_naming_the_check(warehouse, slack, monkeypatch):
    configure(monkeypatch)
    assert record_failures(warehouse, [RED, CANARY], run_id="run-1") == 2
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
    failures = [
        CheckOutcome("red_alert_rows", D + dt.timedelta(days=i), False, "WARN", "red_rows", 40.0, "<= 30", "40 red rows")
        for i in range(23)
    ]
    assert notify_slack(failures, table=TABLE)
    text = slack.requests[0]["body"]["text"].splitlines()
    assert len(text) == 22 and text[-1] == f"… and 3 more in {EVENTS_TABLE}"


def test_a_slack_error_is_logged_without_the_token_and_never_fails_the_run(warehouse, slack, monkeypatch, caplog):
    configure(monkeypatch)
    slack.reply = {"ok": False, "error": "channel_not_found"}
    with caplog.at_level(logging.WARNING, logger="nba_features.quality.events"):
        assert notify_slack([RED], table=TABLE) is False
        assert record_failures(warehouse, [RED], run_id="run-1") == 1
    assert len(slack.requests) == 2
    assert [r.getMessage() for r in caplog.records] == ["Slack notification failed: SlackApiError"] * 2
    assert TOKEN not in caplog.text
