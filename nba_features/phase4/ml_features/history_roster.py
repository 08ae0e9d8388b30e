"""The roster of a past game date without pre-game context: the players of that day's box scores.

The one exception to point in time (docs/LEGACY.md#history-without-pre-game-context). The legacy warehouse
has history dates without `upcoming_player_game_context` rows; the legacy backfill took the players who
actually played that day as the roster. Here too, and only there:
- only for a game date with no context row at all (a date with any context row keeps its context, and a
  player missing from it is not added), strictly before the run's own date in America/New_York (never
  today's partition, whose features feed tonight's predictions), and with box-score rows;
- the box scores of D choose *who* gets a row and nothing else: every feature still reads only rows
  dated before D. Pre-game fields are derived from the schedule where they can be (home, rest days
  before D, back-to-back, playoff phase) and NULL otherwise (status, lines, streaks, stars out);
- every such row says so: `data_source = 'box_score_roster'` and the quality alert `no_pregame_context`.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

ROSTER_SOURCE = "box_score_roster"
QUALITY_ALERT = "no_pregame_context"
TIMEZONE = "America/New_York"
# pre-game fields nothing but the context holds: NULL on box-score roster rows
UNKNOWN_FIELDS = (
    "player_status",
    "games_in_last_7_days",
    "minutes_in_last_7_days",
    "star_teammates_out",
    "game_total",
    "game_spread",
    "prop_over_streak",
    "prop_under_streak",
)


def run_date(processed_at: pd.Timestamp) -> dt.date:
    """The run's own game date: its timestamp in America/New_York."""
    return processed_at.tz_convert(TIMEZONE).date()


def fallback_dates(context: pd.DataFrame, game_days: pd.Series, box_scores: pd.DataFrame, today: dt.date) -> list[pd.Timestamp]:
    """Game dates before `today` without any context row but with box scores."""
    missing = set(game_days) - set(context["game_date"])
    played = set(box_scores["game_date"])
    return sorted(d for d in missing if d.date() < today and d in played)


def _team_rest(schedule: pd.DataFrame) -> pd.DataFrame:
    """Per team and game date: days since the team's previous scheduled game of the same season, minus one."""
    sides = [
        schedule[["game_date", "season_year", "home_team_tricode"]].rename(columns={"home_team_tricode": "team_abbr"}),
        schedule[["game_date", "season_year", "away_team_tricode"]].rename(columns={"away_team_tricode": "team_abbr"}),
    ]
    games = pd.concat(sides).drop_duplicates(["team_abbr", "game_date"]).sort_values(["team_abbr", "game_date"], kind="stable")
    previous = games.groupby(["team_abbr", "season_year"])["game_date"].shift()
    games["days_rest"] = ((games["game_date"] - previous).dt.days - 1).astype("Int64")
    return games[["team_abbr", "game_date", "days_rest"]]


def history_roster(box_scores: pd.DataFrame, schedule: pd.DataFrame, dates: list[pd.Timestamp]) -> pd.DataFrame:
    """Context-shaped rows for `dates`: the players who played (minutes > 0), pre-game fields from the schedule."""
    played = box_scores[box_scores["game_date"].isin(dates) & (box_scores["minutes_played"].fillna(0) > 0)]
    roster = played.drop(columns=["minutes_played"]).drop_duplicates(["game_date", "player_lookup"])
    rest = _team_rest(schedule)
    roster = roster.merge(rest, on=["team_abbr", "game_date"], how="left")
    opponent_rest = rest.rename(columns={"team_abbr": "opponent_team_abbr", "days_rest": "opponent_days_rest"})
    roster = roster.merge(opponent_rest, on=["opponent_team_abbr", "game_date"], how="left")
    phases = schedule.drop_duplicates("game_id").set_index("game_id")["season_type"]
    roster["season_phase"] = np.where(roster["game_id"].map(phases).eq("Playoffs"), "playoffs", "regular_season")
    roster["back_to_back"] = (roster["days_rest"] == 0).astype("boolean")
    for column in UNKNOWN_FIELDS:
        roster[column] = None
    roster["roster_source"] = ROSTER_SOURCE
    return roster.reset_index(drop=True)
