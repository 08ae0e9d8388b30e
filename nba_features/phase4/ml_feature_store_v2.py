"""ml_feature_store_v2 (MLFS): the 60-feature vector of every player playing on D, with its quality.

docs/RULES.md#feature-store. One row per player of the player set for each game date D;
the feature contract (names, order, defaults, fallback reasons, ranges) is the registry
:mod:`nba_features.contracts.features`, and the quality fields are
:func:`nba_features.quality.score_feature_sources` over the raw source tags.

Player set
----------
The upcoming_player_game_context (UPCG) rows of D whose ``player_status`` is not out or doubtful
(case-insensitive; NULL counts as available). The legacy filter "avg minutes last 7 >= 15 OR
has_prop_line" and the UPCG ``is_production_ready`` filter are NOT applied: the feature store feeds the
coverage gate, whose denominator is every UPCG player of D (docs/RULES.md#feature-store-gates), and the minutes
filter would drop exactly the players docs/RULES.md#players-without-recent-games keeps (no game lately → NULL minutes). Which players get
predictions is Phase 5's choice. Players with no game in the 60 days before D keep their row, with
history features at their defaults (docs/RULES.md#players-without-recent-games). A date with scheduled games but no UPCG row at
all is an input-contract error (legacy: "no players on D" fails unless the schedule has no games).
is_home, days_rest, the team and the opponent come from UPCG.

Modes
-----
* Rows only for dates with scheduled games.
* A past game date without any UPCG row takes the players of its box scores as the roster, its rows
  saying so (``data_source`` ``box_score_roster``, alert ``no_pregame_context``): the one exception to
  point in time, for history only (``ml_features/history_roster.py``, docs/LEGACY.md).
* Bootstrap (first 14 days of a season): a placeholder row per player. Features that need only D's
  pre-game inputs (UPCG, D's lines) are computed; every history-derived feature is unavailable
  (registry default / missing); quality fields are scored over those tags, then ``data_source`` and
  ``primary_data_source`` are ``early_season``; ``early_season_flag`` TRUE,
  ``processing_decision_reason`` ``early_season_placeholder``, not production-ready.
* Otherwise every feature follows its lookup chain (docs/RULES.md#source-chain, docs/RULES.md#feature-list; per feature in
  :func:`build_features`). A player without a player_daily_cache row whose last-10 list has a
  played game takes the cache-miss recomputation (tag phase4, ``cache_miss_fallback_used``).
* In the ``features`` array a defaulted feature holds its registry default and a missing one 0.0, on
  every row type; ``feature_N_value`` is NULL for both (docs/RULES.md#feature-store-row-fields).

Choices where the legacy description leaves room
------------------------------------------------
* Lines taken from BettingPros are tagged ``bettingpros`` (same weight as ``vegas``, visible provenance).
* avg_points_vs_opponent falls back to the season average tagged ``calculated`` only when that average
  is real; when the season average is itself a default, so is feature 29 (no gap hidden).
  line_vs_season_avg is missing in that case too.
* teammate_usage_available is ``missing`` on a date without any injury report, 0.0 when the report
  lists no teammate out or doubtful; each player's latest report of the day counts.
* BettingPros rows count only if created no later than the game's scheduled tip-off (point in time).

Extracts (one query each per run, whatever the number of dates; bound = how far before @start_date)
--------------------------------------------------------------------------------------------------
* schedule (400 days): season starts, the team's final games of the last 365 days, tip-off times;
* player_game_summary (365 days, < @end_date): the widest player window is the 1-year opponent
  history; season (< 1 year), last 10 in 60 days, 30- and 60-day windows fit inside;
* team_offense_game_summary (365 days, < @end_date): season win share, last 10 games, 60-day margins;
* upcoming_player_game_context, player_daily_cache, player_composite_factors,
  player_shot_zone_analysis, team_defense_zone_analysis, bettingpros (points market),
  nbac_injury_report: the run's dates only (0 days);
* odds_api_player_points_props (14 days, pre-tip-off snapshots only): D's lines and the previous
  line date within 14 days (prop_line_delta);
* prediction_accuracy (60 days, < @end_date), optional: graded lines for features 55-56; when the
  table does not exist they are ``missing``.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from nba_features.contracts.features import FEATURE_NAMES
from nba_features.phase4.coercions import as_float_array, day_numbers
from nba_features.phase4.inputs import (
    BETTINGPROS_TABLE,
    INJURY_REPORT_TABLE,
    ODDS_TABLE,
    PLAYER_CONTEXT_TABLE,
    PLAYER_GAMES_TABLE,
    PREDICTION_ACCURACY_TABLE,
    SCHEDULE_TABLE,
    TEAM_OFFENSE_GAMES_TABLE,
)
from nba_features.phase4.ml_features import history_roster, player_history, team_context
from nba_features.phase4.ml_features.feature_set import FeatureSet
from nba_features.phase4.ml_features.output import TABLE, assemble
from nba_features.phase4.ml_features.quality_scorer import DEFAULT_TAGS
from nba_features.phase4.ml_features.upstream import COMPOSITE, UPSTREAM_ASSETS, UPSTREAMS, join_upstream
from nba_features.phase4.ml_features.vegas import vegas_lines
from nba_features.phase4.output_rows import empty_output
from nba_features.phase4.schedule import known_teams
from nba_features.phase4.seasons import SEASON_LOOKBACK_DAYS, season_frame
from nba_features.phase4.spec import Extract, Phase4Table, RunInfo
from nba_features.phase4.validation import (
    InputContractError,
    check_games_played,
    check_known_teams,
    check_minutes_recorded,
    check_one_row_per,
    check_rule,
)

ASSET_NAME = "ml_feature_store_v2"

HISTORY_LOOKBACK_DAYS = 365
ODDS_LOOKBACK_DAYS = 14
GRADED_LOOKBACK_DAYS = 60

EXCLUDED_STATUSES = ("out", "doubtful")
INJURY_RISK = {"available": 0.0, "": 0.0, "probable": 1.0, "questionable": 2.0, "doubtful": 3.0, "out": 3.0}
PLAYOFF_PHASE = "playoffs"
REST_ADVANTAGE_CAP = 2.0
MINUTES_CHANGE_STEPS = (0.10, 0.20)
ZSCORE_CAP = 3.0
BREAKOUT_STDS = 1.5
BLOWOUT_MIN_MINUTE_GAMES = 3

PHASE4, PHASE3, CALCULATED = "phase4", "phase3", "calculated"
VEGAS, BETTINGPROS, OPPONENT_HISTORY, MINUTES_PPM = "vegas", "bettingpros", "opponent_history", "minutes_ppm"

# Features computed from D's pre-game inputs only (UPCG and D's lines): the only ones a bootstrap
# placeholder carries; every other feature needs history.
PREGAME_FEATURES = frozenset({
    "rest_advantage", "injury_risk", "home_away", "back_to_back", "playoff_game",
    "vegas_points_line", "vegas_opening_line", "vegas_line_move", "has_vegas_line",
    "star_teammates_out", "game_total_line", "days_rest", "minutes_load_last_7d", "spread_magnitude",
    "implied_team_total", "multi_book_line_std", "prop_over_streak", "prop_under_streak",
})  # fmt: skip
HISTORY_FEATURES = tuple(name for name in FEATURE_NAMES if name not in PREGAME_FEATURES)

SCHEDULE_SQL = f"""
-- bound: [start_date - {SEASON_LOOKBACK_DAYS} days, end_date]: a date's season started at most
-- {SEASON_LOOKBACK_DAYS} days before it; covers each team's final games of the 365 days before D
-- (games_expected) and the tip-off times of D's games (BettingPros pre-tip-off guard)
SELECT game_id, game_date, season_year, season_type, home_team_tricode, away_team_tricode, game_status, tipoff_time
FROM {SCHEDULE_TABLE}
WHERE game_date BETWEEN DATE_SUB(@start_date, INTERVAL {SEASON_LOOKBACK_DAYS} DAY) AND @end_date
"""

PLAYER_GAMES_SQL = f"""
-- bound: [start_date - {HISTORY_LOOKBACK_DAYS} days, end_date): the widest player window is the
-- 1-year opponent history; the season (shorter than a year), the last 10 games within 60 days and
-- the 30/60-day windows fit inside. Outcome rows: only game_date < D is ever used for date D.
SELECT player_lookup, game_id, game_date, team_abbr, opponent_team_abbr, points, minutes_played,
       ft_makes, ft_attempts, fg_makes, fg_attempts, paint_attempts, mid_range_attempts, three_pt_attempts,
       usage_rate, is_dnp
