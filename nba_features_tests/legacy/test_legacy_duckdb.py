"""Beside a legacy warehouse on DuckDB: DECIMAL inputs and outputs, shadow mode, `schema check`, `compare`.

One DuckDB file holds the legacy datasets under their own names (inputs and Phase 4 tables with DECIMAL(p, s)
measures, the feature store with its legacy-only columns) and the platform's outputs under `shadow_`. The
platform reads the legacy inputs, writes only its shadow tables, `schema check` reports the DECIMAL columns
as compatible and a real drift as drift, and `compare --against ''` finds exactly the planted differences.
"""

from __future__ import annotations

import json
from decimal import ROUND_HALF_UP, Decimal

import pandas as pd
import pytest

from nba_features.cli import main
from nba_features.contracts import ContractError, load_contracts
from nba_features.defs.resources import WarehouseResource
from nba_features.legacy.compare import COMPARED_TABLES
from nba_features.warehouse import DuckDBWarehouse
from nba_features.warehouse.datasets import DatasetNames, ShadowModeError, is_input
from nba_features_tests.legacy import legacy_dataset as ld

pytestmark = [
    pytest.mark.slow,
    pytest.mark.filterwarnings("ignore::dagster.BetaWarning"),
    pytest.mark.filterwarnings("ignore::dagster.PreviewWarning"),
]


@pytest.fixture(scope="module")
def setup(tmp_path_factory):
    path = tmp_path_factory.mktemp("legacy") / "warehouse.duckdb"
    legacy = DuckDBWarehouse(path)
    inputs = ld.league_inputs()
    ld.build_legacy_inputs(legacy, inputs)
    resource = WarehouseResource(duckdb_path=str(path), output_dataset_prefix=ld.SHADOW_PREFIX)
    result = ld.run_shadow(resource)
    shadow = resource.get()
    planted = ld.plant_legacy_outputs(shadow, legacy)
    return path, legacy, shadow, inputs, result, planted


@pytest.fixture
def shadow_env(setup, monkeypatch):
    monkeypatch.setenv("NBA_FEATURES_ENV", "local")
    monkeypatch.setenv("NBA_FEATURES_WAREHOUSE", str(setup[0]))
    monkeypatch.setenv("NBA_FEATURES_OUTPUT_DATASET_PREFIX", ld.SHADOW_PREFIX)
    return setup


def cli(capsys, *args: str) -> tuple[int, str]:
    code = main(list(args))
    return code, capsys.readouterr().out


def test_legacy_inputs_are_decimal_and_read_as_float(setup):
    _, legacy, _, inputs, _, _ = setup
    live = legacy.live_columns("nba_analytics.player_game_summary")
    assert live["minutes_played"] == "NUMERIC(5, 1)" and live["ts_pct"] == "NUMERIC(5, 3)"
    rows = legacy.query(
        "SELECT minutes_played, ts_pct FROM nba_analytics.player_game_summary WHERE game_date = @d ORDER BY player_lookup",
        {"d": ld.DATES[0]},
    )
    assert str(rows["minutes_played"].dtype) == "float64" and str(rows["ts_pct"].dtype) == "float64"
    seeded = inputs["nba_analytics.player_game_summary"]
    seeded = seeded[seeded["game_date"] == pd.Timestamp(ld.DATES[0])].sort_values("player_lookup")
    # written through the platform's write: rounded half away from zero to the column's scale
    expected = seeded["ts_pct"].map(
        lambda v: float(Decimal(repr(v)).quantize(Decimal("0.001"), ROUND_HALF_UP)) if pd.notna(v) else v
    )
    assert rows["ts_pct"].tolist() == pytest.approx(expected.tolist(), nan_ok=True, abs=0)


def test_the_shadow_run_reads_legacy_inputs_and_writes_only_its_own_tables(setup):
    path, legacy, shadow, _, result, _ = setup
    assert result.success, [e.message for e in result.all_events if e.is_failure]
    for table in COMPARED_TABLES:
        assert len(ld.read_rows(shadow, table)), table
    schemas = {
        r for (r,) in legacy.execute_native("SELECT DISTINCT table_schema FROM information_schema.tables").itertuples(index=False)
    }
    # inputs exist once (the legacy datasets); outputs under shadow_ and, planted by the test, the legacy names
    assert not {
        s
        for s in schemas
        if s.startswith(ld.SHADOW_PREFIX) and s[len(ld.SHADOW_PREFIX) :] in ("nba_analytics", "nba_raw", "nba_reference")
    }
    assert {"shadow_nba_precompute", "shadow_nba_predictions", "shadow_nba_orchestration"} <= schemas
    accuracy = legacy.execute_native(
        "SELECT COUNT(*) AS n FROM information_schema.tables WHERE table_schema = 'shadow_nba_predictions' AND table_name = 'prediction_accuracy'"
    )
    assert accuracy["n"].iloc[0] == 0


