"""The scorer exactly on its thresholds (docs/RULES.md#alert-level-and-alerts, #readiness-flags): a threshold
moved by one step, or `any` read as `all`, must fail here. Found by tools/mutation.py (docs/MUTATION.md).

Weights used to land exactly on a threshold: phase4 100, phase3 87, an unknown tag 40 (not a default),
missing 0 (docs/RULES.md#source-weights).
"""

from __future__ import annotations

from nba_features.quality import score_feature_sources

MATCHUP = [5, 6, 7, 8, 13, 14]
PLAYER_HISTORY = [0, 1, 2, 3, 4, *range(29, 38), 43, 44, 45, 46, 48, 49, 54, 55, 56, 58]
GAME_CONTEXT_REQUIRED = [9, 10, 11, 12, *range(15, 22)]
GAME_CONTEXT_OPTIONAL = [38, 39, 40, 41, 42, 47, 50, 51, 52, 53, 59]


def all_phase4() -> dict[int, str]:
    return {i: "phase4" for i in range(60)}


def test_game_context_exactly_50_is_not_critical():
    # 11 required game-context features at 100, the 11 optional ones missing (0, and not counted in the score)
    tags = all_phase4() | {i: "missing" for i in GAME_CONTEXT_OPTIONAL}
    out = score_feature_sources(tags)
    assert out["game_context_quality_pct"] == 50.0
    assert "game_context_quality_critical" not in out["quality_alerts"]
    # one required one at 87 instead of 100: (1000 + 87) / 22 = 49.4 -> critical
    out = score_feature_sources(tags | {9: "phase3"})
    assert out["game_context_quality_pct"] == 49.4
    assert "game_context_quality_critical" in out["quality_alerts"]


def test_score_exactly_50_is_yellow_not_red():
    # 10 features at 100 (the six matchup ones among them), 50 unknown tags at 40: 3000 / 60 = 50.0
    tags = {i: "unknown_tag" for i in range(60)} | {i: "phase4" for i in [*MATCHUP, 0, 1, 2, 3]}
    out = score_feature_sources(tags)
    assert out["feature_quality_score"] == 50.0
    assert out["matchup_quality_pct"] == 100.0
    assert out["quality_alert_level"] == "yellow"


def test_matchup_exactly_70_is_green_and_training_ready():
    # matchup: three at 100 and three unknown tags at 40 -> 420 / 6 = 70.0; no default anywhere
    tags = all_phase4() | {i: "unknown_tag" for i in (13, 14, 8)}
    out = score_feature_sources(tags)
    assert out["matchup_quality_pct"] == 70.0
    assert out["feature_quality_score"] == 97.0
    assert out["quality_alert_level"] == "green"
    assert out["is_training_ready"] is True
    # one of them at 87 instead of 100: 407 / 6 = 67.8 -> yellow and not training-ready
    out = score_feature_sources(tags | {5: "phase3"})
    assert out["matchup_quality_pct"] == 67.8
    assert out["quality_alert_level"] == "yellow"
    assert out["is_training_ready"] is False


def test_player_history_exactly_80_is_training_ready():
    # player history: 16 of 24 at 100 and 8 unknown tags at 40 -> 1920 / 24 = 80.0; score 5520 / 60 = 92 (silver)
    tags = all_phase4() | {i: "unknown_tag" for i in PLAYER_HISTORY[:8]}
    out = score_feature_sources(tags)
    assert out["player_history_quality_pct"] == 80.0
    assert out["quality_tier"] == "silver"
    assert out["is_training_ready"] is True
    out = score_feature_sources(tags | {PLAYER_HISTORY[8]: "phase3"})  # 1907 / 24 = 79.5
    assert out["player_history_quality_pct"] == 79.5
    assert out["is_training_ready"] is False


def test_one_composite_feature_defaulted_is_enough():
    for index in (5, 6, 7, 8):
        out = score_feature_sources(all_phase4() | {index: "default"})
        assert out["has_composite_factors"] is False
        assert "composite_factors_missing" in out["quality_alerts"]
        assert out["has_opponent_defense"] is True
