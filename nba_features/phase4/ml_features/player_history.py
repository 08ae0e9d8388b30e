"""Player-history facts from player_game_summary (PGS), for every feature-store row at once.

Each function takes the rows (``roster``: ``player_lookup``, ``day`` = D as a day number, and for
some ``season_start_day`` / ``opponent_team_abbr``) and returns a frame aligned with them. Every window
ends strictly before D (docs/RULES.md#point-in-time); the windows, as docs/RULES.md#feature-list defines them:

* last-10 list: the player's 10 newest PGS rows in [D-60, D), DNP rows included (features 11, 21,
  33, 34, the cache-miss fallback and historical_completeness);
* season: played games (not DNP, minutes > 0) in [season start, D) (features 2 and 12);
* opponent history: games with minutes > 0 and points against D's opponent in [D-365, D) (29, 30);
* minutes/PPM: games with minutes > 0 in [D-30, D) (31, 32);
* rolling set: games with minutes > 0 and points in [D-60, D) (43-46, 48, 49);
* minute games: games with minutes > 0 in [D-60, D), newest 10 (57's eligibility, 58);
* graded lines: prediction_accuracy lines joined to PGS points in [D-60, D), newest 10 (55, 56).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from nba_features.phase4.coercions import as_float_array
from nba_features.phase4.ml_features.windows import EventTable, Windows

LAST_GAMES = 10
LAST_GAMES_DAYS = 60
OPPONENT_HISTORY_DAYS = 365
MINUTES_PPM_DAYS = 30
ROLLING_DAYS = 60

TREND_MIN_GAMES = 5  # recent_trend, pct_free_throw, pts_slope_10g need 5 rows of the last-10 list
DNP_RATE_MIN_GAMES = 3
L5_GAMES = 5
LAST_7_DAYS = 7
SCORING_SLOPE_GAMES = 7
SCORING_SLOPE_MIN_GAMES = 4
LAST_3_GAMES = 3
SINGLE_GAME_SD = 5.0  # deviation_from_avg_last3 with one game in the set
USAGE_GAMES = 5
USAGE_MIN_GAMES = 3
USAGE_INSUFFICIENT = 20.0
STRUCTURAL_GAP_DAYS = 14
STRUCTURAL_CAP = 30
VOLATILITY_MIN_GAMES = 3
OVER_RATE_MIN_GAMES = 5
MARGIN_GAMES = 5
MARGIN_MIN_GAMES = 3


def prepare_games(pgs: pd.DataFrame) -> pd.DataFrame:
    """PGS rows with the flags the windows filter on (NULL is_dnp counts as played)."""
    games = pgs.copy()
    minutes = as_float_array(games["minutes_played"])
    points = as_float_array(games["points"])
    dnp = games["is_dnp"].astype("boolean").fillna(False).to_numpy(dtype=bool)
    games["minute_game"] = minutes > 0
    games["played"] = ~dnp & (minutes > 0)
    games["scored_game"] = (minutes > 0) & ~np.isnan(points)
    games["dnp_flag"] = dnp.astype("float64")
    return games


def _days(roster: pd.DataFrame, back: int) -> tuple[np.ndarray, np.ndarray]:
    day = roster["day"].to_numpy()
    return day - back, day


def _nan_to_zero(values: np.ndarray) -> np.ndarray:
    return np.where(np.isnan(values), 0.0, values)


def _ols_slope(window: Windows, y: np.ndarray, x_of_k) -> np.ndarray:
    """Least-squares slope of y on x over each window; x_of_k(k, n) is the x of the k-th newest."""
    n = window.size.astype("float64")
    x_sum = np.zeros(len(n))
    y_sum = np.zeros(len(n))
    for k in range(window.width):
        present = window.present(k)
        x_sum += np.where(present, x_of_k(k, n), 0.0)
        y_sum += np.where(present, _nan_to_zero(window.nth_newest(y, k)), 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        x_mean, y_mean = x_sum / n, y_sum / n
    sxy = np.zeros(len(n))
    sxx = np.zeros(len(n))
    for k in range(window.width):
        present = window.present(k)
        dx = x_of_k(k, n) - x_mean
        dy = _nan_to_zero(window.nth_newest(y, k)) - y_mean
        sxy += np.where(present, dx * dy, 0.0)
        sxx += np.where(present, dx * dx, 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(sxx > 0, sxy / np.where(sxx > 0, sxx, 1.0), 0.0)


def last_games(roster: pd.DataFrame, games: pd.DataFrame) -> pd.DataFrame:
    """The last-10 list (DNP rows included, NULL points count as 0) and the cache-miss recomputation.

    The cache-miss fields (``cm_*``) recompute the player_daily_cache values from the played games
    (not DNP, minutes > 0) of the list: L5 = the 5 newest played games; shot-zone shares are
    fractions of FG attempts (0-1, docs/RULES.md#units).
    """
    table = EventTable(games, "player_lookup", "game_date", ("game_id",))
    window = table.windows(roster["player_lookup"], *_days(roster, LAST_GAMES_DAYS)).newest(LAST_GAMES)
    n = window.size
    points = table.floats("points")
    minutes = table.floats("minutes_played")
    out = pd.DataFrame(index=roster.index)
    out["games_found"] = n

    # Contributing game dates, oldest first.
    # datetime64[D].tolist() gives datetime.date objects, as pd.Timestamp(d).date() would, in one pass
    dates = table.frame["game_date"].to_numpy(dtype="datetime64[D]").tolist()
    out["contributing_game_dates"] = [dates[s:e] for s, e in zip(window.start, window.end)]

    newest = [_nan_to_zero(window.nth_newest(points, k)) for k in range(TREND_MIN_GAMES)]
    change = (newest[0] + newest[1]) / 2 - (newest[2] + newest[3] + newest[4]) / 3
    trend = np.select([change >= 5, change >= 2, change <= -5, change <= -2], [2.0, 1.0, -2.0, -1.0], 0.0)
    out["recent_trend"] = np.where(n >= TREND_MIN_GAMES, trend, np.nan)

    free_throws = window.sum(table.floats("ft_makes"))
    scored = window.sum(points)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.clip(free_throws / np.where(scored > 0, scored, 1.0), 0.0, 0.5)
    out["pct_free_throw"] = np.where((n >= TREND_MIN_GAMES) & (scored > 0), share, np.nan)

    with np.errstate(invalid="ignore", divide="ignore"):
        out["dnp_rate"] = np.where(n >= DNP_RATE_MIN_GAMES, window.sum(table.floats("dnp_flag")) / np.maximum(n, 1), np.nan)

    slope = _ols_slope(window, points, lambda k, size: size - 1 - k)  # x = 0..n-1, oldest → newest
    out["pts_slope_10g"] = np.where(n >= TREND_MIN_GAMES, slope, np.nan)

    # Cache-miss recomputation over the played games of the list.
    played = table.frame["played"].to_numpy()
    played_points = np.where(played, points, np.nan)
    played_minutes = np.where(played, minutes, np.nan)
    out["cm_played_games"] = window.count(played_minutes)
    seen = np.zeros(len(n), dtype=np.int64)
    l5_sum = np.zeros(len(n))
    l5_count = np.zeros(len(n), dtype=np.int64)
    game_days = table.days.astype("float64")
    recent = np.zeros(len(n), dtype=np.int64)
    for k in range(window.width):
        is_played = ~np.isnan(window.nth_newest(played_minutes, k))
        value = window.nth_newest(played_points, k)
        in_l5 = is_played & (seen < L5_GAMES) & ~np.isnan(value)
        l5_sum += np.where(in_l5, value, 0.0)
        l5_count += in_l5
        recent += is_played & (window.nth_newest(game_days, k) >= roster["day"].to_numpy() - LAST_7_DAYS)
        seen += is_played
    with np.errstate(invalid="ignore", divide="ignore"):
        out["cm_points_avg_last_5"] = np.where(l5_count > 0, l5_sum / np.maximum(l5_count, 1), np.nan)
    out["cm_points_avg_last_10"] = window.mean(played_points)
    std = window.std(played_points)
    out["cm_points_std_last_10"] = np.where(window.count(played_points) == 1, 0.0, std)
    out["cm_games_in_last_7_days"] = np.where(out["cm_played_games"] > 0, recent, np.nan)
    out["cm_minutes_avg_last_10"] = window.mean(played_minutes)
    played_minutes_sum = window.sum(played_minutes)
    with np.errstate(invalid="ignore", divide="ignore"):
        out["cm_ppm"] = np.where(played_minutes_sum > 0, window.sum(played_points) / played_minutes_sum, np.nan)
        attempts = window.sum(np.where(played, table.floats("fg_attempts"), np.nan))
        for zone in ("paint", "mid_range", "three_pt"):
            zone_attempts = window.sum(np.where(played, table.floats(f"{zone}_attempts"), np.nan))
            out[f"cm_{zone}_share"] = np.where(attempts > 0, zone_attempts / np.where(attempts > 0, attempts, 1.0), np.nan)
    return out


def season_stats(roster: pd.DataFrame, games: pd.DataFrame) -> pd.DataFrame:
    """Mean points and minutes over the played games of D's season before D."""
    table = EventTable(games[games["played"]], "player_lookup", "game_date", ("game_id",))
    day = roster["day"].to_numpy()
    start = roster["season_start_day"].to_numpy(dtype="float64")
    lo = np.where(np.isnan(start), day, start).astype(np.int64)
    window = table.windows(roster["player_lookup"], lo, day)
    return pd.DataFrame(
        {
            "season_points_avg": window.mean(table.floats("points")),
            "season_minutes_avg": window.mean(table.floats("minutes_played")),
        },
        index=roster.index,
    )


def opponent_history(roster: pd.DataFrame, games: pd.DataFrame) -> pd.DataFrame:
    """Mean points and game count against D's opponent over [D-365, D)."""
    scored = games[games["scored_game"]]
    scored = scored.assign(matchup=scored["player_lookup"] + "|" + scored["opponent_team_abbr"])
    table = EventTable(scored, "matchup", "game_date", ("game_id",))
    window = table.windows(roster["player_lookup"] + "|" + roster["opponent_team_abbr"], *_days(roster, OPPONENT_HISTORY_DAYS))
    return pd.DataFrame(
        {"opponent_points_avg": window.mean(table.floats("points")), "opponent_games": window.size.astype("float64")},
        index=roster.index,
    )


def minutes_and_ppm(roster: pd.DataFrame, games: pd.DataFrame) -> pd.DataFrame:
    """Mean minutes and mean per-game points per minute over games with minutes > 0 in [D-30, D)."""
    table = EventTable(games[games["minute_game"]], "player_lookup", "game_date", ("game_id",))
    window = table.windows(roster["player_lookup"], *_days(roster, MINUTES_PPM_DAYS))
    minutes = table.floats("minutes_played")
    return pd.DataFrame(
        {"minutes_avg_30d": window.mean(minutes), "ppm_avg_30d": window.mean(table.floats("points") / minutes)},
        index=roster.index,
    )


def rolling_stats(roster: pd.DataFrame, games: pd.DataFrame) -> pd.DataFrame:
    """Features 43-46, 48, 49 over the rolling set (minutes > 0, points non-NULL, [D-60, D)).

    NaN where the set is empty (those features are then ``missing``).
    """
    table = EventTable(games[games["scored_game"]], "player_lookup", "game_date", ("game_id",))
    window = table.windows(roster["player_lookup"], *_days(roster, ROLLING_DAYS))
    n = window.size
    points = table.floats("points")
    empty = n == 0
    out = pd.DataFrame(index=roster.index)

    last3 = window.newest(LAST_3_GAMES).mean(points)
    out["points_avg_last_3"] = last3

    last7 = window.newest(SCORING_SLOPE_GAMES)
    slope = _ols_slope(last7, points, lambda k, size: size - k)  # x = 1..m, oldest → newest
    out["scoring_trend_slope"] = np.where(empty, np.nan, np.where(last7.size >= SCORING_SLOPE_MIN_GAMES, slope, 0.0))

    mean = window.mean(points)
    sd = np.where(n == 1, SINGLE_GAME_SD, window.std(points))
    with np.errstate(invalid="ignore", divide="ignore"):
        deviation = np.where(sd == 0, 0.0, (last3 - mean) / np.where(sd == 0, 1.0, sd))
    out["deviation_from_avg_last3"] = np.where(empty, np.nan, deviation)

    below = np.ones(len(n), dtype=bool)
    run = np.zeros(len(n), dtype=np.int64)
    for k in range(window.width):
        value = window.nth_newest(points, k)
        below &= ~np.isnan(value) & (value < mean)
        run += below
    out["consecutive_games_below_avg"] = np.where(empty, np.nan, run)

    usage = table.floats("usage_rate")
    taken = np.zeros(len(n), dtype=np.int64)
    usage_sum = np.zeros(len(n))
    for k in range(window.width):
        value = window.nth_newest(usage, k)
        take = ~np.isnan(value) & (taken < USAGE_GAMES)
        usage_sum += np.where(take, value, 0.0)
        taken += take
    usage_mean = np.where(taken >= USAGE_MIN_GAMES, usage_sum / np.maximum(taken, 1), USAGE_INSUFFICIENT)
    out["usage_rate_last_5"] = np.where(empty, np.nan, usage_mean)

    # Games since the newest team change or gap of more than 14 days, scanning back from the newest game.
    team_codes = pd.factorize(table.frame["team_abbr"])[0].astype("float64")
    game_days = table.days.astype("float64")
    current_team = window.nth_newest(team_codes, 0)
    later_day = window.nth_newest(game_days, 0)
    unbroken = window.present(0)
    since = unbroken.astype(np.int64)
    for k in range(1, window.width):
        day = window.nth_newest(game_days, k)
        unbroken &= (
            window.present(k) & (window.nth_newest(team_codes, k) == current_team) & (later_day - day <= STRUCTURAL_GAP_DAYS)
        )
        since += unbroken
        later_day = day
    out["games_since_structural_change"] = np.where(empty, np.nan, np.minimum(since, STRUCTURAL_CAP))
    return out


def minutes_volatility(roster: pd.DataFrame, games: pd.DataFrame) -> pd.DataFrame:
    """Games with minutes > 0 in [D-60, D) and the sample std of minutes over the newest 10 (>= 3 games)."""
    table = EventTable(games[games["minute_game"]], "player_lookup", "game_date", ("game_id",))
    window = table.windows(roster["player_lookup"], *_days(roster, ROLLING_DAYS))
    last10 = window.newest(LAST_GAMES)
    std = last10.std(table.floats("minutes_played"))
    return pd.DataFrame(
        {
            "minute_games_60d": window.size,
            "minutes_volatility_last_10": np.where(last10.size >= VOLATILITY_MIN_GAMES, std, np.nan),
        },
        index=roster.index,
    )


def prop_history(roster: pd.DataFrame, games: pd.DataFrame, graded: pd.DataFrame | None) -> pd.DataFrame:
    """Features 55-56 from graded lines (NaN everywhere when prediction_accuracy does not exist).

    Line per player-date = MAX(line_value) over OVER/UNDER rows; joined to the PGS points of that
    game; newest 10 graded games in [D-60, D).
    """
    out = pd.DataFrame({"over_rate_last_10": np.nan, "margin_vs_line_avg_last_5": np.nan}, index=roster.index)
    if graded is None:
        return out
    recommendation = graded["recommendation"].astype(str).str.upper()
    lines = graded[recommendation.isin(["OVER", "UNDER"]) & graded["line_value"].notna()]
    lines = lines.groupby(["player_lookup", "game_date"], as_index=False)["line_value"].max()
    scored = games[games["points"].notna()][["player_lookup", "game_date", "game_id", "points"]]
    joined = lines.merge(scored, on=["player_lookup", "game_date"], how="inner")
    table = EventTable(joined, "player_lookup", "game_date", ("game_id",))
    window = table.windows(roster["player_lookup"], *_days(roster, ROLLING_DAYS)).newest(LAST_GAMES)
    margin = table.floats("points") - table.floats("line_value")
    over = np.where(margin > 0, 1.0, 0.0)
    n = window.size
    with np.errstate(invalid="ignore", divide="ignore"):
        out["over_rate_last_10"] = np.where(n >= OVER_RATE_MIN_GAMES, window.sum(over) / np.maximum(n, 1), np.nan)
    last5 = window.newest(MARGIN_GAMES)
    out["margin_vs_line_avg_last_5"] = np.where(last5.size >= MARGIN_MIN_GAMES, last5.mean(margin), np.nan)
    return out
