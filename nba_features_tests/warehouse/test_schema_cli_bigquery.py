"""`nba-features schema apply` / `schema check` against BigQuery (the emulator), configured as in production.

The commands pick the warehouse from the environment (NBA_FEATURES_ENV=prod, NBA_FEATURES_BQ_PROJECT,
NBA_FEATURES_BQ_DATASET_PREFIX; NBA_FEATURES_BQ_API_ENDPOINT points the client at the emulator). The
first test runs the installed `nba-features` command in a subprocess for the apply and the check that
follows it; everything else calls the same entry point (`cli.main`) in-process with the environment set.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pandas as pd
import pytest

from nba_features.cli import main
from nba_features.contracts import ContractError, contract, load_contracts, load_views, parse_ddl
from nba_features.warehouse.bigquery_warehouse import BigQueryWarehouse, contract_schema
from nba_features_tests.bigquery_emulator import EmulatorEndpoint

pytestmark = pytest.mark.bigquery

SCHEDULE = "nba_reference.nba_schedule"
INJURY_REPORT = "nba_raw.nbac_injury_report"
NBA_FEATURES = Path(sys.executable).with_name("nba-features")


@pytest.fixture
def production_env(bigquery_emulator: EmulatorEndpoint, monkeypatch: pytest.MonkeyPatch) -> BigQueryWarehouse:
    """The production environment variables, on a dataset prefix of this test; the warehouse they name."""
    prefix = f"cli{uuid.uuid4().hex[:8]}_"
    monkeypatch.setenv("NBA_FEATURES_ENV", "prod")
    monkeypatch.setenv("NBA_FEATURES_BQ_PROJECT", bigquery_emulator.project)
    monkeypatch.setenv("NBA_FEATURES_BQ_DATASET_PREFIX", prefix)
    monkeypatch.setenv("NBA_FEATURES_BQ_API_ENDPOINT", bigquery_emulator.api_endpoint)
    return BigQueryWarehouse(bigquery_emulator.project, dataset_prefix=prefix, api_endpoint=bigquery_emulator.api_endpoint)


def nba_features(*args: str) -> tuple[int, list[str], str]:
    """Run the installed command in its own process with this process's environment: (exit code, stdout lines, stderr)."""
    done = subprocess.run([str(NBA_FEATURES), *args], env=os.environ.copy(), capture_output=True, text=True, timeout=120)
    return done.returncode, done.stdout.splitlines(), done.stderr


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, list[str]]:
    code = main(list(args))
    return code, capsys.readouterr().out.splitlines()


def old_contract(table: str, without: tuple[str, ...]):
    """The contract of `table` as an earlier schemas/ had it: without the columns it gained since."""
    text = (Path(__file__).resolve().parents[2] / "schemas" / table.replace(".", "/")).with_suffix(".sql").read_text()
    kept = [line for line in text.splitlines() if line.strip().split(" ", 1)[0] not in without]
    old = parse_ddl("\n".join(kept))
    assert [c.name for c in old.columns] == [c for c in contract(table).column_names if c not in without]
    return old


def test_schema_apply_creates_every_dataset_and_table_and_check_reports_drift(production_env, capsys):
    warehouse = production_env
    tables = sorted(load_contracts())
    views = sorted(load_views())

    code, lines = cli(capsys, "schema", "check")
    assert code == 1
    assert lines == [f"DRIFT {name}: table does not exist" for name in tables] + [
        f"DRIFT {v}: view does not exist" for v in views
    ]

    code, lines, errors = nba_features("schema", "apply")
    assert code == 0, errors
    assert lines == [f"created {name}" for name in tables] + [f"created view {v}" for v in views]
    datasets = {d.dataset_id for d in warehouse.client.list_datasets() if d.dataset_id.startswith(warehouse.dataset_prefix)}
    assert datasets == {warehouse.dataset_prefix + spec.dataset for spec in load_contracts().values()}
    for name in tables:
        spec = contract(name)
        live = warehouse.client.get_table(warehouse.table_id(name))
        assert [(f.name, f.field_type, f.mode) for f in live.schema] == [
            (f.name, f.field_type, f.mode) for f in contract_schema(spec)
        ], name
        assert (live.time_partitioning.field if live.time_partitioning else None) == spec.partition_column, name
        assert (live.clustering_fields or []) == list(spec.cluster_by or []), name

    code, lines, errors = nba_features("schema", "check")
    assert code == 0, errors
    assert lines == [f"ok    {name}: matches schemas/" for name in tables] + [f"ok    {v}: view exists" for v in views]
    assert cli(capsys, "schema", "apply") == (0, ["all tables match schemas/"])


