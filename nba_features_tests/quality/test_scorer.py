"""The quality scorer, tested from the rules of quality.md 1.1-1.10 and decisions.md 9.

Expected numbers are worked out by hand from the weight table (quality.md 1.1) in the comments;
index sets are typed from quality.md 1.2, not read from the registry.
"""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nba_features.phase4.ml_features.quality_scorer import DEFAULT_TAGS
from nba_features.quality import SOURCE_WEIGHTS, quality_tier, score_feature_sources

MATCHUP = [5, 6, 7, 8, 13, 14]
COMPOSITE = [5, 6, 7, 8]
OPP_DEF = [13, 14]
OPTIONAL = {25, 26, 27, *range(37, 60)}
REQUIRED = set(range(60)) - OPTIONAL
GAME_CONTEXT = [9, 10, 11, 12, *range(15, 22), *range(38, 43), 47, 50, 51, 52, 53, 59]

WEIGHTS = {
    "phase4": 100,
    "phase3": 87,
    "calculated": 100,
    "vegas": 100,
    "bettingpros": 100,
    "opponent_history": 90,
    "minutes_ppm": 95,
    "default": 40,
    "fallback": 40,
    "missing": 0,
}


def healthy() -> dict[int, str]:
    """A realistic healthy 60-feature record (the tags the processor emits when all upstreams ran).

    phase4: 0-8, 13, 14, 18-20, 22, 23 (16 x 100 = 1600)
    phase3: 15-17, 37-42, 51, 52 (11 x 87 = 957)
    vegas: 25-27, 54; bettingpros: 50 (5 x 100 = 500)
    opponent_history: 29, 30 (180); minutes_ppm: 31, 32 (190)
    calculated: the other 24 (2400)
    total 5827 / 60 = 97.1167 -> 97.12
    """
    tags = {i: "calculated" for i in range(60)}
    for i in [*range(0, 9), 13, 14, 18, 19, 20, 22, 23]:
        tags[i] = "phase4"
    for i in [15, 16, 17, *range(37, 43), 51, 52]:
        tags[i] = "phase3"
    for i in (25, 26, 27, 54):
        tags[i] = "vegas"
    tags[50] = "bettingpros"
    tags[29] = tags[30] = "opponent_history"
    tags[31] = tags[32] = "minutes_ppm"
    return tags


HEALTHY_SUM = 5827


def with_tags(base: dict[int, str], idxs, tag: str) -> dict[int, str]:
    out = dict(base)
    for i in idxs:
        out[i] = tag
    return out


# ----------------------------------------------------------------------------------------------
# 1.1 weights and canonical sources
# ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "tag,weight,canonical",
    [
        ("phase4", 100, "phase4"),
        ("phase3", 87, "phase3"),
        ("calculated", 100, "calculated"),
        ("vegas", 100, "phase4"),
        ("bettingpros", 100, "bettingpros"),
        ("opponent_history", 90, "phase4"),
        ("minutes_ppm", 95, "phase4"),
        ("default", 40, "default"),
        ("fallback", 40, "default"),
        ("missing", 0, "default"),
        ("no_such_tag", 40, "default"),
    ],
)
def test_weight_and_canonical_source(tag, weight, canonical):
    out = score_feature_sources({0: tag})
    assert out["feature_0_quality"] == weight
    assert out["feature_0_source"] == canonical


def test_exported_weights_and_default_tags():
    assert dict(SOURCE_WEIGHTS) == WEIGHTS
    assert DEFAULT_TAGS == frozenset({"default", "fallback", "missing"})


# ----------------------------------------------------------------------------------------------
# 1.4 tiers
# ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "score,tier",
    [
        (100, "gold"),
        (95, "gold"),
        (94.99, "silver"),
        (85, "silver"),
        (84.99, "bronze"),
        (70, "bronze"),
        (69.99, "poor"),
        (50, "poor"),
        (49.99, "critical"),
        (0, "critical"),
    ],
)
def test_tier_boundaries(score, tier):
    assert quality_tier(score) == tier


