"""Checkpointed asset-check states (nba_features/lib/check_state_checkpoints.py) against Dagster's own fold.

A stand-in asset on the project's `game_dates` with three partitioned checks runs in an instance configured by
the project's dagster.yaml (its `PooledSqliteEventLogStorage`), rebuilt from its InstanceRef as the webserver
builds its own. After each step of a history the states the UI reads (`get_asset_check_state`, which starts from the
stored checkpoint) equal Dagster's fold of every record from empty, for every check; the partitions definition
is the one the webserver rebuilds from the code location's snapshot.
"""

from __future__ import annotations

import datetime as dt
import warnings

import dagster as dg
import pytest
import sqlalchemy as db
from dagster._core.definitions.partitions.snap.snap import PartitionsSnap
from dagster._core.storage.asset_check_execution_record import AssetCheckExecutionResolvedStatus as Status
from dagster._core.storage.asset_check_state import AssetCheckState, bulk_update_asset_check_state

from nba_features.defs.asset_checks import close_check_outputs, latest_materializations
from nba_features.lib import check_state_checkpoints
from nba_features.lib.check_state_checkpoints import CHECKPOINTS
from nba_features.partitions import game_dates
from nba_features_tests.automation.conftest import write_instance_home

STUB = "stand_in_table"
CHECKS = ("always_passes", "fails_some_days", "fails_other_days")
KEYS = [dg.AssetCheckKey(dg.AssetKey(STUB), name) for name in CHECKS]
WEBSERVER_DEF = PartitionsSnap.from_def(game_dates).get_partitions_definition()


def days(start: str, end: str) -> list[str]:
    first, last = dt.date.fromisoformat(start), dt.date.fromisoformat(end)
    return [(first + dt.timedelta(d)).isoformat() for d in range((last - first).days + 1)]


class StandIn:
    """A range-run asset: materializes each date, then evaluates its selected checks against that
    materialization (as defs/asset_checks.py does); `failing[check]` are the dates it fails on."""

    def __init__(self) -> None:
        self.failing: dict[str, set[str]] = {}
        self.outcome = "evaluate"  # or "crash" (fails before evaluating), "no_evaluations" (succeeds without them)
        self.while_planned = None  # called inside the run, once its checks are planned

        with warnings.catch_warnings():
            warnings.simplefilter("ignore", category=dg.PreviewWarning)  # partitioned checks are a preview
            specs = [dg.AssetCheckSpec(name, asset=STUB, partitions_def=game_dates) for name in CHECKS]

        @dg.multi_asset(
            specs=[dg.AssetSpec(STUB, partitions_def=game_dates, skippable=True)],
            check_specs=specs,
            backfill_policy=dg.BackfillPolicy.single_run(),
            can_subset=True,  # the asset alone: a new materialization without its checks
        )
        def _stand_in(context):
            if self.while_planned:
                self.while_planned(context)
            if self.outcome == "crash":
                raise RuntimeError("failed before its checks")
            partitions = list(context.partition_keys)
            for day in partitions:
                yield dg.AssetMaterialization(asset_key=STUB, partition=day)
            if self.outcome == "evaluate":
                targets = latest_materializations(context.instance, STUB, partitions)
                for key in context.selected_asset_check_keys:
                    for day in partitions:
                        yield dg.AssetCheckEvaluation(
                            asset_key=key.asset_key,
                            check_name=key.name,
                            passed=day not in self.failing.get(key.name, set()),
                            partition=day,
                            target_materialization_data=targets[day],
                        )
            yield from close_check_outputs(context)

        self.asset = _stand_in

    def run(self, instance, start: str, end: str, checks: bool = True) -> dg.ExecuteInProcessResult:
        selection = dg.AssetSelection.assets(STUB) if checks else dg.AssetSelection.assets(STUB).without_checks()
        tags = {"dagster/asset_partition_range_start": start, "dagster/asset_partition_range_end": end}
        return dg.materialize([self.asset], instance=instance, selection=selection, tags=tags, raise_on_error=False)


