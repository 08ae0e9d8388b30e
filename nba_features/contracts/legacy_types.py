"""The column types the legacy BigQuery tables hold where schemas/ says FLOAT64: a documented compatibility.

The legacy warehouse stores many measures as NUMERIC(p, s) (docs/LEGACY.md#type-compatibility). A live
column of such a type is *compatible*, not drift: reads turn its `decimal.Decimal` values into the
contract's float64, and a write into it rounds to the live scale (half away from zero, as BigQuery does)
and refuses a value that overflows. Any other live type that differs from the contract is drift.

`LEGACY_TYPES` is the one declaration; `load_contracts` attaches each entry to its column
(`Column.legacy_types`) and refuses an entry naming a column that does not exist or is not FLOAT64.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# table -> column -> legacy type, as the legacy DDL spells it
LEGACY_TYPES: dict[str, dict[str, str]] = {
    "nba_analytics.player_game_summary": {
        "minutes_played": "NUMERIC(5,1)",
        "usage_rate": "NUMERIC(6,2)",
        "ts_pct": "NUMERIC(5,3)",
    },
    "nba_analytics.team_defense_game_summary": {"defensive_rating": "NUMERIC(6,2)", "opponent_pace": "NUMERIC(5,1)"},
    "nba_analytics.team_offense_game_summary": {"pace": "NUMERIC(5,1)", "offensive_rating": "NUMERIC(6,2)"},
    "nba_analytics.upcoming_player_game_context": {
        "avg_minutes_per_game_last_7": "NUMERIC(5,1)",
        "projected_usage_rate": "NUMERIC(5,2)",
        "avg_usage_rate_last_7_games": "NUMERIC(5,2)",
        "pace_differential": "NUMERIC(5,1)",
        "opponent_pace_last_10": "NUMERIC(5,1)",
        "game_total": "NUMERIC(5,1)",
        "game_spread": "NUMERIC(4,1)",
        "current_points_line": "NUMERIC(4,1)",
    },
    "nba_analytics.upcoming_team_game_context": {"game_total": "NUMERIC(5,1)", "game_spread": "NUMERIC(5,2)"},
    "nba_predictions.prediction_accuracy": {"line_value": "NUMERIC(5,1)"},
    "nba_precompute.team_defense_zone_analysis": {
        "defensive_rating_last_15": "NUMERIC(6,2)",
        "opponent_pace": "NUMERIC(5,1)",
        "paint_defense_vs_league_avg": "NUMERIC(5,2)",
        "mid_range_defense_vs_league_avg": "NUMERIC(5,2)",
        "three_pt_defense_vs_league_avg": "NUMERIC(5,2)",
    },
    "nba_precompute.player_shot_zone_analysis": {
        "paint_rate_last_10": "NUMERIC(5,2)",
        "mid_range_rate_last_10": "NUMERIC(5,2)",
        "three_pt_rate_last_10": "NUMERIC(5,2)",
    },
    "nba_precompute.player_composite_factors": {
        "shot_zone_mismatch_score": "NUMERIC(4,1)",
        "pace_score": "NUMERIC(3,1)",
        "usage_spike_score": "NUMERIC(3,1)",
    },
    "nba_precompute.player_daily_cache": {
        "points_avg_last_5": "NUMERIC(5,1)",
        "points_avg_last_10": "NUMERIC(5,1)",
        "points_avg_season": "NUMERIC(5,1)",
        "minutes_avg_last_10": "NUMERIC(5,1)",
        "team_pace_last_10": "NUMERIC(5,1)",
        "points_std_last_10": "NUMERIC(5,2)",
        "paint_rate_last_10": "NUMERIC(5,2)",
        "three_pt_rate_last_10": "NUMERIC(5,2)",
        "assisted_rate_last_10": "NUMERIC(5,2)",
        "team_off_rating_last_10": "NUMERIC(6,2)",
    },
    "nba_predictions.ml_feature_store_v2": {"feature_quality_score": "NUMERIC(5,2)"},
}

# BigQuery's NUMERIC without parameters is NUMERIC(38, 9); BIGNUMERIC is (76, 38)
_UNPARAMETERIZED = {"NUMERIC": (38, 9), "DECIMAL": (38, 9), "BIGNUMERIC": (76, 38), "BIGDECIMAL": (76, 38)}
_NUMERIC = re.compile(r"^(NUMERIC|DECIMAL|BIGNUMERIC|BIGDECIMAL)(?:\((\d+),(\d+)\))?$")


@dataclass(frozen=True)
class Numeric:
    """A fixed-point type: `precision` digits, `scale` of them after the point."""

    precision: int
    scale: int

    @property
    def integer_digits(self) -> int:
        return self.precision - self.scale

    @property
    def spelling(self) -> str:
        return f"NUMERIC({self.precision},{self.scale})"


def numeric_type(bq_type: str) -> Numeric | None:
    """The precision and scale of a NUMERIC-family type spelling (spaces ignored), None for any other type."""
    match = _NUMERIC.match(bq_type.replace(" ", "").upper())
    if not match:
        return None
    if match.group(2) is None:
        return Numeric(*_UNPARAMETERIZED[match.group(1)])
    return Numeric(int(match.group(2)), int(match.group(3)))


def is_compatible(live_type: str, legacy_types: tuple[str, ...]) -> bool:
    """Whether a live column type is one of the documented legacy types, or a NUMERIC at least as wide as one.

    A wider NUMERIC holds every value the documented one does (more integer digits, more decimals); a bare
    NUMERIC is NUMERIC(38, 9). Narrower fixed-point types would truncate or overflow: drift.
    """
    live = numeric_type(live_type)
    if live is None:
        return False
    for legacy in map(numeric_type, legacy_types):
        if legacy and live.integer_digits >= legacy.integer_digits and live.scale >= legacy.scale:
            return True
    return False