# ----------------------------------------------------------------------------------------------
# Healthy record
# ----------------------------------------------------------------------------------------------


def test_healthy_record_scores_about_97():
    out = score_feature_sources(healthy())
    assert out["feature_quality_score"] == pytest.approx(round(HEALTHY_SUM / 60, 2)) == pytest.approx(97.12)
    assert out["quality_tier"] == "gold"
    assert out["quality_alert_level"] == "green"
    assert out["quality_alerts"] == []
    assert out["default_feature_count"] == 0
    assert out["required_default_count"] == 0
    assert out["default_feature_indices"] == []
    assert out["is_quality_ready"] is True
    assert out["is_training_ready"] is True
    assert out["matchup_quality_pct"] == 100.0
    # player_history: 0-4 500, 29-30 180, 31-32 190, 33-36 400, 37 87, 43-46/48/49 600, 54 100, 55/56/58 300
    assert out["player_history_quality_pct"] == round(2357 / 24, 1) == 98.2
    assert out["team_context_quality_pct"] == 100.0
    assert out["vegas_quality_pct"] == 100.0
    # game_context: 15-17 and 38-42, 51, 52 are phase3 (10 x 87), 12 others at 100
    assert out["game_context_quality_pct"] == round((10 * 87 + 12 * 100) / 22, 1)
    for cat in ("matchup", "player_history", "team_context", "vegas", "game_context"):
        assert out[f"{cat}_default_count"] == 0
    assert out["has_composite_factors"] is True
    assert out["has_opponent_defense"] is True
    assert out["has_vegas_line"] is True
    assert out["critical_features_training_quality"] is True
    assert out["critical_feature_count"] == 6
    assert out["optional_feature_count"] == 54
    assert out["training_quality_feature_count"] == 60
    # canonical counts: phase4 16 + vegas 4 + opponent_history 2 + minutes_ppm 2; bettingpros has no column
    assert out["phase4_feature_count"] == 24
    assert out["phase3_feature_count"] == 11
    assert out["calculated_feature_count"] == 24
    assert out["matchup_quality_tier"] == "gold"
    assert out["game_context_quality_tier"] == "silver"  # 94.1
    assert out["primary_data_source"] == "mixed"
    assert out["matchup_data_status"] == "COMPLETE"
    assert out["feature_fallback_reasons_json"] == "{}"
    assert out["feature_schema_version"] == "v2_60features"
    assert out["quality_schema_version"] == "v1_hybrid_20260205"
    assert len(out["available_feature_names"]) == 60
    assert out["available_feature_names"][5] == "fatigue_score"
    assert out["feature_29_source"] == "phase4"
    assert out["feature_50_source"] == "bettingpros"
    assert out["feature_31_quality"] == 95


def test_output_fields():
    out = score_feature_sources(healthy())
    expected = {
        "feature_quality_score",
        "quality_tier",
        "quality_alert_level",
        "quality_alerts",
        "default_feature_count",
        "required_default_count",
        "default_feature_indices",
        *(f"{c}_quality_pct" for c in ("matchup", "player_history", "team_context", "vegas", "game_context")),
        *(f"{c}_default_count" for c in ("matchup", "player_history", "team_context", "vegas", "game_context")),
        "phase4_feature_count",
        "phase3_feature_count",
        "calculated_feature_count",
        "has_composite_factors",
        "has_opponent_defense",
        "has_vegas_line",
        "critical_features_training_quality",
        "critical_feature_count",
        "optional_feature_count",
        "training_quality_feature_count",
        "is_quality_ready",
        "is_training_ready",
        "matchup_quality_tier",
        "game_context_quality_tier",
        "primary_data_source",
        "matchup_data_status",
        "feature_fallback_reasons_json",
        "feature_upstream_tables_json",
        "feature_schema_version",
        "available_feature_names",
        "quality_schema_version",
        *(f"feature_{i}_quality" for i in range(60)),
        *(f"feature_{i}_source" for i in range(60)),
    }
    assert set(out) == expected
    # decision 9: placeholders, breakout constants and data_quality_issues are not produced here
    for absent in (
        "feature_sample_sizes_json",
        "feature_expected_values_json",
        "feature_value_ranges_valid_json",
        "feature_last_updated_json",
        "breakout_model_compatible",
        "breakout_v3_features_available",
        "data_quality_issues",
    ):
        assert absent not in out


