"""Failed checks become rows of nba_orchestration.data_quality_events (docs/RULES.md#quality-events) and Slack posts;
failed Dagster runs become RUN_FAILED rows (`record_run_failure`, written by the run-failure sensor).

Events have a life cycle (docs/RULES.md#event-life-cycle): a failed check opens an event (`resolution_status` PENDING);
while it is open, the same check failing again on the same partition adds nothing (one event, one
Slack post); a later passing evaluation of that check on that partition resolves it (RESOLVED,
`duration_seconds` = time open, the resolving run in `details_json`). A RUN_FAILED event about one
table and date is resolved by a later run that materializes that date of that table.

Slack (docs/ALERTS.md, `alerts/slack.py`): one post when an event opens, nothing while it stays open
(folded), one reminder once it has been open for `OVERDUE_HOURS` (`remind_overdue`, run by the freshness
sensor's ticks), and a resolution note when a later pass closes it.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from nba_features.alerts.slack import post_to_slack
from nba_features.quality.outcomes import CheckOutcome
from nba_features.warehouse.base import Warehouse

EVENTS_TABLE = "nba_orchestration.data_quality_events"


def event_rows(
    outcomes: Sequence[CheckOutcome], *, table: str, run_id: str | None, now: pd.Timestamp | None = None
) -> pd.DataFrame:
    now = now if now is not None else pd.Timestamp.now(tz="UTC")
    rows = [
        {
            "event_id": str(uuid.uuid4()),
            "event_timestamp": now,
            "event_type": "QUALITY_ISSUE_DETECTED",
            "severity": "CRITICAL" if o.severity == "ERROR" else "WARNING",
            "table_name": table,
            "game_date": pd.Timestamp(o.game_date) if o.game_date is not None else pd.NaT,
            "metric_name": o.metric_name,
            "metric_value": o.metric_value,
            "threshold_breached": "critical" if o.severity == "ERROR" else "warning",
            "description": o.description,
            "details_json": json.dumps(
                {"check": o.check_name, "threshold": o.threshold, **dict(o.details)}, default=str, sort_keys=True
            ),
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


# Open events older than this are not looked at when a run resolves events: a partition rerun after
# more than a year is a backfill, and its events are closed by hand (`nba-features events`).
OPEN_EVENT_HORIZON_DAYS = 400

OPEN_EVENTS_SQL = f"""
-- bound: events of the last {OPEN_EVENT_HORIZON_DAYS} days (partition DATE(event_timestamp)), about one table and the run's dates
SELECT event_id, event_type, processor_name, game_date, event_timestamp
FROM {EVENTS_TABLE}
WHERE DATE(event_timestamp) >= @since
  AND resolution_status = 'PENDING'
  AND table_name = @table
  AND (game_date BETWEEN @start_date AND @end_date OR game_date IS NULL)
"""

RESOLVE_SQL = f"""
-- bound: events of the last {OPEN_EVENT_HORIZON_DAYS} days, by id
UPDATE {EVENTS_TABLE}
SET resolution_status = 'RESOLVED',
    duration_seconds = TIMESTAMP_DIFF(CAST(@resolved_at AS TIMESTAMP), event_timestamp, SECOND),
    details_json = CONCAT(SUBSTR(details_json, 1, LENGTH(details_json) - 1), @resolution)
WHERE DATE(event_timestamp) >= @since AND event_id IN UNNEST(@event_ids) AND resolution_status = 'PENDING'
"""


@dataclass(frozen=True)
class EventChanges:
    """What one run's check outcomes did to the events table."""

    opened: tuple[CheckOutcome, ...] = ()
    still_open: tuple[CheckOutcome, ...] = ()  # failed again while their event was open: nothing written
    resolved: tuple[str, ...] = ()  # event ids


def _key(check: str | None, day) -> tuple[str | None, dt.date | None]:
    return check, (None if day is None or pd.isna(day) else pd.Timestamp(day).date())


