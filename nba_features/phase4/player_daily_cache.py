"""player_daily_cache (PDC): the pre-game state of every player who may play on D, in one row.

phase4.md section 4 with decisions 1, 4, 5 and 6. The players are those of
upcoming_player_game_context (UPCG) for D plus the "roster expansion": players missing from UPCG
whose latest player_game_summary (PGS) row in the 30 days before D is for a team playing on D.
Each row carries
- scoring over the player's played games of the season before D (last 5, last 10, season <= 82),
- his team's pace and offensive rating over its last 10 games of the season (team_offense_game_summary,
  keyed by the team he plays for on D, so a traded player gets his new team),
- the fatigue fields and age of his UPCG row (NULL for roster-expansion players),
- the shot-zone tendencies of player_shot_zone_analysis for D (optional),
- multi-window completeness (last 5 / 10 games, 7 / 14 days; the day windows lengthened by the days
  without any game right before D, e.g. the All-Star break).
Players with fewer than 3 played games this season, or whose last one is more than 30 days before
D, get no row. Outcome rows are read strictly before D (decision 1). assisted_rate_last_10 is a
percentage 0-100 like PSZA's (decision 4; the legacy cache stored a fraction).

The frame helpers (event counting, completeness block, hashes, source tracking) are shared with
player_composite_factors.

Range runs are one set-based pass: each (player, season) and (team, season) game sequence carries
running sums once, and every date's window is two binary searches and a difference.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from nba_features.contracts import contract
from nba_features.phase4.common import empty_output, output_dates, sha16, stamp_and_hash
from nba_features.phase4.player_composite_factors import (
    DatedEvents,
    as_flag,
    as_float,
    check_known_teams,
    check_range,
    check_unique,
    completeness,
    covered_teams,
    day_numbers,
    hash_tokens,
    latest_team,
    per_date,
    players_with_shot_zones,
    rounded,
    scheduled_teams,
    source_summary,
    tracking_columns,
)
from nba_features.phase4.seasons import SCHEDULE_SQL, SCHEDULE_TABLE, SEASON_LOOKBACK_DAYS
from nba_features.phase4.spec import Extract, Phase4Table, RunInfo
from nba_features.phase4.validation import check_games_played, check_minutes_recorded, check_rule

TABLE = "nba_precompute.player_daily_cache"
PLAYER_GAMES_TABLE = "nba_analytics.player_game_summary"
TEAM_OFFENSE_TABLE = "nba_analytics.team_offense_game_summary"
PLAYER_CONTEXT_TABLE = "nba_analytics.upcoming_player_game_context"
SHOT_ZONE_TABLE = "nba_precompute.player_shot_zone_analysis"

CACHE_VERSION = "v1"
SEASON_MAX_GAMES = 82
ABSOLUTE_MIN_GAMES = 3  # fewer played games this season: no row
PREFERRED_MIN_GAMES = 10  # fewer: early_season_flag
MAX_DAYS_SINCE_LAST_GAME = 30  # last played game longer ago: no row (injured / released)
ROSTER_EXPANSION_DAYS = 30
# The team's last 10 games are taken within the season, like the player's: last season's pace says
# little about a team rebuilt over the summer, and the window never reaches back across an offseason.
TEAM_WINDOW_GAMES = 10
GAMES_WINDOWS = {"l5": 5, "l10": 10}
DAY_WINDOWS = {"l7d": 7, "l14d": 14}
BOOTSTRAP_MODE_DAYS = 30
SEASON_BOUNDARY_MONTHS = (10, 11, 4)
# cache_quality_score → quality_tier, highest first
QUALITY_TIERS = ((95.0, "gold"), (75.0, "silver"), (50.0, "bronze"), (25.0, "poor"))

CONTEXT_FIELDS = (
    "games_in_last_7_days", "games_in_last_14_days", "minutes_in_last_7_days", "minutes_in_last_14_days",
    "back_to_backs_last_14_days", "avg_minutes_per_game_last_7", "fourth_quarter_minutes_last_7", "player_age",
)  # fmt: skip

HASH_FIELDS = (
    "player_lookup", "universal_player_id", "cache_date",
    "points_avg_last_5", "points_avg_last_10", "points_avg_season", "points_std_last_10",
    "minutes_avg_last_10", "usage_rate_last_10", "ts_pct_last_10", "games_played_season",
    "team_pace_last_10", "team_off_rating_last_10", "player_usage_rate_season",
    *CONTEXT_FIELDS,
    "primary_scoring_zone", "paint_rate_last_10", "three_pt_rate_last_10", "assisted_rate_last_10",
    "cache_quality_score", "cache_version",
)  # fmt: skip

PLAYER_GAMES_SQL = f"""
-- bound: [season_start, end_date): season_start = the first game of start_date's season (at most
-- {SEASON_LOOKBACK_DAYS} days before it), or start_date - {ROSTER_EXPANSION_DAYS} days if earlier: every game of the
-- season before each date (season-to-date scoring, completeness windows) and the 30-day roster
-- expansion, which may look back across a season start; outcome rows dated
-- end_date or later are never used (decision 1: game_date < D)
SELECT player_lookup, universal_player_id, game_id, game_date, team_abbr, season_year,
       points, minutes_played, usage_rate, ts_pct, fg_makes, assisted_fg_makes,
       is_active, is_dnp, data_hash, processed_at
