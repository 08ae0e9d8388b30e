"""What the schedule says about teams and their games, as the Phase 4 transforms read it.

The schedule (`nba_reference.nba_schedule`) is the truth for which teams exist, who plays on D and which
games were played: completeness counts a team's final games (docs/RULES.md#row-bookkeeping).
"""

from __future__ import annotations

import pandas as pd

from nba_features.phase4.game_windows import DatedEvents

FINAL_GAME_STATUS = 3  # nba_schedule.game_status: 1 = scheduled, 3 = final


def known_teams(schedule: pd.DataFrame) -> set[str]:
    """Every team code the schedule lists, home or away (the input contract of team columns)."""
    return set(schedule["home_team_tricode"]) | set(schedule["away_team_tricode"])


def scheduled_teams(schedule: pd.DataFrame) -> pd.DataFrame:
    """(game_date, team_abbr, game_status) for both teams of every scheduled game."""
    return pd.concat(
        [
            schedule[["game_date", side, "game_status"]].rename(columns={side: "team_abbr"})
            for side in ("home_team_tricode", "away_team_tricode")
        ],
        ignore_index=True,
    )


def final_team_games(schedule: pd.DataFrame) -> DatedEvents:
    """Each team's final games as dated events, to count a team's games in any span by binary search."""
    teams = scheduled_teams(schedule)
    finals = teams[teams["game_status"] == FINAL_GAME_STATUS]
    return DatedEvents(finals["team_abbr"], finals["game_date"])


def final_games(schedule: pd.DataFrame) -> pd.DataFrame:
    """Each team's final games per season: season_year, team, game_date, finals_played 1.."""
    finals = schedule[schedule["game_status"] == FINAL_GAME_STATUS]
    long = pd.concat(
        [
            finals[["season_year", "game_date", side]].rename(columns={side: "team"})
            for side in ("home_team_tricode", "away_team_tricode")
        ]
    )
    long = long.assign(season_year=long["season_year"].astype("int64")).sort_values(["season_year", "team", "game_date"])
    long = long.reset_index(drop=True)
    long["finals_played"] = long.groupby(["season_year", "team"]).cumcount() + 1
    return long
