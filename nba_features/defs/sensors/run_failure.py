"""`phase4_run_failure_sensor`: every failed run becomes a RUN_FAILED row (severity CRITICAL) of
nba_orchestration.data_quality_events: processor_name = the failed asset steps (or the job),
session_id = the run id, game_date = the run's partition (a range run names its range in details).

A failed run of Phase 4 assets is also posted to Slack once (when the event is new), and
`phase4_run_canceled_sensor` posts a canceled one: the run, its assets, its dates and the root cause
(`lib/run_outcome.py`; a run stopped by run monitoring says "Exceeded maximum runtime"), docs/ALERTS.md.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import dagster as dg
import pandas as pd

from nba_features.alerts.slack import post_to_slack
from nba_features.defs.resources import WarehouseResource
from nba_features.lib.run_outcome import run_outcome, step_failure
from nba_features.lib.run_tags import BACKFILL_TAG, PARTITION_TAG, RANGE_END_TAG, RANGE_START_TAG, TRIGGER_TAG
from nba_features.partitions import parse_date
from nba_features.pipeline.registry import PHASE4_TABLES
from nba_features.quality.events import record_run_failure


def phase4_assets_of(run: dg.DagsterRun) -> list[str]:
    """The Phase 4 assets the run targeted (all five for a run of the whole job)."""
    selected = {key.to_user_string() for key in (run.asset_selection or ())}
    return [name for name in PHASE4_TABLES if name in selected or (not selected and run.job_name == "phase4_job")]


def run_alert(instance: dg.DagsterInstance, run: dg.DagsterRun, status: str, message: str) -> str:
    """The Slack text of a failed or canceled Phase 4 run: run, assets, dates, root cause."""
    tags = run.tags
    start, end = tags.get(RANGE_START_TAG), tags.get(RANGE_END_TAG)
    dates = tags.get(PARTITION_TAG) or (f"{start} .. {end}" if start and start != end else start) or "no partition"
    causes = run_outcome(instance, run.run_id).lines()
    lines = [
        f"*Phase 4 run {status}*: `{run.run_id}` ({run.job_name}, trigger {tags.get(TRIGGER_TAG) or 'ui/other'})",
        f"• assets: {', '.join(phase4_assets_of(run))}",
        f"• dates: {dates}",
    ]
    lines += [f"• {line}" for line in causes[:10]]
    if message.strip() and not any(message.strip().splitlines()[0] in line for line in causes):
        lines.append(f"• {message.strip().splitlines()[0]}")
    return "\n".join(lines)


def run_failure_fields(
    run: dg.DagsterRun, failed_steps: Sequence[str], message: str, tags: Mapping[str, str]
) -> dict[str, object]:
    """The event fields of a failed run: who failed, for which partition(s), why."""
    partition = tags.get(PARTITION_TAG)
    range_start, range_end = tags.get(RANGE_START_TAG), tags.get(RANGE_END_TAG)
    if partition is None and range_start and range_start == range_end:
        partition = range_start
    failed_assets = [s for s in failed_steps if s in PHASE4_TABLES]
    details = {
        "job": run.job_name,
        "failed_steps": list(failed_steps),
        "trigger": tags.get(TRIGGER_TAG) or tags.get("dagster/schedule_name") or tags.get("dagster/sensor_name"),
    }
    if partition is None and range_start:
        details["partition_range"] = [range_start, range_end]
    return {
        "processor_name": ", ".join(failed_steps) if failed_steps else run.job_name,
        "table": PHASE4_TABLES[failed_assets[0]].table if len(failed_assets) == 1 else None,
        "game_date": parse_date(partition) if partition else None,
        "description": f"run {run.run_id} of {run.job_name} failed"
        + (f" in {', '.join(failed_steps)}" if failed_steps else "")
        + (f": {message.strip().splitlines()[0]}" if message.strip() else ""),
        "details": details,
        "backfill_id": tags.get(BACKFILL_TAG),
    }


@dg.run_failure_sensor(
    name="phase4_run_failure_sensor",
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Records every failed run as a RUN_FAILED row of nba_orchestration.data_quality_events.",
)
def run_failure_event_sensor(context: dg.RunFailureSensorContext, warehouse: WarehouseResource) -> None:
    run = context.dagster_run
    failures = context.get_step_failure_events()
    # the root cause (the project's own error where there is one), not the orchestrator's wrapper
    messages = [
        step_failure(e.step_key or run.job_name, e.event_specific_data.error).line()
        for e in failures
        if e.event_specific_data and e.event_specific_data.error
    ]
    fields = run_failure_fields(
        run,
        [e.step_key for e in failures if e.step_key],
        messages[0] if messages else (context.failure_event.message or ""),
        run.tags,
    )
    record = context.instance.get_run_record_by_id(run.run_id)
    duration = None
    if record and record.start_time and record.end_time:
        duration = int(round(record.end_time - record.start_time))
    failed_at = pd.Timestamp(record.end_time, unit="s", tz="UTC") if record and record.end_time else pd.Timestamp.now(tz="UTC")
    written = record_run_failure(warehouse.get(), run_id=run.run_id, failed_at=failed_at, duration_seconds=duration, **fields)
    context.log.info(f"run {run.run_id}: RUN_FAILED event {'written' if written else 'already recorded'}")
    if written and phase4_assets_of(run):  # posted once: a replayed tick finds the event already written
        post_to_slack(run_alert(context.instance, run, "failed", context.failure_event.message or ""))


@dg.run_status_sensor(
    run_status=dg.DagsterRunStatus.CANCELED,
    name="phase4_run_canceled_sensor",
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Posts every canceled run of Phase 4 assets to Slack (run, assets, dates, root cause).",
)
def run_canceled_alert_sensor(context: dg.RunStatusSensorContext) -> None:
    run = context.dagster_run
    if phase4_assets_of(run):
        post_to_slack(run_alert(context.instance, run, "canceled", context.dagster_event.message or ""))
