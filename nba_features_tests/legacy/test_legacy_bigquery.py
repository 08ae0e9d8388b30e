"""Beside a legacy warehouse on the BigQuery emulator: NUMERIC inputs and outputs, shadow mode, `schema check`, `compare`.

The legacy datasets live under a prefix of this test (tables created from the legacy-typed contracts:
NUMERIC measures, the feature store's legacy-only columns) and the platform's outputs under another. The
client returns NUMERIC values as `decimal.Decimal`; the platform must read them as float64, write only its
own tables, report the NUMERIC columns as compatible and a real drift as drift, and `compare` must find
exactly the differences planted. (The emulator keeps no NUMERIC precision: its columns are NUMERIC(38, 9).)
"""

from __future__ import annotations

import json
import uuid

import pytest
from google.cloud import bigquery

from nba_features.cli import main
from nba_features.contracts import contract
from nba_features.defs.resources import WarehouseResource
from nba_features.legacy.compare import COMPARED_TABLES
from nba_features.warehouse.bigquery_warehouse import BigQueryWarehouse
from nba_features.warehouse.datasets import ShadowModeError
from nba_features_tests.bigquery_emulator import EmulatorEndpoint
from nba_features_tests.legacy import legacy_dataset as ld

pytestmark = [
    pytest.mark.bigquery,
    pytest.mark.slow,
    pytest.mark.filterwarnings("ignore::dagster.BetaWarning"),
    pytest.mark.filterwarnings("ignore::dagster.PreviewWarning"),
]

UTGC = "nba_analytics.upcoming_team_game_context"


@pytest.fixture(scope="module")
def setup(bigquery_emulator: EmulatorEndpoint):
    tag = uuid.uuid4().hex[:8]
    legacy_prefix, shadow_prefix = f"lg{tag}_", f"sh{tag}_"
    legacy = BigQueryWarehouse(
        bigquery_emulator.project, dataset_prefix=legacy_prefix, api_endpoint=bigquery_emulator.api_endpoint
    )
    ld.build_legacy_inputs(legacy, ld.league_inputs())
    resource = WarehouseResource(
        env="prod",
        bigquery_project=bigquery_emulator.project,
        api_endpoint=bigquery_emulator.api_endpoint,
        input_dataset_prefix=legacy_prefix,
        output_dataset_prefix=shadow_prefix,
    )
    result = ld.run_shadow(resource)
    shadow = resource.get()
    planted = ld.plant_legacy_outputs(shadow, legacy)
    return legacy, shadow, result, planted, legacy_prefix, shadow_prefix


@pytest.fixture
def shadow_env(setup, bigquery_emulator: EmulatorEndpoint, monkeypatch):
    monkeypatch.setenv("NBA_FEATURES_ENV", "prod")
    monkeypatch.setenv("NBA_FEATURES_BQ_PROJECT", bigquery_emulator.project)
    monkeypatch.setenv("NBA_FEATURES_BQ_API_ENDPOINT", bigquery_emulator.api_endpoint)
    monkeypatch.setenv("NBA_FEATURES_INPUT_DATASET_PREFIX", setup[4])
    monkeypatch.setenv("NBA_FEATURES_OUTPUT_DATASET_PREFIX", setup[5])
    return setup


def cli(capsys, *args: str) -> tuple[int, str]:
    code = main(list(args))
    return code, capsys.readouterr().out


def test_numeric_inputs_come_back_as_decimal_and_are_read_as_float(setup):
    legacy = setup[0]
    sql = f"SELECT minutes_played FROM `{legacy.table_id('nba_analytics.player_game_summary')}` WHERE game_date = @d"
    config = bigquery.QueryJobConfig(query_parameters=[bigquery.ScalarQueryParameter("d", "DATE", ld.DATES[0])])
    raw = legacy.client.query(sql, job_config=config).result().to_dataframe(create_bqstorage_client=False)
    assert {type(v).__name__ for v in raw["minutes_played"].dropna()} == {"Decimal"}
    rows = legacy.query("SELECT minutes_played FROM nba_analytics.player_game_summary WHERE game_date = @d", {"d": ld.DATES[0]})
    assert str(rows["minutes_played"].dtype) == "float64"
    assert sorted(rows["minutes_played"].dropna()) == sorted(float(v) for v in raw["minutes_played"].dropna())