def test_upstream_tables_json_is_full_static_map():
    tables = json.loads(score_feature_sources(healthy())["feature_upstream_tables_json"])
    assert set(tables) == {str(i) for i in range(60)}
    assert tables["5"] == "player_composite_factors"
    assert tables["13"] == "team_defense_zone_analysis"
    assert tables["0"] == "player_daily_cache"
    assert tables["25"] == "odds_api"
    assert tables["18"] == "player_shot_zone_analysis"


def test_types():
    out = score_feature_sources(healthy())
    assert isinstance(out["feature_quality_score"], float)
    assert isinstance(out["quality_alerts"], list)
    assert isinstance(out["default_feature_indices"], list)
    assert all(isinstance(out[f"feature_{i}_quality"], float) for i in range(60))
    json.loads(out["feature_fallback_reasons_json"])


# ----------------------------------------------------------------------------------------------
# 1.3 score: optional exclusion and caps
# ----------------------------------------------------------------------------------------------


def test_optional_defaults_excluded_from_average_and_cap():
    out = score_feature_sources(with_tags(healthy(), (25, 26, 27), "missing"))
    assert out["feature_quality_score"] == pytest.approx(round((HEALTHY_SUM - 300) / 57, 2))  # 96.96
    assert out["required_default_count"] == 0
    assert out["default_feature_count"] == 3
    assert out["default_feature_indices"] == [25, 26, 27]
    assert out["quality_alert_level"] == "green"
    assert out["is_quality_ready"] is True
    assert out["vegas_default_count"] == 3
    assert out["vegas_quality_pct"] == 25.0  # category pct keeps the 0 weights
    assert out["has_vegas_line"] is False


@pytest.mark.parametrize(
    "defaulted,cap",
    [
        ([0], 69.0),
        ([0, 1, 2, 3], 69.0),
        ([0, 1, 2, 3, 4], 49.0),
        (list(range(9)), 49.0),
    ],
)
def test_caps(defaulted, cap):
    out = score_feature_sources(with_tags(healthy(), defaulted, "default"))
    uncapped = (HEALTHY_SUM - 60 * len(defaulted)) / 60
    assert uncapped > cap
    assert out["required_default_count"] == len(defaulted)
    assert out["feature_quality_score"] == cap


def test_cap_never_raises_a_low_average():
    # N = 2: one missing (0) and one phase4 (100) -> average 50, below the 69 cap
    out = score_feature_sources({0: "missing", 1: "phase4"})
    assert out["feature_quality_score"] == 50.0
    assert out["required_default_count"] == 1


@pytest.mark.parametrize("tag", ["default", "fallback", "missing"])
def test_each_default_tag_counts_as_required_default(tag):
    out = score_feature_sources(with_tags(healthy(), [18], tag))
    assert out["required_default_count"] == 1
    assert out["default_feature_indices"] == [18]
    assert out["feature_quality_score"] == 69.0
    assert out["feature_18_source"] == "default"
    assert json.loads(out["feature_fallback_reasons_json"]) == {"18": "shot_zone_data_missing"}


def test_all_optional_missing_fires_game_context_critical_while_green():
    out = score_feature_sources(with_tags(healthy(), OPTIONAL, "missing"))
    # required only: 16 phase4 + 3 phase3 + 180 + 190 + 11 calculated = 3331 / 34
    assert out["feature_quality_score"] == pytest.approx(round(3331 / 34, 2))
    assert out["quality_tier"] == "gold"
    assert out["quality_alert_level"] == "green"
    # game_context: 9-12, 21 (500) + 15-17 (261) + 18-20 (300) + 11 optional at 0 -> 1061/22
    assert out["game_context_quality_pct"] == 48.2
    assert out["game_context_quality_tier"] == "critical"
    # 26 / 60 = 43.3% defaults
    assert out["quality_alerts"] == ["high_default_rate_43pct", "game_context_quality_critical"]
    assert out["is_quality_ready"] is True
    assert out["required_default_count"] == 0
    assert out["default_feature_count"] == 26


