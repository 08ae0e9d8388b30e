"""player_daily_cache (PDC): the pre-game state of every player who may play on D, in one row.

docs/RULES.md#player-daily-cache. The players are those of
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
D, get no row. Outcome rows are read strictly before D (docs/RULES.md#point-in-time). assisted_rate_last_10
is a percentage 0-100 like PSZA's (docs/RULES.md#units; the legacy cache stored a fraction).

Range runs are one set-based pass: each (player, season) and (team, season) game sequence carries
running sums once, and every date's window is two binary searches and a difference.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from nba_features.contracts import contract
from nba_features.phase4.coercions import as_flag, as_float_series, day_numbers, rounded, with_datetime_columns
from nba_features.phase4.completeness import rounded_completeness_block
from nba_features.phase4.game_windows import DatedEvents, GameSequences, latest_team
from nba_features.phase4.inputs import (
    DAILY_CACHE_TABLE,
    PLAYER_CONTEXT_TABLE,
    PLAYER_GAMES_TABLE,
    SCHEDULE_TABLE,
    SHOT_ZONE_TABLE,
    TEAM_OFFENSE_GAMES_TABLE,
)
from nba_features.phase4.output_rows import empty_output, output_dates, sha16, stamp_and_hash
from nba_features.phase4.schedule import FINAL_GAME_STATUS, final_team_games, known_teams, scheduled_teams
from nba_features.phase4.seasons import BOOTSTRAP_MODE_DAYS, SCHEDULE_SQL, SEASON_BOUNDARY_MONTHS, SEASON_LOOKBACK_DAYS
from nba_features.phase4.source_tracking import (
    covered_teams,
    hash_tokens,
    per_date,
    players_with_shot_zones,
    source_summary,
    tracking_columns,
)
from nba_features.phase4.spec import Extract, Phase4Table, RunInfo
from nba_features.phase4.validation import (
    check_games_played,
    check_known_teams,
    check_minutes_recorded,
    check_one_row_per,
    check_range,
    check_rule,
)

TABLE = DAILY_CACHE_TABLE

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
-- end_date or later are never used (docs/RULES.md#point-in-time: game_date < D)
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
-- docs/RULES.md#point-in-time: game_date < D)
SELECT team_abbr, game_id, game_date, season_year, pace, offensive_rating, data_hash, processed_at
FROM {TEAM_OFFENSE_GAMES_TABLE}
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
    assisted_above_makes = as_float_series(games[0]["assisted_fg_makes"]) > as_float_series(games[0]["fg_makes"])
    check_rule(*games, "assisted_fg_makes", assisted_above_makes, "assisted_fg_makes <= fg_makes")
    check_range(*games, "usage_rate", low=0, high=100, rule="usage_rate is a percentage 0-100")
    check_known_teams(*games, ("team_abbr",), teams)
    check_one_row_per(*games, ["game_date", "player_lookup"])
    check_minutes_recorded(*games, ("points",), key=("player_lookup", "game_id"))
    check_games_played(*games, "team_abbr", inputs["schedule"], key=("player_lookup", "game_id"))

    offense_frame = inputs["team_offense"]
    offense = (offense_frame[offense_frame["game_date"] < pd.Timestamp(last_date)], TEAM_OFFENSE_GAMES_TABLE, "game_date")
    check_known_teams(*offense, ("team_abbr",), teams)
    check_range(*offense, "pace", low=1)
    check_range(*offense, "offensive_rating", low=0)
    check_one_row_per(*offense, ["game_date", "team_abbr"])
    check_games_played(*offense, "team_abbr", inputs["schedule"], key=("game_id",))

    context = (inputs["player_context"], PLAYER_CONTEXT_TABLE, "game_date")
    check_known_teams(*context, ("team_abbr",), teams)
    for column in CONTEXT_FIELDS:
        check_range(*context, column, low=0)
    check_range(*context, "games_in_last_7_days", low=0, high=7)
    check_range(*context, "games_in_last_14_days", low=0, high=14)
    check_one_row_per(*context, ["game_date", "player_lookup"])

    shot_zones = (inputs["shot_zones"], SHOT_ZONE_TABLE, "analysis_date")
    for column in ("paint_rate_last_10", "three_pt_rate_last_10"):
        check_range(*shot_zones, column, low=0, high=100, rule=f"{column} is a percentage 0-100 (docs/RULES.md#units)")
    check_one_row_per(*shot_zones, ["analysis_date", "player_lookup"])


def played_mask(games: pd.DataFrame) -> pd.Series:
    """Games the player played: active, not DNP, points known, and minutes > 0 or points > 0."""
    points = as_float_series(games["points"])
    minutes = as_float_series(games["minutes_played"])
    return as_flag(games["is_active"]) & ~as_flag(games["is_dnp"]) & points.notna() & ((minutes > 0) | (points > 0))


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
    the player's non-played rows there (DNP-aware, docs/RULES.md#player-daily-cache); actual = his played games there."""
    team_games = final_team_games(schedule)
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
        block = rounded_completeness_block(expected, played_games.count(players["player_lookup"], start, end))
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

    finals = schedule[schedule["game_status"] == FINAL_GAME_STATUS][["game_id", "game_date", "season_year"]].drop_duplicates(
        "game_id"
    )
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
    expected, _ = final_team_games(schedule).last_before(
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
    inputs = with_datetime_columns(inputs, DATE_COLUMNS)
    schedule = inputs["schedule"]
    teams = known_teams(schedule)
    validate_inputs(inputs, teams, max(dates))
    calendar = output_dates(dates, schedule)
    games = inputs["player_games"]
    games = games.assign(season_year=as_float_series(games["season_year"]).astype("int64"))
    played = played_mask(games)
    players = cache_players(calendar, inputs["player_context"], games, schedule)
    if players.empty:
        return empty_output(TABLE)

    played_games = GameSequences(
        games[played].assign(points_squared=as_float_series(games.loc[played, "points"]) ** 2),
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
        inputs["team_offense"].assign(season_year=as_float_series(inputs["team_offense"]["season_year"]).astype("int64")),
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
        values = as_float_series(players[column])
        out[column] = values if column == "avg_minutes_per_game_last_7" else values.astype("Int64")
    zone = zones["primary_scoring_zone"]
    out["primary_scoring_zone"] = zone.astype(object).where(zone.notna(), None)
    out["paint_rate_last_10"] = as_float_series(zones["paint_rate_last_10"])
    out["three_pt_rate_last_10"] = as_float_series(zones["three_pt_rate_last_10"])
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
        Extract("team_offense", TEAM_OFFENSE_SQL, lookback_days=SEASON_LOOKBACK_DAYS, source_table=TEAM_OFFENSE_GAMES_TABLE),
        Extract("player_context", PLAYER_CONTEXT_SQL, lookback_days=0, source_table=PLAYER_CONTEXT_TABLE),
        Extract("shot_zones", SHOT_ZONE_SQL, lookback_days=0, source_table=SHOT_ZONE_TABLE),
        Extract("schedule", SCHEDULE_SQL, lookback_days=SEASON_LOOKBACK_DAYS, source_table=SCHEDULE_TABLE),
    ),
    transform=transform,
    upstream_assets=("player_shot_zone_analysis",),
    source_tables=(PLAYER_GAMES_TABLE, TEAM_OFFENSE_GAMES_TABLE, PLAYER_CONTEXT_TABLE, SCHEDULE_TABLE),
)
