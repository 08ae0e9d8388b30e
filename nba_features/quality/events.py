"""Failed checks become rows of nba_orchestration.data_quality_events (decision 16) and Slack posts;
failed Dagster runs become RUN_FAILED rows (`record_run_failure`, written by the run-failure sensor).

Slack is used only when `SLACK_BOT_TOKEN` and `NBA_FEATURES_SLACK_CHANNEL` are set (dagster-slack's
SlackResource); nothing is posted otherwise. The token is never logged or stored in an event.
`NBA_FEATURES_SLACK_API_URL` replaces the Slack Web API base URL (default https://slack.com/api/), for
GovSlack, an egress proxy or a local test server.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import uuid
from collections.abc import Sequence

import pandas as pd

from nba_features.quality.outcomes import CheckOutcome
from nba_features.warehouse.base import Warehouse

EVENTS_TABLE = "nba_orchestration.data_quality_events"
log = logging.getLogger(__name__)


def event_rows(outcomes: Sequence[CheckOutcome], *, table: str, run_id: str | None, now: pd.Timestamp | None = None) -> pd.DataFrame:
    now = now if now is not None else pd.Timestamp.now(tz="UTC")
    rows = [
        {
            "event_id": str(uuid.uuid4()),
            "event_timestamp": now,
            "event_type": "QUALITY_ISSUE_DETECTED",
            "severity": "CRITICAL" if o.severity == "ERROR" else "WARNING",
            "table_name": table,
            "game_date": pd.Timestamp(o.game_date),
            "metric_name": o.metric_name,
            "metric_value": o.metric_value,
            "threshold_breached": "critical" if o.severity == "ERROR" else "warning",
            "description": o.description,
            "details_json": json.dumps({"check": o.check_name, "threshold": o.threshold, **dict(o.details)}, default=str, sort_keys=True),
            "resolution_status": "PENDING",
            "backfill_queue_id": None,
            "triggered_by": "validation",
            "related_event_id": None,
            "duration_seconds": None,
            "processor_name": o.check_name,
            "session_id": run_id,
            "created_at": now,
        }
        for o in outcomes
    ]
    return pd.DataFrame(rows)


def record_failures(warehouse: Warehouse, failures: Sequence[CheckOutcome], *, table: str, run_id: str | None) -> int:
    """Write one event per failed check outcome of `table` and notify Slack; returns the number of events."""
    if not failures:
        return 0
    written = warehouse.append(EVENTS_TABLE, event_rows(failures, table=table, run_id=run_id))
    notify_slack(failures, table=table)
    return written


SLACK_MAX_LINES = 20


def slack_message(failures: Sequence[CheckOutcome], table: str | None = None) -> str:
    lines = [f"*{len(failures)} data-quality check(s) failed" + (f" on {table}*" if table else "*")]
    lines += [f"• {o.game_date} `{o.check_name}` ({o.severity}): {o.description}" for o in failures[:SLACK_MAX_LINES]]
    if len(failures) > SLACK_MAX_LINES:
        lines.append(f"… and {len(failures) - SLACK_MAX_LINES} more in {EVENTS_TABLE}")
    return "\n".join(lines)


def notify_slack(failures: Sequence[CheckOutcome], *, table: str | None = None) -> bool:
    """Post the failures to NBA_FEATURES_SLACK_CHANNEL through dagster-slack; True when posted."""
    token = os.environ.get("SLACK_BOT_TOKEN")
    channel = os.environ.get("NBA_FEATURES_SLACK_CHANNEL")
    if not (token and channel and failures):
        return False
    from dagster_slack import SlackResource

    try:
        client = SlackResource(token=token).get_client()
        api_url = os.environ.get("NBA_FEATURES_SLACK_API_URL")
        if api_url:  # SlackResource has no base-URL setting; the WebClient reads this attribute per call
            client.base_url = api_url if api_url.endswith("/") else api_url + "/"
        client.chat_postMessage(channel=channel, text=slack_message(failures, table))
    except Exception as error:  # a Slack outage must not fail the data run; the events table has it all
        log.warning("Slack notification failed: %s", type(error).__name__)
        return False
    return True


RUN_FAILURE_NAMESPACE = uuid.UUID("5d1f6a2e-0c7b-4b8e-9a51-7f3c2d9e8b10")
RUN_FAILED_EXISTS_SQL = f"""
-- bound: the one day of the failure's event_timestamp
SELECT COUNT(*) AS events FROM {EVENTS_TABLE}
WHERE DATE(event_timestamp) = @failure_date AND event_id = @event_id
"""


def record_run_failure(
    warehouse: Warehouse,
    *,
    run_id: str,
    processor_name: str,
    description: str,
    failed_at: pd.Timestamp,
    game_date: dt.date | None = None,
    table: str | None = None,
    details: dict | None = None,
    duration_seconds: int | None = None,
    backfill_id: str | None = None,
) -> bool:
    """Write one RUN_FAILED event (severity CRITICAL) for a failed Dagster run; False if already written.

    The event id is derived from the run id, so a replayed sensor tick does not write the run twice.
    """
    event_id = str(uuid.uuid5(RUN_FAILURE_NAMESPACE, run_id))
    failed_at = pd.Timestamp(failed_at)
    # TIMESTAMP columns hold microseconds; a run's end time is a float with sub-microsecond noise
    failed_at = (failed_at.tz_convert("UTC") if failed_at.tzinfo else failed_at.tz_localize("UTC")).floor("us")
    existing = warehouse.query(RUN_FAILED_EXISTS_SQL, {"failure_date": failed_at.date(), "event_id": event_id})
    if int(existing["events"].iloc[0]):
        return False
    row = {
        "event_id": event_id,
        "event_timestamp": failed_at,
        "event_type": "RUN_FAILED",
        "severity": "CRITICAL",
        "table_name": table,
        "game_date": pd.Timestamp(game_date) if game_date else pd.NaT,
        "metric_name": None,
        "metric_value": None,
        "threshold_breached": "critical",
        "description": description,
        "details_json": json.dumps(details or {}, default=str, sort_keys=True),
        "resolution_status": "PENDING",
        "backfill_queue_id": backfill_id,
        "triggered_by": "alerting",
        "related_event_id": None,
        "duration_seconds": duration_seconds,
        "processor_name": processor_name,
        "session_id": run_id,
        "created_at": pd.Timestamp.now(tz="UTC").floor("us"),
    }
    warehouse.append(EVENTS_TABLE, pd.DataFrame([row]))
    return True
