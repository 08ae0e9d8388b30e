"""The names of the tables Phase 4 reads: one constant per table.

Extracts, input validation messages, lineage, the input-change sensor and the rerun windows all name a
table through these constants, so a table is spelled once.
"""

from __future__ import annotations

# External inputs: produced outside this platform (Phase 3, raw feeds, the schedule, Phase 5).
SCHEDULE_TABLE = "nba_reference.nba_schedule"
PLAYER_GAMES_TABLE = "nba_analytics.player_game_summary"
TEAM_DEFENSE_GAMES_TABLE = "nba_analytics.team_defense_game_summary"
TEAM_OFFENSE_GAMES_TABLE = "nba_analytics.team_offense_game_summary"
PLAYER_CONTEXT_TABLE = "nba_analytics.upcoming_player_game_context"
TEAM_CONTEXT_TABLE = "nba_analytics.upcoming_team_game_context"
ODDS_TABLE = "nba_raw.odds_api_player_points_props"
BETTINGPROS_TABLE = "nba_raw.bettingpros_player_points_props"
INJURY_REPORT_TABLE = "nba_raw.nbac_injury_report"
# A Phase 5 output that feeds features 55-56 when it exists (docs/RULES.md#feature-list): optional.
PREDICTION_ACCURACY_TABLE = "nba_predictions.prediction_accuracy"

# Every external input a Phase 4 run may read, in the order the README's rerun table lists them.
SOURCE_TABLES = (
    SCHEDULE_TABLE,
    PLAYER_GAMES_TABLE,
    TEAM_DEFENSE_GAMES_TABLE,
    TEAM_OFFENSE_GAMES_TABLE,
    PLAYER_CONTEXT_TABLE,
    TEAM_CONTEXT_TABLE,
    ODDS_TABLE,
    BETTINGPROS_TABLE,
    INJURY_REPORT_TABLE,
    PREDICTION_ACCURACY_TABLE,
)

# Phase 4 outputs that later Phase 4 tables read for the same date D (docs/RULES.md#lineage-and-run-order).
TEAM_DEFENSE_ZONE_TABLE = "nba_precompute.team_defense_zone_analysis"
SHOT_ZONE_TABLE = "nba_precompute.player_shot_zone_analysis"
COMPOSITE_FACTORS_TABLE = "nba_precompute.player_composite_factors"
DAILY_CACHE_TABLE = "nba_precompute.player_daily_cache"
