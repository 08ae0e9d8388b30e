"""The test server's own contract: without PostgreSQL's server binaries the production tests fail with
the install hint (they claim PostgreSQL, so they never skip), and a server it started is stopped by PID."""

from __future__ import annotations

import pytest

from nba_features_tests.production import postgres_cluster as cluster_module
from nba_features_tests.production.postgres_cluster import PostgresMissing, postgres_cluster


def test_missing_server_binaries_name_the_debian_package(monkeypatch):
    monkeypatch.setattr(cluster_module.glob, "glob", lambda pattern: [])
    monkeypatch.setattr(cluster_module.shutil, "which", lambda name: None)
    with pytest.raises(PostgresMissing, match=r"apt-get install -y postgresql"):
        with postgres_cluster():
            pass


def test_the_server_checks_passwords_and_is_stopped_by_pid():
    import psycopg2

    with postgres_cluster() as cluster:
        database = cluster.create_database("probe")  # with the right password
        with pytest.raises(psycopg2.OperationalError, match="password authentication failed"):
            psycopg2.connect(host=cluster.host, port=cluster.port, user=cluster.user, password="wrong", dbname=database)
        assert cluster_module._server_alive(cluster.pid)
    assert not cluster_module._server_alive(cluster.pid)
    assert not cluster.directory.exists()
