"""The feature-store contract: one declarative registry for feature indices 0-59 (docs/RULES.md#feature-registry).

Everything that needs to know about a feature of ``nba_predictions.ml_feature_store_v2`` (the
extractor, the order of the ``features`` array, the ``feature_N_*`` columns, the quality scorer's
categories and optional set, range/variance checks, contamination reports) reads it from here
instead of repeating index lists.

The rules it encodes: docs/RULES.md#feature-list (names, categories, optionality, default values,
fallback reasons, upstream labels) and docs/RULES.md#feature-store-canaries (valid ranges, only index 5
critical; variance minimums). Experimental indices 60-63 are not stored, so they are not in the
registry (docs/RULES.md#feature-registry).

Field semantics
---------------
``default_value``
    The number placed in the ``features`` array when the feature is unavailable. ``None`` means the
    feature is NULL/NaN (tag ``missing``), written as 0.0 in the array and NULL in
    ``feature_N_value``. For features that are always produced (tags ``calculated`` / ``phase3``
    regardless of data) it is the value the computation yields when its inputs are insufficient,
    or ``None`` when that fallback is itself computed (29: the season average; 59: 22 - 14).
``fallback_reason``
    The legacy label written into ``feature_fallback_reasons_json`` when the feature defaults.
    ``None`` where the legacy table says "n/a" (the feature never defaults); the scorer then uses
    :data:`GENERIC_FALLBACK_REASON` (``'data_unavailable'``), as the legacy scorer did.
``upstream_table``
    The scorer's static upstream label (``feature_upstream_tables_json``), legacy spelling.
``valid_range``
    Inclusive (low, high) bounds for the pre-write range validation; ``None`` = not checked. Only
    index 5 (fatigue_score) is critical (``range_is_critical``): a violation rejects the row.
    Ranges listed in docs/RULES.md#feature-store-canaries are copied; the others are plausible bounds chosen here
    (fractions 0-1, flags 0-1, clamped scores, ...), or ``None`` when no sensible bound exists.
``min_stddev`` / ``min_distinct``
    Batch variance monitoring minimums (docs/RULES.md#feature-store-canaries); ``None`` = not monitored.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

__all__ = [
    "CATEGORIES",
    "COMPOSITE_INDICES",
    "CRITICAL_INDICES",
    "FEATURES",
    "FEATURE_COUNT",
    "FEATURE_NAMES",
    "FEATURE_VERSION",
    "GENERIC_FALLBACK_REASON",
    "OPPONENT_DEFENSE_INDICES",
    "OPTIONAL_INDICES",
    "QUALITY_SCHEMA_VERSION",
    "RANGE_CRITICAL_INDICES",
    "REQUIRED_INDICES",
    "VARIANCE_MONITORED_INDICES",
    "Category",
    "Feature",
    "feature",
    "indices",
]

Category = Literal["matchup", "player_history", "team_context", "vegas", "game_context"]

#: Category names in the order of the legacy quality columns (``<category>_quality_pct``).
CATEGORIES: tuple[str, ...] = ("matchup", "player_history", "team_context", "vegas", "game_context")

FEATURE_COUNT = 60
FEATURE_VERSION = "v2_60features"
QUALITY_SCHEMA_VERSION = "v1_hybrid_20260205"

#: Fallback reason used for a defaulted feature whose registry entry has no label.
GENERIC_FALLBACK_REASON = "data_unavailable"


@dataclass(frozen=True, slots=True)
class Feature:
    """One feature of the 60-feature vector."""

    index: int
    name: str
    category: Category
    required: bool
    default_value: float | None
    fallback_reason: str | None
    upstream_table: str
    valid_range: tuple[float, float] | None = None
    range_is_critical: bool = False
    min_stddev: float | None = None
    min_distinct: int | None = None

    @property
    def optional(self) -> bool:
        """Optional features' defaults are excluded from the score average, cap and gating."""
        return not self.required

    @property
    def effective_fallback_reason(self) -> str:
        """The label written into ``feature_fallback_reasons_json`` when this feature defaults."""
        return self.fallback_reason or GENERIC_FALLBACK_REASON

    @property
    def value_column(self) -> str:
        return f"feature_{self.index}_value"

    @property
    def quality_column(self) -> str:
        return f"feature_{self.index}_quality"

    @property
    def source_column(self) -> str:
        return f"feature_{self.index}_source"

    @property
    def variance_monitored(self) -> bool:
        return self.min_stddev is not None


# Upstream labels (legacy spellings).
_PDC = "player_daily_cache"
_PCF = "player_composite_factors"
_TDZA = "team_defense_zone_analysis"
_PSZA = "player_shot_zone_analysis"
_UPCG = "upcoming_player_game_context"
_TOGS = "team_offense_game_summary"
_PGS = "player_game_summary"
_ODDS = "odds_api"
_CALC = "calculated"