def test_the_shadow_run_reads_the_legacy_inputs_and_writes_only_its_own_datasets(setup):
    legacy, shadow, result, _, legacy_prefix, shadow_prefix = setup
    assert result.success, [e.message for e in result.all_events if e.is_failure]
    for table in COMPARED_TABLES:
        assert len(ld.read_rows(shadow, table)), table
    shadow_datasets = {d.dataset_id for d in shadow.client.list_datasets() if d.dataset_id.startswith(shadow_prefix)}
    assert shadow_datasets == {f"{shadow_prefix}{d}" for d in ("nba_precompute", "nba_predictions", "nba_orchestration")}
    shadow_predictions = {t.table_id for t in shadow.client.list_tables(f"{shadow.project}.{shadow_prefix}nba_predictions")}
    assert shadow_predictions == {"ml_feature_store_v2", "v_feature_quality_unpivot"}
    schedule = ld.read_rows(legacy, "nba_reference.nba_schedule").head(2)
    with pytest.raises(ShadowModeError):
        shadow.replace_partitions("nba_reference.nba_schedule", ld.DATES, schedule)


def test_schema_check_reports_numeric_as_compatible_and_a_real_drift_as_drift(shadow_env, capsys):
    legacy = shadow_env[0]
    code, out = cli(capsys, "schema", "check")
    assert code == 0, out
    lines = out.splitlines()
    pgs = next(line for line in lines if " nba_analytics.player_game_summary:" in line)
    assert pgs.startswith("ok    ") and "minutes_played NUMERIC for FLOAT64" in pgs

    # the legacy team's table gains an incompatible type: drift, named
    spec = contract(UTGC)
    legacy.client.delete_table(legacy.table_id(UTGC))
    legacy._create_table(spec.with_types({"game_total": "STRING"}))
    code, out = cli(capsys, "schema", "check")
    assert code == 1
    assert [line for line in out.splitlines() if line.startswith("DRIFT")] == [
        f"DRIFT {UTGC}: game_total type (contract FLOAT64, live STRING)"
    ]


def test_compare_finds_exactly_the_planted_differences(shadow_env, capsys):
    planted, legacy_prefix = shadow_env[3], shadow_env[4]
    code, out = cli(
        capsys, "compare", "--from", str(ld.DATES[0]), "--to", str(ld.DATES[-1]), "--against", legacy_prefix, "--format", "json"
    )
    assert code == 1
    tables = {t["table"]: t for t in json.loads(out)["tables"]}

    def differing(table: str) -> dict:
        entries = [*tables[table]["columns"], *tables[table]["features"]]
        return {d["name"]: (d["differing"], d["max_difference"]) for d in entries if d["differing"]}

    tdza, psza = "nba_precompute.team_defense_zone_analysis", "nba_precompute.player_shot_zone_analysis"
    pcf, pdc, mlfs = "nba_precompute.player_composite_factors", "nba_precompute.player_daily_cache", ld.FEATURE_STORE
    assert (tables[tdza]["only_new"], tables[tdza]["only_legacy"]) == (planted[tdza]["only_new"], [])
    assert (tables[psza]["only_new"], tables[psza]["only_legacy"]) == ([], planted[psza]["only_legacy"])
    assert differing(tdza) == differing(psza) == differing(pcf) == {}
    assert differing(pdc) == {ld.PDC_COLUMN: (1, pytest.approx(ld.PDC_SHIFT))}
    feature = f"{ld.FEATURE_INDEX} opponent_def_rating"
    assert differing(mlfs) == {
        "feature_quality_score": (1, pytest.approx(abs(ld.FQS_SHIFT))),
        feature: (1, pytest.approx(ld.FEATURE_SHIFT)),
    }
    assert tables[mlfs]["columns_only_legacy"] == ["feature_expected_values_json", "feature_sample_sizes_json"]

    code, out = cli(
        capsys, "compare", "--from", str(ld.DATES[0]), "--to", str(ld.DATES[-1]), "--against", legacy_prefix, "--tables", pcf
    )
    assert code == 0 and out.splitlines()[-1] == "within tolerance"
