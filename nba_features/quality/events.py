"""Failed checks become rows of nba_orchestration.data_quality_events (decision 16) and Slack posts.

Slack is used only when `SLACK_BOT_TOKEN` and `NBA_FEATURES_SLACK_CHANNEL` are set (dagster-slack's
SlackResource); nothing is posted otherwise. The token is never logged or stored in an event.
"""

from __future__ import annotations

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
    notify_slack(failures)
    return written


def notify_slack(failures: Sequence[CheckOutcome]) -> bool:
    token = os.environ.get("SLACK_BOT_TOKEN")
    channel = os.environ.get("NBA_FEATURES_SLACK_CHANNEL")
    if not (token and channel and failures):
        return False
    from dagster_slack import SlackResource

    lines = [f"*{len(failures)} data-quality check(s) failed*"]
    lines += [f"• {o.game_date} `{o.check_name}` ({o.severity}): {o.description}" for o in failures[:20]]
    try:
        SlackResource(token=token).get_client().chat_postMessage(channel=channel, text="\n".join(lines))
    except Exception as error:  # a Slack outage must not fail the data run; the events table has it all
        log.warning("Slack notification failed: %s", type(error).__name__)
        return False
    return True
