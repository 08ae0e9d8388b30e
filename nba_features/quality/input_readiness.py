"""Are the Phase 3 inputs of a date present and complete? Pure judgements over rows already read.

`nba-features validate` (cli/validate.py) reads the rows and prints these findings. What a date D needs
(docs/RULES.md#point-in-time):
- pre-game rows of D: upcoming_player_game_context players and upcoming_team_game_context rows for every
  team on D's schedule;
- outcome rows through D-1: for every final game of D's season before D, box scores (player_game_summary)
  and team summaries (team_defense_game_summary, team_offense_game_summary) of both teams; a game before D
  the schedule does not list as final has no box scores yet;
- snapshots of D: odds (odds_api or BettingPros lines) and the injury report of D.
Each finding that makes the date not ready is a `problem`, one line each. The rows of a whole range are
read once (`load_inputs`: one grouped query per table), so `backfill --dry-run` judges a season as cheaply
as `validate` judges a day (`date_statuses`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from nba_features.phase4.seasons import SCHEDULE_SQL, season_frame
from nba_features.warehouse.base import Warehouse

FINAL_GAME_STATUS = 3  # nba_schedule.game_status of a played game (docs/RULES.md#terms: final game)
MAX_LISTED = 5  # games or teams named per finding; the rest are counted
UPCG_TABLE = "nba_analytics.upcoming_player_game_context"
UTGC_TABLE = "nba_analytics.upcoming_team_game_context"
PGS_TABLE = "nba_analytics.player_game_summary"
TDGS_TABLE = "nba_analytics.team_defense_game_summary"
TOGS_TABLE = "nba_analytics.team_offense_game_summary"
INJURY_TABLE = "nba_raw.nbac_injury_report"

UPCG_TEAMS_SQL = f"""
-- bound: the dates
SELECT game_date, team_abbr, COUNT(*) AS n FROM {UPCG_TABLE} WHERE game_date BETWEEN @start_date AND @end_date GROUP BY 1, 2
"""
UTGC_TEAMS_SQL = f"""
-- bound: the dates
SELECT game_date, team_abbr, COUNT(*) AS n FROM {UTGC_TABLE} WHERE game_date BETWEEN @start_date AND @end_date GROUP BY 1, 2
"""
BOX_SCORE_SQL = {
    PGS_TABLE: f"""
-- bound: from the first date's season start to the day before the last date
SELECT game_id, team_abbr, COUNT(*) AS n FROM {PGS_TABLE} WHERE game_date BETWEEN @season_start AND @yesterday GROUP BY 1, 2
""",
    TDGS_TABLE: f"""
-- bound: from the first date's season start to the day before the last date
SELECT game_id, defending_team_abbr AS team_abbr, COUNT(*) AS n FROM {TDGS_TABLE}
WHERE game_date BETWEEN @season_start AND @yesterday GROUP BY 1, 2
""",
    TOGS_TABLE: f"""
