"""Season calendar and synthetic schedules of the demo league.

Calendar rules (all reproduce the real dates of 2021-22 .. 2026-27):
- opening night: the first Tuesday on or after October 18 (2021-10-19, 2022-10-18, 2023-10-24,
  2024-10-22, 2025-10-21, 2026-10-20); real seasons use their first real game date;
- last regular-season day: the Sunday between April 10 and 16;
- All-Star break: All-Star Sunday is the Sunday between February 15 and 21; no games from the Friday
  before to the Wednesday after (six days);
- no games on Thanksgiving and on December 24;
- trade deadline: the Thursday between February 5 and 11.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from ._league_data import CONFERENCE, TEAMS, TIPOFF_ET_MINUTES, TRICODES, WEEKEND_MATINEE_ET_MINUTES
from ._real_seasons import is_real_season, real_season_games

_TUESDAY, _THURSDAY, _SUNDAY = 1, 3, 6


def _first_weekday_on_or_after(day: dt.date, weekday: int) -> dt.date:
    return day + dt.timedelta(days=(weekday - day.weekday()) % 7)


def season_start(season_year: int) -> dt.date:
    if is_real_season(season_year):
        return real_season_games(season_year)["game_date"].min().date()
    return _first_weekday_on_or_after(dt.date(season_year, 10, 18), _TUESDAY)


def regular_season_end(season_year: int) -> dt.date:
    if is_real_season(season_year):
        return real_season_games(season_year)["game_date"].max().date()
    return _first_weekday_on_or_after(dt.date(season_year + 1, 4, 10), _SUNDAY)


def all_star_sunday(season_year: int) -> dt.date:
    return _first_weekday_on_or_after(dt.date(season_year + 1, 2, 15), _SUNDAY)


def all_star_break(season_year: int) -> list[dt.date]:
    sunday = all_star_sunday(season_year)
    return [sunday + dt.timedelta(days=k) for k in range(-2, 4)]


def trade_deadline(season_year: int) -> dt.date:
    return _first_weekday_on_or_after(dt.date(season_year + 1, 2, 5), _THURSDAY)


def _thanksgiving(year: int) -> dt.date:
    return _first_weekday_on_or_after(dt.date(year, 11, 22), _THURSDAY)


def _series_pairs(rng: np.random.Generator) -> list[tuple[int, int]]:
    """The 1230 (home, away) team-index pairs of an 82-game season: 41 home games per team.

    Within a conference (15 teams in a shuffled circle) a team plays the opponents 1..5 seats away four
    times (two at home) and those 6 and 7 seats away three times; every team plays each team of the other
    conference twice (once at home).
    """
    games: list[tuple[int, int]] = []
    for conf in ("East", "West"):
        members = [i for i, c in enumerate(CONFERENCE) if c == conf]
        order = [members[k] for k in rng.permutation(len(members))]
        n = len(order)
        for d in range(1, 8):
            for i in range(n):
                a, b = order[i], order[(i + d) % n]
                if d <= 5:
                    games += [(a, b), (a, b), (b, a), (b, a)]
                elif d == 6:
                    games += [(a, b), (a, b), (b, a)]
                else:
                    games += [(b, a), (b, a), (a, b)]
    east = [i for i, c in enumerate(CONFERENCE) if c == "East"]
    west = [i for i, c in enumerate(CONFERENCE) if c == "West"]
    for e in east:
        for w in west:
            games += [(e, w), (w, e)]
    return games


_DOW_WEIGHT = np.array([1.1, 0.95, 1.3, 0.6, 1.2, 1.1, 0.85])  # Mon..Sun


def synthetic_regular_schedule(season_year: int, rng: np.random.Generator) -> pd.DataFrame:
    """1230 games (game_date, home, away) from opening night to mid-April, with the usual gaps."""
    start, end = season_start(season_year), regular_season_end(season_year)
    excluded = {_thanksgiving(season_year), dt.date(season_year, 12, 24), *all_star_break(season_year)}
    days = [start + dt.timedelta(days=k) for k in range((end - start).days + 1)]
    days = [d for d in days if d not in excluded]
    pairs = np.array(_series_pairs(rng), dtype=np.int64)
    pairs = pairs[rng.permutation(len(pairs))]
    home, away = pairs[:, 0], pairs[:, 1]
    n_teams = len(TEAMS)
    remaining = np.ones(len(pairs), dtype=bool)
    team_left = np.bincount(home, minlength=n_teams) + np.bincount(away, minlength=n_teams)
    last_day = np.full(n_teams, -10)
    prev_day = np.full(n_teams, -10)
    assigned_day = np.full(len(pairs), -1)
    weights = np.array([_DOW_WEIGHT[d.weekday()] for d in days])
    k = 0
    extra_day = end
    while remaining.any():
        if k < len(days):
            day = days[k]
            left_weight = weights[k:].sum()
            target = int(round(weights[k] * remaining.sum() / left_weight))
        else:  # spill-over (rare): keep scheduling the leftovers on the following days
            extra_day = extra_day + dt.timedelta(days=1)
            day = extra_day
            days.append(day)
            target = 15
        if k == 0:
            target = 2
        elif day.month == 12 and day.day == 25:
            target = 5
        target = int(np.clip(target, 1, 15))
        days_left = max(len(days) - k, 1)
        urgency = team_left / days_left
        played_yesterday = last_day == k - 1
        three_in_a_row = played_yesterday & (prev_day == k - 2)
        idx = np.flatnonzero(remaining)
        h, a = home[idx], away[idx]
        score = urgency[h] + urgency[a] - 0.1 * (played_yesterday[h] + played_yesterday[a]) + 0.6 * rng.random(len(idx))
        blocked = three_in_a_row.copy()
        picked = 0
        for j in np.argsort(-score, kind="stable"):
            if picked >= target:
                break
            hj, aj = h[j], a[j]
            if blocked[hj] or blocked[aj]:
                continue
            blocked[hj] = blocked[aj] = True
            g = idx[j]
            remaining[g] = False
            assigned_day[g] = k
            team_left[hj] -= 1
            team_left[aj] -= 1
            for t in (hj, aj):
                prev_day[t] = last_day[t]
                last_day[t] = k
            picked += 1
        k += 1
    game_dates = pd.to_datetime([days[i] for i in assigned_day])
    out = pd.DataFrame({"game_date": game_dates, "home": np.array(TRICODES)[home], "away": np.array(TRICODES)[away]})
    return out.sort_values(["game_date", "home"], kind="stable").reset_index(drop=True)


def regular_schedule(season_year: int, rng: np.random.Generator) -> pd.DataFrame:
    if is_real_season(season_year):
        real = real_season_games(season_year)
        return real[["game_date", "home", "away"]].copy()
    return synthetic_regular_schedule(season_year, rng)


def tipoff_times(game_dates: pd.Series, homes: pd.Series, rng: np.random.Generator) -> pd.Series:
    """UTC tip-off timestamps: usual evening slots by the home arena's time zone, some weekend matinees."""
    tz_of = {t[0]: t[3] for t in TEAMS}
    dates = pd.to_datetime(pd.Series(game_dates)).reset_index(drop=True)
    homes = pd.Series(homes).reset_index(drop=True)
    u = rng.random(len(dates))
    minutes = np.empty(len(dates), dtype=np.int64)
    for zone, slots in TIPOFF_ET_MINUTES.items():
        mask = (homes.map(tz_of) == zone).to_numpy()
        minutes[mask] = np.array(slots)[(u[mask] * len(slots)).astype(int)]
    weekend = dates.dt.dayofweek.to_numpy() >= 5
    matinee = weekend & (rng.random(len(dates)) < 0.18)
    slots = np.array(WEEKEND_MATINEE_ET_MINUTES)
    minutes[matinee] = slots[rng.integers(0, len(slots), matinee.sum())]
    local = dates + pd.to_timedelta(minutes, unit="m")
    return local.dt.tz_localize("America/New_York").dt.tz_convert("UTC")


PLAYOFF_GAME_OFFSETS = (0, 2, 4, 6, 8, 10, 12)
PLAYOFF_ROUND_SPACING = 15
PLAYOFF_HOME_PATTERN = (True, True, False, False, True, False, True)  # higher seed at home (2-2-1-1-1)


def playoff_round_start(reg_end: dt.date, round_number: int) -> dt.date:
    """Round 1 starts the Saturday after the regular season; each round takes at most 15 days."""
    return reg_end + dt.timedelta(days=6 + PLAYOFF_ROUND_SPACING * (round_number - 1))
