"""Sensors: rerun on input changes, retry once an upstream is fixed, record run failures. All RUNNING.

`phase4_input_change_sensor` (every 5 minutes)
    Detects changes from the data itself. Each tick runs one bounded fingerprint query per source
    table over [today - 400 days, today + 7 days] (`fingerprints.py`) and compares the per-date
    fingerprints with those kept in the cursor, so any number of dates changed between two ticks are
    all seen. For each changed date X of table T, the partitions D whose extracts read T on X are
    rerun, bounded by each asset's declared lookback (`lookbacks.py`, the table in the README), with
    every Phase 4 asset downstream of an affected asset, for D that exist (<= today's partition) and
    have scheduled games (or lost their last game, so the stale partition is cleared). One RunRequest
    per date, run key from (date, evaluation sequence, the changed fingerprints): a replayed tick does
    not duplicate runs, a table changing back and forth is never deduplicated away. New fingerprints
    are recorded as AssetObservations of the source assets (every table at the baseline, then the
    tables that changed). The first tick records a baseline and requests nothing; changes older than
    the window need a backfill. A Phase 3 reprocess of a whole season asks for one run per affected
    date, which the run queue and the warehouse pool work through; a backfill (range runs) is faster.

`phase4_upstream_fixed_retry_sensor` (every minute): retry after a failed or blocked partition.
    A sensor rather than an AutomationCondition: the retry must target one specific old partition
    (eager conditions only look at the latest one), depends on the per-partition results of blocking
    checks, and must not fire while the run that fixed the upstream is itself going to rerun the
    asset; a sensor over the event log states all three exactly and is testable tick by tick.
    It reads every new materialization of a Phase 4 asset U for date D (cursor: event storage id).
    When the run that produced it did not plan a downstream asset A, and A's partition D is failed
    (its latest attempt did not materialize) or red (the latest result of one of A's blocking checks
    for D failed) from an attempt made before that materialization, and nothing has planned A for D
    since, A (and its downstream) is rerun for D. Typical case: the feature store turned red because
    composite factors were missing for D (the 2026-02-06 incident); composite factors are rematerialized
    for D; the feature store is retried for D.

Event-log reads use a few `dagster._core` names (PartitionKeyFilter, DagsterEventType): Dagster has no
public API for per-partition check results or a run's planned assets.

`phase4_run_failure_sensor`: every failed run becomes a RUN_FAILED row (severity CRITICAL) of
    nba_orchestration.data_quality_events: processor_name = the failed asset steps (or the job),
    session_id = the run id, game_date = the run's partition (a range run names its range in details).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import dagster as dg
import pandas as pd
from nba_features.dagster_internals import DagsterEventType, PartitionKeyFilter

from nba_features.automation.fingerprints import (
    DEFAULT_AHEAD_DAYS,
    DEFAULT_HISTORY_DAYS,
    FingerprintState,
    TableChange,
    changed_dates,
    table_fingerprints,
)
from nba_features.automation.jobs import phase4_job
from nba_features.automation.lookbacks import ASSET_ORDER, DOWNSTREAM, RERUN_WINDOWS, affected_partitions, with_downstream
from nba_features.partitions import game_dates, parse_date
from nba_features.phase4.registry import PHASE4_TABLES, RUN_ORDER, checks_for
from nba_features.phase4.seasons import SCHEDULE_TABLE
from nba_features.quality.events import record_run_failure
from nba_features.sources.assets import SOURCE_TABLES, source_asset_key
from nba_features.warehouse import Warehouse, WarehouseResource

TRIGGER_TAG = "nba_features/trigger"
# Tables that only optional extracts read (decision 8): fingerprinted when they exist.
OPTIONAL_SOURCES = frozenset(
    e.source_table for t in RUN_ORDER for e in t.extracts if e.optional and e.source_table
)
MAX_LISTED = 20


# --- input changes -----------------------------------------------------------------------------
@dataclass(frozen=True)
class InputChangePlan:
    state: FingerprintState
    changes: dict[str, TableChange]
    reruns: dict[dt.date, tuple[str, ...]]  # partition date → assets, run order
    baseline: bool

    def causes(self, day: dt.date) -> list[tuple[str, dt.date]]:
        """(table, changed date) pairs whose rerun windows contain `day`."""
        found = []
        for table, change in sorted(self.changes.items()):
            windows = [w[table] for w in RERUN_WINDOWS.values() if table in w]
            for changed in change.dates:
                if any(w.first_offset <= (day - changed).days <= w.last_offset for w in windows):
                    found.append((table, changed))
        return found

    def run_key(self, day: dt.date) -> str:
        material = "|".join(f"{t}@{d}={self.changes[t].fingerprints[d]}" for t, d in self.causes(day))
        digest = hashlib.sha1(f"{'+'.join(self.reruns[day])}|{material}".encode()).hexdigest()[:16]
        return f"input-change:{day.isoformat()}:{self.state.sequence}:{digest}"


def fingerprint_inputs(
    warehouse: Warehouse, today: dt.date, *, history_days: int = DEFAULT_HISTORY_DAYS, ahead_days: int = DEFAULT_AHEAD_DAYS
) -> FingerprintState:
    start, end = today - dt.timedelta(days=history_days), today + dt.timedelta(days=ahead_days)
    tables = {
        table: table_fingerprints(warehouse, table, start, end)
        for table in SOURCE_TABLES
        if table not in OPTIONAL_SOURCES or warehouse.table_exists(table)
    }
    return FingerprintState(start, end, tables)


def plan_input_change_reruns(
    warehouse: Warehouse,
    previous: FingerprintState | None,
    today: dt.date,
    *,
    first_partition: dt.date,
    history_days: int = DEFAULT_HISTORY_DAYS,
    ahead_days: int = DEFAULT_AHEAD_DAYS,
) -> InputChangePlan:
    """Fingerprint the inputs, compare with `previous`, and work out the partitions to rerun."""
    current = fingerprint_inputs(warehouse, today, history_days=history_days, ahead_days=ahead_days)
    if previous is None:
        return InputChangePlan(current, {}, {}, baseline=True)
    changes = changed_dates(previous, current)
    if not changes:
        return InputChangePlan(FingerprintState(current.window_start, current.window_end, current.tables, previous.sequence), {}, {}, False)
    state = FingerprintState(current.window_start, current.window_end, current.tables, previous.sequence + 1)
    game_days = set(current.tables.get(SCHEDULE_TABLE, {})) | set(previous.tables.get(SCHEDULE_TABLE, {}))
    reruns = affected_partitions(
        {t: c.dates for t, c in changes.items()},
        first_partition=first_partition,
        last_partition=today,
        game_dates=game_days,
    )
    return InputChangePlan(state, changes, reruns, baseline=False)


def _listed(values: Sequence[object]) -> str:
    text = ", ".join(str(v) for v in values[:MAX_LISTED])
    return text + (f" … (+{len(values) - MAX_LISTED})" if len(values) > MAX_LISTED else "")


def _observations(plan: InputChangePlan) -> list[dg.AssetObservation]:
    tables = plan.state.tables if plan.baseline else {t: plan.state.tables[t] for t in plan.changes}
    observations = []
    for table, fingerprints in sorted(tables.items()):
        whole = hashlib.sha1("|".join(f"{d}={h}" for d, h in sorted(fingerprints.items())).encode()).hexdigest()[:16]
        metadata: dict[str, object] = {
            "fingerprint_window": f"{plan.state.window_start} .. {plan.state.window_end}",
            "dates_with_rows": len(fingerprints),
            "table_fingerprint": whole,
        }
        if plan.baseline:
            metadata["baseline"] = True
        else:
            change = plan.changes[table]
            metadata["changed_date_count"] = len(change.dates)
            metadata["changed_dates"] = _listed([d.isoformat() for d in change.dates])
            metadata["changed_fingerprints"] = dg.MetadataValue.json(
                {d.isoformat(): h or "no rows" for d, h in list(change.fingerprints.items())[:MAX_LISTED]}
            )
        observations.append(dg.AssetObservation(asset_key=source_asset_key(table), metadata=metadata))
    return observations


def input_change_result(plan: InputChangePlan) -> dg.SensorResult:
    """The sensor's answer for a plan: one RunRequest per partition date, observations, cursor."""
    cursor = plan.state.encode()
    if plan.baseline:
        return dg.SensorResult(
            asset_events=_observations(plan), cursor=cursor,
            skip_reason=f"baseline: fingerprints recorded for {len(plan.state.tables)} input tables",
        )
    if not plan.changes:
        return dg.SensorResult(cursor=cursor, skip_reason="no input table changed")
    requests = [
        dg.RunRequest(
            run_key=plan.run_key(day),
            partition_key=day.isoformat(),
            asset_selection=[dg.AssetKey(name) for name in assets],
            tags={
                TRIGGER_TAG: "input_change",
                "nba_features/changed_inputs": _listed([f"{t.split('.')[1]}@{d}" for t, d in plan.causes(day)]),
            },
        )
        for day, assets in plan.reruns.items()
    ]
    if not requests:
        summary = "; ".join(f"{t}: {_listed([d.isoformat() for d in c.dates])}" for t, c in sorted(plan.changes.items()))
        return dg.SensorResult(
            asset_events=_observations(plan), cursor=cursor,
            skip_reason=f"inputs changed only where no existing game-date partition reads them ({summary})",
        )
    return dg.SensorResult(run_requests=requests, asset_events=_observations(plan), cursor=cursor)


