"""Fixtures of the operator-command tests: the seeded 2023-24 demo season of the automation tests, with the
five Phase 4 tables computed through `run_table` for three dates (so daily_quality and the events are
written as the assets write them), one of them red; copied per test; the CLI run against it.

The red date replays the composite-factors incident: player_composite_factors emptied for RED, then the
feature store rerun for it alone.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from nba_features.cli import main
from nba_features.pipeline.registry import PHASE4_TABLES, RUN_ORDER, checks_for
from nba_features.pipeline.table_run import run_table
from nba_features.warehouse import DuckDBWarehouse
from nba_features_tests.automation.conftest import league, seeded_league_file, write_instance_home  # noqa: F401  (fixtures)

GREEN, RED, LATER = dt.date(2024, 1, 16), dt.date(2024, 1, 17), dt.date(2024, 1, 18)
DATES = [GREEN, RED, LATER]
FEATURE_STORE = PHASE4_TABLES["ml_feature_store_v2"]
RED_GATES = ("required_default_rate", "quality_ready_rate", "clean_player_coverage", "upstream_phase4_complete")


def run_chain(warehouse: DuckDBWarehouse, dates: list[dt.date], run_id: str) -> None:
    for table in RUN_ORDER:
        run_table(warehouse, table, checks_for(table), dates, run_id=run_id)


@pytest.fixture(scope="session")
def materialized_file(seeded_league_file, tmp_path_factory) -> Path:  # noqa: F811  (the imported fixture)
    path = tmp_path_factory.mktemp("operator_league") / "warehouse.duckdb"
    shutil.copyfile(seeded_league_file, path)
    warehouse = DuckDBWarehouse(path)
    run_chain(warehouse, DATES, run_id="chain")
    warehouse.execute("DELETE FROM nba_precompute.player_composite_factors WHERE game_date = @d", {"d": RED})
    run_table(warehouse, FEATURE_STORE, checks_for(FEATURE_STORE), [RED], run_id="incident")
    return path


@pytest.fixture
def materialized(materialized_file, tmp_path) -> DuckDBWarehouse:
    """A private copy of the league with the Phase 4 tables of DATES (RED red)."""
    path = tmp_path / "warehouse.duckdb"
    shutil.copyfile(materialized_file, path)
    return DuckDBWarehouse(path)


@pytest.fixture
def cli(materialized, tmp_path, monkeypatch, capsys):
    """Run `nba-features ARGS` against the materialized league and a private instance: (exit code, stdout, stderr)."""
    monkeypatch.setenv("DAGSTER_HOME", str(write_instance_home(tmp_path / "home")))
    monkeypatch.setenv("NBA_FEATURES_WAREHOUSE", str(materialized.path))

    def run(*args: str) -> tuple[int, str, str]:
        code = main(list(args))
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return run