def test_rounding_two_decimals():
    # 59 phase4 + 1 phase3: (5900 + 87) / 60 = 99.7833
    tags = {i: "phase4" for i in range(60)}
    tags[15] = "phase3"
    assert score_feature_sources(tags)["feature_quality_score"] == 99.78


# ----------------------------------------------------------------------------------------------
# Unknown tags, sparse maps, N < 60, empty map
# ----------------------------------------------------------------------------------------------


def test_unknown_tags_weigh_40_but_are_not_defaults():
    out = score_feature_sources(with_tags(healthy(), COMPOSITE, "stale_cache"))
    assert out["default_feature_count"] == 0
    assert out["required_default_count"] == 0
    assert out["default_feature_indices"] == []
    assert out["feature_quality_score"] == pytest.approx(round((HEALTHY_SUM - 4 * 60) / 60, 2))  # no cap: 93.12
    assert out["quality_tier"] == "silver"
    assert out["feature_5_source"] == "default"
    assert out["feature_5_quality"] == 40
    assert out["has_composite_factors"] is True
    assert out["matchup_data_status"] == "COMPLETE"
    assert out["matchup_default_count"] == 0
    assert out["matchup_quality_pct"] == 60.0  # (4*40 + 2*100) / 6
    assert out["quality_alert_level"] == "yellow"  # M < 70
    assert out["quality_alerts"] == []
    assert out["feature_fallback_reasons_json"] == "{}"
    assert out["is_quality_ready"] is True  # M >= 50, S >= 70, no required default
    assert out["is_training_ready"] is False  # M < 70
    assert out["critical_feature_count"] == 2


def test_unknown_tags_on_all_matchup_features_turn_red():
    out = score_feature_sources(with_tags(healthy(), MATCHUP, "???"))
    assert out["matchup_quality_pct"] == 40.0
    assert out["quality_alert_level"] == "red"
    assert out["quality_alerts"] == ["matchup_quality_critical"]  # not "all defaulted": unknown is no default
    assert out["is_quality_ready"] is False


def test_sparse_map_is_evaluated_on_first_n_indices():
    out = score_feature_sources({0: "phase4", 2: "phase4"})
    # N = 2: index 0 phase4 (100), index 1 absent -> default (40); index 2 ignored
    assert out["feature_0_quality"] == 100
    assert out["feature_1_quality"] == 40
    assert out["feature_1_source"] == "default"
    assert "feature_2_quality" not in out and "feature_2_source" not in out
    assert out["default_feature_indices"] == [1]
    assert out["required_default_count"] == 1
    assert out["feature_quality_score"] == 69.0  # average 70, capped
    assert out["quality_tier"] == "poor"
    assert out["feature_schema_version"] == "v2_2features"
    assert out["available_feature_names"] == ["points_avg_last_5", "points_avg_last_10"]
    assert json.loads(out["feature_fallback_reasons_json"]) == {"1": "data_unavailable"}
    assert json.loads(out["feature_upstream_tables_json"]) == {"0": "player_daily_cache", "1": "player_daily_cache"}
    assert out["player_history_quality_pct"] == 70.0
    assert out["matchup_quality_pct"] == 0.0  # no matchup index < N
    assert out["game_context_quality_pct"] == 0.0
    assert out["quality_alert_level"] == "red"
    assert out["quality_alerts"] == ["high_default_rate_50pct", "matchup_quality_critical", "game_context_quality_critical"]
    # primary source counts all entries of the map: 2 of 2 are phase4
    assert out["primary_data_source"] == "phase4"