FROM {PLAYER_GAMES_TABLE}
WHERE game_date >= @season_start
  AND game_date < @end_date
"""

TEAM_OFFENSE_SQL = f"""
-- bound: [season_start, end_date): season_start = the first game of start_date's season, so this
-- covers the season before each date, in which a team's last 10 games are taken (outcome rows,
-- decision 1: game_date < D)
SELECT team_abbr, game_id, game_date, season_year, pace, offensive_rating, data_hash, processed_at
FROM {TEAM_OFFENSE_TABLE}
WHERE game_date >= @season_start
  AND game_date < @end_date
"""

PLAYER_CONTEXT_SQL = f"""
-- bound: [start_date, end_date]: the pre-game context rows of the run's own dates
SELECT player_lookup, universal_player_id, game_date, team_abbr,
       {", ".join(CONTEXT_FIELDS)},
       data_hash, processed_at
FROM {PLAYER_CONTEXT_TABLE}
WHERE game_date BETWEEN @start_date AND @end_date
"""

SHOT_ZONE_SQL = f"""
-- bound: [start_date, end_date]: each date reads the shot-zone rows computed for that same date
SELECT player_lookup, analysis_date, primary_scoring_zone, paint_rate_last_10, three_pt_rate_last_10,
       data_hash, processed_at
