"""player_shot_zone_analysis (PSZA): each player's shot distribution and efficiency by zone before D.

A player's windows are his last 10 and 20 qualifying games of the season before D (active, and
minutes > 0 or a field-goal attempt; season start = the season's first scheduled game). A player has
a row for D from his 3rd qualifying game of the season before D, whatever the day of the season and
whether or not he plays on D: with n such games, the last-10 metrics use his last min(n, 10) games,
the last-20 metrics need at least 15 games in the 20-game window (else NULL), and
`games_in_sample_10`, `sample_quality_10`, `early_season_flag` (fewer than 10 games) and
`data_quality_tier` (high at 10 games, medium from 7, else low) say how large the sample is
(docs/RULES.md#player-shot-zone-analysis). `*_rate_*` columns are percentages 0-100 (assisted rates
included), zone `*_pct_*` columns fractions 0-1. No rows on days without scheduled games or in the
first 14 days of a season.

Range runs are one set-based pass, as in team_defense_zone_analysis: window sums at every qualifying
game of a (season, player) sequence, and each date takes the state after the player's last game
strictly before it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from nba_features.phase4.completeness import completeness_block, expected_window
from nba_features.phase4.game_windows import state_before, window_max, window_sum
from nba_features.phase4.inputs import PLAYER_GAMES_TABLE, SCHEDULE_TABLE, SHOT_ZONE_TABLE
from nba_features.phase4.output_rows import conform_to_contract, empty_output, output_dates, stamp_and_hash
from nba_features.phase4.schedule import final_games, known_teams
from nba_features.phase4.seasons import SCHEDULE_SQL, SEASON_LOOKBACK_DAYS, season_flags, season_of
from nba_features.phase4.source_tracking import window_hash
from nba_features.phase4.spec import Extract, Phase4Table, RunInfo
from nba_features.phase4.validation import (
    check_games_played,
    check_known_teams,
    check_minutes_recorded,
    check_one_row_per,
    check_rule,
)

TABLE = SHOT_ZONE_TABLE

SHORT_WINDOW = 10
LONG_WINDOW = 20
LONG_WINDOW_MIN_GAMES = 15  # the last-20 metrics need this many games, else NULL
MIN_GAMES = 3  # a player has a row for D once he has played 3 qualifying games of the season before D
MEDIUM_TIER_GAMES = 7  # data_quality_tier: high at 10 games in the last-10 sample, medium from 7, else low
PAINT_ZONE_RATE = 40.0
PERIMETER_ZONE_RATE = 40.0
MID_RANGE_ZONE_RATE = 35.0

ZONES = ("paint", "mid_range", "three_pt")
# Count columns summed over the windows (NULL counts as 0).
COUNT_COLUMNS = (
    *(f"{zone}_{kind}" for zone in ZONES for kind in ("attempts", "makes")),
    "fg_makes",
    "assisted_fg_makes",
    "unassisted_fg_makes",
)
NON_NEGATIVE_COLUMNS = ("minutes_played", "fg_attempts", *COUNT_COLUMNS)
MAKES_WITHIN = (
    ("fg_makes", "fg_attempts"),
    *((f"{zone}_makes", f"{zone}_attempts") for zone in ZONES),
    ("assisted_fg_makes", "fg_makes"),
    ("unassisted_fg_makes", "fg_makes"),
)

PLAYER_GAMES_SQL = f"""
-- bound: [season_start, end_date): season_start = the first game of start_date's season (at most
-- {SEASON_LOOKBACK_DAYS} days before it), so this holds every box score of the season before each
-- date (the last 20 qualifying games, the player's latest team); outcome rows dated end_date or
-- later are never used for any date of the run (docs/RULES.md#point-in-time: game_date < D). Every row is read,
-- inactive and DNP rows included: completeness counts box scores, the windows filter in the transform.
SELECT player_lookup, universal_player_id, game_id, game_date, team_abbr, is_active,
       minutes_played, fg_attempts, {", ".join(COUNT_COLUMNS)},
       data_hash, processed_at
FROM {PLAYER_GAMES_TABLE}
WHERE game_date >= @season_start
  AND game_date < @end_date
"""

# Fields of data_hash (the legacy HASH_FIELDS): the key, the player id and every output metric.
HASH_FIELDS = (
    "player_lookup", "universal_player_id", "analysis_date",
    "paint_rate_last_10", "mid_range_rate_last_10", "three_pt_rate_last_10",
    "total_shots_last_10", "games_in_sample_10", "sample_quality_10",
    "paint_pct_last_10", "mid_range_pct_last_10", "three_pt_pct_last_10",
    "paint_attempts_per_game", "mid_range_attempts_per_game", "three_pt_attempts_per_game",
    "paint_rate_last_20", "paint_pct_last_20", "games_in_sample_20", "sample_quality_20",
    "assisted_rate_last_10", "unassisted_rate_last_10",
    "player_position", "primary_scoring_zone", "data_quality_tier", "calculation_notes",
)  # fmt: skip

SEASON_PLAYER = ["season_year", "player_lookup"]
INCOMPLETE_ZONES_NOTE = "Zone attempts missing in the last 10 games: zone and assisted rates withheld"


def validate_inputs(games: pd.DataFrame, schedule: pd.DataFrame, last_date: dt.date) -> None:
    """Minutes and counts are non-negative, minutes known when he took a shot, makes stay within
    attempts, teams are the schedule's teams, no row of a game the schedule lists as not played, one
    row per player and game.

    Only rows that can feed some date of the run (game_date < the last date) are checked.
    """
    used = games[games["game_date"] < pd.Timestamp(last_date)]
    for column in NON_NEGATIVE_COLUMNS:
        check_rule(used, PLAYER_GAMES_TABLE, "game_date", column, used[column] < 0, f"{column} >= 0")
    for part, whole in MAKES_WITHIN:
        check_rule(used, PLAYER_GAMES_TABLE, "game_date", part, used[part] > used[whole], f"{part} <= {whole}")
    check_known_teams(used, PLAYER_GAMES_TABLE, "game_date", ("team_abbr",), known_teams(schedule))
    check_one_row_per(used, PLAYER_GAMES_TABLE, "game_date", ["player_lookup", "game_id"])
    check_minutes_recorded(used, PLAYER_GAMES_TABLE, "game_date", ("fg_attempts",), key=("player_lookup", "game_id"))
    check_games_played(used, PLAYER_GAMES_TABLE, "game_date", "team_abbr", schedule, key=("player_lookup", "game_id"))


def is_qualifying(games: pd.DataFrame) -> pd.Series:
    """Games that count toward the windows: active, and minutes played or a field-goal attempt."""
    played = (games["minutes_played"] > 0) | (games["fg_attempts"] > 0)
    return games["is_active"].fillna(False).astype(bool) & played.fillna(False)


def window_states(games: pd.DataFrame) -> pd.DataFrame:
    """One row per qualifying game: the last-10 and last-20 windows ending with that game."""
    games = games.sort_values([*SEASON_PLAYER, "game_date", "game_id"]).reset_index(drop=True)
    # one integer code per (season, player): the same groups as the two key columns, and each of the
    # ~25 windowed columns below groups on one int64 key instead of re-factorizing two columns
    groups = [games.groupby(SEASON_PLAYER, sort=False).ngroup()]
    states = games[[*SEASON_PLAYER, "game_date", "universal_player_id"]].copy()
    states["games_played"] = games.groupby(groups).cumcount() + 1
    for width in (SHORT_WINDOW, LONG_WINDOW):
        for column in COUNT_COLUMNS:
            states[f"{column}_{width}"] = window_sum(games[column].astype("float64").fillna(0), groups, width)
        for zone in ZONES:
            known = games[f"{zone}_attempts"].notna().astype("float64")
            states[f"{zone}_attempts_known_{width}"] = window_sum(known, groups, width)
    states["source_last_updated"] = window_max(games["processed_at"], groups, LONG_WINDOW)
    tokens = games["game_id"].astype(str) + ":" + games["data_hash"].fillna("NULL").astype(str)
    states["source_hash"] = window_hash(tokens, groups, LONG_WINDOW)
    return states


def box_score_states(games: pd.DataFrame) -> pd.DataFrame:
    """One row per box score (any status): the player's count of box scores so far and his team."""
    games = games.sort_values([*SEASON_PLAYER, "game_date", "game_id"]).reset_index(drop=True)
    states = games[[*SEASON_PLAYER, "game_date", "team_abbr"]].copy()
    states["box_scores"] = games.groupby([games[k] for k in SEASON_PLAYER]).cumcount() + 1
    return states


def sample_quality(games: pd.Series, window: int) -> np.ndarray:
    return np.select(
        [games >= window, games >= int(0.7 * window), games >= int(0.5 * window)],
        ["excellent", "good", "limited"],
        "insufficient",
    ).astype(object)


def zone_rates(rows: pd.DataFrame, width: int) -> dict[str, pd.Series]:
    """Zone shares of attempts over the window, percent 2 dp; NULL unless every zone has data and attempts > 0.

    The three rates are shares of one total, so they sum to 100 (up to rounding) by construction.
    """
    total = sum(rows[f"{zone}_attempts_{width}"] for zone in ZONES)
    usable = zones_complete(rows, width) & (total > 0)
    return {zone: (100 * rows[f"{zone}_attempts_{width}"] / total).where(usable).round(2) for zone in ZONES}


def zones_complete(rows: pd.DataFrame, width: int) -> pd.Series:
    """Each zone-attempt column has at least one non-NULL value in the window."""
    return pd.concat([rows[f"{zone}_attempts_known_{width}"] > 0 for zone in ZONES], axis=1).all(axis=1)


def primary_zone(paint: pd.Series, mid_range: pd.Series, three_pt: pd.Series) -> np.ndarray:
    paint, mid_range, three_pt = paint.fillna(0), mid_range.fillna(0), three_pt.fillna(0)
    no_rates = (paint == 0) & (mid_range == 0) & (three_pt == 0)
    return np.select(
        [no_rates, paint >= PAINT_ZONE_RATE, three_pt >= PERIMETER_ZONE_RATE, mid_range >= MID_RANGE_ZONE_RATE],
        [None, "paint", "perimeter", "mid_range"],
        "balanced",
    ).astype(object)


def transform(inputs: Mapping[str, pd.DataFrame], dates: Sequence[dt.date], run: RunInfo) -> pd.DataFrame:
    schedule = inputs["schedule"]
    games = inputs["player_games"]
    validate_inputs(games, schedule, max(dates))
    calendar = output_dates(dates, schedule)
    games = games.assign(season_year=season_of(games["game_date"], schedule)).dropna(subset=["season_year"])
    qualifying = games[is_qualifying(games)]
    if calendar.empty or qualifying.empty:
        return empty_output(TABLE)
    games = games.assign(season_year=games["season_year"].astype("int64"))
    states = window_states(qualifying.assign(season_year=qualifying["season_year"].astype("int64")))

    # Every player with a qualifying game this season x every date of the run in that season; the state
    # after his last qualifying game strictly before the date holds his windows for that date.
    rows = calendar[["date", "season_year", "days_into_season"]].merge(states[SEASON_PLAYER].drop_duplicates(), on="season_year")
    state_columns = [c for c in states.columns if c not in (*SEASON_PLAYER, "game_date")]
    rows = pd.concat([rows, state_before(rows, "date", states, SEASON_PLAYER, state_columns)], axis=1)
    # A row from his MIN_GAMES-th qualifying game before D; games_played is NaN before his first one.
    rows = rows[rows["games_played"] >= MIN_GAMES].reset_index(drop=True)
    if rows.empty:
        return empty_output(TABLE)
    games_10 = rows["games_played"].clip(upper=SHORT_WINDOW).astype("int64")
    games_20 = rows["games_played"].clip(upper=LONG_WINDOW).astype("int64")

    # Completeness: the final games of the player's current team (his latest box score's team)
    # against his box scores of any status in the span of those games.
    box_scores = box_score_states(games)
    latest = state_before(rows, "date", box_scores, SEASON_PLAYER, ["team_abbr", "box_scores"])
    probe = rows[["date", "season_year"]].assign(team=latest["team_abbr"])
    window = expected_window(probe, final_games(schedule), SHORT_WINDOW)
    before_span = state_before(
        rows.assign(window_start=window["window_start"]), "window_start", box_scores, SEASON_PLAYER, ["box_scores"]
    )["box_scores"].fillna(0)
    actual = (latest["box_scores"] - before_span).where(window["window_start"].notna(), 0)
    block = completeness_block(window["expected_games_count"], actual)

    out = pd.DataFrame(
        {
            "player_lookup": rows["player_lookup"],
            "universal_player_id": rows["universal_player_id"],
            "analysis_date": rows["date"].astype("datetime64[ns]"),
        }
    )
    rates_10 = zone_rates(rows, SHORT_WINDOW)
    for zone in ZONES:
        out[f"{zone}_rate_last_10"] = rates_10[zone]
    total_10 = sum(rows[f"{zone}_attempts_{SHORT_WINDOW}"] for zone in ZONES)
    out["total_shots_last_10"] = total_10.where(total_10 > 0).astype("Int64")
    out["games_in_sample_10"] = games_10
    out["sample_quality_10"] = sample_quality(games_10, SHORT_WINDOW)
    for zone in ZONES:
        attempts = rows[f"{zone}_attempts_{SHORT_WINDOW}"]
        out[f"{zone}_pct_last_10"] = (rows[f"{zone}_makes_{SHORT_WINDOW}"] / attempts).where(attempts > 0).round(3)
    for zone in ZONES:
        out[f"{zone}_attempts_per_game"] = (rows[f"{zone}_attempts_{SHORT_WINDOW}"] / games_10).round(1)

    long_enough = games_20 >= LONG_WINDOW_MIN_GAMES
    paint_attempts_20 = rows[f"paint_attempts_{LONG_WINDOW}"]
    out["paint_rate_last_20"] = zone_rates(rows, LONG_WINDOW)["paint"].where(long_enough)
    out["paint_pct_last_20"] = (
        (rows[f"paint_makes_{LONG_WINDOW}"] / paint_attempts_20).where(paint_attempts_20 > 0).round(3).where(long_enough)
    )
    out["games_in_sample_20"] = games_20
    out["sample_quality_20"] = sample_quality(games_20, LONG_WINDOW)

    complete_10 = zones_complete(rows, SHORT_WINDOW)
    fg_makes = rows[f"fg_makes_{SHORT_WINDOW}"]
    creation_known = complete_10 & (fg_makes > 0)
    for kind in ("assisted", "unassisted"):
        share = 100 * rows[f"{kind}_fg_makes_{SHORT_WINDOW}"] / fg_makes
        out[f"{kind}_rate_last_10"] = share.where(creation_known).round(2)

    out["player_position"] = None
    out["primary_scoring_zone"] = primary_zone(rates_10["paint"], rates_10["mid_range"], rates_10["three_pt"])
    out["data_quality_tier"] = np.select(
        [games_10 >= SHORT_WINDOW, games_10 >= MEDIUM_TIER_GAMES], ["high", "medium"], "low"
    ).astype(object)
    out["calculation_notes"] = np.where(complete_10, None, INCOMPLETE_ZONES_NOTE)

    out["source_player_game_last_updated"] = rows["source_last_updated"]
    out["source_player_game_rows_found"] = games_20
    out["source_player_game_completeness_pct"] = block["completeness_percentage"]
    out["source_player_game_hash"] = rows["source_hash"]
    out = pd.concat([out, block], axis=1)
    issues = pd.DataFrame({"missing_upstream_games": block["missing_games_count"] > 0, "incomplete_zone_data": ~complete_10})
    out["data_quality_issues"] = [[name for name, flag in flags.items() if flag] for flags in issues.to_dict("records")]
    out = pd.concat([out, season_flags(rows["date"], rows["days_into_season"])], axis=1)
    out["processing_decision_reason"] = "processed_successfully"
    out["early_season_flag"] = games_10 < SHORT_WINDOW
    out["insufficient_data_reason"] = [
        None if games >= SHORT_WINDOW else f"{games} of {SHORT_WINDOW} games in the last-10 sample" for games in games_10
    ]
    stamp_and_hash(out, run, HASH_FIELDS)
    return conform_to_contract(out.sort_values(["analysis_date", "player_lookup"]).reset_index(drop=True), TABLE)


SPEC = Phase4Table(
    asset_name="player_shot_zone_analysis",
    table=TABLE,
    description=(
        "Pre-game shot distribution (percent of attempts by zone) and efficiency (FG% by zone) of every "
        "player with at least 3 qualifying games this season before D, over his last (up to) 10 and 20 games."
    ),
    extracts=(
        Extract("player_games", PLAYER_GAMES_SQL, lookback_days=SEASON_LOOKBACK_DAYS, source_table=PLAYER_GAMES_TABLE),
        Extract("schedule", SCHEDULE_SQL, lookback_days=SEASON_LOOKBACK_DAYS, source_table=SCHEDULE_TABLE),
    ),
    transform=transform,
    upstream_assets=(),
    source_tables=(PLAYER_GAMES_TABLE, SCHEDULE_TABLE),
)