def test_n_below_60():
    tags = {i: t for i, t in healthy().items() if i < 37}  # the 37-feature era
    out = score_feature_sources(tags)
    assert out["feature_schema_version"] == "v2_37features"
    assert "feature_36_quality" in out and "feature_37_quality" not in out
    assert out["feature_quality_score"] == pytest.approx(round(sum(WEIGHTS[t] for t in tags.values()) / 37, 2))
    assert len(out["available_feature_names"]) == 37
    # game_context indices < 37: 9-12, 15-21 -> (4*100 + 3*87 + 3*100 + 100) / 11
    assert out["game_context_quality_pct"] == round((800 + 261) / 11, 1)
    assert len(json.loads(out["feature_upstream_tables_json"])) == 37


def test_indices_beyond_59_are_ignored():
    tags = healthy()
    tags.update({60: "default", 61: "missing", 62: "default", 63: "default"})
    out = score_feature_sources(tags)
    assert out["feature_quality_score"] == pytest.approx(97.12)
    assert out["default_feature_count"] == 0
    assert "feature_60_quality" not in out


def test_absent_index_counts_as_default():
    tags = healthy()
    del tags[13]
    tags[60] = "phase4"  # keep 60 entries so N = 60
    out = score_feature_sources(tags)
    assert out["default_feature_indices"] == [13]
    assert out["feature_13_source"] == "default"
    assert out["feature_13_quality"] == 40
    assert out["has_opponent_defense"] is False
    assert out["matchup_data_status"] == "MATCHUP_UNAVAILABLE"
    assert out["feature_quality_score"] == 69.0


def test_empty_map():
    out = score_feature_sources({})
    assert out["feature_quality_score"] == 0.0
    assert out["primary_data_source"] == "unknown"
    assert out["quality_tier"] == "critical"
    assert out["default_feature_count"] == 0
    assert out["is_quality_ready"] is False
    assert out["is_training_ready"] is False
    assert out["has_vegas_line"] is False
    assert out["feature_schema_version"] == "v2_0features"
    assert not any(k.startswith("feature_0_") for k in out)


def test_string_keys_from_json_are_accepted():
    as_json = {str(k): v for k, v in healthy().items()}
    assert score_feature_sources(as_json)["feature_quality_score"] == pytest.approx(97.12)


# ----------------------------------------------------------------------------------------------
# 1.8 alert strings
# ----------------------------------------------------------------------------------------------


def test_high_default_rate_13_of_60():
    out = score_feature_sources(with_tags(healthy(), [25, 26, 27, *range(37, 47)], "missing"))
    assert out["default_feature_count"] == 13
    assert out["quality_alerts"] == ["high_default_rate_22pct"]


def test_high_default_rate_needs_more_than_20_percent():
    out = score_feature_sources(with_tags(healthy(), [25, 26, 27, *range(37, 46)], "missing"))
    assert out["default_feature_count"] == 12  # exactly 20%
    assert out["quality_alerts"] == []


def test_all_sixty_default():
    out = score_feature_sources({i: "default" for i in range(60)})
    assert out["default_feature_count"] == 60
    assert out["required_default_count"] == 34
    assert out["feature_quality_score"] == 40.0  # required-only average 40, below the 49 cap
    assert out["quality_alerts"] == [
        "all_matchup_features_defaulted",
        "composite_factors_missing",
        "opponent_defense_missing",
        "high_default_rate_100pct",
        "matchup_quality_critical",
        "game_context_quality_critical",
    ]
    assert out["quality_alert_level"] == "red"


def test_all_sixty_missing_scores_zero():
    out = score_feature_sources({i: "missing" for i in range(60)})
    assert out["feature_quality_score"] == 0.0
    assert "high_default_rate_100pct" in out["quality_alerts"]


@pytest.mark.parametrize("n_defaults,pct", [(5, 62), (3, 38)])
def test_high_default_rate_uses_python_rounding(n_defaults, pct):
    # N = 8: 5/8 = 62.5% -> round() gives 62 (half to even); 3/8 = 37.5% -> 38
    tags = {i: ("default" if i < n_defaults else "phase4") for i in range(8)}
    assert f"high_default_rate_{pct}pct" in score_feature_sources(tags)["quality_alerts"]