FROM {SHOT_ZONE_TABLE}
WHERE analysis_date BETWEEN @start_date AND @end_date
"""

DATE_COLUMNS = {
    "player_games": ("game_date",),
    "team_offense": ("game_date",),
    "player_context": ("game_date",),
    "shot_zones": ("analysis_date",),
    "schedule": ("game_date",),
}


# --- inputs ---------------------------------------------------------------------------------------


def validate_inputs(inputs: Mapping[str, pd.DataFrame], teams: set[str], last_date: dt.date) -> None:
    """Rules the averages rely on; outcome rows are checked only where they can feed a date of the run."""
    games_frame = inputs["player_games"]
    games = (games_frame[games_frame["game_date"] < pd.Timestamp(last_date)], PLAYER_GAMES_TABLE, "game_date")
    for column in ("points", "minutes_played", "fg_makes", "assisted_fg_makes", "ts_pct"):
        check_range(*games, column, low=0)
    assisted_above_makes = as_float(games[0]["assisted_fg_makes"]) > as_float(games[0]["fg_makes"])
    check_rule(*games, "assisted_fg_makes", assisted_above_makes, "assisted_fg_makes <= fg_makes")
    check_range(*games, "usage_rate", low=0, high=100, rule="usage_rate is a percentage 0-100")
    check_known_teams(*games, ("team_abbr",), teams)
    check_unique(*games, ["game_date", "player_lookup"])
    check_minutes_recorded(*games, ("points",), key=("player_lookup", "game_id"))
    check_games_played(*games, "team_abbr", inputs["schedule"], key=("player_lookup", "game_id"))

    offense_frame = inputs["team_offense"]
    offense = (offense_frame[offense_frame["game_date"] < pd.Timestamp(last_date)], TEAM_OFFENSE_TABLE, "game_date")
    check_known_teams(*offense, ("team_abbr",), teams)
    check_range(*offense, "pace", low=1)
    check_range(*offense, "offensive_rating", low=0)
    check_unique(*offense, ["game_date", "team_abbr"])
    check_games_played(*offense, "team_abbr", inputs["schedule"], key=("game_id",))

    context = (inputs["player_context"], PLAYER_CONTEXT_TABLE, "game_date")
    check_known_teams(*context, ("team_abbr",), teams)
    for column in CONTEXT_FIELDS:
        check_range(*context, column, low=0)
    check_range(*context, "games_in_last_7_days", low=0, high=7)
    check_range(*context, "games_in_last_14_days", low=0, high=14)
    check_unique(*context, ["game_date", "player_lookup"])

    shot_zones = (inputs["shot_zones"], SHOT_ZONE_TABLE, "analysis_date")
    for column in ("paint_rate_last_10", "three_pt_rate_last_10"):
        check_range(*shot_zones, column, low=0, high=100, rule=f"{column} is a percentage 0-100 (decision 4)")
    check_unique(*shot_zones, ["analysis_date", "player_lookup"])


def played_mask(games: pd.DataFrame) -> pd.Series:
    """Games the player played: active, not DNP, points known, and minutes > 0 or points > 0."""
    points = as_float(games["points"])
    minutes = as_float(games["minutes_played"])
    return as_flag(games["is_active"]) & ~as_flag(games["is_dnp"]) & points.notna() & ((minutes > 0) | (points > 0))


class GameSequences:
    """Each (key, season)'s games in date order with running sums, so a sum or mean over the last n
    games before any date is two binary searches and a difference, not a join of dates x games."""

    _SPAN = 1 << 20  # day numbers (days since 1970) stay far below this

    def __init__(self, games: pd.DataFrame, key: str, columns: Sequence[str]):
        self.games = games.sort_values([key, "season_year", "game_date"], kind="stable").reset_index(drop=True)
        pairs = self.games[[key, "season_year"]]
        self._blocks = pd.MultiIndex.from_frame(pairs.drop_duplicates())
        codes = self._blocks.get_indexer(pd.MultiIndex.from_frame(pairs)).astype(np.int64)
        self._sorted = codes * self._SPAN + day_numbers(self.games["game_date"])
        # per column: running sum and running count of known values, restarting in each sequence
        self._running: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = {}
        for column in columns:
            values = as_float(self.games[column])
            filled = values.fillna(0.0)
            known = values.notna().astype("int64")
            self._running[column] = (
                filled.groupby(codes).cumsum().to_numpy(), filled.to_numpy(),
                known.groupby(codes).cumsum().to_numpy(), known.to_numpy(),
            )  # fmt: skip

    def locate(self, keys: pd.Series, seasons: pd.Series, dates: pd.Series) -> tuple[np.ndarray, np.ndarray]:
        """(first game of the sequence, first game on or after the date) as positions; equal if none before."""
        queries = pd.MultiIndex.from_arrays([keys.to_numpy(), seasons.to_numpy().astype(np.int64)])
        codes = self._blocks.get_indexer(queries).astype(np.int64)  # -1: no sequence, every count is 0
        start = np.searchsorted(self._sorted, codes * self._SPAN)
        stop = np.searchsorted(self._sorted, codes * self._SPAN + day_numbers(dates))
        return start, stop

    @staticmethod
    def _span(running: np.ndarray, values: np.ndarray, first: np.ndarray, stop: np.ndarray) -> np.ndarray:
        """Sum over positions [first, stop) from a running sum that restarts in each sequence (0 if empty)."""
        if len(values) == 0:
            return np.zeros(len(first))
        last = np.clip(stop - 1, 0, None)
        head = np.clip(first, 0, len(values) - 1)
        return np.where(stop > first, running[last] - running[head] + values[head], 0)

    def total(self, column: str, first: np.ndarray, stop: np.ndarray) -> np.ndarray:
        """Sum of the column's known values over positions [first, stop)."""
        running, values, _, _ = self._running[column]
        return self._span(running, values, first, stop).astype("float64")

    def known(self, column: str, first: np.ndarray, stop: np.ndarray) -> np.ndarray:
        _, _, running, values = self._running[column]
        return self._span(running, values, first, stop).astype("int64")

    def mean(self, column: str, first: np.ndarray, stop: np.ndarray) -> np.ndarray:
        """Mean of the known values over [first, stop); NaN when none is known."""
        count = self.known(column, first, stop)
        return np.where(count > 0, self.total(column, first, stop) / np.maximum(count, 1), np.nan)

    def value_at(self, column: str, position: np.ndarray, present: np.ndarray) -> np.ndarray:
        """The column's value at each position where `present`, else None/NaT."""
        values = self.games[column].to_numpy()
        if len(values) == 0:
            return np.full(len(position), None, dtype=object)
        picked = values[np.clip(position, 0, len(values) - 1)]
        empty = np.datetime64("NaT") if np.issubdtype(values.dtype, np.datetime64) else None
        return np.where(present, picked, empty)


