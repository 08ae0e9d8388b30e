"""values_in_range on both edges of every documented range (docs/RULES.md#per-table-checks: value ranges,
inclusive), typed here from RULES.md, not read from VALUE_RANGES: the bound itself passes, one step beyond fails.
Found by tools/mutation.py (docs/MUTATION.md): a range moved by one unit passed the per-column example tests.
"""

from __future__ import annotations

import pytest

from nba_features_tests.quality.test_table_checks import MLFS, PCF, PDC, PSZA, TDZA, D, evaluate, game_day_info, partition_rows

DOCUMENTED = {
    TDZA: {
        **dict.fromkeys(["paint_pct_allowed_last_15", "mid_range_pct_allowed_last_15", "three_pt_pct_allowed_last_15"], (0, 1)),
        "paint_attempts_allowed_per_game": (0, 100),
        "paint_points_allowed_per_game": (0, 150),
        "defensive_rating_last_15": (70, 140),
        "opponent_points_per_game": (70, 150),
        **dict.fromkeys(
            ["paint_defense_vs_league_avg", "mid_range_defense_vs_league_avg", "three_pt_defense_vs_league_avg"], (-15, 15)
        ),
    },
    PSZA: {
        **dict.fromkeys(["paint_rate_last_10", "mid_range_rate_last_10", "three_pt_rate_last_10"], (0, 100)),
        **dict.fromkeys(["paint_pct_last_10", "mid_range_pct_last_10", "three_pt_pct_last_10"], (0, 1)),
        **dict.fromkeys(["paint_attempts_per_game", "mid_range_attempts_per_game", "three_pt_attempts_per_game"], (0, 40)),
        "total_shots_last_10": (0, 400),
        **dict.fromkeys(["assisted_rate_last_10", "unassisted_rate_last_10"], (0, 100)),
    },
    PCF: {
        "fatigue_score": (0, 100),
        "shot_zone_mismatch_score": (-15, 15),
        "pace_score": (-8, 8),
        "usage_spike_score": (-8, 8),
        "total_composite_adjustment": (-30, 30),
    },
    PDC: {
        **dict.fromkeys(["points_avg_last_5", "points_avg_last_10", "points_avg_season"], (0, 70)),
        "points_std_last_10": (0, 30),
        "minutes_avg_last_10": (0, 48),
        "team_pace_last_10": (80, 120),
        "team_off_rating_last_10": (80, 140),
        **dict.fromkeys(["paint_rate_last_10", "three_pt_rate_last_10", "assisted_rate_last_10"], (0, 100)),
    },
    MLFS: {"feature_quality_score": (0, 100)},
}
CASES = [(asset, column, low, high) for asset, ranges in DOCUMENTED.items() for column, (low, high) in ranges.items()]


def outcome_for(asset: str, column: str, values: list[float]):
    keys = ["AAA", "BBB"] if asset == TDZA else ["alpha", "beta"]
    in_range = {name: low for name, (low, _) in DOCUMENTED[asset].items()}  # every other ranged column at its low edge
    frame = partition_rows(asset, D, keys[: len(values)], **in_range)
    frame[column] = values
    (outcome,) = evaluate(asset, "values_in_range", frame, [D], day_info=game_day_info([D]))
    return outcome


@pytest.mark.parametrize(("asset", "column", "low", "high"), CASES, ids=[f"{a}.{c}" for a, c, _, _ in CASES])
def test_both_edges_pass_and_one_step_beyond_fails(asset, column, low, high):
    step = 0.01 if high - low <= 2 else 0.5
    outcome = outcome_for(asset, column, [low, high])
    assert outcome.passed and outcome.metric_value == 0.0, outcome.description
    outcome = outcome_for(asset, column, [low - step, high + step])
    assert not outcome.passed and outcome.metric_value == 2.0, outcome.description
    assert outcome.description == f"out of range: {column} (2)"
