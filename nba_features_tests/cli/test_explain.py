"""`nba-features explain PLAYER DATE` on a real demo warehouse, and the pure tracing behind it."""

from __future__ import annotations

import json

from nba_features.contracts.features import FEATURES
from nba_features.quality.explain import FeatureLine, alert_features, score_text
from nba_features_tests.cli.conftest import GREEN, RED

PLAYER, NAME = "brandonwembanyama", "Brandon Wembanyama"  # plays for DEN on GREEN


def feature_lines(out: str) -> dict[int, str]:
    return {int(line.split()[0]): line for line in out.splitlines() if line.strip() and line.split()[0].isdigit()}


def test_every_feature_with_value_tag_weight_and_the_row_it_came_from(cli, materialized):
    code, out, _ = cli("explain", PLAYER, GREEN.isoformat())
    assert code == 0, out
    assert out.splitlines()[0].startswith(f"{PLAYER} on {GREEN}: score ")
    lines = feature_lines(out)
    assert sorted(lines) == list(range(60))
    row = materialized.query(
        "SELECT * FROM nba_predictions.ml_feature_store_v2 WHERE game_date = @d AND player_lookup = @p", {"d": GREEN, "p": PLAYER}
    ).iloc[0]
    composite = row["source_composite_last_updated"].isoformat()
    assert (
        f"nba_precompute.player_composite_factors (game_date={GREEN}, player_lookup={PLAYER}) (processed_at {composite})"
        in lines[5]
    )
    assert (
        f"nba_precompute.team_defense_zone_analysis (analysis_date={GREEN}, team_abbr={row['opponent_team_abbr']})" in lines[13]
    )
    assert "nba_analytics.upcoming_player_game_context" in lines[15] and " phase3 " in lines[15] and " 87 " in lines[15]
    assert "computed from #22 team_pace, #14 opponent_pace" in lines[59]
    tags = json.loads(row["feature_sources_json"])
    for index, line in lines.items():
        assert f" {tags[str(index)]} " in line, line
        if tags[str(index)] in ("default", "missing"):
            assert "none: " + json.loads(row["feature_fallback_reasons_json"])[str(index)] in line
    assert "  missing_processors: '';" in out


def test_a_full_name_finds_the_player_and_json_carries_the_same(cli):
    code, out, _ = cli("explain", NAME.upper(), GREEN.isoformat(), "--format", "json")
    explained = json.loads(out)
    assert code == 0 and explained["player_lookup"] == PLAYER and len(explained["features"]) == 60
    assert [f["name"] for f in explained["features"]] == [f.name for f in FEATURES]


def test_a_red_row_traces_its_alerts_and_missing_processors_to_the_composite_features(cli, materialized):
    player = materialized.query(
        "SELECT player_lookup FROM nba_predictions.ml_feature_store_v2 WHERE game_date = @d ORDER BY player_lookup LIMIT 1",
        {"d": RED},
    )["player_lookup"].iloc[0]
    code, out, _ = cli("explain", player, RED.isoformat(), "--format", "json")
    assert code == 0
    explained = json.loads(out)
    composite = [f for f in explained["features"] if f["index"] in (5, 6, 7, 8)]
    assert all(
        f["defaulted"] and f["reason"] == "composite_factors_missing" and f["origin"] == "none: composite_factors_missing"
        for f in composite
    )
    alerts = {a["alert"]: a["features"] for a in explained["alerts"]}
    assert alerts["composite_factors_missing"] == [
        "#5 fatigue_score (default)", "#6 shot_zone_mismatch_score (default)", "#7 pace_score (default)", "#8 usage_spike_score (default)",
    ]  # fmt: skip
    assert explained["missing_processors"] == "player_composite_factors"
    assert "4 required default(s) cap it at" in explained["score_text"]


def test_an_unknown_player_gets_the_nearest_names(cli):
    code, out, _ = cli("explain", "Brandon Wembanyma", GREEN.isoformat())
    assert code == 1
    assert out.startswith(f"no feature-store row for 'Brandon Wembanyma' on {GREEN}: unknown player")
    assert f"did you mean: {NAME} ({PLAYER})" in out


def test_a_date_without_his_row_gets_his_nearest_dates(cli):
    code, out, _ = cli("explain", PLAYER, "2024-01-20")
    assert code == 1
    assert "brandonwembanyama is not in the upcoming context of 2024-01-20 (no game that day)" in out
    assert out.rstrip().endswith("his nearest dates with rows: 2024-01-16")  # DEN plays neither RED nor LATER


def test_an_out_player_is_told_why_he_has_no_row(cli, materialized):
    materialized.execute(
        "UPDATE nba_analytics.upcoming_player_game_context SET player_status = 'out' WHERE game_date = @d AND player_lookup = @p",
        {"d": GREEN, "p": PLAYER},
    )
    materialized.execute(
        "DELETE FROM nba_predictions.ml_feature_store_v2 WHERE game_date = @d AND player_lookup = @p", {"d": GREEN, "p": PLAYER}
    )
    code, out, _ = cli("explain", PLAYER, GREEN.isoformat())
    assert code == 1
    assert (
        f"{PLAYER} is in the upcoming context of {GREEN} with status 'out' (the feature store leaves out players who are out or doubtful)"
        in out
    )


def _line(index: int, tag: str, weight: int) -> FeatureLine:
    f = FEATURES[index]
    defaulted = tag in ("default", "missing")
    return FeatureLine(index, f.name, f.required, None, tag, weight, defaulted, "r" if defaulted else None, "o")


def test_score_and_alert_tracing_pure():
    lines = [_line(i, "phase4", 100) for i in range(60)]
    lines[13], lines[14], lines[25] = _line(13, "default", 40), _line(14, "default", 40), _line(25, "missing", 0)
    text = score_text(lines, 69.0)
    assert text.startswith("mean weight 97.97 over 59 features (optional defaults skipped)")  # 25 is optional: skipped
    assert text.endswith("2 required default(s) cap it at 69.0: #13 opponent_def_rating (default), #14 opponent_pace (default)")
    assert alert_features("opponent_defense_missing", lines) == [
        "#13 opponent_def_rating (default)",
        "#14 opponent_pace (default)",
    ]
    assert alert_features("high_default_rate_5pct", lines) == [
        "#13 opponent_def_rating (default)", "#14 opponent_pace (default)", "#25 vegas_points_line (missing)",
    ]  # fmt: skip
    assert alert_features("unknown_alert", lines) == []