# --- players --------------------------------------------------------------------------------------


def cache_players(calendar: pd.DataFrame, context: pd.DataFrame, games: pd.DataFrame, schedule: pd.DataFrame) -> pd.DataFrame:
    """UPCG players of each output date, plus the roster expansion (context fields NULL for them).

    Roster expansion: a player without a UPCG row for D whose latest PGS row in [D - 30 days, D) is
    for a team playing on D; he is cached with that team. history_team = the team of the player's
    latest PGS row in those 30 days (else his team on D): completeness is measured against its games.
    """
    days = calendar[["date", "season_year", "season_start", "days_into_season"]]
    listed = context.merge(days, left_on="game_date", right_on="date").drop(columns=["game_date", "data_hash", "processed_at"])
    listed["from_context"] = True

    grid = days[["date"]].merge(games[["player_lookup"]].drop_duplicates(), how="cross")
    grid["history_team"] = latest_team(grid, "date", games, ROSTER_EXPANSION_DAYS)
    grid = grid.dropna(subset=["history_team"])
    listed = listed.merge(grid, on=["date", "player_lookup"], how="left")
    playing = scheduled_teams(schedule)[["game_date", "team_abbr"]].drop_duplicates()
    candidates = grid.merge(playing, left_on=["date", "history_team"], right_on=["game_date", "team_abbr"])
    candidates = candidates.merge(listed[["date", "player_lookup"]], on=["date", "player_lookup"], how="left", indicator=True)
    expansion = candidates[candidates["_merge"] == "left_only"][["date", "player_lookup", "team_abbr", "history_team"]]
    expansion = expansion.merge(days, on="date").assign(universal_player_id=None, from_context=False)

    players = pd.concat([listed, expansion], ignore_index=True)
    players["history_team"] = players["history_team"].fillna(players["team_abbr"])
    return players.sort_values(["date", "player_lookup"], kind="stable").reset_index(drop=True)


def season_scoring(players: pd.DataFrame, played: GameSequences) -> pd.DataFrame:
    """Scoring over the player's played games of D's season before D (newest first: last 5, last 10, all <= 82)."""
    start, stop = played.locate(players["player_lookup"], players["season_year"], players["date"])
    season_first = np.maximum(stop - SEASON_MAX_GAMES, start)
    first_10 = np.maximum(stop - 10, start)
    first_5 = np.maximum(stop - 5, start)
    games_10 = stop - first_10
    points_10 = played.total("points", first_10, stop)
    squares_10 = played.total("points_squared", first_10, stop)
    variance = (squares_10 - points_10**2 / np.maximum(games_10, 1)) / np.maximum(games_10 - 1, 1)
    fg_makes = played.total("fg_makes", first_10, stop)
    assisted = played.total("assisted_fg_makes", first_10, stop)
    has_games = stop > start
    return pd.DataFrame(
        {
            "games_played_season": stop - season_first,
            "points_avg_last_5": rounded(played.mean("points", first_5, stop), 4),
            "points_avg_last_10": rounded(played.mean("points", first_10, stop), 4),
            "points_avg_season": rounded(played.mean("points", season_first, stop), 4),
            "points_std_last_10": rounded(np.where(games_10 >= 2, np.sqrt(np.maximum(variance, 0.0)), np.nan), 4),
            "minutes_avg_last_10": rounded(played.mean("minutes_played", first_10, stop), 4),
            "usage_rate_last_10": rounded(played.mean("usage_rate", first_10, stop), 4),
            "ts_pct_last_10": rounded(played.mean("ts_pct", first_10, stop), 4),
            "player_usage_rate_season": rounded(played.mean("usage_rate", season_first, stop), 4),
            "assisted_rate_last_10": rounded(np.where(fg_makes > 0, 100.0 * assisted / np.maximum(fg_makes, 1), np.nan), 2),
            "last_game_date": played.value_at("game_date", stop - 1, has_games),
            "latest_universal_player_id": played.value_at("universal_player_id", stop - 1, has_games),
        },
        index=players.index,
    )


