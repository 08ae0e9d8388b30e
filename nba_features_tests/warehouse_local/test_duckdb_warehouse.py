import datetime as dt

import pandas as pd
import pytest

from nba_features.contracts import ContractError, load_contracts
from nba_features.warehouse import DuckDBWarehouse
from nba_features.warehouse.sql import to_duckdb

D1, D2, D3 = dt.date(2024, 1, 10), dt.date(2024, 1, 11), dt.date(2024, 1, 12)


def _event(day: dt.date, n: int) -> dict:
    now = pd.Timestamp("2024-01-13 12:00", tz="UTC")
    return {
        "event_id": f"e{day}{n}",
        "event_timestamp": now,
        "event_type": "QUALITY_ISSUE_DETECTED",
        "severity": "WARNING",
        "table_name": "t",
        "game_date": pd.Timestamp(day),
        "metric_name": "m",
        "metric_value": float(n),
        "threshold_breached": "warning",
        "description": "d",
        "details_json": "{}",
        "resolution_status": "PENDING",
        "backfill_queue_id": None,
        "triggered_by": "validation",
        "related_event_id": None,
        "duration_seconds": None,
        "processor_name": "p",
        "session_id": None,
        "created_at": now,
    }


def test_apply_schemas_creates_every_table_and_reports_no_drift(warehouse):
    for name in load_contracts():
        assert warehouse.schema_diff(name).ok, warehouse.schema_diff(name).describe()
    assert warehouse.apply_schemas() == []  # idempotent


def test_schema_diff_and_add_column_migration(warehouse):
    warehouse.execute_native("ALTER TABLE nba_orchestration.data_quality_events DROP COLUMN session_id")
    diff = warehouse.schema_diff("nba_orchestration.data_quality_events")
    assert not diff.ok and diff.missing_columns == ["session_id"]
    with pytest.raises(ContractError, match="session_id missing"):
        warehouse.append("nba_orchestration.data_quality_events", pd.DataFrame([_event(D1, 1)]))
    assert warehouse.apply_schemas(["nba_orchestration.data_quality_events"]) == [
        "added nba_orchestration.data_quality_events.session_id STRING"
    ]
    assert warehouse.schema_diff("nba_orchestration.data_quality_events").ok


def test_type_change_is_reported_and_not_migrated(warehouse):
    warehouse.execute_native("ALTER TABLE nba_orchestration.data_quality_events ALTER metric_value TYPE VARCHAR")
    diff = warehouse.schema_diff("nba_orchestration.data_quality_events")
    assert [(d.column, d.problem) for d in diff.drift] == [("metric_value", "type")]
    with pytest.raises(ContractError, match="metric_value"):
        warehouse.apply_schemas(["nba_orchestration.data_quality_events"])


def test_query_translates_bigquery_sql_with_parameters(warehouse):
    warehouse.append("nba_orchestration.data_quality_events", pd.DataFrame([_event(D1, 1), _event(D2, 2), _event(D3, 3)]))
    result = warehouse.query(
        """
        SELECT game_date, SAFE_DIVIDE(metric_value, 2) AS half, COUNTIF(metric_value > 1) OVER () AS big
        FROM nba_orchestration.data_quality_events
        WHERE game_date BETWEEN DATE_SUB(@end_date, INTERVAL 1 DAY) AND @end_date AND severity IN UNNEST(@severities)
        ORDER BY game_date
        """,
        {"end_date": D3, "severities": ["WARNING"]},
    )
    assert list(result["game_date"]) == [pd.Timestamp(D2), pd.Timestamp(D3)]
    assert result["game_date"].dtype == "datetime64[ns]"
    assert list(result["half"]) == [1.0, 1.5]
    with pytest.raises(ValueError, match="missing"):
        warehouse.query("SELECT * FROM nba_orchestration.data_quality_events WHERE game_date = @d", {})
    with pytest.raises(TypeError, match="datetime.date"):
        warehouse.query("SELECT 1 AS x WHERE @d IS NOT NULL", {"d": dt.datetime(2024, 1, 1)})


def test_translation_of_the_dialect_features_the_project_uses():
    sql = to_duckdb(
        "SELECT DATE_SUB(@d, INTERVAL 30 DAY) AS s, SAFE_DIVIDE(a, b) AS r FROM t WHERE x IN UNNEST(@xs) QUALIFY ROW_NUMBER() OVER (PARTITION BY p ORDER BY d DESC) <= 10"
    )
    assert "$d - INTERVAL '30' DAY" in sql
    assert "IN (SELECT UNNEST($xs))" in sql
    assert "QUALIFY" in sql and "CASE WHEN b <> 0" in sql


