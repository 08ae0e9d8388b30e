"""Team-level game simulation: league environment by season, team strengths, team box scores.

A team box is the shot profile the player box scores are later cut from: paint / mid-range / three
attempts and makes, free throws, turnovers, blocks, possessions. Real seasons give everything but the
paint/mid-range split of two-point shots, which `split_two_pointers` draws.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ._league_data import TRICODES

N_TEAMS = len(TRICODES)


@dataclass(frozen=True)
class LeagueEnv:
    pace: float
    ortg: float
    three_rate: float  # 3PA / FGA
    paint_share: float  # paint attempts / 2PA
    p_paint: float
    p_mid: float
    p_three: float
    p_ft: float
    fta_rate: float  # FTA / FGA
    tov_per_poss: float
    fga_per_poss: float
    blocks_per_game: float


_ENV_BY_SEASON = {
    2021: (98.2, 112.0, 0.393),
    2022: (99.2, 114.8, 0.387),
    2023: (98.5, 115.3, 0.395),
    2024: (98.9, 114.5, 0.421),
    2025: (99.6, 114.6, 0.425),
}


def league_env(season_year: int) -> LeagueEnv:
    pace, ortg, three_rate = _ENV_BY_SEASON.get(season_year, (100.0, 114.5, 0.43))
    return LeagueEnv(
        pace=pace,
        ortg=ortg,
        three_rate=three_rate,
        paint_share=0.70,
        p_paint=0.578,
        p_mid=0.415,
        p_three=0.360,
        p_ft=0.780,
        fta_rate=0.255,
        tov_per_poss=0.133,
        fga_per_poss=0.885,
        blocks_per_game=4.9,
    )


@dataclass
class TeamStrengths:
    """Per team (index = TRICODES order): rating points per 100 possessions above/below league average."""

    off: np.ndarray  # + = better offense
    defense: np.ndarray  # + = worse defense (more points allowed)
    pace: np.ndarray  # possessions per 48 above league
    three: np.ndarray  # 3PA share above league
    paint: np.ndarray  # paint share of 2PA above league

    def centered(self) -> TeamStrengths:
        """League averages stay the league's: strengths sum to zero."""
        return TeamStrengths(*(v - v.mean() for v in (self.off, self.defense, self.pace, self.three, self.paint)))

    @staticmethod
    def initial(rng: np.random.Generator) -> TeamStrengths:
        return TeamStrengths(
            off=rng.normal(0, 3.5, N_TEAMS),
            defense=rng.normal(0, 3.0, N_TEAMS),
            pace=rng.normal(0, 1.6, N_TEAMS),
            three=rng.normal(0, 0.03, N_TEAMS),
            paint=rng.normal(0, 0.035, N_TEAMS),
        ).centered()

    def next_season(self, rng: np.random.Generator) -> TeamStrengths:
        return TeamStrengths(
            off=0.6 * self.off + rng.normal(0, 2.8, N_TEAMS),
            defense=0.6 * self.defense + rng.normal(0, 2.4, N_TEAMS),
            pace=0.7 * self.pace + rng.normal(0, 1.1, N_TEAMS),
            three=0.7 * self.three + rng.normal(0, 0.02, N_TEAMS),
            paint=0.7 * self.paint + rng.normal(0, 0.02, N_TEAMS),
        ).centered()

    @staticmethod
    def from_real(games: pd.DataFrame, rng: np.random.Generator) -> TeamStrengths:
        """Strengths measured from a real season's team games (h_*/a_* columns)."""
        rows = []
        for side in ("h", "a"):
            team = games["home" if side == "h" else "away"]
            rows.append(
                pd.DataFrame(
                    {
                        "team": team.to_numpy(),
                        "off": games[f"{side}_off_rating"].to_numpy(),
                        "def": games[f"{side}_def_rating"].to_numpy(),
                        "pace": games[f"{side}_pace"].to_numpy(),
                        "three": (games[f"{side}_fg3a"] / games[f"{side}_fga"]).to_numpy(),
                    }
                )
            )
        per_team = pd.concat(rows).groupby("team").mean().reindex(list(TRICODES))
        league = per_team.mean()
        return TeamStrengths(
            off=(per_team["off"] - league["off"]).to_numpy(),
            defense=(per_team["def"] - league["def"]).to_numpy(),
            pace=(per_team["pace"] - league["pace"]).to_numpy(),
            three=(per_team["three"] - league["three"]).to_numpy(),
            paint=rng.normal(0, 0.035, N_TEAMS),
        )


def _shots(rng, env: LeagueEnv, poss, q, three_rate, paint_share) -> dict[str, np.ndarray]:
    n = len(poss)
    tov = rng.poisson(poss * env.tov_per_poss)
    fga = np.maximum(np.round(poss * env.fga_per_poss + rng.normal(0, 2.5, n)), 1).astype(np.int64)
    fta = rng.poisson(fga * env.fta_rate)
    fg3a = rng.binomial(fga, np.clip(three_rate, 0.15, 0.65))
    fg2a = fga - fg3a
    paint_att = rng.binomial(fg2a, np.clip(paint_share, 0.4, 0.9))
    mid_att = fg2a - paint_att
    paint_m = rng.binomial(paint_att, np.clip(env.p_paint * q, 0.2, 0.9))
    mid_m = rng.binomial(mid_att, np.clip(env.p_mid * q, 0.1, 0.8))
    fg3m = rng.binomial(fg3a, np.clip(env.p_three * q, 0.1, 0.7))
    ftm = rng.binomial(fta, env.p_ft)
    return {
        "tov": tov,
        "fga": fga,
        "fta": fta,
        "fg3a": fg3a,
        "paint_att": paint_att,
        "mid_att": mid_att,
        "paint_m": paint_m,
        "mid_m": mid_m,
        "fg3m": fg3m,
        "ftm": ftm,
    }