def team_offense(players: pd.DataFrame, offense: GameSequences) -> pd.DataFrame:
    """Pace and offensive rating of the player's team on D over its last 10 games of the season."""
    start, stop = offense.locate(players["team_abbr"], players["season_year"], players["date"])
    first = np.maximum(stop - TEAM_WINDOW_GAMES, start)
    return pd.DataFrame(
        {
            "team_pace_last_10": rounded(offense.mean("pace", first, stop), 4),
            "team_off_rating_last_10": rounded(offense.mean("offensive_rating", first, stop), 4),
        },
        index=players.index,
    )


def no_game_days_before(dates: pd.Series, schedule: pd.DataFrame) -> np.ndarray:
    """Consecutive days without any scheduled game right before each date (6 after an All-Star break)."""
    game_days = np.unique(day_numbers(schedule["game_date"]))
    days = day_numbers(dates)
    previous = np.searchsorted(game_days, days) - 1
    return np.where(previous >= 0, days - game_days[np.clip(previous, 0, None)] - 1, 0)


def window_completeness(
    players: pd.DataFrame, games: pd.DataFrame, played: pd.Series, schedule: pd.DataFrame
) -> dict[str, pd.DataFrame]:
    """Per window: expected = the team's final games in the window (capped at the window size) minus
    the player's non-played rows there (DNP-aware, phase4.md 4(c)); actual = his played games there."""
    teams = scheduled_teams(schedule)
    finals = teams[teams["game_status"] == 3]
    team_games = DatedEvents(finals["team_abbr"], finals["game_date"])
    played_games = DatedEvents(games.loc[played, "player_lookup"], games.loc[played, "game_date"])
    missed_games = DatedEvents(games.loc[~played, "player_lookup"], games.loc[~played, "game_date"])
    end = players["date"].to_numpy(dtype="datetime64[ns]")
    season_start = players["season_start"].to_numpy(dtype="datetime64[ns]")

    spans: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    for name, size in GAMES_WINDOWS.items():
        found, oldest = team_games.last_before(players["history_team"], players["date"], players["season_start"], size)
        spans[name] = (found, np.where(np.isnat(oldest), end, oldest))
    gap = no_game_days_before(players["date"], schedule)
    for name, size in DAY_WINDOWS.items():
        start = np.maximum(end - (size + gap).astype("timedelta64[D]"), season_start)
        found = np.minimum(team_games.count(players["history_team"], start, end), size)
        spans[name] = (found, start)

    windows = {}
    for name, (team_found, start) in spans.items():
        expected = np.maximum(team_found - missed_games.count(players["player_lookup"], start, end), 0)
        block = completeness(expected, played_games.count(players["player_lookup"], start, end))
        block.index = players.index
        windows[name] = block
    return windows


def quality_tiers(scores: pd.Series) -> list[str]:
    return [next((tier for floor, tier in QUALITY_TIERS if score >= floor), "unusable") for score in scores]


# --- source tracking ------------------------------------------------------------------------------