_F = Feature

FEATURES: tuple[Feature, ...] = (
    # --- player history: rolling points (PDC -> PGS -> constant) --------------------------------
    _F(
        0,
        "points_avg_last_5",
        "player_history",
        True,
        10.0,
        "data_unavailable",
        _PDC,
        (0.0, 70.0),
        min_stddev=3.0,
        min_distinct=20,
    ),
    _F(
        1,
        "points_avg_last_10",
        "player_history",
        True,
        10.0,
        "data_unavailable",
        _PDC,
        (0.0, 70.0),
        min_stddev=3.0,
        min_distinct=20,
    ),
    _F(
        2,
        "points_avg_season",
        "player_history",
        True,
        10.0,
        "data_unavailable",
        _PDC,
        (0.0, 70.0),
        min_stddev=3.0,
        min_distinct=20,
    ),
    _F(
        3,
        "points_std_last_10",
        "player_history",
        True,
        5.0,
        "data_unavailable",
        _PDC,
        (0.0, 30.0),
        min_stddev=1.0,
        min_distinct=10,
    ),
    _F(4, "games_in_last_7_days", "player_history", True, 3.0, "data_unavailable", _PDC, (0.0, 4.0)),
    # --- matchup: composite factors (PCF only) ----------------------------------------------------
    _F(
        5,
        "fatigue_score",
        "matchup",
        True,
        50.0,
        "composite_factors_missing",
        _PCF,
        (0.0, 100.0),
        range_is_critical=True,
        min_stddev=5.0,
        min_distinct=10,
    ),
    _F(
        6,
        "shot_zone_mismatch_score",
        "matchup",
        True,
        0.0,
        "composite_factors_missing",
        _PCF,
        (-15.0, 15.0),
        min_stddev=1.0,
        min_distinct=10,
    ),
    _F(7, "pace_score", "matchup", True, 0.0, "composite_factors_missing", _PCF, (-8.0, 8.0)),
    _F(8, "usage_spike_score", "matchup", True, 0.0, "composite_factors_missing", _PCF, (-8.0, 8.0)),
    # --- game context: always calculated --------------------------------------------------------
    _F(9, "rest_advantage", "game_context", True, 0.0, None, _CALC, (-2.0, 2.0)),
    _F(10, "injury_risk", "game_context", True, 0.0, None, _CALC, (0.0, 3.0)),
    _F(11, "recent_trend", "game_context", True, 0.0, None, _CALC, (-2.0, 2.0)),
    _F(12, "minutes_change", "game_context", True, 0.0, None, _CALC, (-2.0, 2.0)),
    # --- matchup: opponent defense (TDZA of the opponent) ---------------------------------------
    _F(
        13,
        "opponent_def_rating",
        "matchup",
        True,
        112.0,
        "opponent_defense_missing",
        _TDZA,
        (90.0, 130.0),
        min_stddev=1.0,
        min_distinct=5,
    ),
    _F(
        14,
        "opponent_pace",
        "matchup",
        True,
        100.0,
        "opponent_defense_missing",
        _TDZA,
        (90.0, 115.0),
        min_stddev=0.5,
        min_distinct=5,
    ),
    # --- game context: UPCG flags (always phase3) -----------------------------------------------
    _F(15, "home_away", "game_context", True, 0.0, None, _UPCG, (0.0, 1.0)),
    _F(16, "back_to_back", "game_context", True, 0.0, None, _UPCG, (0.0, 1.0)),
    _F(17, "playoff_game", "game_context", True, 0.0, None, _UPCG, (0.0, 1.0)),
    # --- game context: shot-zone rates, fractions 0-1 (PSZA; missing -> NULL) --------------------
    _F(18, "pct_paint", "game_context", True, None, "shot_zone_data_missing", _PSZA, (0.0, 1.0)),
    _F(19, "pct_mid_range", "game_context", True, None, "shot_zone_data_missing", _PSZA, (0.0, 1.0)),
    _F(20, "pct_three", "game_context", True, None, "shot_zone_data_missing", _PSZA, (0.0, 1.0)),
    _F(21, "pct_free_throw", "game_context", True, 0.15, None, _CALC, (0.0, 0.5)),
    # --- team context ----------------------------------------------------------------------------
    _F(22, "team_pace", "team_context", True, 100.0, "data_unavailable", _TOGS, (90.0, 115.0), min_stddev=0.5, min_distinct=5),
    _F(
        23,
        "team_off_rating",
        "team_context",
        True,
        112.0,
        "data_unavailable",
        _TOGS,
        (90.0, 130.0),
        min_stddev=1.0,
        min_distinct=5,
    ),
    _F(24, "team_win_pct", "team_context", True, 0.5, None, _CALC, (0.0, 1.0), min_stddev=0.05, min_distinct=5),
    # --- vegas -------------------------------------------------------------------------------------
    _F(
        25,
        "vegas_points_line",
        "vegas",
        False,
        None,
        "vegas_line_unavailable",
        _ODDS,
        (0.0, 80.0),
        min_stddev=2.0,
        min_distinct=10,
    ),
    _F(26, "vegas_opening_line", "vegas", False, None, "vegas_line_unavailable", _ODDS, (0.0, 80.0)),
    _F(27, "vegas_line_move", "vegas", False, None, "vegas_line_unavailable", _CALC, (-15.0, 15.0)),
    _F(28, "has_vegas_line", "vegas", True, 0.0, None, _CALC, (0.0, 1.0)),
    # --- player history: opponent history, minutes/PPM, calculated ------------------------------
    _F(29, "avg_points_vs_opponent", "player_history", True, None, "no_opponent_history", _PGS, (0.0, 70.0)),
    _F(30, "games_vs_opponent", "player_history", True, 0.0, "no_opponent_history", _PGS, (0.0, 20.0)),
    _F(
        31,
        "minutes_avg_last_10",
        "player_history",
        True,
        28.0,
        "minutes_ppm_unavailable",
        _PDC,
        (0.0, 48.0),
        min_stddev=5.0,
        min_distinct=15,
    ),
    _F(
        32,
        "ppm_avg_last_10",
        "player_history",
        True,
        0.4,
        "minutes_ppm_unavailable",
        _PDC,
        (0.0, 1.5),
        min_stddev=0.1,
        min_distinct=10,
    ),
    _F(33, "dnp_rate", "player_history", True, 0.0, None, _CALC, (0.0, 1.0)),
    _F(34, "pts_slope_10g", "player_history", True, 0.0, None, _CALC, (-15.0, 15.0)),
    _F(35, "pts_vs_season_zscore", "player_history", True, 0.0, None, _CALC, (-3.0, 3.0)),
    _F(36, "breakout_flag", "player_history", True, 0.0, None, _CALC, (0.0, 1.0)),
    # --- optional features 37-59 -----------------------------------------------------------------
    _F(37, "star_teammates_out", "player_history", False, 0.0, "star_teammates_out_unavailable", _UPCG, (0.0, 10.0)),
    _F(
        38,
        "game_total_line",
        "game_context",
        False,
        None,
        "game_total_line_unavailable",
        _UPCG,
        (180.0, 280.0),
        min_stddev=2.0,
        min_distinct=5,
    ),
    _F(39, "days_rest", "game_context", False, None, "days_rest_unavailable", _UPCG, (0.0, 365.0)),
    _F(40, "minutes_load_last_7d", "game_context", False, None, "minutes_load_unavailable", _UPCG, (0.0, 300.0)),
    _F(
        41,
        "spread_magnitude",
        "game_context",
        False,
        None,
        "spread_unavailable",
        _UPCG,
        (0.0, 25.0),
        min_stddev=1.0,
        min_distinct=5,
    ),
    _F(
        42,
        "implied_team_total",
        "game_context",
        False,
        None,
        "implied_team_total_unavailable",
        _CALC,
        (90.0, 140.0),
        min_stddev=2.0,
        min_distinct=5,
    ),
    _F(
        43,
        "points_avg_last_3",
        "player_history",
        False,
        None,
        "rolling_stats_unavailable",
        _CALC,
        (0.0, 70.0),
        min_stddev=3.0,
        min_distinct=15,
    ),
    _F(44, "scoring_trend_slope", "player_history", False, None, "rolling_stats_unavailable", _CALC, (-30.0, 30.0)),
    _F(45, "deviation_from_avg_last3", "player_history", False, None, "rolling_stats_unavailable", _CALC, None),
    _F(46, "consecutive_games_below_avg", "player_history", False, None, "rolling_stats_unavailable", _CALC, (0.0, 60.0)),
    _F(
        47,
        "teammate_usage_available",
        "game_context",
        False,
        None,
        "dead_feature",
        "default",
        (0.0, 300.0),
        min_stddev=2.0,
        min_distinct=10,
    ),
    _F(
        48,
        "usage_rate_last_5",
        "player_history",
        False,
        None,
        "rolling_stats_unavailable",
        _CALC,
        (0.0, 100.0),
        min_stddev=2.0,
        min_distinct=10,
    ),
    _F(49, "games_since_structural_change", "player_history", False, None, "rolling_stats_unavailable", _CALC, (0.0, 60.0)),
    _F(50, "multi_book_line_std", "game_context", False, None, "dead_feature", "default", (0.0, 10.0)),
    _F(51, "prop_over_streak", "game_context", False, None, "prop_streaks_unavailable", _UPCG, (0.0, 82.0)),
    _F(52, "prop_under_streak", "game_context", False, None, "prop_streaks_unavailable", _UPCG, (0.0, 82.0)),
    _F(53, "line_vs_season_avg", "game_context", False, None, "line_vs_season_unavailable", _CALC, (-50.0, 50.0)),
    _F(54, "prop_line_delta", "player_history", False, None, "no_prior_line", _CALC, (-20.0, 20.0)),
    _F(55, "over_rate_last_10", "player_history", False, None, "insufficient_prop_history", _CALC, (0.0, 1.0)),
    _F(56, "margin_vs_line_avg_last_5", "player_history", False, None, "insufficient_prop_history", _CALC, (-50.0, 50.0)),
    _F(57, "blowout_minutes_risk", "team_context", False, None, "team_history_unavailable", _CALC, (0.0, 1.0)),
    _F(58, "minutes_volatility_last_10", "player_history", False, None, "insufficient_minutes_history", _CALC, (0.0, 30.0)),
    _F(59, "opponent_pace_mismatch", "game_context", False, None, "pace_unavailable", _CALC, (-30.0, 30.0)),
)