def test_opponent_defense_missing_alone():
    out = score_feature_sources(with_tags(healthy(), [14], "default"))
    assert out["quality_alerts"] == ["opponent_defense_missing"]
    assert out["has_opponent_defense"] is False
    assert out["has_composite_factors"] is True
    assert json.loads(out["feature_fallback_reasons_json"]) == {"14": "opponent_defense_missing"}


def test_matchup_quality_critical_with_phase3_and_defaults():
    # 5-8 default plus 13 default and 14 phase3: (5*40 + 87) / 6 = 47.8
    tags = with_tags(with_tags(healthy(), [5, 6, 7, 8, 13], "default"), [14], "phase3")
    out = score_feature_sources(tags)
    assert out["matchup_quality_pct"] == 47.8
    assert out["quality_alerts"] == ["composite_factors_missing", "opponent_defense_missing", "matchup_quality_critical"]
    assert out["quality_alert_level"] == "red"


# ----------------------------------------------------------------------------------------------
# 1.7 alert level / 1.9 readiness
# ----------------------------------------------------------------------------------------------


def _with_unknowns(k: int) -> dict[int, str]:
    """60 features: k unknown tags (40) on the last k indices, phase4 elsewhere -> average 100 - k."""
    tags = {i: "phase4" for i in range(60)}
    for i in range(60 - k, 60):
        tags[i] = "unknown_tag"
    return tags


def test_bronze_record_is_quality_ready_not_training_ready():
    out = score_feature_sources(_with_unknowns(25))
    assert out["feature_quality_score"] == 75.0
    assert out["quality_tier"] == "bronze"
    assert out["quality_alert_level"] == "green"
    assert out["is_quality_ready"] is True
    assert out["is_training_ready"] is False


def test_poor_record_without_defaults_is_yellow_and_not_ready():
    out = score_feature_sources(_with_unknowns(29))  # 100 - 29 = 71 -> bronze
    assert out["is_quality_ready"] is True
    out = score_feature_sources(_with_unknowns(30))
    assert out["feature_quality_score"] == 70.0 and out["is_quality_ready"] is True
    out = score_feature_sources(_with_unknowns(35))
    assert out["feature_quality_score"] == 65.0
    assert out["quality_tier"] == "poor"
    assert out["quality_alert_level"] == "yellow"
    assert out["is_quality_ready"] is False


def test_training_ready_needs_player_history_80():
    # all optional player-history features missing: history pct = 1270 / 24 = 52.9
    hist_optional = [37, 43, 44, 45, 46, 48, 49, 54, 55, 56, 58]
    out = score_feature_sources(with_tags(healthy(), hist_optional, "missing"))
    assert out["player_history_quality_pct"] == round((500 + 180 + 190 + 400) / 24, 1)
    assert out["quality_tier"] == "gold"
    assert out["is_quality_ready"] is True
    assert out["is_training_ready"] is False


def test_silver_all_phase3_is_training_ready():
    out = score_feature_sources({i: "phase3" for i in range(60)})
    assert out["feature_quality_score"] == 87.0
    assert out["quality_tier"] == "silver"
    assert out["is_training_ready"] is True
    assert out["is_quality_ready"] is True
    assert out["training_quality_feature_count"] == 60  # 87 >= 85
    assert out["primary_data_source"] == "phase3"
    assert out["quality_alert_level"] == "green"


def test_required_default_blocks_quality_ready_and_is_yellow():
    out = score_feature_sources(with_tags(healthy(), [31], "default"))
    assert out["quality_alert_level"] == "yellow"
    assert out["is_quality_ready"] is False
    assert out["is_training_ready"] is False
    assert json.loads(out["feature_fallback_reasons_json"]) == {"31": "minutes_ppm_unavailable"}


# ----------------------------------------------------------------------------------------------
# 1.5 primary source
# ----------------------------------------------------------------------------------------------


