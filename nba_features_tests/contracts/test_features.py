"""The feature registry against phase4.md 5.4-5.6 and quality.md 1.2 / 3.1 (expected values typed from the specs)."""

from __future__ import annotations

import dataclasses
import math

import pytest

from nba_features.contracts import features as reg
from nba_features.contracts.features import (
    COMPOSITE_INDICES,
    CRITICAL_INDICES,
    FEATURE_COUNT,
    FEATURE_NAMES,
    FEATURE_VERSION,
    FEATURES,
    OPPONENT_DEFENSE_INDICES,
    QUALITY_SCHEMA_VERSION,
    Feature,
    feature,
    indices,
)

# phase4.md 5.4, indices 0-59.
SPEC_NAMES = [
    "points_avg_last_5",
    "points_avg_last_10",
    "points_avg_season",
    "points_std_last_10",
    "games_in_last_7_days",
    "fatigue_score",
    "shot_zone_mismatch_score",
    "pace_score",
    "usage_spike_score",
    "rest_advantage",
    "injury_risk",
    "recent_trend",
    "minutes_change",
    "opponent_def_rating",
    "opponent_pace",
    "home_away",
    "back_to_back",
    "playoff_game",
    "pct_paint",
    "pct_mid_range",
    "pct_three",
    "pct_free_throw",
    "team_pace",
    "team_off_rating",
    "team_win_pct",
    "vegas_points_line",
    "vegas_opening_line",
    "vegas_line_move",
    "has_vegas_line",
    "avg_points_vs_opponent",
    "games_vs_opponent",
    "minutes_avg_last_10",
    "ppm_avg_last_10",
    "dnp_rate",
    "pts_slope_10g",
    "pts_vs_season_zscore",
    "breakout_flag",
    "star_teammates_out",
    "game_total_line",
    "days_rest",
    "minutes_load_last_7d",
    "spread_magnitude",
    "implied_team_total",
    "points_avg_last_3",
    "scoring_trend_slope",
    "deviation_from_avg_last3",
    "consecutive_games_below_avg",
    "teammate_usage_available",
    "usage_rate_last_5",
    "games_since_structural_change",
    "multi_book_line_std",
    "prop_over_streak",
    "prop_under_streak",
    "line_vs_season_avg",
    "prop_line_delta",
    "over_rate_last_10",
    "margin_vs_line_avg_last_5",
    "blowout_minutes_risk",
    "minutes_volatility_last_10",
    "opponent_pace_mismatch",
]

# quality.md 1.2 categories.
SPEC_CATEGORIES = {
    "matchup": {5, 6, 7, 8, 13, 14},
    "player_history": {0, 1, 2, 3, 4, *range(29, 38), 43, 44, 45, 46, 48, 49, 54, 55, 56, 58},
    "team_context": {22, 23, 24, 57},
    "vegas": {25, 26, 27, 28},
    "game_context": {9, 10, 11, 12, *range(15, 22), *range(38, 43), 47, 50, 51, 52, 53, 59},
}
SPEC_OPTIONAL = {25, 26, 27, *range(37, 60)}

# quality.md 1.2 "default value" column, for the features that can default (None = NULL/NaN, tag missing).
SPEC_DEFAULTS = {
    0: 10.0,
    1: 10.0,
    2: 10.0,
    3: 5.0,
    4: 3.0,
    5: 50.0,
    6: 0.0,
    7: 0.0,
    8: 0.0,
    13: 112.0,
    14: 100.0,
    18: None,
    19: None,
    20: None,
    22: 100.0,
    23: 112.0,
    25: None,
    26: None,
    27: None,
    31: 28.0,
    32: 0.4,
    37: 0.0,
    **{i: None for i in range(38, 59)},
}
# phase4.md 5.4 "unavailable -> value" for always-produced features.
SPEC_CALCULATED_FALLBACKS = {
    9: 0.0,
    10: 0.0,
    11: 0.0,
    12: 0.0,
    15: 0.0,
    16: 0.0,
    17: 0.0,
    21: 0.15,
    24: 0.5,
    30: 0.0,
    33: 0.0,
    34: 0.0,
    35: 0.0,
    36: 0.0,
}