del _F

FEATURE_NAMES: tuple[str, ...] = tuple(f.name for f in FEATURES)

_BY_NAME: dict[str, Feature] = {f.name: f for f in FEATURES}


def _check_registry() -> None:
    if len(FEATURES) != FEATURE_COUNT:
        raise AssertionError(f"registry has {len(FEATURES)} features, expected {FEATURE_COUNT}")
    for position, f in enumerate(FEATURES):
        if f.index != position:
            raise AssertionError(f"feature {f.name!r} has index {f.index} at position {position}")
        if f.category not in CATEGORIES:
            raise AssertionError(f"feature {f.index} has unknown category {f.category!r}")
        if f.valid_range is not None and f.valid_range[0] > f.valid_range[1]:
            raise AssertionError(f"feature {f.index} has an empty valid_range {f.valid_range}")
        if f.range_is_critical and f.valid_range is None:
            raise AssertionError(f"feature {f.index} has a critical range but no valid_range")
        if (f.min_stddev is None) != (f.min_distinct is None):
            raise AssertionError(f"feature {f.index} must set both min_stddev and min_distinct or neither")
    if len(_BY_NAME) != FEATURE_COUNT:
        raise AssertionError("feature names are not unique")


_check_registry()


def feature(name_or_index: str | int) -> Feature:
    """The registry entry for a feature name or index (KeyError if unknown)."""
    if isinstance(name_or_index, str):
        try:
            return _BY_NAME[name_or_index]
        except KeyError:
            raise KeyError(f"unknown feature name {name_or_index!r}") from None
    if isinstance(name_or_index, bool):
        raise TypeError("feature() takes a name or an integer index, not a bool")
    idx = int(name_or_index)
    if not 0 <= idx < FEATURE_COUNT:
        raise KeyError(f"feature index {name_or_index!r} out of range 0-{FEATURE_COUNT - 1}")
    return FEATURES[idx]