def _mix(**counts: int) -> dict[int, str]:
    tags, i = {}, 0
    for tag, n in counts.items():
        for _ in range(n):
            tags[i] = tag
            i += 1
    return tags


@pytest.mark.parametrize(
    "tags,expected",
    [
        (_mix(phase4=54, calculated=6), "phase4"),  # exactly 90%
        (_mix(phase4=60), "phase4"),
        (_mix(phase4=53, calculated=7), "phase4_partial"),  # 88.3%
        (_mix(phase4=30, phase3=30), "phase4_partial"),  # exactly 50%
        (_mix(phase4=29, phase3=31), "phase3"),
        (_mix(phase3=30, calculated=30), "phase3"),
        (_mix(phase4=29, calculated=31), "mixed"),
        (_mix(vegas=60), "mixed"),  # vegas does not count as phase4 here
        ({}, "unknown"),
    ],
)
def test_primary_data_source(tags, expected):
    assert score_feature_sources(tags)["primary_data_source"] == expected


def test_primary_source_counts_entries_beyond_n():
    tags = _mix(phase4=50, calculated=10)
    tags.update({60: "calculated", 61: "calculated", 62: "calculated", 63: "calculated"})
    # 50 / 64 = 78% over all entries (not 83% over the first 60)
    assert score_feature_sources(tags)["primary_data_source"] == "phase4_partial"
    tags = _mix(phase4=54, calculated=6)
    tags.update({60: "calculated", 61: "calculated"})
    assert score_feature_sources(tags)["primary_data_source"] == "phase4_partial"  # 54/62 < 90%


def test_healthy_real_record_is_mixed():
    assert score_feature_sources(healthy())["primary_data_source"] == "mixed"


# ----------------------------------------------------------------------------------------------
# decisions.md 9: has_vegas_line, matchup_data_status
# ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "tag,expected",
    [
        ("vegas", True),
        ("bettingpros", True),
        ("missing", False),
        ("default", False),
        ("fallback", False),
        ("mystery", True),
    ],
)
def test_has_vegas_line_reads_feature_25(tag, expected):
    tags = with_tags(healthy(), [25], tag)
    tags[28] = "calculated"  # 28 is always calculated; the legacy flag read it and was always TRUE
    assert score_feature_sources(tags)["has_vegas_line"] is expected


def test_has_vegas_line_false_when_25_not_scored():
    tags = {i: "phase4" for i in range(20)}
    assert score_feature_sources(tags)["has_vegas_line"] is False


def test_has_vegas_line_false_when_25_absent():
    tags = healthy()
    del tags[25]
    tags[99] = "phase4"
    out = score_feature_sources(tags)
    assert out["has_vegas_line"] is False
    assert out["required_default_count"] == 0  # 25 is optional


@pytest.mark.parametrize("idx", MATCHUP)
def test_matchup_data_status_any_critical_default(idx):
    out = score_feature_sources(with_tags(healthy(), [idx], "default"))
    assert out["matchup_quality_pct"] >= 50
    assert out["matchup_data_status"] == "MATCHUP_UNAVAILABLE"


@pytest.mark.parametrize("idx", [0, 9, 18, 22, 25])
def test_matchup_data_status_complete_for_other_defaults(idx):
    out = score_feature_sources(with_tags(healthy(), [idx], "missing"))
    assert out["matchup_data_status"] == "COMPLETE"


# ----------------------------------------------------------------------------------------------
# quality.md 4.2 incident scenarios
# ----------------------------------------------------------------------------------------------