@dg.sensor(
    name="phase4_input_change_sensor",
    job=phase4_job,
    minimum_interval_seconds=300,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Reruns the Phase 4 partitions whose extracts read input rows that changed (fingerprints per date).",
)
def input_change_sensor(context: dg.SensorEvaluationContext, warehouse: WarehouseResource) -> dg.SensorResult:
    today = parse_date(game_dates.get_last_partition_key())
    plan = plan_input_change_reruns(
        warehouse.get(),
        FingerprintState.decode(context.cursor),
        today,
        first_partition=parse_date(game_dates.start.date().isoformat()),
    )
    return input_change_result(plan)


# --- retry after an upstream fix ---------------------------------------------------------------
BLOCKING_CHECKS: dict[str, tuple[str, ...]] = {
    t.asset_name: tuple(c.name for c in checks_for(t) if c.blocking) for t in RUN_ORDER
}
MATERIALIZATION_PAGE = 1000


@dataclass(frozen=True)
class UpstreamFix:
    asset: str
    partition: str
    storage_id: int
    timestamp: float
    run_id: str


class _EventLogView:
    """The instance reads of one retry-sensor tick, cached per run and per (asset, partition)."""

    def __init__(self, instance: dg.DagsterInstance):
        self.instance = instance
        self._planned: dict[str, frozenset[str]] = {}
        self._finished: dict[str, bool] = {}
        self._status: dict[tuple[str, str], dg.AssetPartitionStatus | None] = {}
        self._failed_checks: dict[tuple[str, str], list[float] | None] = {}

    def run_finished(self, run_id: str) -> bool:
        if run_id not in self._finished:
            run = self.instance.get_run_by_id(run_id)
            self._finished[run_id] = run is None or run.is_finished
        return self._finished[run_id]

    def planned_assets(self, run_id: str) -> frozenset[str]:
        """Asset names a run planned to materialize (its selection, range runs included)."""
        if run_id not in self._planned:
            records = self.instance.get_records_for_run(run_id, of_type=DagsterEventType.ASSET_MATERIALIZATION_PLANNED).records
            self._planned[run_id] = frozenset(
                r.event_log_entry.dagster_event.asset_key.to_user_string() for r in records if r.event_log_entry.dagster_event
            )
        return self._planned[run_id]

    def status(self, asset: str, partition: str) -> dg.AssetPartitionStatus | None:
        if (asset, partition) not in self._status:
            statuses = self.instance.get_status_by_partition(dg.AssetKey(asset), [partition], game_dates) or {}
            self._status[(asset, partition)] = statuses.get(partition)
        return self._status[(asset, partition)]

    def failed_blocking_check_times(self, asset: str, partition: str) -> list[float] | None:
        """Times of the failed latest results of the asset's blocking checks for the partition;
        None while one of them is planned by a run that has not finished (it is being evaluated).
        A check left planned by a finished run was never evaluated: the step failed, which the
        partition status reports."""
        if (asset, partition) not in self._failed_checks:
            self._failed_checks[(asset, partition)] = self._read_failed_checks(asset, partition)
        return self._failed_checks[(asset, partition)]

    def _read_failed_checks(self, asset: str, partition: str) -> list[float] | None:
        keys = [dg.AssetCheckKey(dg.AssetKey(asset), name) for name in BLOCKING_CHECKS[asset]]
        if not keys:
            return []
        latest = self.instance.event_log_storage.get_latest_asset_check_execution_by_key(
            keys, partition_filter=PartitionKeyFilter(key=partition)
        )
        times = []
        for record in latest.values():
            status = record.status.value
            if status == "PLANNED":
                if not self.run_finished(record.run_id):
                    return None
                continue
            if status == "FAILED":
                times.append(record.event.timestamp if record.event else record.create_timestamp)
        return times

    def needs_retry(self, asset: str, fix: UpstreamFix) -> bool:
        status = self.status(asset, fix.partition)
        if status == dg.AssetPartitionStatus.IN_PROGRESS:
            return False
        planned = self.instance.get_latest_planned_materialization_info(dg.AssetKey(asset), fix.partition)
        if planned is not None and planned.storage_id > fix.storage_id:
            return False  # a run after the fix already targets it
        failed_checks = self.failed_blocking_check_times(asset, fix.partition)
        if failed_checks is None:
            return False
        red_before_fix = any(t < fix.timestamp for t in failed_checks)
        failed_before_fix = status == dg.AssetPartitionStatus.FAILED
        return red_before_fix or failed_before_fix