def player_game_tracking(calendar: pd.DataFrame, games: pd.DataFrame, schedule: pd.DataFrame) -> pd.DataFrame:
    """Per date: the PGS rows of D's season before D (all players), their last update, the share of
    the season's final games before D they cover, and a hash chained date by date through the season."""
    per_day = (
        games.assign(token=hash_tokens(games, "player_lookup"))
        .groupby(["season_year", "game_date"])
        .agg(
            rows=("token", "size"),
            last_updated=("processed_at", "max"),
            day_hash=("token", lambda tokens: sha16("|".join(sorted(tokens)))),
        )
        .reset_index()
    )
    grouped = per_day.groupby("season_year")
    per_day["rows_found"] = grouped["rows"].cumsum()
    per_day["last_updated"] = grouped["last_updated"].cummax()
    chain: list[str] = []
    for day_hash, first in zip(per_day["day_hash"], ~per_day["season_year"].duplicated()):
        chain.append(day_hash if first else sha16(chain[-1] + "|" + day_hash))
    per_day["hash"] = chain

    state = pd.merge_asof(
        calendar[["date", "season_year"]].sort_values("date"), per_day.sort_values("game_date"),
        left_on="date", right_on="game_date", by="season_year", allow_exact_matches=False,
    ).set_index("date").reindex(calendar["date"])  # fmt: skip

    finals = schedule[schedule["game_status"] == 3][["game_id", "game_date", "season_year"]].drop_duplicates("game_id")
    finals = finals.assign(
        covered=finals["game_id"].isin(set(games["game_id"])), season_year=finals["season_year"].astype("int64")
    )
    final_games = GameSequences(finals.assign(key="league"), "key", ["covered"])
    league = pd.Series("league", index=calendar.index)
    start, stop = final_games.locate(league, calendar["season_year"], calendar["date"])
    summary = pd.DataFrame({column: state[column].to_numpy() for column in ("rows_found", "last_updated", "hash")})
    return pd.DataFrame(tracking_columns("player_game", summary, final_games.total("covered", start, stop), stop - start))


def team_offense_tracking(calendar: pd.DataFrame, offense: GameSequences, schedule: pd.DataFrame) -> pd.DataFrame:
    """Per date: the TOGS rows used (the last <= 10 games this season of every team playing on D)
    against the schedule's final games of those teams."""
    playing = scheduled_teams(schedule)[["game_date", "team_abbr"]].drop_duplicates()
    pairs = playing.merge(calendar[["date", "season_year", "season_start"]], left_on="game_date", right_on="date")
    start, stop = offense.locate(pairs["team_abbr"], pairs["season_year"], pairs["date"])
    first = np.maximum(stop - TEAM_WINDOW_GAMES, start)
    teams = scheduled_teams(schedule)
    finals = teams[teams["game_status"] == 3]
    expected, _ = DatedEvents(finals["team_abbr"], finals["game_date"]).last_before(
        pairs["team_abbr"], pairs["date"], pairs["season_start"], TEAM_WINDOW_GAMES
    )
    counts = stop - first
    used = offense.games.iloc[np.concatenate([np.arange(a, b) for a, b in zip(first, stop)] or [np.array([], dtype=np.int64)])]
    used = used.assign(date=np.repeat(pairs["date"].to_numpy(), counts))
    used = used.assign(key=used["team_abbr"].astype(str) + ":" + used["game_id"].astype(str))
    summary = source_summary(used, "date", "key").reindex(calendar["date"])
    numerator = pd.Series(counts).groupby(pairs["date"].to_numpy()).sum().reindex(calendar["date"]).fillna(0).to_numpy()
    denominator = pd.Series(expected).groupby(pairs["date"].to_numpy()).sum().reindex(calendar["date"]).fillna(0).to_numpy()
    return pd.DataFrame(tracking_columns("team_offense", summary, numerator, denominator))