def test_replace_partitions_is_atomic_and_leaves_other_dates(tmp_path):
    from nba_features.contracts.ddl import parse_ddl

    ddl = """CREATE TABLE IF NOT EXISTS nba_reference.nba_schedule_probe (
      game_date DATE NOT NULL, team STRING NOT NULL, n INT64, tags ARRAY<INT64>,
      PRIMARY KEY (game_date, team) NOT ENFORCED) PARTITION BY game_date"""
    probe = parse_ddl(ddl)
    import nba_features.warehouse.base as base

    contracts = {**load_contracts(), probe.full_name: probe}
    original = base.contract
    base.contract = lambda name: contracts[name]
    try:
        warehouse = DuckDBWarehouse(tmp_path / "w.duckdb")
        # created natively with a CHECK constraint, so an INSERT can fail inside the transaction
        warehouse.execute_native("CREATE SCHEMA nba_reference")
        warehouse.execute_native(
            f"CREATE TABLE {probe.full_name} (game_date DATE NOT NULL, team VARCHAR NOT NULL, n BIGINT CHECK (n < 100), tags BIGINT[])"
        )

        def frame(day, teams, n):
            return pd.DataFrame(
                {"game_date": [pd.Timestamp(day)] * len(teams), "team": teams, "n": [n] * len(teams), "tags": [[n]] * len(teams)}
            )

        warehouse.replace_partitions(probe.full_name, [D1, D2], pd.concat([frame(D1, ["BOS", "LAL"], 1), frame(D2, ["BOS"], 1)]))
        result = warehouse.replace_partitions(probe.full_name, [D1], frame(D1, ["BOS"], 2))
        assert (result.rows_deleted, result.rows_written) == (2, 1)
        rows = warehouse.execute_native(f"SELECT game_date, team, n FROM {probe.full_name} ORDER BY 1, 2")
        assert rows.values.tolist() == [[pd.Timestamp(D1), "BOS", 2], [pd.Timestamp(D2), "BOS", 1]]  # LAL gone, D2 kept

        # a failure after the DELETE (the INSERT violates the CHECK constraint) rolls everything back
        bad = frame(D1, ["NYK"], 100)
        with pytest.raises(Exception, match="CHECK constraint"):
            warehouse.replace_partitions(probe.full_name, [D1], bad)
        rows = warehouse.execute_native(f"SELECT game_date, team, n FROM {probe.full_name} ORDER BY 1, 2")
        assert rows.values.tolist() == [[pd.Timestamp(D1), "BOS", 2], [pd.Timestamp(D2), "BOS", 1]]

        with pytest.raises(ContractError, match="outside the partitions"):
            warehouse.replace_partitions(probe.full_name, [D3], frame(D1, ["BOS"], 4))
        with pytest.raises(ContractError, match="primary key"):
            warehouse.replace_partitions(probe.full_name, [D1], frame(D1, ["BOS", "BOS"], 4))
        with pytest.raises(ContractError, match=r"nba_schedule_probe.team: NOT NULL violated .* game_date=2024-01-10"):
            warehouse.replace_partitions(probe.full_name, [D1], frame(D1, [None], 4))
        with pytest.raises(ContractError, match="unexpected columns \\['extra'\\]"):
            warehouse.replace_partitions(probe.full_name, [D1], frame(D1, ["BOS"], 4).assign(extra=1))
        with pytest.raises(ContractError, match="n: cannot be stored as INT64"):
            warehouse.replace_partitions(probe.full_name, [D1], frame(D1, ["BOS"], 4).assign(n=1.5))
    finally:
        base.contract = original


def test_locked_file_is_retried_then_fails_cleanly(tmp_path, monkeypatch):
    import subprocess
    import sys
    import textwrap

    import nba_features.warehouse.base as base
    from nba_features.warehouse import TransientWarehouseError

    path = tmp_path / "locked.duckdb"
    DuckDBWarehouse(path).apply_schemas(["nba_orchestration.data_quality_events"])
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(f"""
            import duckdb, sys, time
            c = duckdb.connect({str(path)!r})
            print('locked', flush=True)
            time.sleep(30)
        """),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "locked"
        monkeypatch.setattr(base.time, "sleep", lambda s: None)
        with pytest.raises(TransientWarehouseError, match="lock"):
            DuckDBWarehouse(path).query("SELECT 1 AS x")
    finally:
        holder.kill()
        holder.wait()
    assert DuckDBWarehouse(path).query("SELECT 1 AS x")["x"].tolist() == [1]