def new_upstream_materializations(instance: dg.DagsterInstance, after: int, up_to: int) -> list[UpstreamFix]:
    """Materializations of Phase 4 assets with a downstream asset, storage ids in (after, up_to]."""
    fixes = []
    for name in ASSET_ORDER:
        if not DOWNSTREAM[name]:
            continue  # nothing reads this asset: its materializations fix nothing downstream
        cursor = None
        while True:
            page = instance.fetch_materializations(
                dg.AssetRecordsFilter(asset_key=dg.AssetKey(name), after_storage_id=after, before_storage_id=up_to + 1),
                limit=MATERIALIZATION_PAGE, cursor=cursor, ascending=True,
            )
            fixes += [
                UpstreamFix(name, r.partition_key, r.storage_id, r.timestamp, r.run_id) for r in page.records if r.partition_key
            ]
            if not page.has_more:
                break
            cursor = page.cursor
    return fixes


def plan_upstream_fixed_retries(instance: dg.DagsterInstance, after: int, up_to: int) -> dict[str, tuple[tuple[str, ...], int]]:
    """Partition → (assets to rerun in run order, storage id of the latest fix that calls for it)."""
    view = _EventLogView(instance)
    retries: dict[str, tuple[set[str], int]] = {}
    for fix in new_upstream_materializations(instance, after, up_to):
        planned = view.planned_assets(fix.run_id)
        for asset in with_downstream([fix.asset]):
            if asset == fix.asset or asset in planned:
                continue  # the fixing run itself brings this asset up to date
            if view.needs_retry(asset, fix):
                assets, latest = retries.get(fix.partition, (set(), 0))
                retries[fix.partition] = (assets | {asset}, max(latest, fix.storage_id))
    return {partition: (with_downstream(assets), latest) for partition, (assets, latest) in sorted(retries.items())}


