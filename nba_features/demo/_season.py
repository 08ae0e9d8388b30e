"""One season of games: regular season (real or synthetic), a simplified playoff bracket, team boxes."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from ._league_data import CONFERENCE, TEAM_INDEX, TRICODES
from ._real_seasons import REAL_SEASON_FILES, is_real_season, real_season_games
from ._schedule import (
    PLAYOFF_GAME_OFFSETS,
    PLAYOFF_HOME_PATTERN,
    playoff_round_start,
    regular_schedule,
    tipoff_times,
)
from ._team_sim import LeagueEnv, TeamStrengths, league_env, simulate_team_boxes, split_two_pointers

BOX_KEYS = (
    "pts", "fgm", "fga", "fg3m", "fg3a", "ftm", "fta", "tov", "blk", "min",
    "pace", "poss", "off_rating", "def_rating", "paint_att", "paint_m", "mid_att", "mid_m",
)  # fmt: skip


def _box_frame(box: dict[str, np.ndarray]) -> pd.DataFrame:
    return pd.DataFrame({f"{side}_{k}": box[f"{side}_{k}"] for side in ("h", "a") for k in BOX_KEYS})


def _regular_season(season_year: int, env: LeagueEnv, strengths: TeamStrengths, rngs) -> pd.DataFrame:
    sched = regular_schedule(season_year, rngs("schedule"))
    if is_real_season(season_year):
        real = real_season_games(season_year)
        games = real[["game_date", "home", "away", "nba_game_id"]].copy()
        games["data_source"] = f"isapy_data:nba_games_{REAL_SEASON_FILES[season_year]}"
        box = {c: real[c].to_numpy() for c in real.columns if c[:2] in ("h_", "a_")}
        rng = rngs("paint_split")
        for side, team_col in (("h", "home"), ("a", "away")):
            team_idx = real[team_col].map(TEAM_INDEX).to_numpy()
            fg2a = box[f"{side}_fga"] - box[f"{side}_fg3a"]
            fg2m = box[f"{side}_fgm"] - box[f"{side}_fg3m"]
            pa, pm, ma, mm = split_two_pointers(rng, env, fg2a, fg2m, env.paint_share + strengths.paint[team_idx])
            box[f"{side}_paint_att"], box[f"{side}_paint_m"] = pa, pm
            box[f"{side}_mid_att"], box[f"{side}_mid_m"] = ma, mm
        games = pd.concat([games.reset_index(drop=True), _box_frame(box)], axis=1)
    else:
        games = sched.copy()
        games["nba_game_id"] = None
        games["data_source"] = "synthetic"
        home_idx = games["home"].map(TEAM_INDEX).to_numpy()
        away_idx = games["away"].map(TEAM_INDEX).to_numpy()
        box = simulate_team_boxes(rngs("team_box"), env, strengths, home_idx, away_idx)
        games = pd.concat([games.reset_index(drop=True), _box_frame(box)], axis=1)
    games["season_type"] = "Regular Season"
    games["playoff_round"] = np.nan
    games["series_key"] = -1
    games["known_date"] = pd.NaT
    return games


def _playoffs(season_year: int, regular: pd.DataFrame, env: LeagueEnv, strengths: TeamStrengths, rng) -> pd.DataFrame:
    """A 16-team bracket (top eight of each conference by wins; 1-8, 4-5, 3-6, 2-7), best-of-seven series
    with a 2-2-1-1-1 home pattern. Each game row carries `known_date`: the day its matchup was settled."""
    home_win = regular["h_pts"].to_numpy() > regular["a_pts"].to_numpy()
    wins = pd.Series(0.0, index=list(TRICODES))
    wins = wins.add(regular.loc[home_win, "home"].value_counts(), fill_value=0)
    wins = wins.add(regular.loc[~home_win, "away"].value_counts(), fill_value=0)
    tiebreak = pd.Series(rng.random(len(TRICODES)), index=list(TRICODES))
    reg_end = regular["game_date"].max().date()
    rank_key = wins + tiebreak * 0.5
    seeds: dict[str, list[str]] = {}
    for conf in ("East", "West"):
        members = [t for t, c in zip(TRICODES, CONFERENCE) if c == conf]
        seeds[conf] = sorted(members, key=lambda t: -rank_key[t])[:8]
    seed_of = {t: i + 1 for conf in seeds for i, t in enumerate(seeds[conf])}
    # a series: [high, low, round, start, stagger, known_date]
    series = []
    for conf in ("East", "West"):
        s = seeds[conf]
        for k, (a, b) in enumerate(((0, 7), (3, 4), (2, 5), (1, 6))):
            series.append([s[a], s[b], 1, playoff_round_start(reg_end, 1), k % 2, reg_end])
    rows: list[dict] = []
    series_key = 0
    for round_number in (1, 2, 3, 4):
        current = [x for x in series if x[2] == round_number]
        wins_hi = np.zeros(len(current), dtype=int)
        wins_lo = np.zeros(len(current), dtype=int)
        end_dates = [None] * len(current)
        for g in range(7):
            active = np.flatnonzero((wins_hi < 4) & (wins_lo < 4))
            if len(active) == 0:
                break
            home = np.array([current[i][0] if PLAYOFF_HOME_PATTERN[g] else current[i][1] for i in active])
            away = np.array([current[i][1] if PLAYOFF_HOME_PATTERN[g] else current[i][0] for i in active])
            box = simulate_team_boxes(
                rng,
                env,
                strengths,
                pd.Series(home).map(TEAM_INDEX).to_numpy(),
                pd.Series(away).map(TEAM_INDEX).to_numpy(),
                playoff=True,
            )
            for j, i in enumerate(active):
                high, low, _, start, stagger, known = current[i]
                day = start + dt.timedelta(days=PLAYOFF_GAME_OFFSETS[g] + stagger)
                row = {"game_date": pd.Timestamp(day), "home": home[j], "away": away[j], "playoff_round": round_number}
                row.update({k: v[j] for k, v in box.items()})
                row["series_key"] = series_key + i
                row["known_date"] = pd.Timestamp(known)
                rows.append(row)
                home_won = box["h_pts"][j] > box["a_pts"][j]
                if (home[j] == high) == home_won:
                    wins_hi[i] += 1
                else:
                    wins_lo[i] += 1
                end_dates[i] = day
        winners = [c[0] if wins_hi[i] == 4 else c[1] for i, c in enumerate(current)]
        series_key += len(current)
        if round_number == 4:
            break
        next_start = playoff_round_start(reg_end, round_number + 1)
        nxt = []
        if round_number < 3:
            for conf_offset in (0, len(current) // 2):
                half = winners[conf_offset : conf_offset + len(current) // 2]
                ends = end_dates[conf_offset : conf_offset + len(current) // 2]
                for k in range(0, len(half), 2):
                    a, b = half[k], half[k + 1]
                    high, low = (a, b) if seed_of[a] < seed_of[b] else (b, a)
                    nxt.append([high, low, round_number + 1, next_start, (k // 2) % 2, max(ends[k], ends[k + 1])])
        else:
            a, b = winners
            high, low = (a, b) if rank_key[a] > rank_key[b] else (b, a)
            nxt.append([high, low, 4, next_start, 0, max(end_dates)])
        series += nxt
    games = pd.DataFrame(rows)
    games["nba_game_id"] = None
    games["data_source"] = "synthetic"
    games["season_type"] = "Playoffs"
    return games


def build_season_games(season_year: int, previous: TeamStrengths | None, rngs) -> tuple[pd.DataFrame, TeamStrengths]:
    """All games of a season with team boxes, simulated in full (masking by `through` happens later so that
    the past does not depend on the cut-off)."""
    env = league_env(season_year)
    if is_real_season(season_year):
        strengths = TeamStrengths.from_real(real_season_games(season_year), rngs("strengths"))
    elif previous is None:
        strengths = TeamStrengths.initial(rngs("strengths"))
    else:
        strengths = previous.next_season(rngs("strengths"))
    regular = _regular_season(season_year, env, strengths, rngs)
    playoffs = _playoffs(season_year, regular, env, strengths, rngs("playoffs"))
    games = pd.concat([regular, playoffs[regular.columns]], ignore_index=True)
    games = games.sort_values(["game_date", "home"], kind="stable").reset_index(drop=True)
    games["season_year"] = season_year
    games["game_id"] = games["game_date"].dt.strftime("%Y%m%d") + "_" + games["away"] + "_" + games["home"]
    games["tipoff_time"] = tipoff_times(games["game_date"], games["home"], rngs("tipoff")).to_numpy()
    for col in BOX_KEYS:
        for side in ("h", "a"):
            if col in ("pace", "poss", "off_rating", "def_rating"):
                games[f"{side}_{col}"] = games[f"{side}_{col}"].astype(float)
            else:
                games[f"{side}_{col}"] = games[f"{side}_{col}"].astype(np.int64)
    return games, strengths


def mark_cutoff(games: pd.DataFrame, through: dt.date | None) -> pd.DataFrame:
    """Adds `final` (played by `through`) and `kept` (on the schedule as of `through`): every regular-season
    game, playoff games already played, and the next game of each playoff series whose matchup is settled."""
    games = games.copy()
    if through is None:
        games["final"] = True
        games["kept"] = True
        return games
    cut = pd.Timestamp(through)
    games["final"] = (games["game_date"] <= cut).to_numpy()
    po = games["season_type"].eq("Playoffs")
    regular_done = bool(games.loc[~po, "final"].all())
    kept = ~po | games["final"]
    if regular_done:
        future = po & ~games["final"] & (games["known_date"] <= cut)
        first_future = games[future].sort_values("game_date", kind="stable").groupby("series_key").head(1).index
        kept.loc[first_future] = True
    games["kept"] = kept.to_numpy()
    return games