def test_shadow_mode_never_writes_creates_or_alters_an_input(setup):
    path, _, shadow, inputs, _, _ = setup
    schedule = inputs["nba_reference.nba_schedule"].head(3)
    with pytest.raises(ShadowModeError, match="nba_reference.nba_schedule: an input table"):
        shadow.replace_partitions("nba_reference.nba_schedule", sorted(schedule["game_date"].dt.date.unique()), schedule)
    assert not [a for a in shadow.apply_schemas() if is_input(a.split()[-1])]
    assert shadow.datasets == DatasetNames("", ld.SHADOW_PREFIX)


def test_writes_into_legacy_types_round_to_the_scale_and_refuse_overflow(setup):
    _, legacy, shadow, _, _, _ = setup
    table = "nba_precompute.player_composite_factors"
    rows = ld.read_rows(legacy, table)
    day = rows["analysis_date"].iloc[0].date()
    rows = rows[rows["analysis_date"] == pd.Timestamp(day)].reset_index(drop=True)
    rows.loc[0, "pace_score"] = 1.25  # NUMERIC(3, 1): half away from zero
    rows.loc[1, "pace_score"] = -1.25
    legacy.replace_partitions(table, [day], rows)
    stored = legacy.query(
        f"SELECT player_lookup, pace_score FROM {table} WHERE analysis_date = @d AND player_lookup IN UNNEST(@p)",
        {"d": day, "p": rows["player_lookup"].head(2).tolist()},
    ).set_index("player_lookup")["pace_score"]
    assert stored[rows.loc[0, "player_lookup"]] == 1.3 and stored[rows.loc[1, "player_lookup"]] == -1.3
    before = len(ld.read_rows(legacy, table))
    rows.loc[2, "pace_score"] = 123.4  # 3 integer digits: NUMERIC(3, 1) holds 2
    with pytest.raises(
        ContractError, match=r"player_composite_factors\.pace_score: 1 value\(s\) overflow the live type NUMERIC\(3,1\)"
    ):
        legacy.replace_partitions(table, [day], rows)
    assert len(ld.read_rows(legacy, table)) == before
    # back to the shadow run's rows, for the comparison
    original = ld.read_rows(shadow, table)
    legacy.replace_partitions(table, [day], original[original["analysis_date"] == pd.Timestamp(day)].reset_index(drop=True))


def test_schema_check_reports_legacy_types_as_compatible_and_real_drift_as_drift(shadow_env, capsys):
    code, out = cli(capsys, "schema", "check")
    lines = out.splitlines()
    assert code == 0, out
    assert len(lines) == len(load_contracts()) + 1 and all(line.startswith("ok    ") for line in lines)
    pgs = next(line for line in lines if " nba_analytics.player_game_summary:" in line)
    assert "compatible legacy types: minutes_played NUMERIC(5, 1) for FLOAT64" in pgs
    assert "ok    nba_predictions.v_feature_quality_unpivot: view exists" in lines

    legacy = shadow_env[1]
    legacy.execute_native("ALTER TABLE nba_analytics.upcoming_team_game_context ALTER COLUMN game_total TYPE VARCHAR")
    try:
        code, out = cli(capsys, "schema", "check")
        assert code == 1
        drift = [line for line in out.splitlines() if line.startswith("DRIFT")]
        assert drift == [
            "DRIFT nba_analytics.upcoming_team_game_context: game_total type (contract FLOAT64, live STRING) "
            "(compatible legacy types: game_spread NUMERIC(5, 2) for FLOAT64)"
        ]
    finally:
        legacy.execute_native("ALTER TABLE nba_analytics.upcoming_team_game_context ALTER COLUMN game_total TYPE DECIMAL(5,1)")