@dg.sensor(
    name="phase4_upstream_fixed_retry_sensor",
    job=phase4_job,
    minimum_interval_seconds=60,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Retries failed or red (blocking check failed) partitions once an upstream Phase 4 asset rematerialized them.",
)
def upstream_fixed_retry_sensor(context: dg.SensorEvaluationContext) -> dg.SensorResult:
    up_to = context.instance.event_log_storage.get_maximum_record_id() or 0
    if context.cursor is None:
        return dg.SensorResult(cursor=str(up_to), skip_reason=f"baseline: event log read from storage id {up_to} on")
    retries = plan_upstream_fixed_retries(context.instance, int(context.cursor), up_to)
    requests = [
        dg.RunRequest(
            run_key=f"upstream-fixed:{partition}:{latest}",
            partition_key=partition,
            asset_selection=[dg.AssetKey(name) for name in assets],
            tags={TRIGGER_TAG: "upstream_fixed"},
        )
        for partition, (assets, latest) in retries.items()
    ]
    if not requests:
        return dg.SensorResult(cursor=str(up_to), skip_reason="no failed or red partition whose upstream was rematerialized")
    return dg.SensorResult(run_requests=requests, cursor=str(up_to))


# --- run failures ------------------------------------------------------------------------------
PARTITION_TAG = "dagster/partition"
RANGE_START_TAG = "dagster/asset_partition_range_start"
RANGE_END_TAG = "dagster/asset_partition_range_end"
BACKFILL_TAG = "dagster/backfill"


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


def root_cause(error) -> str:
    """The innermost error's message: a step error wraps the exception the asset raised."""
    while error.cause is not None:
        error = error.cause
    return error.message


@dg.run_failure_sensor(
    name="phase4_run_failure_sensor",
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Records every failed run as a RUN_FAILED row of nba_orchestration.data_quality_events.",
)
def run_failure_event_sensor(context: dg.RunFailureSensorContext, warehouse: WarehouseResource) -> None:
    run = context.dagster_run
    failures = context.get_step_failure_events()
    messages = [root_cause(e.event_specific_data.error) for e in failures if e.event_specific_data and e.event_specific_data.error]
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


SENSORS = [input_change_sensor, upstream_fixed_retry_sensor, run_failure_event_sensor]