def record_outcomes(
    warehouse: Warehouse,
    outcomes: Sequence[CheckOutcome],
    *,
    table: str,
    run_id: str | None,
    dates: Sequence[dt.date],
    materialized: Sequence[dt.date] = (),
    now: pd.Timestamp | None = None,
) -> EventChanges:
    """Open, fold and resolve the events of one run's outcomes for `table` over `dates`.

    `materialized` are the dates this run materialized (green): they resolve open RUN_FAILED events of
    the table for those dates. New failures are posted to Slack; folded and resolved ones are not.
    """
    now = (now if now is not None else pd.Timestamp.now(tz="UTC")).floor("us")
    if not dates:
        return EventChanges()
    since = (now - pd.Timedelta(days=OPEN_EVENT_HORIZON_DAYS)).date()
    open_events = warehouse.query(
        OPEN_EVENTS_SQL, {"since": since, "table": table, "start_date": min(dates), "end_date": max(dates)}
    )
    open_checks: dict[tuple, list[str]] = {}
    open_run_failures: dict[dt.date, list[str]] = {}
    by_id = {event.event_id: event for event in open_events.itertuples(index=False)}
    for event in open_events.itertuples(index=False):
        if event.event_type == "RUN_FAILED":
            if not pd.isna(event.game_date):
                open_run_failures.setdefault(pd.Timestamp(event.game_date).date(), []).append(event.event_id)
        else:
            open_checks.setdefault(_key(event.processor_name, event.game_date), []).append(event.event_id)
    failed = [o for o in outcomes if not o.passed]
    opened = tuple(o for o in failed if _key(o.check_name, o.game_date) not in open_checks)
    still_open = tuple(o for o in failed if _key(o.check_name, o.game_date) in open_checks)
    passed = [o for o in outcomes if o.passed]
    resolved = [event_id for o in passed for event_id in open_checks.get(_key(o.check_name, o.game_date), ())]
    # an event without a date (a refused write) is about the table: any later pass of its check closes it
    resolved += [event_id for name in {o.check_name for o in passed} for event_id in open_checks.get((name, None), ())]
    resolved += [event_id for day in materialized for event_id in open_run_failures.get(day, ())]
    if opened:
        warehouse.append(EVENTS_TABLE, event_rows(opened, table=table, run_id=run_id, now=now))
        notify_slack(opened, table=table)
    if resolved:
        resolution = json.dumps({"resolved_by_run_id": run_id, "resolved_at": now.isoformat()})
        warehouse.execute(
            RESOLVE_SQL,
            {
                "resolved_at": now.isoformat(),
                "since": since,
                "event_ids": sorted(set(resolved)),
                "resolution": ", " + resolution[1:],
            },
        )
        post_to_slack(resolution_message([by_id[event_id] for event_id in sorted(set(resolved))], table=table, now=now))
    return EventChanges(opened, still_open, tuple(sorted(set(resolved))))


SLACK_MAX_LINES = 20


def slack_message(failures: Sequence[CheckOutcome], table: str | None = None) -> str:
    lines = [f"*{len(failures)} data-quality check(s) failed" + (f" on {table}*" if table else "*")]
    lines += [f"• {o.game_date} `{o.check_name}` ({o.severity}): {o.description}" for o in failures[:SLACK_MAX_LINES]]
    if len(failures) > SLACK_MAX_LINES:
        lines.append(f"… and {len(failures) - SLACK_MAX_LINES} more in {EVENTS_TABLE}")
    return "\n".join(lines)


def notify_slack(failures: Sequence[CheckOutcome], *, table: str | None = None) -> bool:
    """Post the failures to NBA_FEATURES_SLACK_CHANNEL (when Slack is configured); True when posted."""
    return bool(failures) and post_to_slack(slack_message(failures, table))