def test_compare_finds_exactly_the_planted_differences(shadow_env, capsys):
    planted = shadow_env[5]
    code, out = cli(capsys, "compare", "--from", str(ld.DATES[0]), "--to", str(ld.DATES[-1]), "--against", "", "--format", "json")
    assert code == 1
    report = json.loads(out)
    assert not report["within_tolerance"]
    tables = {t["table"]: t for t in report["tables"]}
    assert set(tables) == set(COMPARED_TABLES)

    def differing(table: str) -> dict[str, tuple[int, float | None]]:
        entries = [*tables[table]["columns"], *tables[table]["features"]]
        return {d["name"]: (d["differing"], d["max_difference"]) for d in entries if d["differing"]}

    tdza, psza = "nba_precompute.team_defense_zone_analysis", "nba_precompute.player_shot_zone_analysis"
    pcf, pdc, mlfs = "nba_precompute.player_composite_factors", "nba_precompute.player_daily_cache", ld.FEATURE_STORE
    assert tables[tdza]["only_new"] == planted[tdza]["only_new"] and tables[tdza]["only_legacy"] == []
    assert tables[psza]["only_legacy"] == planted[psza]["only_legacy"] and tables[psza]["only_new"] == []
    assert differing(tdza) == {} and differing(psza) == {} and differing(pcf) == {}
    assert tables[pcf]["within_tolerance"]
    assert differing(pdc) == {ld.PDC_COLUMN: (1, pytest.approx(ld.PDC_SHIFT))}
    assert tables[pdc]["top_players"] == [{"player_lookup": planted[pdc][ld.PDC_COLUMN][0], "differing": 1}]
    feature = f"{ld.FEATURE_INDEX} opponent_def_rating"
    assert differing(mlfs) == {
        "feature_quality_score": (1, pytest.approx(abs(ld.FQS_SHIFT))),
        feature: (1, pytest.approx(ld.FEATURE_SHIFT)),
    }
    assert tables[mlfs]["columns_only_legacy"] == ["feature_expected_values_json", "feature_sample_sizes_json"]
    assert {p["player_lookup"] for p in tables[mlfs]["top_players"]} == {
        planted[mlfs]["feature_quality_score"][0],
        planted[mlfs]["feature"][0],
    }

    code, out = cli(capsys, "compare", "--from", str(ld.DATES[0]), "--to", str(ld.DATES[-1]), "--against", "", "--tables", pcf)
    assert code == 0, out
    assert out.splitlines()[-1] == "within tolerance"
    code, out = cli(capsys, "compare", "--from", str(ld.DATES[0]), "--to", str(ld.DATES[-1]), "--against", "")
    assert code == 1 and "DIFFERS nba_precompute.player_daily_cache" in out and out.splitlines()[-1] == "NOT within tolerance"


def test_compare_usage_errors(shadow_env, capsys):
    assert main(["compare", "--from", "2023-12-24", "--to", "2023-12-23", "--against", ""]) == 2
    assert main(["compare", "--from", "2023-12-23", "--to", "2023-12-24", "--against", "no-such prefix"]) == 2
    assert main(["compare", "--from", "2023-12-23", "--to", "2023-12-24", "--against", "", "--tables", "nba_raw.x"]) == 2


def test_the_unpivot_view_gives_one_row_per_player_date_and_feature(setup):
    _, _, shadow, _, _, _ = setup
    store = ld.read_rows(shadow, ld.FEATURE_STORE)
    view = shadow.query(
        "SELECT * FROM nba_predictions.v_feature_quality_unpivot WHERE game_date = @d AND player_lookup = @p ORDER BY feature_index",
        {"d": ld.DATES[0], "p": store["player_lookup"].iloc[0]},
    )
    row = store[
        (store["game_date"] == pd.Timestamp(ld.DATES[0])) & (store["player_lookup"] == store["player_lookup"].iloc[0])
    ].iloc[0]
    assert view["feature_index"].tolist() == list(range(60))
    assert view["feature_name"].tolist() == list(row["feature_names"])
    assert view["feature_source"].tolist() == [row[f"feature_{i}_source"] for i in range(60)]
    assert view["feature_quality"].tolist() == [row[f"feature_{i}_quality"] for i in range(60)]
    assert view["feature_value"].isna().tolist() == [pd.isna(row[f"feature_{i}_value"]) for i in range(60)]


def test_the_legacy_feature_store_names_hold_their_legacy_values(setup):
    shadow = setup[2]
    counts = shadow.query(
        "SELECT COUNT(feature_sources) AS sources, COUNT(fallback_reasons) AS reasons, COUNT(*) AS n "
        "FROM nba_predictions.ml_feature_store_v2 WHERE game_date BETWEEN @start AND @end",
        {"start": ld.DATES[0], "end": ld.DATES[-1]},
    ).iloc[0]
    assert counts["sources"] == counts["reasons"] == counts["n"] > 0
    store = ld.read_rows(shadow, ld.FEATURE_STORE)
    assert (store["feature_sources"] == store["feature_sources_json"]).all()
    assert (store["fallback_reasons"] == store["feature_fallback_reasons_json"]).all()