SPEC_FALLBACK_REASONS = {
    **{i: "data_unavailable" for i in (0, 1, 2, 3, 4, 22, 23)},
    **{i: "composite_factors_missing" for i in (5, 6, 7, 8)},
    13: "opponent_defense_missing",
    14: "opponent_defense_missing",
    **{i: "shot_zone_data_missing" for i in (18, 19, 20)},
    **{i: "vegas_line_unavailable" for i in (25, 26, 27)},
    29: "no_opponent_history",
    30: "no_opponent_history",
    31: "minutes_ppm_unavailable",
    32: "minutes_ppm_unavailable",
    37: "star_teammates_out_unavailable",
    38: "game_total_line_unavailable",
    39: "days_rest_unavailable",
    40: "minutes_load_unavailable",
    41: "spread_unavailable",
    42: "implied_team_total_unavailable",
    **{i: "rolling_stats_unavailable" for i in (43, 44, 45, 46, 48, 49)},
    47: "dead_feature",
    50: "dead_feature",
    51: "prop_streaks_unavailable",
    52: "prop_streaks_unavailable",
    53: "line_vs_season_unavailable",
    54: "no_prior_line",
    55: "insufficient_prop_history",
    56: "insufficient_prop_history",
    57: "team_history_unavailable",
    58: "insufficient_minutes_history",
    59: "pace_unavailable",
}
SPEC_NO_FALLBACK_REASON = {9, 10, 11, 12, 15, 16, 17, 21, 24, 28, 33, 34, 35, 36}

UPCG = "upcoming_player_game_context"
SPEC_UPSTREAM = {
    **{i: "player_daily_cache" for i in (0, 1, 2, 3, 4, 31, 32)},
    **{i: "player_composite_factors" for i in (5, 6, 7, 8)},
    **{i: "team_defense_zone_analysis" for i in (13, 14)},
    **{i: UPCG for i in (15, 16, 17, 37, 38, 39, 40, 41, 51, 52)},
    **{i: "player_shot_zone_analysis" for i in (18, 19, 20)},
    22: "team_offense_game_summary",
    23: "team_offense_game_summary",
    25: "odds_api",
    26: "odds_api",
    29: "player_game_summary",
    30: "player_game_summary",
    47: "default",
    50: "default",
    **{
        i: "calculated"
        for i in (9, 10, 11, 12, 21, 24, 27, 28, 33, 34, 35, 36, 42, 43, 44, 45, 46, 48, 49, 53, 54, 55, 56, 57, 58, 59)
    },
}

# quality.md 3.1 step 6.
SPEC_RANGES = {
    0: (0, 70),
    1: (0, 70),
    2: (0, 70),
    3: (0, 30),
    4: (0, 4),
    5: (0, 100),
    6: (-15, 15),
    7: (-8, 8),
    8: (-8, 8),
    13: (90, 130),
    14: (90, 115),
    22: (90, 115),
    23: (90, 130),
    25: (0, 80),
    26: (0, 80),
    27: (-15, 15),
    31: (0, 48),
    32: (0, 1.5),
    38: (180, 280),
    41: (0, 25),
    42: (90, 140),
}
# quality.md 3.1 step 8.
SPEC_VARIANCE = {
    0: (3.0, 20),
    1: (3.0, 20),
    2: (3.0, 20),
    3: (1.0, 10),
    5: (5.0, 10),
    6: (1.0, 10),
    13: (1.0, 5),
    14: (0.5, 5),
    22: (0.5, 5),
    23: (1.0, 5),
    24: (0.05, 5),
    25: (2.0, 10),
    31: (5.0, 15),
    32: (0.1, 10),
    38: (2.0, 5),
    42: (2.0, 5),
    41: (1.0, 5),
    43: (3.0, 15),
    47: (2.0, 10),
    48: (2.0, 10),
}


def test_sixty_features_in_index_order():
    assert FEATURE_COUNT == 60
    assert len(FEATURES) == 60
    assert [f.index for f in FEATURES] == list(range(60))
    assert all(isinstance(f, Feature) for f in FEATURES)


def test_names_unique_and_in_spec_order():
    assert list(FEATURE_NAMES) == SPEC_NAMES
    assert len(set(FEATURE_NAMES)) == 60
    assert [f.name for f in FEATURES] == SPEC_NAMES


def test_versions():
    assert FEATURE_VERSION == "v2_60features"
    assert QUALITY_SCHEMA_VERSION == "v1_hybrid_20260205"


def test_feature_is_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        FEATURES[0].name = "x"  # type: ignore[misc]


