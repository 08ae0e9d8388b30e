"""The CLI on the production instance (deploy/dagster.production.yaml on a real PostgreSQL server): the
schema migration an upgrade runs, then a range materialization of every Phase 4 asset, recorded in
PostgreSQL: one run, every partition of the range materialized, every check evaluated on every date, the
warehouse pool's slot given back."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import dagster as dg
import pytest
from dagster_postgres import PostgresRunStorage, PostgresScheduleStorage

from nba_features.lib.postgres_instance_storage import SerializedPostgresEventLogStorage
from nba_features.pipeline.registry import PHASE4_ASSET_NAMES
from nba_features_tests.automation.conftest import ROOT

pytestmark = pytest.mark.slow

DATES = ["2023-12-24", "2023-12-25"]  # Christmas Eve has no games
BIN = Path(sys.executable).parent


def run(*command: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)


def test_migrate_and_a_range_materialization_on_postgres(production_home, seeded_league_file, tmp_path):
    warehouse = tmp_path / "warehouse.duckdb"
    shutil.copyfile(seeded_league_file, warehouse)
    env = {**os.environ, "NBA_FEATURES_WAREHOUSE": str(warehouse), "DAGSTER_DISABLE_TELEMETRY": "yes"}

    migrated = run(str(BIN / "dagster"), "instance", "migrate", env=env)
    assert migrated.returncode == 0, migrated.stdout + migrated.stderr

    materialized = run(str(BIN / "nba-features"), "materialize", "--from", DATES[0], "--to", DATES[-1], env=env)
    assert materialized.returncode == 0, materialized.stdout + materialized.stderr

    with dg.DagsterInstance.from_config(str(production_home)) as instance:
        assert isinstance(instance.run_storage, PostgresRunStorage)
        assert isinstance(instance.event_log_storage, SerializedPostgresEventLogStorage)
        assert isinstance(instance.schedule_storage, PostgresScheduleStorage)
        runs = instance.get_runs()
        assert [r.status for r in runs] == [dg.DagsterRunStatus.SUCCESS], [(r.run_id, r.status) for r in runs]
        for asset in PHASE4_ASSET_NAMES:
            assert instance.get_materialized_partitions(dg.AssetKey(asset)) == set(DATES), asset
        evaluations = instance.get_records_for_run(runs[0].run_id, of_type=dg.DagsterEventType.ASSET_CHECK_EVALUATION).records
        per_asset_date: dict[tuple[str, str], set[bool]] = {}
        for record in evaluations:
            evaluation = record.event_log_entry.dagster_event.event_specific_data
            per_asset_date.setdefault((evaluation.asset_key.path[-1], evaluation.partition), set()).add(evaluation.passed)
        assert {(a, d) for a, d in per_asset_date} == {(a, d) for a in PHASE4_ASSET_NAMES for d in DATES}
        assert all(passed == {True} for passed in per_asset_date.values()), per_asset_date
        pool = instance.event_log_storage.get_concurrency_info("warehouse")
        assert pool.slot_count == 1 and not pool.claimed_slots and not pool.pending_steps