def indices(category: str | None = None, required: bool | None = None) -> tuple[int, ...]:
    """Sorted feature indices, optionally filtered by category and/or required-ness."""
    if category is not None and category not in CATEGORIES:
        raise ValueError(f"unknown category {category!r}; expected one of {CATEGORIES}")
    return tuple(
        f.index for f in FEATURES if (category is None or f.category == category) and (required is None or f.required == required)
    )


#: Features whose defaults count toward ``required_default_count`` (34 indices).
REQUIRED_INDICES: tuple[int, ...] = indices(required=True)
#: The scorer's OPTIONAL_FEATURES (26 indices): {25, 26, 27, 37..59}.
OPTIONAL_INDICES: tuple[int, ...] = indices(required=False)
#: The six critical features = the matchup category.
CRITICAL_INDICES: tuple[int, ...] = indices(category="matchup")
#: Composite-factor features (5-8), the subset of the matchup category read from PCF.
COMPOSITE_INDICES: tuple[int, ...] = tuple(i for i in CRITICAL_INDICES if FEATURES[i].upstream_table == _PCF)
#: Opponent-defense features (13, 14), the subset of the matchup category read from TDZA.
OPPONENT_DEFENSE_INDICES: tuple[int, ...] = tuple(i for i in CRITICAL_INDICES if FEATURES[i].upstream_table == _TDZA)
#: Indices whose range violation rejects the row (only fatigue_score).
RANGE_CRITICAL_INDICES: tuple[int, ...] = tuple(f.index for f in FEATURES if f.range_is_critical)
#: Indices checked by the batch variance monitor.
VARIANCE_MONITORED_INDICES: tuple[int, ...] = tuple(f.index for f in FEATURES if f.variance_monitored)