def test_required_and_optional():
    required = {f.index for f in FEATURES if f.required}
    assert len(required) == 34
    assert required == set(range(60)) - SPEC_OPTIONAL
    assert set(indices(required=False)) == SPEC_OPTIONAL
    assert set(indices(required=True)) == required
    assert feature(28).required  # has_vegas_line is required
    assert all(f.optional == (not f.required) for f in FEATURES)


@pytest.mark.parametrize(
    "category,size", [("matchup", 6), ("player_history", 24), ("team_context", 4), ("vegas", 4), ("game_context", 22)]
)
def test_category_sizes_and_members(category, size):
    members = indices(category=category)
    assert len(members) == size
    assert set(members) == SPEC_CATEGORIES[category]
    assert list(members) == sorted(members)


def test_categories_partition_the_vector():
    seen = [i for c in reg.CATEGORIES for i in indices(category=c)]
    assert sorted(seen) == list(range(60))
    assert {f.category for f in FEATURES} == set(SPEC_CATEGORIES)


def test_critical_subsets():
    assert tuple(CRITICAL_INDICES) == (5, 6, 7, 8, 13, 14)
    assert tuple(COMPOSITE_INDICES) == (5, 6, 7, 8)
    assert tuple(OPPONENT_DEFENSE_INDICES) == (13, 14)


@pytest.mark.parametrize("idx,expected", sorted(SPEC_DEFAULTS.items()))
def test_default_values_from_quality_table(idx, expected):
    value = feature(idx).default_value
    if expected is None:
        assert value is None
    else:
        assert value == pytest.approx(expected)


@pytest.mark.parametrize("idx,expected", sorted(SPEC_CALCULATED_FALLBACKS.items()))
def test_calculated_fallback_values(idx, expected):
    assert feature(idx).default_value == pytest.approx(expected)


def test_default_values_are_finite_or_none():
    for f in FEATURES:
        assert f.default_value is None or math.isfinite(f.default_value)


def test_fallback_reasons():
    for idx, reason in SPEC_FALLBACK_REASONS.items():
        assert feature(idx).fallback_reason == reason, idx
    for idx in SPEC_NO_FALLBACK_REASON:
        assert feature(idx).fallback_reason is None, idx
        assert feature(idx).effective_fallback_reason == "data_unavailable"
    assert set(SPEC_FALLBACK_REASONS) | SPEC_NO_FALLBACK_REASON == set(range(60))


def test_upstream_labels():
    assert set(SPEC_UPSTREAM) == set(range(60))
    for idx, label in SPEC_UPSTREAM.items():
        assert feature(idx).upstream_table == label, idx


def test_valid_ranges_from_quality_table():
    for idx, (lo, hi) in SPEC_RANGES.items():
        assert feature(idx).valid_range == (pytest.approx(lo), pytest.approx(hi)), idx
    for f in FEATURES:
        if f.valid_range is not None:
            assert f.valid_range[0] <= f.valid_range[1]


def test_only_fatigue_range_is_critical():
    assert [f.index for f in FEATURES if f.range_is_critical] == [5]


def test_shot_zone_ranges_are_fractions():
    # decision 4: features 18-20 are fractions 0-1 on every path.
    for idx in (18, 19, 20):
        assert feature(idx).valid_range == (0.0, 1.0)


def test_variance_minimums():
    monitored = {f.index for f in FEATURES if f.min_stddev is not None or f.min_distinct is not None}
    assert monitored == set(SPEC_VARIANCE)
    for idx, (std, distinct) in SPEC_VARIANCE.items():
        assert feature(idx).min_stddev == pytest.approx(std), idx
        assert feature(idx).min_distinct == distinct, idx


def test_lookup_helpers():
    assert feature("fatigue_score").index == 5
    assert feature(5).name == "fatigue_score"
    assert feature("opponent_pace_mismatch") is FEATURES[59]
    with pytest.raises(KeyError):
        feature("no_such_feature")
    with pytest.raises(KeyError):
        feature(60)
    with pytest.raises(KeyError):
        feature(-1)
    with pytest.raises(ValueError):
        indices(category="nope")
    assert indices() == tuple(range(60))
    assert indices(category="vegas", required=True) == (28,)
    assert indices(category="vegas", required=False) == (25, 26, 27)


def test_column_names():
    f = feature(7)
    assert (f.value_column, f.quality_column, f.source_column) == ("feature_7_value", "feature_7_quality", "feature_7_source")