def _q0(env: LeagueEnv) -> float:
    """Shooting multiplier that makes the league's mean offensive rating equal env.ortg."""
    per_fga_shot = 2 * (1 - env.three_rate) * (env.paint_share * env.p_paint + (1 - env.paint_share) * env.p_mid)
    per_fga_shot += 3 * env.three_rate * env.p_three
    ft = env.fta_rate * env.p_ft
    return (env.ortg / 100 / env.fga_per_poss - ft) / per_fga_shot


_SHOT_KEYS = ("tov", "fga", "fta", "fg3a", "paint_att", "mid_att", "paint_m", "mid_m", "fg3m", "ftm")


def simulate_team_boxes(
    rng: np.random.Generator,
    env: LeagueEnv,
    strengths: TeamStrengths,
    home_idx: np.ndarray,
    away_idx: np.ndarray,
    playoff: bool = False,
) -> dict[str, np.ndarray]:
    """Box scores of games (home_idx[i] vs away_idx[i]); keys h_*/a_* like real_season_games, plus
    h_/a_ paint_att, paint_m, mid_att, mid_m. Ties go to overtime periods of 5 minutes."""
    n = len(home_idx)
    pace = env.pace + (strengths.pace[home_idx] + strengths.pace[away_idx]) / 2 + rng.normal(0, 2.6, n)
    if playoff:
        pace = pace - 2.0
    q0 = _q0(env)
    luck = rng.normal(0, 0.035, (2, n))
    box: dict[str, dict[str, np.ndarray]] = {}
    qs = {}
    for k, (side, team, opp, home_adj) in enumerate((("h", home_idx, away_idx, 1.3), ("a", away_idx, home_idx, -1.3))):
        rating = env.ortg + strengths.off[team] + strengths.defense[opp] + home_adj - (2.5 if playoff else 0.0)
        q = q0 * rating / env.ortg * np.exp(luck[k])
        qs[side] = q
        three = env.three_rate + strengths.three[team]
        paint = env.paint_share + strengths.paint[team]
        box[side] = _shots(rng, env, pace, q, three, paint)
    minutes = np.full(n, 240, dtype=np.int64)

    def points(b):
        return 2 * (b["paint_m"] + b["mid_m"]) + 3 * b["fg3m"] + b["ftm"]

    tied = points(box["h"]) == points(box["a"])
    while tied.any():
        idx = np.flatnonzero(tied)
        ot_poss = pace[idx] * 5 / 48
        for side, team in (("h", home_idx), ("a", away_idx)):
            extra = _shots(
                rng,
                env,
                ot_poss,
                qs[side][idx],
                env.three_rate + strengths.three[team[idx]],
                env.paint_share + strengths.paint[team[idx]],
            )
            for key in _SHOT_KEYS:
                box[side][key][idx] += extra[key]
        minutes[idx] += 25
        tied = points(box["h"]) == points(box["a"])
    poss = pace * minutes / 240
    out: dict[str, np.ndarray] = {}
    for side in ("h", "a"):
        b = box[side]
        pts = points(b)
        out[f"{side}_pts"] = pts
        out[f"{side}_fgm"] = b["paint_m"] + b["mid_m"] + b["fg3m"]
        out[f"{side}_fga"] = b["fga"]
        out[f"{side}_fg3m"] = b["fg3m"]
        out[f"{side}_fg3a"] = b["fg3a"]
        out[f"{side}_ftm"] = b["ftm"]
        out[f"{side}_fta"] = b["fta"]
        out[f"{side}_tov"] = b["tov"]
        out[f"{side}_blk"] = rng.poisson(env.blocks_per_game, n)
        out[f"{side}_min"] = minutes
        out[f"{side}_pace"] = np.round(pace, 1)
        out[f"{side}_poss"] = np.round(poss, 1)
        out[f"{side}_paint_att"] = b["paint_att"]
        out[f"{side}_paint_m"] = b["paint_m"]
        out[f"{side}_mid_att"] = b["mid_att"]
        out[f"{side}_mid_m"] = b["mid_m"]
    for side, opp in (("h", "a"), ("a", "h")):
        out[f"{side}_off_rating"] = np.round(100 * out[f"{side}_pts"] / poss, 1)
        out[f"{side}_def_rating"] = np.round(100 * out[f"{opp}_pts"] / poss, 1)
    return out


def split_two_pointers(
    rng: np.random.Generator, env: LeagueEnv, fg2a: np.ndarray, fg2m: np.ndarray, paint_share: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Paint / mid-range attempts and makes that add up to the given two-point attempts and makes."""
    paint_att = rng.binomial(fg2a, np.clip(paint_share, 0.4, 0.9))
    mid_att = fg2a - paint_att
    num = paint_att * env.p_paint
    den = num + mid_att * env.p_mid
    share = np.divide(num, den, out=np.zeros(len(den)), where=den > 0)
    paint_m = rng.binomial(fg2m, share)
    paint_m = np.clip(paint_m, np.maximum(0, fg2m - mid_att), np.minimum(paint_att, fg2m))
    mid_m = fg2m - paint_m
    return paint_att, paint_m, mid_att, mid_m


def split_blocks(
    rng: np.random.Generator, blocks: np.ndarray, paint_miss: np.ndarray, mid_miss: np.ndarray, three_miss: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A defending team's blocks by the zone of the blocked (missed) opponent shot."""
    b_paint = np.minimum(rng.binomial(blocks, 0.72), paint_miss)
    rest = blocks - b_paint
    b_mid = np.minimum(rng.binomial(rest, 0.68), mid_miss)
    b_three = np.minimum(rest - b_mid, three_miss)
    return b_paint, b_mid, b_three
