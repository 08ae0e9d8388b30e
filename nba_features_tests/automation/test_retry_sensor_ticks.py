"""The upstream-fixed retry sensor tick by tick, fast: stand-ins for the five Phase 4 assets (their names,
partitions and blocking checks, no warehouse) run in a real instance, and the sensor reads its event log.

The rules (docs/RULES.md#red-partitions, the module docstring of defs/sensors/upstream_fixed_retry.py): a
materialization of an upstream asset U for date D, by a run that did not plan a downstream asset A, reruns A
(and its downstream) for D when A's partition D is failed (its latest attempt did not materialize) or red (the
latest result of one of its blocking checks for D failed) from an attempt planned before that materialization,
and nothing has planned A for D since. The first tick is a baseline; the cursor moves past every fix decided,
and stays before a fix whose downstream attempt was still going, until that attempt has ended.
The end-to-end version over the real assets is `test_retry_sensor.py` (slow).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable

import dagster as dg
import pytest

from nba_features.defs.asset_checks import close_check_outputs
from nba_features.defs.sensors.upstream_fixed_retry import BLOCKING_CHECKS, upstream_fixed_retry_sensor
from nba_features.lib.run_tags import TRIGGER_TAG
from nba_features.partitions import game_dates
from nba_features.reruns.lookbacks import ASSET_ORDER

D1, D2 = "2024-01-16", "2024-01-17"
TDZA, PSZA, PCF, PDC, FS = ASSET_ORDER
INCIDENT_CHECK = "upstream_phase4_complete"  # the feature store's gate that turned red on 2026-02-06


class StandIns:
    """The five assets as `defs/phase4_assets.py: materialize_table` reports them, with the outcome chosen per
    (asset, date): green (materialized, checks passed), red (the blocking check failed, not materialized, the
    step fails) or failed (the step fails before any check is evaluated: the checks stay planned)."""

    def __init__(self) -> None:
        self.outcomes: dict[tuple[str, str], str] = {}
        self.during: dict[tuple[str, str], Callable[[], None]] = {}  # called inside the step, after its materialization if green
        self.assets = [self._asset(name) for name in ASSET_ORDER]

    def _asset(self, name: str) -> dg.AssetsDefinition:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", category=dg.PreviewWarning)  # partitioned checks are a preview
            specs = [dg.AssetCheckSpec(c, asset=name, blocking=True, partitions_def=game_dates) for c in BLOCKING_CHECKS[name]]
        failing = INCIDENT_CHECK if name == FS else "primary_key_unique"

        @dg.asset(name=name, partitions_def=game_dates, check_specs=specs, output_required=False)
        def _stand_in(context):  # an annotation would be a string here, which Dagster refuses
            day = context.partition_key
            outcome = self.outcomes.get((name, day), "green")
            if outcome == "green":
                yield dg.AssetMaterialization(asset_key=name, partition=day)
            if (name, day) in self.during:
                self.during.pop((name, day))()
            if outcome == "failed":
                raise RuntimeError(f"{name} {day}: failed before its checks")
            for check in BLOCKING_CHECKS[name]:
                passed = outcome == "green" or check != failing
                yield dg.AssetCheckEvaluation(
                    asset_key=dg.AssetKey(name), check_name=check, passed=passed, partition=day, blocking=True
                )
            yield from close_check_outputs(context)
            if outcome == "red":
                raise RuntimeError(f"{name} {day}: red")

        return _stand_in

    def run(self, instance: dg.DagsterInstance, assets: list[str], day: str, outcome: str = "green") -> None:
        """One run of `assets` for `day`; the last of them ends with `outcome`, the others green."""
        for name in assets:
            self.outcomes[(name, day)] = "green"
        self.outcomes[(assets[-1], day)] = outcome
        result = dg.materialize(self.assets, instance=instance, partition_key=day, selection=assets, raise_on_error=False)
        assert result.success == (outcome == "green")


@pytest.fixture
def stand_ins() -> StandIns:
    return StandIns()


@pytest.fixture
def instance():
    with dg.instance_for_test() as instance:
        yield instance


def tick(instance: dg.DagsterInstance, cursor: str | None) -> dg.SensorResult:
    return upstream_fixed_retry_sensor(dg.build_sensor_context(instance=instance, cursor=cursor))


def requested(result: dg.SensorResult) -> dict[str, list[str]]:
    return {r.partition_key: [k.to_user_string() for k in r.asset_selection] for r in result.run_requests or []}


def test_a_red_partition_is_retried_once_after_its_upstream_is_rematerialized(instance, stand_ins):
    stand_ins.run(instance, [FS], D1, "red")
    baseline = tick(instance, None)
    assert not baseline.run_requests
    stand_ins.run(instance, [PCF], D1)  # the upstream fix, by a run that does not include the feature store

    retry = tick(instance, baseline.cursor)
    assert requested(retry) == {D1: [FS]}
    assert retry.run_requests[0].tags == {TRIGGER_TAG: "upstream_fixed"}
    assert int(retry.cursor) == instance.event_log_storage.get_maximum_record_id()
    # the same events give the same run key (Dagster launches a key once); the next tick reads nothing again
    assert [r.run_key for r in tick(instance, baseline.cursor).run_requests] == [r.run_key for r in retry.run_requests]
    again = tick(instance, retry.cursor)
    assert not again.run_requests and again.cursor == retry.cursor


def test_a_failed_partition_is_retried_with_everything_downstream(instance, stand_ins):
    stand_ins.run(instance, [PCF], D1, "failed")  # its checks were never evaluated
    baseline = tick(instance, None)
    stand_ins.run(instance, [TDZA], D1)
    assert requested(tick(instance, baseline.cursor)) == {D1: [PCF, FS]}


def test_each_fixed_date_is_its_own_run(instance, stand_ins):
    stand_ins.run(instance, [FS], D1, "red")
    stand_ins.run(instance, [FS], D2, "failed")
    baseline = tick(instance, None)
    stand_ins.run(instance, [PDC], D1)
    stand_ins.run(instance, [PSZA], D2)
    retry = tick(instance, baseline.cursor)
    assert requested(retry) == {D1: [FS], D2: [FS]}
    assert len({r.run_key for r in retry.run_requests}) == 2


def test_a_green_partition_is_not_retried(instance, stand_ins):
    stand_ins.run(instance, [PCF, FS], D1)
    baseline = tick(instance, None)
    stand_ins.run(instance, [PCF], D1)
    result = tick(instance, baseline.cursor)
    assert not result.run_requests
    assert "no failed or red partition" in result.skip_reason.skip_message


def test_only_the_fixed_date_and_the_assets_downstream_of_the_fix(instance, stand_ins):
    stand_ins.run(instance, [FS], D1, "red")
    stand_ins.run(instance, [PCF], D2, "failed")
    baseline = tick(instance, None)
    stand_ins.run(instance, [PCF], D2, "failed")  # another failure is no fix
    stand_ins.run(instance, [PDC], D2)  # composite factors do not read the daily cache
    assert not tick(instance, baseline.cursor).run_requests


def test_the_first_tick_is_a_baseline_and_older_fixes_need_a_backfill(instance, stand_ins):
    stand_ins.run(instance, [FS], D1, "red")
    stand_ins.run(instance, [PCF], D1)
    baseline = tick(instance, None)
    assert not baseline.run_requests
    assert int(baseline.cursor) == instance.event_log_storage.get_maximum_record_id()
    assert not tick(instance, baseline.cursor).run_requests


def test_a_run_that_fixes_the_upstream_and_reruns_the_asset_is_not_retried(instance, stand_ins):
    stand_ins.run(instance, [FS], D1, "red")
    baseline = tick(instance, None)
    stand_ins.run(instance, [PCF, FS], D1, "red")  # the feature store already read the new upstream rows
    assert not tick(instance, baseline.cursor).run_requests


def test_an_asset_rerun_after_the_fix_is_not_retried(instance, stand_ins):
    stand_ins.run(instance, [FS], D1, "red")
    baseline = tick(instance, None)
    stand_ins.run(instance, [PCF], D1)
    stand_ins.run(instance, [FS], D1, "red")  # someone reran it since: its red is not from before the fix
    assert not tick(instance, baseline.cursor).run_requests


def test_a_failure_after_the_fix_is_not_retried(instance, stand_ins):
    baseline = tick(instance, None)
    stand_ins.run(instance, [PCF], D1)
    stand_ins.run(instance, [FS], D1, "failed")
    assert not tick(instance, baseline.cursor).run_requests


def test_the_sensor_is_evaluated_every_minute():
    assert upstream_fixed_retry_sensor.minimum_interval_seconds == 60


def test_a_red_partition_reported_materialized_by_hand_is_still_retried(instance, stand_ins):
    stand_ins.run(instance, [FS], D1, "red")
    # a materialization reported by hand (the UI's "Report materialization") leaves the blocking check failed
    instance.report_runless_asset_event(dg.AssetMaterialization(asset_key=FS, partition=D1))
    baseline = tick(instance, None)
    stand_ins.run(instance, [PCF], D1)
    assert requested(tick(instance, baseline.cursor)) == {D1: [FS]}


def test_a_materialization_reported_without_a_run_is_a_fix(instance, stand_ins):
    stand_ins.run(instance, [FS], D1, "failed")
    baseline = tick(instance, None)
    instance.report_runless_asset_event(dg.AssetMaterialization(asset_key=PCF, partition=D1))  # the newest event
    assert requested(tick(instance, baseline.cursor)) == {D1: [FS]}


@pytest.mark.parametrize(("ends", "retried"), [("failed", True), ("red", True), ("green", False)])
def test_a_fix_landing_while_the_asset_is_being_rerun_waits_for_that_attempt_to_end(instance, stand_ins, ends, retried):
    """The attempt under way may have read the upstream before the fix: the tick cannot know its outcome yet, so
    it keeps its cursor before the fix, and the first tick after the attempt decides."""
    stand_ins.run(instance, [FS], D1, "red")
    baseline = tick(instance, None)
    ticks = []

    def fix_and_tick() -> None:  # inside the feature store's step: its partition is in progress
        stand_ins.run(instance, [PCF], D1)
        ticks.append(tick(instance, baseline.cursor))

    stand_ins.during[(FS, D1)] = fix_and_tick
    stand_ins.run(instance, [FS], D1, ends)
    (during,) = ticks
    fix = latest_materialization_id(instance, PCF)
    assert not during.run_requests and int(during.cursor) < fix
    assert f"waiting for attempts under way: {FS} {D1}" in during.skip_reason.skip_message

    after = tick(instance, during.cursor)
    assert requested(after) == ({D1: [FS]} if retried else {})
    assert int(after.cursor) == instance.event_log_storage.get_maximum_record_id()
    assert not tick(instance, after.cursor).run_requests


@pytest.mark.parametrize(("ends", "retried"), [("red", True), ("green", False)])
def test_a_fix_landing_while_the_asset_is_being_checked_waits_for_its_checks(instance, stand_ins, ends, retried):
    stand_ins.run(instance, [FS], D1, "red")
    baseline = tick(instance, None)
    ticks = []

    def fix_and_tick() -> None:  # after the feature store's materialization (if green), before its checks
        stand_ins.run(instance, [PCF], D1)
        ticks.append(tick(instance, baseline.cursor))

    stand_ins.during[(FS, D1)] = fix_and_tick
    stand_ins.run(instance, [FS], D1, ends)
    (during,) = ticks
    assert not during.run_requests and int(during.cursor) < latest_materialization_id(instance, PCF)
    assert requested(tick(instance, during.cursor)) == ({D1: [FS]} if retried else {})


def test_a_fix_waiting_on_one_date_does_not_delay_another(instance, stand_ins):
    stand_ins.run(instance, [FS], D1, "red")
    stand_ins.run(instance, [FS], D2, "red")
    baseline = tick(instance, None)
    ticks = []

    def fix_both_and_tick() -> None:  # the feature store is being rerun for D1 only
        stand_ins.run(instance, [PCF], D1)
        stand_ins.run(instance, [PCF], D2)
        ticks.append(tick(instance, baseline.cursor))

    stand_ins.during[(FS, D1)] = fix_both_and_tick
    stand_ins.run(instance, [FS], D1, "green")
    (during,) = ticks
    assert requested(during) == {D2: [FS]}  # at once
    after = tick(instance, during.cursor)  # reads the D2 fix again: the same run key, which Dagster launches once
    assert requested(after) == {D2: [FS]} and after.run_requests[0].run_key == during.run_requests[0].run_key


def latest_materialization_id(instance: dg.DagsterInstance, asset: str) -> int:
    records = instance.fetch_materializations(dg.AssetKey(asset), limit=1).records
    return records[0].storage_id


def test_each_new_fix_of_a_partition_still_failing_is_a_new_run(instance, stand_ins):
    stand_ins.run(instance, [FS], D1, "red")
    cursor = tick(instance, None).cursor
    keys = []
    for _ in range(2):
        stand_ins.run(instance, [PCF], D1)
        retry = tick(instance, cursor)
        assert requested(retry) == {D1: [FS]}
        keys.append(retry.run_requests[0].run_key)
        cursor = retry.cursor
        stand_ins.run(instance, [FS], D1, "red")  # the retry ran and the partition is still red
    assert keys[0] != keys[1]  # Dagster launches a run key once: the second fix must not reuse the first key