def source_tracking(
    calendar: pd.DataFrame,
    inputs: Mapping[str, pd.DataFrame],
    games: pd.DataFrame,
    offense: GameSequences,
    schedule: pd.DataFrame,
) -> pd.DataFrame:
    """Per output date: rows found, last update, coverage and hash of each of the four upstreams."""
    dates = calendar["date"]
    context, shot_zones = inputs["player_context"], inputs["shot_zones"]
    playing = scheduled_teams(schedule)[["game_date", "team_abbr"]].drop_duplicates()
    upcoming = tracking_columns(
        "upcoming_context", source_summary(context, "game_date", "player_lookup").reindex(dates),
        per_date(covered_teams(context, "game_date", playing), dates), per_date(playing, dates),
    )  # fmt: skip
    zones = tracking_columns(
        "shot_zone", source_summary(shot_zones, "analysis_date", "player_lookup").reindex(dates),
        per_date(players_with_shot_zones(context, shot_zones), dates), per_date(context, dates),
    )  # fmt: skip
    return pd.concat(
        [
            pd.DataFrame({"date": dates.to_numpy()}),
            player_game_tracking(calendar, games, schedule),
            team_offense_tracking(calendar, offense, schedule),
            pd.DataFrame(upcoming),
            pd.DataFrame(zones),
        ],
        axis=1,
    )


# --- transform ------------------------------------------------------------------------------------


def transform(inputs: Mapping[str, pd.DataFrame], dates: Sequence[dt.date], run: RunInfo) -> pd.DataFrame:
    inputs = {
        name: inputs[name].assign(**{c: pd.to_datetime(inputs[name][c]).astype("datetime64[ns]") for c in columns})
        for name, columns in DATE_COLUMNS.items()
    }
    schedule = inputs["schedule"]
    teams = set(schedule["home_team_tricode"]) | set(schedule["away_team_tricode"])
    validate_inputs(inputs, teams, max(dates))
    calendar = output_dates(dates, schedule)
    games = inputs["player_games"]
    games = games.assign(season_year=as_float(games["season_year"]).astype("int64"))
    played = played_mask(games)
    players = cache_players(calendar, inputs["player_context"], games, schedule)
    if players.empty:
        return empty_output(TABLE)

    played_games = GameSequences(
        games[played].assign(points_squared=as_float(games.loc[played, "points"]) ** 2),
        "player_lookup",
        ["points", "points_squared", "minutes_played", "usage_rate", "ts_pct", "fg_makes", "assisted_fg_makes"],
    )
    scoring = season_scoring(players, played_games)
    days_since_last = (players["date"] - pd.to_datetime(scoring["last_game_date"])).dt.days
    keep = (scoring["games_played_season"] >= ABSOLUTE_MIN_GAMES) & (days_since_last <= MAX_DAYS_SINCE_LAST_GAME)
    players, scoring = players[keep].reset_index(drop=True), scoring[keep].reset_index(drop=True)
    if players.empty:
        return empty_output(TABLE)

    offense_games = GameSequences(
        inputs["team_offense"].assign(season_year=as_float(inputs["team_offense"]["season_year"]).astype("int64")),
        "team_abbr",
        ["pace", "offensive_rating"],
    )
    team = team_offense(players, offense_games)
    zone_columns = ["analysis_date", "player_lookup", "primary_scoring_zone", "paint_rate_last_10", "three_pt_rate_last_10"]
    zones = players[["date", "player_lookup"]].merge(
        inputs["shot_zones"][zone_columns].assign(shot_zone_data_available=True),
        how="left", left_on=["date", "player_lookup"], right_on=["analysis_date", "player_lookup"],
    )  # fmt: skip
    windows = window_completeness(players, games, played, schedule)

    out = pd.DataFrame(
        {
            "player_lookup": players["player_lookup"],
            "universal_player_id": players["universal_player_id"].where(
                players["universal_player_id"].notna(), scoring["latest_universal_player_id"]
            ),
            "cache_date": players["date"].astype("datetime64[ns]"),
        }
    )
    for column in (
        "points_avg_last_5", "points_avg_last_10", "points_avg_season", "points_std_last_10", "minutes_avg_last_10",
        "usage_rate_last_10", "ts_pct_last_10", "games_played_season",
    ):  # fmt: skip
        out[column] = scoring[column]
    out["team_pace_last_10"] = team["team_pace_last_10"]
    out["team_off_rating_last_10"] = team["team_off_rating_last_10"]
    out["player_usage_rate_season"] = scoring["player_usage_rate_season"]
    for column in CONTEXT_FIELDS:
        values = as_float(players[column])
        out[column] = values if column == "avg_minutes_per_game_last_7" else values.astype("Int64")
    zone = zones["primary_scoring_zone"]
    out["primary_scoring_zone"] = zone.astype(object).where(zone.notna(), None)
    out["paint_rate_last_10"] = as_float(zones["paint_rate_last_10"])
    out["three_pt_rate_last_10"] = as_float(zones["three_pt_rate_last_10"])
    out["assisted_rate_last_10"] = scoring["assisted_rate_last_10"]
    out["shot_zone_data_available"] = zones["shot_zone_data_available"].notna()
    for name, block in windows.items():
        out[f"{name}_completeness_pct"] = block["completeness_percentage"]
        out[f"{name}_is_complete"] = block["is_production_ready"]
    complete = pd.DataFrame({name: block["is_production_ready"] for name, block in windows.items()})
    out["all_windows_complete"] = complete.all(axis=1)
    out["cache_version"] = CACHE_VERSION
    out["cache_quality_score"] = windows["l5"]["completeness_percentage"]
    out["quality_tier"] = quality_tiers(out["cache_quality_score"])

    tracking = source_tracking(calendar, inputs, games, offense_games, schedule)
    out = out.merge(tracking, left_on="cache_date", right_on="date", how="left").drop(columns="date")

    for column in ("expected_games_count", "actual_games_count", "completeness_percentage", "missing_games_count"):
        out[column] = windows["l5"][column]
    out["is_production_ready"] = out["all_windows_complete"]
    issues = pd.DataFrame(
        {
            **{f"{name}_incomplete": ~complete[name] for name in complete},
            "upcoming_context_missing": ~players["from_context"].astype(bool),
            "shot_zone_missing": ~out["shot_zone_data_available"],
            "team_offense_missing": out["team_pace_last_10"].isna(),
        }
    )
    out["data_quality_issues"] = [[name for name, hit in row.items() if hit] for row in issues.to_dict("records")]
    out["season_boundary_detected"] = out["cache_date"].dt.month.isin(SEASON_BOUNDARY_MONTHS)
    out["backfill_bootstrap_mode"] = players["days_into_season"] < BOOTSTRAP_MODE_DAYS
    out["processing_decision_reason"] = "processed_successfully"
    out["early_season_flag"] = out["games_played_season"] < PREFERRED_MIN_GAMES
    out["insufficient_data_reason"] = [
        f"Only {count} games played, need {PREFERRED_MIN_GAMES} minimum" if early else None
        for count, early in zip(out["games_played_season"], out["early_season_flag"])
    ]
    stamp_and_hash(out, run, HASH_FIELDS)
    return out[contract(TABLE).column_names]


