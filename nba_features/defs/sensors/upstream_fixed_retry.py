"""`phase4_upstream_fixed_retry_sensor` (every minute): retry after a failed or blocked partition.
    A sensor rather than an AutomationCondition: the retry must target one specific old partition
    (eager conditions only look at the latest one), depends on the per-partition results of blocking
    checks, and must not fire while the run that fixed the upstream is itself going to rerun the
    asset; a sensor over the event log states all three exactly and is testable tick by tick.
    It reads every new materialization of a Phase 4 asset U for date D (cursor: event storage id).
    When the run that produced it did not plan a downstream asset A, and A's partition D is failed
    (its latest attempt did not materialize) or red (the latest result of one of A's blocking checks
    for D failed) from an attempt planned before that materialization, and nothing has planned A for D
    since, A (and its downstream) is rerun for D. Typical case: the feature store turned red because
    composite factors were missing for D (the 2026-02-06 incident); composite factors are rematerialized
    for D; the feature store is retried for D.
    An attempt of A for D still going when U's fix lands (in progress, or its checks not yet evaluated)
    may have read U before the fix: its outcome is not known yet, so the cursor stays before that fix
    and later ticks read it again until the attempt has ended (docs/RULES.md#red-partitions).

Event-log reads use a few private Dagster names (`lib/dagster_internals.py`): Dagster has no public API
for per-partition check results or a run's planned assets.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

import dagster as dg

from nba_features.defs.jobs import phase4_job
from nba_features.lib.dagster_internals import DagsterEventType, PartitionKeyFilter
from nba_features.lib.run_tags import TRIGGER_TAG
from nba_features.partitions import game_dates
from nba_features.pipeline.registry import RUN_ORDER, checks_for
from nba_features.reruns.lookbacks import ASSET_ORDER, DOWNSTREAM, with_downstream

# --- retry after an upstream fix ---------------------------------------------------------------
BLOCKING_CHECKS: dict[str, tuple[str, ...]] = {
    t.asset_name: tuple(c.name for c in checks_for(t) if c.blocking) for t in RUN_ORDER
}
MATERIALIZATION_PAGE = 1000


class Verdict(enum.Enum):
    RETRY = "retry"
    NO_RETRY = "no retry"
    WAIT = "wait"  # an attempt that may have read the old upstream is still going: decide when it has ended


@dataclass(frozen=True)
class UpstreamFix:
    asset: str
    partition: str
    storage_id: int
    run_id: str


class _EventLogView:
    """The instance reads of one retry-sensor tick, cached per run and per (asset, partition)."""

    def __init__(self, instance: dg.DagsterInstance):
        self.instance = instance
        self._planned: dict[str, frozenset[str]] = {}
        self._finished: dict[str, bool] = {}
        self._status: dict[tuple[str, str], dg.AssetPartitionStatus | None] = {}
        self._latest_planned: dict[tuple[str, str], int | None] = {}
        self._red: dict[tuple[str, str], bool | None] = {}

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

    def latest_planned(self, asset: str, partition: str) -> int | None:
        """Storage id of the latest planned materialization of the asset's partition (its latest attempt)."""
        if (asset, partition) not in self._latest_planned:
            info = self.instance.get_latest_planned_materialization_info(dg.AssetKey(asset), partition)
            self._latest_planned[(asset, partition)] = info.storage_id if info is not None else None
        return self._latest_planned[(asset, partition)]

    def red(self, asset: str, partition: str) -> bool | None:
        """Whether the latest result of one of the asset's blocking checks for the partition failed;
        None while one of them is planned by a run that has not finished (it is being evaluated).
        A check left planned by a finished run was never evaluated: the step failed, which the
        partition status reports."""
        if (asset, partition) not in self._red:
            self._red[(asset, partition)] = self._read_red(asset, partition)
        return self._red[(asset, partition)]

    def _read_red(self, asset: str, partition: str) -> bool | None:
        keys = [dg.AssetCheckKey(dg.AssetKey(asset), name) for name in BLOCKING_CHECKS[asset]]
        if not keys:
            return False
        latest = self.instance.event_log_storage.get_latest_asset_check_execution_by_key(
            keys, partition_filter=PartitionKeyFilter(key=partition)
        )
        red = False
        for record in latest.values():
            status = record.status.value
            if status == "PLANNED":
                if not self.run_finished(record.run_id):
                    return None
                continue
            red = red or status == "FAILED"
        return red

    def verdict(self, asset: str, fix: UpstreamFix) -> Verdict:
        planned = self.latest_planned(asset, fix.partition)
        if planned is not None and planned > fix.storage_id:
            return Verdict.NO_RETRY  # an attempt planned after the fix read the fixed upstream (or will)
        status = self.status(asset, fix.partition)
        red = self.red(asset, fix.partition)
        if status == dg.AssetPartitionStatus.IN_PROGRESS or red is None:
            return Verdict.WAIT
        return Verdict.RETRY if red or status == dg.AssetPartitionStatus.FAILED else Verdict.NO_RETRY


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
                limit=MATERIALIZATION_PAGE,
                cursor=cursor,
                ascending=True,
            )
            fixes += [UpstreamFix(name, r.partition_key, r.storage_id, r.run_id) for r in page.records if r.partition_key]
            if not page.has_more:
                break
            cursor = page.cursor
    return fixes