def statuses(state: AssetCheckState) -> tuple[dict, dict]:
    """A state as plain partition keys: per status, and per in-progress run (empty ones left out)."""

    def keys(subset):
        return sorted(subset.subset_value.get_partition_keys())

    return (
        {status: keys(subset) for status, subset in state.subsets.items() if not subset.is_empty},
        {run_id: keys(subset) for run_id, subset in state.in_progress_runs.items() if not subset.is_empty},
    )


def assert_checkpoint_path_is_dagsters_fold(instance) -> dict[dg.AssetCheckKey, tuple[dict, dict]]:
    """The UI's path (through the stored checkpoint) equals Dagster's fold from empty, for every check."""
    pairs = [(key, WEBSERVER_DEF) for key in KEYS]
    via_checkpoint = instance.event_log_storage.get_asset_check_state(pairs)
    from_empty = bulk_update_asset_check_state(instance, pairs, {key: AssetCheckState.empty() for key in KEYS})
    expected = {key: statuses(state) for key, state in from_empty.items()}
    assert {key: statuses(state) for key, state in via_checkpoint.items()} == expected
    for state in via_checkpoint.values():  # what the UI does with them: no incompatible subset
        assert all(subset.is_compatible_with_partitions_def(WEBSERVER_DEF) for subset in state.subsets.values())
    return expected


def real_storage(instance):
    """The project's storage (inside Dagster's LegacyEventLogStorage when an instance wraps it)."""
    storage = instance.event_log_storage
    return storage._storage.event_log_storage if hasattr(storage, "_storage") else storage


def stored_cursors(instance) -> dict[str, int]:
    with real_storage(instance).index_connection() as conn:
        return {row.check_name: row.cursor for row in conn.execute(db.select(CHECKPOINTS))}


@pytest.fixture
def instance(tmp_path):
    with dg.DagsterInstance.from_config(str(write_instance_home(tmp_path / "home"))) as configured:
        ref = configured.get_ref()
    with dg.DagsterInstance.from_ref(ref) as instance:
        assert type(real_storage(instance)).__name__ == "PooledSqliteEventLogStorage"
        yield instance


@pytest.fixture
def settled_at_once(monkeypatch):
    """Events count as settled at once (a test's history takes seconds, the margin is a minute)."""
    monkeypatch.setattr(check_state_checkpoints, "SETTLE_SECONDS", -5)


def test_a_fresh_instance_has_empty_states_and_gets_the_table(instance):
    with real_storage(instance).index_connection() as conn:
        assert not db.inspect(conn).has_table(CHECKPOINTS.name)
    expected = assert_checkpoint_path_is_dagsters_fold(instance)
    assert all(state == ({}, {}) for state in expected.values())
    with real_storage(instance).index_connection() as conn:
        assert db.inspect(conn).has_table(CHECKPOINTS.name)


def test_runs_new_materializations_and_later_runs_fold_like_dagster(instance, settled_at_once):
    stand_in = StandIn()
    winter = days("2024-01-01", "2024-03-31")
    stand_in.failing = {"fails_some_days": set(winter[::3]), "fails_other_days": set(winter[5:20])}
    assert stand_in.run(instance, winter[0], winter[-1]).success
    first = assert_checkpoint_path_is_dagsters_fold(instance)
    some = dg.AssetCheckKey(dg.AssetKey(STUB), "fails_some_days")
    assert first[some][0] == {Status.SUCCEEDED: sorted(set(winter) - set(winter[::3])), Status.FAILED: winter[::3]}
    newest = real_storage(instance).get_maximum_record_id()
    assert stored_cursors(instance) == dict.fromkeys(CHECKS, newest)

    # a new materialization of some dates, without their checks: those dates have no status any more
    assert stand_in.run(instance, "2024-02-01", "2024-02-10", checks=False).success
    remade = assert_checkpoint_path_is_dagsters_fold(instance)
    for state in remade.values():
        assert not set(days("2024-02-01", "2024-02-10")) & {k for keys in state[0].values() for k in keys}

    # a later run over part of the range once a checkpoint exists: dates that failed now pass and the reverse
    seen = []
    original = type(real_storage(instance)).get_asset_check_partition_info

    def spy(storage, keys, after_storage_id=None, partition_keys=None):
        seen.append(after_storage_id)
        return original(storage, keys, after_storage_id=after_storage_id, partition_keys=partition_keys)

    stand_in.failing = {"fails_some_days": set(winter[1::3]), "always_passes": set()}
    assert stand_in.run(instance, "2024-01-15", "2024-02-05").success
    checkpoint_cursor = max(stored_cursors(instance).values())
    type(real_storage(instance)).get_asset_check_partition_info = spy
    try:
        later = assert_checkpoint_path_is_dagsters_fold(instance)
    finally:
        type(real_storage(instance)).get_asset_check_partition_info = original
    assert seen[: len(KEYS)] == [checkpoint_cursor] * len(KEYS)  # the checkpoint path read only newer records
    flipped = "2024-01-16"  # failed in the first run (winter[::3]), passes now
    assert flipped in later[some][0][Status.SUCCEEDED] and flipped not in later[some][0][Status.FAILED]


