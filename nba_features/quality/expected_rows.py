"""How many rows each Phase 4 table should hold for a date, from the schedule and the roster.

Each function runs one bounded, parameterised query for the whole run and returns date → (min, max).
- team_defense_zone_analysis: exactly the teams with at least 5 final scheduled games this season
  before the date (a team has a row from its 5th game, whatever the day of the season).
- player_shot_zone_analysis: between 1 and the players active this season before the date.
- player_composite_factors: exactly the upcoming_player_game_context players of the date.
- player_daily_cache: the context players, less those skipped for < 3 games or stale history (at
  most half), plus roster expansion (players of that night's teams seen in the last 30 days).
- ml_feature_store_v2: exactly the context players who are not out/doubtful.
And the value ranges the `values_in_range` check enforces, per table (docs/RULES.md#per-table-checks).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import pandas as pd

from nba_features.phase4.seasons import season_starts
from nba_features.phase4.team_defense_zone_analysis import MIN_GAMES as TEAM_DEFENSE_MIN_GAMES
from nba_features.quality.outcomes import CheckInputs

Bounds = Mapping[dt.date, tuple[int, int]]

_SCHEDULE_SQL = """
-- bound: the current season of the run's dates (at most 400 days back)
SELECT game_date, season_year, home_team_tricode, away_team_tricode, game_status
FROM nba_reference.nba_schedule
WHERE game_date BETWEEN DATE_SUB(@start_date, INTERVAL 400 DAY) AND @end_date
"""

_CONTEXT_PLAYERS_SQL = """
-- bound: exactly the run's dates
SELECT game_date, COUNT(*) AS players,
       SUM(IF(LOWER(COALESCE(player_status, '')) IN ('out', 'doubtful'), 0, 1)) AS available_players
FROM nba_analytics.upcoming_player_game_context
WHERE game_date BETWEEN @start_date AND @end_date
GROUP BY game_date
"""

_SEASON_PLAYERS_SQL = """
-- bound: the current season of the run's dates (at most 400 days back)
SELECT player_lookup, season_year, MIN(game_date) AS first_game
FROM nba_analytics.player_game_summary
WHERE game_date BETWEEN DATE_SUB(@start_date, INTERVAL 400 DAY) AND @end_date AND is_active
GROUP BY player_lookup, season_year
"""


def _params(inputs: CheckInputs) -> dict:
    return {"start_date": min(inputs.dates), "end_date": max(inputs.dates)}


def _context_players(inputs: CheckInputs) -> pd.DataFrame:
    counts = inputs.warehouse.query(_CONTEXT_PLAYERS_SQL, _params(inputs))
    return counts.set_index(counts["game_date"].dt.date)


def team_defense_bounds(inputs: CheckInputs) -> Bounds:
    schedule = inputs.warehouse.query(_SCHEDULE_SQL, _params(inputs))
    final = schedule[schedule["game_status"] == 3]
    appearances = pd.concat(
        [
            final[["game_date", "season_year"]].assign(team=final["home_team_tricode"]),
            final[["game_date", "season_year"]].assign(team=final["away_team_tricode"]),
        ]
    )
    starts = season_starts(schedule)
    bounds = {}
    for day, season_year in inputs.day_info[["date", "season_year"]].itertuples(index=False):
        if pd.isna(season_year):
            continue
        season = appearances[
            (appearances["season_year"] == season_year)
            & (appearances["game_date"] < day)
            & (appearances["game_date"] >= starts[season_year])
        ]
        teams = int((season.groupby("team").size() >= TEAM_DEFENSE_MIN_GAMES).sum())
        bounds[day.date()] = (teams, teams)
    return bounds


def shot_zone_bounds(inputs: CheckInputs) -> Bounds:
    players = inputs.warehouse.query(_SEASON_PLAYERS_SQL, _params(inputs))
    bounds = {}
    for day, season_year in inputs.day_info[["date", "season_year"]].itertuples(index=False):
        season = players[(players["season_year"] == season_year) & (players["first_game"] < day)]
        bounds[day.date()] = (1, len(season))
    return bounds


def composite_bounds(inputs: CheckInputs) -> Bounds:
    counts = _context_players(inputs)
    return {d: (int(n), int(n)) for d, n in counts["players"].items()}


def daily_cache_bounds(inputs: CheckInputs) -> Bounds:
    counts = _context_players(inputs)
    return {d: (int(n) // 2, int(n) + 60) for d, n in counts["players"].items()}


def feature_store_bounds(inputs: CheckInputs) -> Bounds:
    counts = _context_players(inputs)
    return {d: (int(n), int(n)) for d, n in counts["available_players"].items()}


EXPECTED_ROWS = {
    "team_defense_zone_analysis": team_defense_bounds,
    "player_shot_zone_analysis": shot_zone_bounds,
    "player_composite_factors": composite_bounds,
    "player_daily_cache": daily_cache_bounds,
    "ml_feature_store_v2": feature_store_bounds,
}

VALUE_RANGES: dict[str, dict[str, tuple[float, float]]] = {
    "team_defense_zone_analysis": {
        "paint_pct_allowed_last_15": (0, 1),
        "mid_range_pct_allowed_last_15": (0, 1),
        "three_pt_pct_allowed_last_15": (0, 1),
        "paint_attempts_allowed_per_game": (0, 100),
        "paint_points_allowed_per_game": (0, 150),
        "defensive_rating_last_15": (70, 140),
        "opponent_points_per_game": (70, 150),
        "paint_defense_vs_league_avg": (-15, 15),
        "mid_range_defense_vs_league_avg": (-15, 15),
        "three_pt_defense_vs_league_avg": (-15, 15),
    },
    "player_shot_zone_analysis": {
        "paint_rate_last_10": (0, 100),
        "mid_range_rate_last_10": (0, 100),
        "three_pt_rate_last_10": (0, 100),
        "paint_pct_last_10": (0, 1),
        "mid_range_pct_last_10": (0, 1),
        "three_pt_pct_last_10": (0, 1),
        "paint_attempts_per_game": (0, 40),
        "mid_range_attempts_per_game": (0, 40),
        "three_pt_attempts_per_game": (0, 40),
        "total_shots_last_10": (0, 400),
        "assisted_rate_last_10": (0, 100),
        "unassisted_rate_last_10": (0, 100),
    },
    "player_composite_factors": {
        "fatigue_score": (0, 100),
        "shot_zone_mismatch_score": (-15, 15),
        "pace_score": (-8, 8),
        "usage_spike_score": (-8, 8),
        "total_composite_adjustment": (-30, 30),
    },
    "player_daily_cache": {
        "points_avg_last_5": (0, 70),
        "points_avg_last_10": (0, 70),
        "points_avg_season": (0, 70),
        "points_std_last_10": (0, 30),
        "minutes_avg_last_10": (0, 48),
        "team_pace_last_10": (80, 120),
        "team_off_rating_last_10": (80, 140),
        "paint_rate_last_10": (0, 100),
        "three_pt_rate_last_10": (0, 100),
        "assisted_rate_last_10": (0, 100),
    },
    "ml_feature_store_v2": {"feature_quality_score": (0, 100)},
}
