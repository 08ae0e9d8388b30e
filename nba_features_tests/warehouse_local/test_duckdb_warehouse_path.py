"""Where the DuckDB warehouse file lives: the path given, else NBA_FEATURES_WAREHOUSE, else
.nba_features/warehouse.duckdb; missing parent directories are created so a first run needs no set-up.
Found by tools/mutation.py (docs/MUTATION.md).
"""

from __future__ import annotations

from pathlib import Path

from nba_features.warehouse import DuckDBWarehouse


def test_a_file_in_missing_directories_is_created_and_usable(tmp_path):
    path = tmp_path / "not" / "yet" / "warehouse.duckdb"
    warehouse = DuckDBWarehouse(path)
    assert warehouse.query("SELECT 7 AS n").iloc[0]["n"] == 7
    assert path.is_file()


def test_the_path_comes_from_the_argument_then_the_environment_then_the_default(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("NBA_FEATURES_WAREHOUSE", raising=False)
    assert DuckDBWarehouse().path == Path(".nba_features") / "warehouse.duckdb"
    monkeypatch.setenv("NBA_FEATURES_WAREHOUSE", str(tmp_path / "env" / "w.duckdb"))
    assert DuckDBWarehouse().path == tmp_path / "env" / "w.duckdb"
    assert DuckDBWarehouse(tmp_path / "given.duckdb").path == tmp_path / "given.duckdb"