-- bound: from the first date's season start to the day before the last date
SELECT game_id, team_abbr, COUNT(*) AS n FROM {TOGS_TABLE} WHERE game_date BETWEEN @season_start AND @yesterday GROUP BY 1, 2
""",
}
ODDS_SQL = """
-- bound: the dates
SELECT game_date, COUNT(*) AS n FROM nba_raw.odds_api_player_points_props WHERE game_date BETWEEN @start_date AND @end_date GROUP BY 1
"""
BETTINGPROS_SQL = """
-- bound: the dates
SELECT game_date, COUNT(*) AS n FROM nba_raw.bettingpros_player_points_props
WHERE game_date BETWEEN @start_date AND @end_date GROUP BY 1
"""
INJURY_SQL = f"""
-- bound: the dates
SELECT report_date AS game_date, COUNT(*) AS n FROM {INJURY_TABLE} WHERE report_date BETWEEN @start_date AND @end_date GROUP BY 1
"""


@dataclass(frozen=True)
class InputRows:
    """What the inputs hold for a range of dates, grouped: enough to judge every date of it."""

    schedule: pd.DataFrame  # the schedule from 400 days before the first date to the last
    day_info: pd.DataFrame  # `season_frame` of the dates
    upcg: pd.DataFrame  # game_date, team_abbr, n
    utgc: pd.DataFrame
    box_scores: dict[str, pd.DataFrame]  # table → game_id, team_abbr, n (from the first date's season start)
    odds: dict[dt.date, int]
    bettingpros: dict[dt.date, int]
    injury: dict[dt.date, int]

    def season_start(self, day: dt.date) -> dt.date | None:
        info = self.day_info.set_index(self.day_info["date"].dt.date).loc[day]
        return None if pd.isna(info["season_start"]) else pd.Timestamp(info["season_start"]).date()


INPUT_TABLES = (
    "nba_reference.nba_schedule", UPCG_TABLE, UTGC_TABLE, PGS_TABLE, TDGS_TABLE, TOGS_TABLE,
    "nba_raw.odds_api_player_points_props", "nba_raw.bettingpros_player_points_props", INJURY_TABLE,
)  # fmt: skip


def missing_tables(warehouse: Warehouse) -> list[str]:
    """Input tables that do not exist: every date lacks them (`nba-features schema apply`, then load them)."""
    return [table for table in INPUT_TABLES if not warehouse.table_exists(table)]


def _by_date(frame: pd.DataFrame) -> dict[dt.date, int]:
    return {pd.Timestamp(d).date(): int(n) for d, n in zip(frame["game_date"], frame["n"])}


def load_inputs(warehouse: Warehouse, dates: list[dt.date]) -> InputRows:
    """One grouped query per input table for [min(dates), max(dates)]."""
    start, end = min(dates), max(dates)
    window = {"start_date": start, "end_date": end}
    schedule = warehouse.query(SCHEDULE_SQL, window)
    day_info = season_frame(dates, schedule)
    starts = day_info["season_start"].dropna()
    season_start = pd.Timestamp(starts.min()).date() if len(starts) else start
    history = {"season_start": season_start, "yesterday": end - dt.timedelta(days=1)}
    return InputRows(
        schedule=schedule,
        day_info=day_info,
        upcg=warehouse.query(UPCG_TEAMS_SQL, window),
        utgc=warehouse.query(UTGC_TEAMS_SQL, window),
        box_scores={table: warehouse.query(sql, history) for table, sql in BOX_SCORE_SQL.items()},
        odds=_by_date(warehouse.query(ODDS_SQL, window)),
        bettingpros=_by_date(warehouse.query(BETTINGPROS_SQL, window)),
        injury=_by_date(warehouse.query(INJURY_SQL, window)),
    )


def date_statuses(rows: InputRows, day: dt.date) -> list[InputStatus]:
    """Every input D needs, judged from the range's rows."""
    season_start = rows.season_start(day)
    playing = teams_playing(rows.schedule, day)
    games = len(rows.schedule[rows.schedule["game_date"] == pd.Timestamp(day)])
    statuses = []
    for table, frame in ((UPCG_TABLE, rows.upcg), (UTGC_TABLE, rows.utgc)):
        on_day = frame[frame["game_date"] == pd.Timestamp(day)]
        statuses.append(pregame_status(table, on_day["team_abbr"], int(on_day["n"].sum()), playing, day))
    statuses.append(unfinished_games_before(rows.schedule, day, season_start))
    final = final_games_before(rows.schedule, day, season_start)
    for table, frame in rows.box_scores.items():
        statuses.append(box_score_status(table, frame[frame["game_id"].isin(set(final["game_id"]))], final, day))
    statuses.append(odds_status(rows.odds.get(day, 0), rows.bettingpros.get(day, 0), games, day))
    statuses.append(snapshot_status(INJURY_TABLE, rows.injury.get(day, 0), games, day, needed=True))
    return statuses


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