def test_a_run_in_progress_then_failed_or_finished_without_evaluating(instance, settled_at_once):
    stand_in = StandIn()
    assert stand_in.run(instance, "2024-01-01", "2024-01-31").success
    assert_checkpoint_path_is_dagsters_fold(instance)

    during = {}

    def while_planned(context):
        during["run_id"] = context.run.run_id
        during["states"] = assert_checkpoint_path_is_dagsters_fold(context.instance)

    stand_in.while_planned, stand_in.outcome = while_planned, "crash"
    assert not stand_in.run(instance, "2024-01-10", "2024-01-20").success
    planned = days("2024-01-10", "2024-01-20")
    for subsets, runs in during["states"].values():
        assert subsets[Status.IN_PROGRESS] == planned
        assert runs == {during["run_id"]: planned}  # kept for Dagster to resolve once the run ends
    after = assert_checkpoint_path_is_dagsters_fold(instance)
    for subsets, runs in after.values():
        assert subsets[Status.EXECUTION_FAILED] == planned and Status.IN_PROGRESS not in subsets and not runs

    stand_in.while_planned, stand_in.outcome = None, "no_evaluations"
    assert stand_in.run(instance, "2024-01-25", "2024-01-26").success
    for subsets, _ in assert_checkpoint_path_is_dagsters_fold(instance).values():
        assert subsets[Status.SKIPPED] == ["2024-01-25", "2024-01-26"]


def test_unsettled_records_are_folded_again_and_a_stale_checkpoint_stays_correct(instance, settled_at_once, monkeypatch):
    stand_in = StandIn()
    stand_in.failing = {"fails_some_days": {"2024-01-02"}}
    assert stand_in.run(instance, "2024-01-01", "2024-01-10").success
    assert_checkpoint_path_is_dagsters_fold(instance)
    with real_storage(instance).index_connection() as conn:
        stale = conn.execute(db.select(CHECKPOINTS)).fetchall()

    # nothing settled yet (the default margin): the checkpoint's cursor stays behind, the result is the same
    monkeypatch.setattr(check_state_checkpoints, "SETTLE_SECONDS", 3600)
    stand_in.failing = {"fails_some_days": {"2024-01-03"}}
    assert stand_in.run(instance, "2024-01-02", "2024-01-04").success
    assert_checkpoint_path_is_dagsters_fold(instance)

    # a slower concurrent caller stores the older checkpoint last: still a correct start
    with real_storage(instance).index_connection() as conn:
        conn.execute(CHECKPOINTS.delete())
        conn.execute(CHECKPOINTS.insert(), [row._asdict() for row in stale])
    assert stand_in.run(instance, "2024-01-05", "2024-01-06", checks=False).success
    assert_checkpoint_path_is_dagsters_fold(instance)

    # a wiped asset takes its checkpoints with it
    instance.wipe_assets([dg.AssetKey(STUB)])
    assert stored_cursors(instance) == {}
    assert all(state == ({}, {}) for state in assert_checkpoint_path_is_dagsters_fold(instance).values())