def test_schema_apply_adds_the_columns_a_live_table_lacks(production_env, capsys):
    warehouse = production_env
    gained = ("home_team_score", "away_team_score")
    old = old_contract(SCHEDULE, gained)
    warehouse._create_table(old)  # the table as the earlier schemas/ created it, with a row in it
    game = {
        "game_id": "20231223_BOS_LAL", "game_date": dt.date(2023, 12, 23), "season_year": 2023, "season_type": "Regular Season",
        "playoff_round": None, "home_team_tricode": "LAL", "away_team_tricode": "BOS", "game_status": 3,
        "game_status_text": "Final", "tipoff_time": pd.Timestamp("2023-12-24 00:30", tz="UTC"), "data_source": "synthetic",
    }  # fmt: skip
    old_rows = pd.DataFrame([game]).astype({"game_date": "datetime64[ns]", "playoff_round": "Int64"})
    warehouse._load(warehouse.table_id(SCHEDULE), old, old_rows, {}, truncate=False)

    code, lines = cli(capsys, "schema", "check")
    assert code == 1
    assert f"DRIFT {SCHEDULE}: home_team_score missing; away_team_score missing" in lines

    code, lines = cli(capsys, "schema", "apply")
    assert code == 0
    assert [line for line in lines if not line.startswith("created ")] == [
        f"added {SCHEDULE}.home_team_score INT64",
        f"added {SCHEDULE}.away_team_score INT64",
    ]
    live = warehouse.client.get_table(warehouse.table_id(SCHEDULE))
    assert [(f.name, f.mode, f.description) for f in live.schema[-2:]] == [
        (name, "NULLABLE", contract(SCHEDULE).column(name).description) for name in gained
    ]
    assert cli(capsys, "schema", "check")[0] == 0

    # The row written before the migration is still there; the migrated table takes contract-checked writes.
    new_game = {
        **game,
        "game_id": "20231223_NYK_MIA",
        "home_team_tricode": "MIA",
        "away_team_tricode": "NYK",
        "home_team_score": 110,
        "away_team_score": 104,
    }
    frame = pd.DataFrame([{**game, "home_team_score": None, "away_team_score": None}, new_game])
    warehouse.replace_partitions(SCHEDULE, [dt.date(2023, 12, 23)], frame[contract(SCHEDULE).column_names])
    scores = warehouse.query(
        "SELECT game_id, home_team_score, away_team_score FROM nba_reference.nba_schedule WHERE game_date = @d ORDER BY game_id",
        {"d": dt.date(2023, 12, 23)},
    )
    assert scores.to_dict("list") == {
        "game_id": ["20231223_BOS_LAL", "20231223_NYK_MIA"],
        "home_team_score": [None, 110],
        "away_team_score": [None, 104],
    }


def test_schema_check_reports_a_type_change_and_apply_refuses_it(production_env, capsys):
    warehouse = production_env
    spec = contract(INJURY_REPORT)
    changed = parse_ddl(
        f"CREATE TABLE {INJURY_REPORT} ("
        + ", ".join(f"{c.name} {'INT64' if c.name == 'report_time' else c.bq_type}" for c in spec.columns)
        + f") PARTITION BY {spec.partition_column}"
    )
    assert spec.column("report_time").bq_type != "INT64"
    warehouse._create_table(changed)

    code, lines = cli(capsys, "schema", "check")
    assert code == 1
    assert f"DRIFT {INJURY_REPORT}: report_time type (contract {spec.column('report_time').bq_type}, live INT64)" in lines
    with pytest.raises(ContractError, match=f"{INJURY_REPORT}.report_time: live type INT64 differs from contract"):
        main(["schema", "apply"])