def test_scenario_a_composite_processor_did_not_run():
    out = score_feature_sources(with_tags(healthy(), COMPOSITE, "default"))
    assert out["required_default_count"] == 4
    assert out["default_feature_indices"] == [5, 6, 7, 8]
    assert out["feature_quality_score"] == 69.0
    assert out["quality_tier"] == "poor"  # below bronze
    assert out["matchup_quality_pct"] == 60.0  # (4*40 + 2*100) / 6
    assert out["quality_alert_level"] == "yellow"
    assert out["quality_alerts"] == ["composite_factors_missing"]
    assert "all_matchup_features_defaulted" not in out["quality_alerts"]
    assert out["has_composite_factors"] is False
    assert out["has_opponent_defense"] is True
    assert out["critical_features_training_quality"] is False
    assert out["critical_feature_count"] == 2
    assert out["is_quality_ready"] is False
    assert out["is_training_ready"] is False
    assert out["matchup_data_status"] == "MATCHUP_UNAVAILABLE"  # decision 9 (legacy wrote COMPLETE)
    assert json.loads(out["feature_fallback_reasons_json"]) == {str(i): "composite_factors_missing" for i in COMPOSITE}
    assert out["matchup_default_count"] == 4


def test_scenario_b_composite_and_team_defense_missing():
    out = score_feature_sources(with_tags(healthy(), MATCHUP, "default"))
    assert out["required_default_count"] == 6
    assert out["feature_quality_score"] == 49.0
    assert out["quality_tier"] == "critical"
    assert out["matchup_quality_pct"] == 40.0
    assert out["quality_alert_level"] == "red"
    assert out["quality_alerts"] == [
        "all_matchup_features_defaulted",
        "composite_factors_missing",
        "opponent_defense_missing",
        "matchup_quality_critical",
    ]
    assert out["matchup_quality_tier"] == "critical"
    assert out["matchup_data_status"] == "MATCHUP_UNAVAILABLE"
    assert out["has_composite_factors"] is False
    assert out["has_opponent_defense"] is False
    assert out["critical_feature_count"] == 0
    assert out["is_quality_ready"] is False


def test_scenario_c_aggregate_would_hide_it():
    out = score_feature_sources(with_tags(healthy(), range(5), "default"))
    assert (HEALTHY_SUM - 5 * 60) / 60 > 90  # uncapped it would look healthy
    assert out["required_default_count"] == 5
    assert out["feature_quality_score"] == 49.0
    assert out["quality_tier"] == "critical"
    assert out["quality_alert_level"] == "red"
    assert out["quality_alerts"] == []
    assert out["matchup_quality_pct"] == 100.0
    assert out["matchup_data_status"] == "COMPLETE"
    assert out["is_quality_ready"] is False


# ----------------------------------------------------------------------------------------------
# Properties
# ----------------------------------------------------------------------------------------------

TAGS = st.sampled_from([*WEIGHTS, "unknown", "PHASE4", ""])
SOURCE_MAPS = st.dictionaries(st.integers(min_value=0, max_value=70), TAGS, max_size=70)


@settings(max_examples=400, deadline=None)
@given(SOURCE_MAPS)
def test_score_properties(sources):
    out = score_feature_sources(sources)
    score = out["feature_quality_score"]
    n = min(len(sources), 60)
    assert 0.0 <= score <= 100.0
    assert out["required_default_count"] <= out["default_feature_count"] <= n
    if out["required_default_count"] >= 1:
        assert score <= 69.0
    if out["required_default_count"] >= 5:
        assert score <= 49.0
    if out["is_quality_ready"]:
        assert out["required_default_count"] == 0
        assert score >= 70
    if out["is_training_ready"]:
        assert out["quality_tier"] in ("gold", "silver")
    assert out["quality_tier"] == quality_tier(score)
    assert out["default_feature_indices"] == sorted(out["default_feature_indices"])
    assert all(0 <= i < n for i in out["default_feature_indices"])
    assert len(out["default_feature_indices"]) == out["default_feature_count"]
    assert (
        sum(out[f"{c}_default_count"] for c in ("matchup", "player_history", "team_context", "vegas", "game_context"))
        == out["default_feature_count"]
    )
    assert sum(1 for k in out if k.endswith("_quality") and k.startswith("feature_")) == n
    assert out["quality_alert_level"] in ("green", "yellow", "red")
    if out["quality_alert_level"] == "green":
        assert out["required_default_count"] == 0
