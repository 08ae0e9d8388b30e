"""Checkpointed asset-check states on the production event log (PostgreSQL, deploy/dagster.production.yaml):
the table is created there too, and the states through the checkpoint equal Dagster's fold from empty after
runs, a new materialization, a failed run and a later run (the SQLite version: automation/test_check_state_checkpoints.py)."""

from __future__ import annotations

import dagster as dg

from nba_features.lib.postgres_instance_storage import SerializedPostgresEventLogStorage
from nba_features_tests.automation.test_check_state_checkpoints import (
    CHECKS,
    StandIn,
    assert_checkpoint_path_is_dagsters_fold,
    days,
    settled_at_once,  # noqa: F401 - fixture
    stored_cursors,
)


def test_checkpoints_on_postgres_fold_like_dagster(production_home, settled_at_once):  # noqa: F811
    with dg.DagsterInstance.from_config(str(production_home)) as instance:
        assert isinstance(instance.event_log_storage, SerializedPostgresEventLogStorage)
        assert_checkpoint_path_is_dagsters_fold(instance)  # no table yet: created
        stand_in = StandIn()
        january = days("2024-01-01", "2024-01-31")
        stand_in.failing = {"fails_some_days": set(january[::4])}
        assert stand_in.run(instance, january[0], january[-1]).success
        assert_checkpoint_path_is_dagsters_fold(instance)
        assert set(stored_cursors(instance)) == set(CHECKS)

        assert stand_in.run(instance, "2024-01-05", "2024-01-08", checks=False).success
        assert_checkpoint_path_is_dagsters_fold(instance)
        stand_in.outcome = "crash"
        assert not stand_in.run(instance, "2024-01-20", "2024-01-22").success
        assert_checkpoint_path_is_dagsters_fold(instance)
        stand_in.outcome, stand_in.failing = "evaluate", {"fails_other_days": set(january[::4])}
        assert stand_in.run(instance, "2024-01-01", "2024-01-21").success
        assert_checkpoint_path_is_dagsters_fold(instance)