def _age(since: pd.Timestamp, now: pd.Timestamp) -> str:
    since = pd.Timestamp(since)
    since = since.tz_convert("UTC") if since.tzinfo else since.tz_localize("UTC")  # stored TIMESTAMPs are UTC
    minutes = max(int((now - since).total_seconds() // 60), 0)
    return f"{minutes // 1440}d {minutes % 1440 // 60}h" if minutes >= 1440 else f"{minutes // 60}h {minutes % 60}m"


def _event_line(event, now: pd.Timestamp) -> str:
    day = "" if pd.isna(event.game_date) else f" {pd.Timestamp(event.game_date).date()}"
    what = "run failure" if event.event_type == "RUN_FAILED" else f"`{event.processor_name}`"
    return f"• {what}{day} (open {_age(event.event_timestamp, now)})"


def resolution_message(events: Sequence, *, table: str, now: pd.Timestamp) -> str:
    lines = [f"*{len(events)} quality event(s) resolved on {table}*"]
    lines += [_event_line(event, now) for event in events[:SLACK_MAX_LINES]]
    if len(events) > SLACK_MAX_LINES:
        lines.append(f"… and {len(events) - SLACK_MAX_LINES} more in {EVENTS_TABLE}")
    return "\n".join(lines)


# docs/RULES.md#event-life-cycle: an event still open after a day is posted again, once
OVERDUE_HOURS = 24
OVERDUE_MARK = "overdue_reminded_at"

OVERDUE_EVENTS_SQL = f"""
-- bound: events of the last {OPEN_EVENT_HORIZON_DAYS} days (partition DATE(event_timestamp)) opened before @cutoff
SELECT event_id, event_type, table_name, processor_name, game_date, event_timestamp, severity
FROM {EVENTS_TABLE}
WHERE DATE(event_timestamp) >= @since
  AND resolution_status = 'PENDING'
  AND event_timestamp <= CAST(@cutoff AS TIMESTAMP)
  AND details_json NOT LIKE @mark
ORDER BY event_timestamp, event_id
"""

MARK_REMINDED_SQL = f"""
-- bound: events of the last {OPEN_EVENT_HORIZON_DAYS} days, by id
UPDATE {EVENTS_TABLE}
SET details_json = CONCAT(SUBSTR(details_json, 1, LENGTH(details_json) - 1), @reminder)
WHERE DATE(event_timestamp) >= @since AND event_id IN UNNEST(@event_ids) AND resolution_status = 'PENDING'
"""


def remind_overdue(warehouse: Warehouse, *, now: pd.Timestamp | None = None) -> tuple[str, ...]:
    """Post one reminder for the events open longer than OVERDUE_HOURS that were not reminded yet; their ids.

    Each is marked in `details_json` (`overdue_reminded_at`), so it is reminded once however often this runs.
    Nothing is marked while Slack is not configured: the reminder goes out once it is.
    """
    now = (now if now is not None else pd.Timestamp.now(tz="UTC")).floor("us")
    since = (now - pd.Timedelta(days=OPEN_EVENT_HORIZON_DAYS)).date()
    overdue = warehouse.query(
        OVERDUE_EVENTS_SQL,
        {"since": since, "cutoff": (now - pd.Timedelta(hours=OVERDUE_HOURS)).isoformat(), "mark": f'%"{OVERDUE_MARK}"%'},
    )
    if overdue.empty:
        return ()
    events = list(overdue.itertuples(index=False))
    lines = [f"*{len(events)} quality event(s) open for more than {OVERDUE_HOURS} h* (`nba-features events` lists them)"]
    lines += [f"{_event_line(e, now)} on {e.table_name or 'the run'} ({e.severity})" for e in events[:SLACK_MAX_LINES]]
    if len(events) > SLACK_MAX_LINES:
        lines.append(f"… and {len(events) - SLACK_MAX_LINES} more in {EVENTS_TABLE}")
    if not post_to_slack("\n".join(lines)):
        return ()
    ids = tuple(e.event_id for e in events)
    mark = json.dumps({OVERDUE_MARK: now.isoformat()})
    warehouse.execute(MARK_REMINDED_SQL, {"since": since, "event_ids": list(ids), "reminder": ", " + mark[1:]})
    return ids


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