SPEC = Phase4Table(
    asset_name="player_daily_cache",
    table=TABLE,
    description=(
        "Pre-game player cache for game date D: season-to-date scoring, team pace and offensive rating, "
        "fatigue context, shot-zone tendencies and multi-window completeness per player."
    ),
    extracts=(
        Extract(
            "player_games",
            PLAYER_GAMES_SQL,
            lookback_days=SEASON_LOOKBACK_DAYS,
            source_table=PLAYER_GAMES_TABLE,
            min_lookback_days=ROSTER_EXPANSION_DAYS,
        ),
        Extract("team_offense", TEAM_OFFENSE_SQL, lookback_days=SEASON_LOOKBACK_DAYS, source_table=TEAM_OFFENSE_TABLE),
        Extract("player_context", PLAYER_CONTEXT_SQL, lookback_days=0, source_table=PLAYER_CONTEXT_TABLE),
        Extract("shot_zones", SHOT_ZONE_SQL, lookback_days=0, source_table=SHOT_ZONE_TABLE),
        Extract("schedule", SCHEDULE_SQL, lookback_days=SEASON_LOOKBACK_DAYS, source_table=SCHEDULE_TABLE),
    ),
    transform=transform,
    upstream_assets=("player_shot_zone_analysis",),
    source_tables=(PLAYER_GAMES_TABLE, TEAM_OFFENSE_TABLE, PLAYER_CONTEXT_TABLE, SCHEDULE_TABLE),
)
