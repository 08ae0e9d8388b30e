"""Team facts for the feature-store rows: team_offense_game_summary windows, injured teammates' usage,
and the schedule's count of the team's games (historical_completeness).

The team of a row is its upcoming_player_game_context team for D (a traded player counts with his
new team). Every window ends strictly before D.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from nba_features.phase4.coercions import as_float_array
from nba_features.phase4.ml_features.windows import EventTable
from nba_features.phase4.schedule import FINAL_GAME_STATUS

TEAM_LAST_GAMES = 10
TEAM_LAST_GAMES_DAYS = 365  # the extract bound: the team's last 10 games within a year
WIN_PCT_MIN_GAMES = 5
BLOWOUT_DAYS = 60
BLOWOUT_MARGIN = 15
BLOWOUT_UNKNOWN_TEAM = 0.2  # legacy value when the team has no game in the window
TEAMMATE_USAGE_DAYS = 30
TEAMMATE_USAGE_MIN_MINUTES = 10
INJURED_STATUSES = ("out", "doubtful")
EXPECTED_GAMES_DAYS = 365
EXPECTED_GAMES_CAP = 10


def team_stats(roster: pd.DataFrame, team_games: pd.DataFrame) -> pd.DataFrame:
    """Team pace / offensive rating over its last 10 games, season win share, blowout share.

    ``team_win_pct`` is NaN with fewer than 5 season games; ``blowout_share`` is the share of the
    last 10 games within 60 days decided by 15+ points (0.2 when there are none).
    """
    table = EventTable(team_games, "team_abbr", "game_date")
    day = roster["day"].to_numpy()
    teams = roster["team_abbr"]
    out = pd.DataFrame(index=roster.index)

    last10 = table.windows(teams, day - TEAM_LAST_GAMES_DAYS, day).newest(TEAM_LAST_GAMES)
    out["team_pace_last_10"] = last10.mean(table.floats("pace"))
    out["team_off_rating_last_10"] = last10.mean(table.floats("offensive_rating"))

    start = roster["season_start_day"].to_numpy(dtype="float64")
    season = table.windows(teams, np.where(np.isnan(start), day, start).astype(np.int64), day)
    games = season.size
    with np.errstate(invalid="ignore", divide="ignore"):
        wins = season.sum(table.floats("win_flag"))
        out["team_win_pct"] = np.where(games >= WIN_PCT_MIN_GAMES, wins / np.maximum(games, 1), np.nan)

    recent = table.windows(teams, day - BLOWOUT_DAYS, day).newest(TEAM_LAST_GAMES)
    blowouts = np.where(np.abs(table.floats("margin_of_victory")) >= BLOWOUT_MARGIN, 1.0, 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = recent.sum(blowouts) / np.maximum(recent.size, 1)
    out["blowout_share"] = np.where(recent.size > 0, share, BLOWOUT_UNKNOWN_TEAM)
    return out


def teammate_usage(roster: pd.DataFrame, games: pd.DataFrame, injuries: pd.DataFrame) -> np.ndarray:
    """Feature 47: Σ of the 30-day mean usage (games > 10 minutes) of the team's OUT/DOUBTFUL players on D.

    Each player's status is his latest report of the day. A row's own usage is left out when he is
    himself on the list. NaN on dates without any injury report (the feature is then ``missing``);
    0.0 when the report lists nobody of the team.
    """
    latest = injuries.sort_values(["report_date", "player_lookup", "report_time"], kind="stable")
    latest = latest.drop_duplicates(["report_date", "player_lookup"], keep="last")
    injured = latest[latest["injury_status"].astype(str).str.lower().isin(INJURED_STATUSES)]
    injured = injured.rename(columns={"report_date": "date", "team": "injured_team"}).reset_index(drop=True)

    eligible = games[as_float_array(games["minutes_played"]) > TEAMMATE_USAGE_MIN_MINUTES]
    table = EventTable(eligible, "player_lookup", "game_date", ("game_id",))
    injured_day = injured["date"].to_numpy(dtype="datetime64[ns]").astype("datetime64[D]").astype(np.int64)
    window = table.windows(injured["player_lookup"], injured_day - TEAMMATE_USAGE_DAYS, injured_day)
    injured["usage"] = np.nan_to_num(window.mean(table.floats("usage_rate")), nan=0.0)

    team_total = injured.groupby(["date", "injured_team"])["usage"].sum()
    keys = pd.MultiIndex.from_arrays([roster["date"], roster["team_abbr"]])
    total = team_total.reindex(keys).fillna(0.0).to_numpy()
    own = injured.set_index(["date", "player_lookup", "injured_team"])["usage"]
    own_keys = pd.MultiIndex.from_arrays([roster["date"], roster["player_lookup"], roster["team_abbr"]])
    total = total - own.reindex(own_keys).fillna(0.0).to_numpy()
    reported = roster["date"].isin(set(injuries["report_date"])).to_numpy()
    return np.where(reported, total, np.nan)


def team_games_expected(roster: pd.DataFrame, schedule: pd.DataFrame) -> np.ndarray:
    """games_expected of docs/RULES.md#historical-completeness: min(the team's final games in [D-365, D) per the
    schedule, 10)."""
    finals = schedule[schedule["game_status"] == FINAL_GAME_STATUS]
    long = pd.concat(
        [finals[["game_date", side]].rename(columns={side: "team"}) for side in ("home_team_tricode", "away_team_tricode")]
    )
    table = EventTable(long, "team", "game_date")
    day = roster["day"].to_numpy()
    window = table.windows(roster["team_abbr"], day - EXPECTED_GAMES_DAYS, day)
    return np.minimum(window.size, EXPECTED_GAMES_CAP)