FROM {PLAYER_GAMES_TABLE}
WHERE game_date >= DATE_SUB(@start_date, INTERVAL {HISTORY_LOOKBACK_DAYS} DAY)
  AND game_date < @end_date
"""

TEAM_GAMES_SQL = f"""
-- bound: [start_date - {HISTORY_LOOKBACK_DAYS} days, end_date): season-to-date wins (a season is
-- shorter than a year), the team's last 10 games within a year, its last 10 games within 60 days.
SELECT team_abbr, game_date, pace, offensive_rating, win_flag, margin_of_victory
FROM {TEAM_OFFENSE_GAMES_TABLE}
WHERE game_date >= DATE_SUB(@start_date, INTERVAL {HISTORY_LOOKBACK_DAYS} DAY)
  AND game_date < @end_date
"""

PLAYER_CONTEXT_SQL = f"""
-- bound: the run's dates only: pre-game context of D's players
SELECT player_lookup, universal_player_id, game_id, game_date, team_abbr, opponent_team_abbr, home_game,
       back_to_back, season_phase, days_rest, opponent_days_rest, player_status, games_in_last_7_days,
       minutes_in_last_7_days, star_teammates_out, game_total, game_spread, prop_over_streak, prop_under_streak
FROM {PLAYER_CONTEXT_TABLE}
WHERE game_date BETWEEN @start_date AND @end_date
"""

BOX_SCORE_ROSTER_SQL = f"""
-- bound: the run's dates only: D's own box scores, the roster of a past date without any
-- upcoming_player_game_context row (docs/LEGACY.md#history-without-pre-game-context); no feature reads them
SELECT player_lookup, universal_player_id, game_id, game_date, team_abbr, opponent_team_abbr, home_game, minutes_played
FROM {PLAYER_GAMES_TABLE}
WHERE game_date BETWEEN @start_date AND @end_date
"""

ODDS_SQL = f"""
-- bound: [start_date - {ODDS_LOOKBACK_DAYS} days, end_date]: D's lines and the player's previous line
-- date within 14 days (prop_line_delta). Only pre-tip-off snapshots (the transform applies the
-- same filter, which is the point-in-time guard; here it only trims the read).
SELECT player_lookup, game_date, bookmaker, points_line, snapshot_timestamp, minutes_before_tipoff
FROM {ODDS_TABLE}
WHERE game_date BETWEEN DATE_SUB(@start_date, INTERVAL {ODDS_LOOKBACK_DAYS} DAY) AND @end_date
  AND minutes_before_tipoff >= 0
  AND points_line > 0
"""

BETTINGPROS_SQL = f"""
-- bound: the run's dates only: fallback lines for D (points market)
SELECT player_lookup, game_date, bookmaker, points_line, opening_line, created_at
FROM {BETTINGPROS_TABLE}
WHERE game_date BETWEEN @start_date AND @end_date
  AND market_type = 'points'
"""

INJURY_SQL = f"""
-- bound: the run's dates only: the injury report of D
SELECT report_date, report_time, team, player_lookup, injury_status
FROM {INJURY_REPORT_TABLE}
WHERE report_date BETWEEN @start_date AND @end_date
"""

GRADED_LINES_SQL = f"""
-- bound: [start_date - {GRADED_LOOKBACK_DAYS} days, end_date): graded lines of the 60 days before D
-- (outcome rows: only game_date < D is used)
SELECT player_lookup, game_date, line_value, recommendation
FROM {PREDICTION_ACCURACY_TABLE}
WHERE game_date >= DATE_SUB(@start_date, INTERVAL {GRADED_LOOKBACK_DAYS} DAY)
  AND game_date < @end_date
  AND recommendation IN ('OVER', 'UNDER')
"""


# --- inputs -----------------------------------------------------------------------------------------
def validate_inputs(inputs: Mapping[str, pd.DataFrame], last_date: dt.date) -> None:
    """Input contracts: non-negative box scores, minutes known on a stat line, makes <= attempts, team
    codes known to the schedule, no outcome row of a game the schedule lists as not played, one row per
    player (team) and date. Outcome rows that can feed no date of the run are not checked."""
    schedule = inputs["schedule"]
    teams = known_teams(schedule)
    games = inputs["player_games"]
    games = games[games["game_date"] < pd.Timestamp(last_date)]
    for column in ("points", "minutes_played"):
        check_rule(games, PLAYER_GAMES_TABLE, "game_date", column, games[column] < 0, f"{column} >= 0")
    for makes, attempts in (("fg_makes", "fg_attempts"), ("ft_makes", "ft_attempts")):
        check_rule(games, PLAYER_GAMES_TABLE, "game_date", makes, games[makes] > games[attempts], f"{makes} <= {attempts}")
    check_known_teams(games, PLAYER_GAMES_TABLE, "game_date", ("team_abbr", "opponent_team_abbr"), teams)
    check_one_row_per(games, PLAYER_GAMES_TABLE, "game_date", ["game_date", "player_lookup"])
    check_minutes_recorded(games, PLAYER_GAMES_TABLE, "game_date", ("points", "fg_attempts"), key=("player_lookup", "game_id"))
    check_games_played(games, PLAYER_GAMES_TABLE, "game_date", "team_abbr", schedule, key=("player_lookup", "game_id"))
    team_games = inputs["team_offense"]
    team_games = team_games[team_games["game_date"] < pd.Timestamp(last_date)]
    check_known_teams(team_games, TEAM_OFFENSE_GAMES_TABLE, "game_date", ("team_abbr",), teams)
    check_one_row_per(team_games, TEAM_OFFENSE_GAMES_TABLE, "game_date", ["game_date", "team_abbr"])
    check_games_played(team_games, TEAM_OFFENSE_GAMES_TABLE, "game_date", "team_abbr", schedule)
    context = inputs["player_context"]
    check_known_teams(context, PLAYER_CONTEXT_TABLE, "game_date", ("team_abbr", "opponent_team_abbr"), teams)
    duplicated = context.duplicated(["game_date", "player_lookup"], keep=False)
    check_rule(context, PLAYER_CONTEXT_TABLE, "game_date", "player_lookup", duplicated, "one row per (game_date, player_lookup)")
    injuries = inputs["injury_report"]
    check_known_teams(injuries, INJURY_REPORT_TABLE, "report_date", ("team",), teams)


def player_set(context: pd.DataFrame, calendar: pd.DataFrame) -> pd.DataFrame:
    """The rows to write: UPCG players of each game date who are not out or doubtful (module docstring)."""
    game_days = calendar[calendar["games_scheduled"] > 0]
    without_context = sorted(set(game_days["date"]) - set(context["game_date"]))
    if without_context:
        raise InputContractError(
            f"{PLAYER_CONTEXT_TABLE}: no rows on column game_date={without_context[0]:%Y-%m-%d}, a date with "
            f"scheduled games; rule 'every date with scheduled games has its players' context'"
        )
    context = context.assign(status=context["player_status"].fillna("").astype(str).str.strip().str.lower())
    roster = context[~context["status"].isin(EXCLUDED_STATUSES)].rename(columns={"game_date": "date"})
    roster = roster.merge(game_days[["date", "season_start", "days_into_season", "is_bootstrap"]], on="date", how="inner")
    roster = roster.sort_values(["date", "player_lookup"], kind="stable").reset_index(drop=True)
    roster["day"] = day_numbers(roster["date"])
    starts = roster["season_start"]
    roster["season_start_day"] = np.where(starts.notna(), day_numbers(starts.fillna(roster["date"])), np.nan)
    return roster


def with_history_roster(
    context: pd.DataFrame, calendar: pd.DataFrame, box_scores: pd.DataFrame, schedule: pd.DataFrame, run: RunInfo
) -> pd.DataFrame:
    """The context rows, plus box-score roster rows for past game dates without any (history_roster module)."""
    game_days = calendar.loc[calendar["games_scheduled"] > 0, "date"]
    dates = history_roster.fallback_dates(context, game_days, box_scores, history_roster.run_date(run.processed_at))
    context = context.assign(roster_source=None)
    if not dates:
        return context
    extra = history_roster.history_roster(box_scores, schedule, dates)[list(context.columns)]
    return pd.concat([context, extra.astype(context.dtypes.to_dict(), errors="ignore")], ignore_index=True)


# --- features ---------------------------------------------------------------------------------------
def build_features(r: pd.DataFrame) -> FeatureSet:
    """The 60 features with their raw source tags (docs/RULES.md#feature-list), from the roster and its joined facts."""
    fs = FeatureSet(len(r))

    def col(name: str) -> np.ndarray:
        return as_float_array(r[name])

    cache_miss = r["cache_miss"].to_numpy()

    def recomputed(name: str) -> np.ndarray:
        return np.where(cache_miss, col(name), np.nan)

    fs.chain("points_avg_last_5", (col("pdc_points_avg_last_5"), PHASE4), (recomputed("cm_points_avg_last_5"), PHASE4))
    fs.chain("points_avg_last_10", (col("pdc_points_avg_last_10"), PHASE4), (recomputed("cm_points_avg_last_10"), PHASE4))
    fs.chain(
        "points_avg_season",
        (col("pdc_points_avg_season"), PHASE4),
        (recomputed("season_points_avg"), PHASE4),
        (col("season_points_avg"), PHASE3),
    )
    fs.chain("points_std_last_10", (col("pdc_points_std_last_10"), PHASE4), (recomputed("cm_points_std_last_10"), PHASE4))
    fs.chain(
        "games_in_last_7_days",
        (col("pdc_games_in_last_7_days"), PHASE4),
        (recomputed("cm_games_in_last_7_days"), PHASE4),
        (col("games_in_last_7_days"), PHASE3),
    )
    for name in COMPOSITE.columns:
        fs.chain(name, (col(f"pcf_{name}"), PHASE4))

    rest = np.clip(col("days_rest") - col("opponent_days_rest"), -REST_ADVANTAGE_CAP, REST_ADVANTAGE_CAP)
    fs.always("rest_advantage", rest, CALCULATED)
    fs.always("injury_risk", r["status"].map(INJURY_RISK).to_numpy(dtype="float64"), CALCULATED)
    fs.always("recent_trend", col("recent_trend"), CALCULATED)

    recent_minutes = np.where(
        np.isnan(col("pdc_minutes_avg_last_10")), col("cm_minutes_avg_last_10"), col("pdc_minutes_avg_last_10")
    )
    season_minutes = col("season_minutes_avg")
    with np.errstate(invalid="ignore", divide="ignore"):
        change = (recent_minutes - season_minutes) / np.where(season_minutes > 0, season_minutes, np.nan)
    small, large = MINUTES_CHANGE_STEPS
    fs.always(
        "minutes_change",
        np.select([change >= large, change >= small, change <= -large, change <= -small], [2.0, 1.0, -2.0, -1.0], 0.0),
        CALCULATED,
    )

    fs.chain("opponent_def_rating", (col("tdza_defensive_rating_last_15"), PHASE4))
    fs.chain("opponent_pace", (col("tdza_opponent_pace"), PHASE4))
    fs.always("home_away", col("home_game"), PHASE3)
    fs.always("back_to_back", col("back_to_back"), PHASE3)
    fs.always("playoff_game", (r["season_phase"].fillna("").str.lower() == PLAYOFF_PHASE).to_numpy(dtype="float64"), PHASE3)

    # Shot-zone shares are fractions 0-1 on every path (docs/RULES.md#units): PSZA percentages / 100.
    for name, zone in (("pct_paint", "paint"), ("pct_mid_range", "mid_range"), ("pct_three", "three_pt")):
        fs.chain(name, (col(f"psza_{zone}_rate_last_10") / 100.0, PHASE4), (recomputed(f"cm_{zone}_share"), PHASE4))
    fs.always("pct_free_throw", col("pct_free_throw"), CALCULATED)

    fs.chain("team_pace", (col("pdc_team_pace_last_10"), PHASE4), (recomputed("team_pace_last_10"), PHASE4))
    fs.chain("team_off_rating", (col("pdc_team_off_rating_last_10"), PHASE4), (recomputed("team_off_rating_last_10"), PHASE4))
    fs.always("team_win_pct", col("team_win_pct"), CALCULATED)

    fs.chain("vegas_points_line", (col("odds_line"), VEGAS), (col("bp_line"), BETTINGPROS))
    fs.chain("vegas_opening_line", (col("odds_opening_line"), VEGAS), (col("bp_opening_line"), BETTINGPROS))
    line_tag = fs.tag("vegas_points_line")
    has_line = ~np.isin(line_tag, list(DEFAULT_TAGS))
    line = np.where(has_line, fs.value("vegas_points_line"), np.nan)
    fs.chain("vegas_line_move", (line - fs.value("vegas_opening_line"), line_tag))
    fs.always("has_vegas_line", has_line.astype("float64"), CALCULATED)

    season_tag = fs.tag("points_avg_season")
    season_known = ~np.isin(season_tag, list(DEFAULT_TAGS))
    fs.chain(
        "avg_points_vs_opponent",
        (col("opponent_points_avg"), OPPONENT_HISTORY),
        (fs.value("points_avg_season"), np.where(season_known, CALCULATED, season_tag)),
    )
    opponent_games = col("opponent_games")
    fs.chain(
        "games_vs_opponent",
        (np.where(opponent_games > 0, opponent_games, np.nan), OPPONENT_HISTORY),
        (np.zeros(len(r)), CALCULATED),
    )
    fs.chain(
        "minutes_avg_last_10",
        (col("minutes_avg_30d"), MINUTES_PPM),
        (col("pdc_minutes_avg_last_10"), PHASE4),
        (recomputed("cm_minutes_avg_last_10"), PHASE4),
    )
    fs.chain("ppm_avg_last_10", (col("ppm_avg_30d"), MINUTES_PPM), (recomputed("cm_ppm"), PHASE4))
    fs.always("dnp_rate", col("dnp_rate"), CALCULATED)
    fs.always("pts_slope_10g", col("pts_slope_10g"), CALCULATED)

    last5, season, spread = (fs.value(n) for n in ("points_avg_last_5", "points_avg_season", "points_std_last_10"))
    with np.errstate(invalid="ignore", divide="ignore"):
        zscore = np.clip((last5 - season) / np.where(spread > 0, spread, np.nan), -ZSCORE_CAP, ZSCORE_CAP)
    fs.always("pts_vs_season_zscore", zscore, CALCULATED)
    fs.always("breakout_flag", (last5 > season + BREAKOUT_STDS * spread).astype("float64"), CALCULATED)

    fs.chain("star_teammates_out", (col("star_teammates_out"), PHASE3))
    total, game_spread = col("game_total"), col("game_spread")
    fs.chain("game_total_line", (total, PHASE3))
    fs.chain("days_rest", (col("days_rest"), PHASE3))
    fs.chain("minutes_load_last_7d", (col("minutes_in_last_7_days"), PHASE3))
    fs.chain("spread_magnitude", (np.abs(game_spread), PHASE3))
    home = col("home_game")
    fs.chain("implied_team_total", (np.where(home == 1, total - game_spread, total + game_spread) / 2, PHASE3))

    for name in (
        "points_avg_last_3", "scoring_trend_slope", "deviation_from_avg_last3", "consecutive_games_below_avg",
        "usage_rate_last_5", "games_since_structural_change",
    ):  # fmt: skip
        fs.chain(name, (col(name), CALCULATED))
    fs.chain("teammate_usage_available", (col("teammate_usage_available"), CALCULATED))
    fs.chain("multi_book_line_std", (col("line_std"), r["line_std_source"].to_numpy(dtype=object)))
    fs.chain("prop_over_streak", (col("prop_over_streak"), PHASE3))
    fs.chain("prop_under_streak", (col("prop_under_streak"), PHASE3))
    fs.chain("line_vs_season_avg", (np.where(season_known, line - season, np.nan), CALCULATED))
    fs.chain("prop_line_delta", (col("prop_line_delta"), VEGAS))
    fs.chain("over_rate_last_10", (col("over_rate_last_10"), CALCULATED))
    fs.chain("margin_vs_line_avg_last_5", (col("margin_vs_line_avg_last_5"), CALCULATED))
    eligible = col("minute_games_60d") >= BLOWOUT_MIN_MINUTE_GAMES
    fs.chain("blowout_minutes_risk", (np.where(eligible, col("blowout_share"), np.nan), CALCULATED))
    fs.chain("minutes_volatility_last_10", (col("minutes_volatility_last_10"), CALCULATED))
    fs.chain("opponent_pace_mismatch", (fs.value("team_pace") - fs.value("opponent_pace"), CALCULATED))

    bootstrap = r["is_bootstrap"].to_numpy(dtype=bool)
    fs.make_unavailable(HISTORY_FEATURES, bootstrap)
    return fs


# --- output -----------------------------------------------------------------------------------------


def transform(inputs: Mapping[str, pd.DataFrame], dates: Sequence[dt.date], run: RunInfo) -> pd.DataFrame:
    started = time.perf_counter()
    validate_inputs(inputs, max(dates))
    schedule = inputs["schedule"]
    calendar = season_frame(dates, schedule)
    context = with_history_roster(inputs["player_context"], calendar, inputs["box_score_roster"], schedule, run)
    roster = player_set(context, calendar)
    if roster.empty:
        return empty_output(TABLE)

    for upstream in UPSTREAMS:
        roster = join_upstream(roster, inputs[upstream.asset], upstream)
    games = player_history.prepare_games(inputs["player_games"])
    team_games = inputs["team_offense"]
    facts = [
        player_history.last_games(roster, games),
        player_history.season_stats(roster, games),
        player_history.opponent_history(roster, games),
        player_history.minutes_and_ppm(roster, games),
        player_history.rolling_stats(roster, games),
        player_history.minutes_volatility(roster, games),
        player_history.prop_history(roster, games, inputs["prediction_accuracy"]),
        team_context.team_stats(roster, team_games),
        vegas_lines(roster, inputs["odds_api"], inputs["bettingpros"], schedule),
    ]
    roster = pd.concat([roster, *facts], axis=1)
    # Cache-miss path: no player_daily_cache row, and a played game in the last-10 list to recompute from.
    roster["cache_miss"] = ~roster["pdc_present"] & (roster["cm_played_games"] > 0)
    roster["teammate_usage_available"] = team_context.teammate_usage(roster, games, inputs["injury_report"])
    roster["games_expected"] = team_context.team_games_expected(roster, schedule)

    features = build_features(roster)
    upstream_rows = {u.asset: inputs[u.asset] for u in UPSTREAMS}
    out = assemble(roster, upstream_rows, features, run, started)
    # = out.sort_values(["game_date", "player_lookup"], kind="stable").reset_index(drop=True), with the order
    # worked out on the two key columns: sorting and re-indexing the season's frame copied it twice
    keys = out[["game_date", "player_lookup"]].reset_index(drop=True)
    order = keys.sort_values(["game_date", "player_lookup"], kind="stable").index.to_numpy()
    if not np.array_equal(order, np.arange(len(out))):
        out = out.take(order)
    out.index = pd.RangeIndex(len(out))
    return out


SPEC = Phase4Table(
    asset_name=ASSET_NAME,
    table=TABLE,
    description=(
        "The 60-feature vector of every player playing on D (not out/doubtful) with per-feature source "
        "tags, quality score, tiers and alerts, built from the four Phase 4 tables for D, box-score history "
        "before D and pre-tip-off lines. Placeholder rows on bootstrap days."
    ),
    extracts=(
        Extract("schedule", SCHEDULE_SQL, lookback_days=SEASON_LOOKBACK_DAYS, source_table=SCHEDULE_TABLE),
        Extract("player_games", PLAYER_GAMES_SQL, lookback_days=HISTORY_LOOKBACK_DAYS, source_table=PLAYER_GAMES_TABLE),
        Extract("team_offense", TEAM_GAMES_SQL, lookback_days=HISTORY_LOOKBACK_DAYS, source_table=TEAM_OFFENSE_GAMES_TABLE),
        Extract("player_context", PLAYER_CONTEXT_SQL, lookback_days=0, source_table=PLAYER_CONTEXT_TABLE),
        Extract("box_score_roster", BOX_SCORE_ROSTER_SQL, lookback_days=0, source_table=PLAYER_GAMES_TABLE),
        *(Extract(u.asset, u.sql, lookback_days=0, source_table=u.table) for u in UPSTREAMS),
        Extract("odds_api", ODDS_SQL, lookback_days=ODDS_LOOKBACK_DAYS, source_table=ODDS_TABLE),
        Extract("bettingpros", BETTINGPROS_SQL, lookback_days=0, source_table=BETTINGPROS_TABLE),
        Extract("injury_report", INJURY_SQL, lookback_days=0, source_table=INJURY_REPORT_TABLE),
        Extract(
            "prediction_accuracy",
            GRADED_LINES_SQL,
            lookback_days=GRADED_LOOKBACK_DAYS,
            optional=True,
            source_table=PREDICTION_ACCURACY_TABLE,
        ),
    ),
    transform=transform,
    upstream_assets=UPSTREAM_ASSETS,
    source_tables=(
        SCHEDULE_TABLE,
        PLAYER_GAMES_TABLE,
        TEAM_OFFENSE_GAMES_TABLE,
        PLAYER_CONTEXT_TABLE,
        ODDS_TABLE,
        BETTINGPROS_TABLE,
        INJURY_REPORT_TABLE,
        PREDICTION_ACCURACY_TABLE,
    ),
)
