"""Fixtures of the production-instance tests: one private PostgreSQL server per test session, a database and
a DAGSTER_HOME configured by deploy/dagster.production.yaml per test."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import dagster as dg
import pytest

from nba_features_tests.automation.conftest import (
    ROOT,
    seeded_league_file,  # noqa: F401 - the seeded demo season, shared
)
from nba_features_tests.production.postgres_cluster import PostgresCluster, PostgresMissing, postgres_cluster

PRODUCTION_INSTANCE = ROOT / "deploy" / "dagster.production.yaml"


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresCluster]:
    """A PostgreSQL server of this session (missing binaries fail the tests: they claim PostgreSQL)."""
    try:
        with postgres_cluster() as cluster:
            yield cluster
    except PostgresMissing as missing:
        pytest.fail(str(missing))


@pytest.fixture
def production_home(postgres, tmp_path, request, monkeypatch) -> Path:
    """A DAGSTER_HOME whose dagster.yaml is deploy/dagster.production.yaml, on a new database of the server;
    the DAGSTER_PG_* variables are set in this process (and so in the processes it starts)."""
    database = postgres.create_database(re.sub(r"[^a-z0-9_]", "_", request.node.name.lower())[:60])
    for name, value in postgres.env(database).items():
        monkeypatch.setenv(name, value)
    home = tmp_path / "dagster_home"
    home.mkdir()
    shutil.copyfile(PRODUCTION_INSTANCE, home / "dagster.yaml")
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    # Dagster's tables and migrations, once, as `dagster instance migrate` does on a deployed instance
    # (processes starting together on an empty database would race to create them)
    dg.DagsterInstance.from_config(str(home)).dispose()
    return home