@dataclass(frozen=True)
class RetryPlan:
    retries: dict[str, tuple[tuple[str, ...], int]]  # partition → (assets to rerun in run order, latest fix's storage id)
    cursor: int  # the storage id read up to: before the first fix still waiting on an attempt, else `up_to`
    waiting: tuple[str, ...]  # "asset partition" of the attempts waited on


def plan_upstream_fixed_retries(instance: dg.DagsterInstance, after: int, up_to: int) -> RetryPlan:
    """The retries called for by the fixes in (after, up_to], and how far the next tick may move its cursor."""
    view = _EventLogView(instance)
    retries: dict[str, tuple[set[str], int]] = {}
    cursor, waiting = up_to, set()
    for fix in new_upstream_materializations(instance, after, up_to):
        planned = view.planned_assets(fix.run_id)
        for asset in with_downstream([fix.asset]):
            if asset == fix.asset or asset in planned:
                continue  # the fixing run itself brings this asset up to date
            verdict = view.verdict(asset, fix)
            if verdict is Verdict.WAIT:
                cursor = min(cursor, fix.storage_id - 1)
                waiting.add(f"{asset} {fix.partition}")
            elif verdict is Verdict.RETRY:
                assets, latest = retries.get(fix.partition, (set(), 0))
                retries[fix.partition] = (assets | {asset}, max(latest, fix.storage_id))
    return RetryPlan(
        retries={partition: (with_downstream(assets), latest) for partition, (assets, latest) in sorted(retries.items())},
        cursor=cursor,
        waiting=tuple(sorted(waiting)),
    )


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
    plan = plan_upstream_fixed_retries(context.instance, int(context.cursor), up_to)
    requests = [
        dg.RunRequest(
            run_key=f"upstream-fixed:{partition}:{latest}",  # a fix read again while the cursor waits gives the same key
            partition_key=partition,
            asset_selection=[dg.AssetKey(name) for name in assets],
            tags={TRIGGER_TAG: "upstream_fixed"},
        )
        for partition, (assets, latest) in plan.retries.items()
    ]
    waiting = f"waiting for attempts under way: {', '.join(plan.waiting)}" if plan.waiting else ""
    if waiting:
        context.log.info(waiting)
    if not requests:
        reason = "no failed or red partition whose upstream was rematerialized"
        return dg.SensorResult(cursor=str(plan.cursor), skip_reason=f"{reason}; {waiting}" if waiting else reason)
    return dg.SensorResult(run_requests=requests, cursor=str(plan.cursor))
