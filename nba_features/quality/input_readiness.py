"""Are the Phase 3 inputs of a date present and complete? Pure judgements over rows already read.

`nba-features validate` (cli/validate.py) reads the rows and prints these findings. What a date D needs
(docs/RULES.md#point-in-time):
- pre-game rows of D: upcoming_player_game_context players and upcoming_team_game_context rows for every
  team on D's schedule;
- outcome rows through D-1: for every final game of D's season before D, box scores (player_game_summary)
  and team summaries (team_defense_game_summary, team_offense_game_summary) of both teams; a game before D
  the schedule does not list as final has no box scores yet;
- snapshots of D: odds (odds_api or BettingPros lines) and the injury report of D.
Each finding that makes the date not ready is a `problem`, one line each.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from nba_features.phase4.validation import FINAL_GAME_STATUS

MAX_LISTED = 5  # games or teams named per finding; the rest are counted


@dataclass(frozen=True)
class InputStatus:
    table: str
    scope: str  # what the date needs of the table, in words
    rows: int
    problems: tuple[str, ...] = ()

    @property
    def complete(self) -> bool:
        return not self.problems


def _listed(items: list[str]) -> str:
    shown = ", ".join(items[:MAX_LISTED])
    return shown + (f" (+{len(items) - MAX_LISTED} more)" if len(items) > MAX_LISTED else "")


def teams_playing(schedule: pd.DataFrame, day: dt.date) -> set[str]:
    """Teams on the schedule of `day`."""
    games = schedule[schedule["game_date"] == pd.Timestamp(day)]
    return set(games["home_team_tricode"]) | set(games["away_team_tricode"])


def pregame_status(table: str, teams_with_rows: pd.Series, rows: int, playing: set[str], day: dt.date) -> InputStatus:
    """Pre-game rows of D: every team playing on D has at least one row (`teams_with_rows`: their team codes)."""
    missing = sorted(playing - set(teams_with_rows))
    problems = (f"{table}: no rows for {len(missing)} team(s) playing on {day}: {_listed(missing)}",) if missing else ()
    if not playing and rows:
        problems += (f"{table}: {rows} rows on {day}, which has no scheduled games",)
    return InputStatus(table, f"pre-game rows of {day}", rows, problems)


def final_games_before(schedule: pd.DataFrame, day: dt.date, season_start: dt.date | None) -> pd.DataFrame:
    """Final games of the season of `day`, dated before it."""
    if season_start is None:
        return schedule.iloc[:0]
    dates = schedule["game_date"]
    return schedule[
        (dates >= pd.Timestamp(season_start)) & (dates < pd.Timestamp(day)) & (schedule["game_status"] == FINAL_GAME_STATUS)
    ]


def unfinished_games_before(schedule: pd.DataFrame, day: dt.date, season_start: dt.date | None) -> InputStatus:
    """Games of the season dated before D that the schedule does not list as final: no box scores yet."""
    if season_start is None:
        return InputStatus("nba_reference.nba_schedule", "final games before the date", 0)
    dates = schedule["game_date"]
    season = schedule[(dates >= pd.Timestamp(season_start)) & (dates < pd.Timestamp(day))]
    open_games = season[season["game_status"] != FINAL_GAME_STATUS].sort_values(["game_date", "game_id"])
    problems = ()
    if len(open_games):
        named = [f"{g.game_id} ({g.game_date:%Y-%m-%d})" for g in open_games.itertuples(index=False)]
        problems = (
            f"nba_reference.nba_schedule: {len(named)} game(s) before {day} not final (no box scores yet): {_listed(named)}",
        )
    return InputStatus("nba_reference.nba_schedule", f"games of the season before {day} final", len(season), problems)


def box_score_status(table: str, rows: pd.DataFrame, final_games: pd.DataFrame, day: dt.date) -> InputStatus:
    """Outcome rows through D-1: both teams of every final game have rows (`rows`: game_id, team_abbr, n)."""
    have = set(zip(rows["game_id"], rows["team_abbr"]))
    missing = [
        f"{g.game_id} {team}"
        for g in final_games.sort_values(["game_date", "game_id"]).itertuples(index=False)
        for team in (g.away_team_tricode, g.home_team_tricode)
        if (g.game_id, team) not in have
    ]
    problems = (
        (f"{table}: {len(missing)} team-game(s) of final games before {day} have no rows: {_listed(missing)}",) if missing else ()
    )
    return InputStatus(
        table, f"both teams of the {len(final_games)} final games of the season before {day}", int(rows["n"].sum()), problems
    )


def snapshot_status(table: str, rows: int, games: int, day: dt.date, *, needed: bool) -> InputStatus:
    """Snapshots of D (injury report): at least one row on a date with games."""
    problems = (f"{table}: no rows for {day}, which has {games} scheduled game(s)",) if needed and games and not rows else ()
    return InputStatus(table, f"snapshots of {day}", rows, problems)


def odds_status(odds_rows: int, bettingpros_rows: int, games: int, day: dt.date) -> InputStatus:
    """Lines of D: odds_api or BettingPros rows on a date with games (either feed fills the line features)."""
    problems = ()
    if games and not odds_rows and not bettingpros_rows:
        problems = (
            f"nba_raw.odds_api_player_points_props / nba_raw.bettingpros_player_points_props: no lines for {day} ({games} game(s))",
        )
    return InputStatus("nba_raw odds (odds_api + bettingpros)", f"lines of {day}", odds_rows + bettingpros_rows, problems)
