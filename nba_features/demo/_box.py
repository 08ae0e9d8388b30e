"""Player game rows: who is on the roster, who is out, who plays how long, and the player box scores
cut from the team box so that every team total adds up exactly."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ._league_data import INJURY_REASONS

# expected minutes and coach's-decision DNP probability by rank among the available players
MIN_BASE = np.array([36.5, 35, 34, 32.5, 30.5, 25, 21, 17, 12.5, 8, 5, 3.5, 3, 2.5, 2, 2, 2, 2, 2, 2], dtype=float)
P_DNP = np.array([0, 0, 0, 0, 0, 0, 0.01, 0.03, 0.08, 0.2, 0.45, 0.6, 0.7, 0.78, 0.85, 0.88, 0.9, 0.9, 0.9, 0.9])
USAGE_POWER = 1.0
MIN_AVAILABLE = 9
EXTRA_TEAM_KEYS = ("blk_paint", "blk_mid", "blk_three")


def usage_of(skill: np.ndarray, bias: np.ndarray) -> np.ndarray:
    return np.clip(8 + 0.5 * (skill - 40) + bias, 8, 38)


def team_games(games: pd.DataFrame) -> pd.DataFrame:
    """Two rows per game (home first): tg_key, game_key, team, opp, is_home, game_date and the team box."""
    from ._season import BOX_KEYS

    parts = []
    for side, opp_side, is_home in (("h", "a", True), ("a", "h", False)):
        part = pd.DataFrame(
            {
                "game_key": games["game_key"].to_numpy(),
                "team": games["home" if is_home else "away"].to_numpy(),
                "opp": games["away" if is_home else "home"].to_numpy(),
                "is_home": is_home,
                "game_date": games["game_date"].to_numpy(),
                "season_year": games["season_year"].to_numpy(),
                "final": games["final"].to_numpy(),
            }
        )
        for k in BOX_KEYS + EXTRA_TEAM_KEYS:
            if f"{side}_{k}" in games:
                part[k] = games[f"{side}_{k}"].to_numpy()
                part[f"opp_{k}"] = games[f"{opp_side}_{k}"].to_numpy()
        for flag in ("kept",):
            if flag in games:
                part[flag] = games[flag].to_numpy()
        part["tg_key"] = part["game_key"] * 2 + (0 if is_home else 1)
        parts.append(part)
    out = pd.concat(parts, ignore_index=True).sort_values("tg_key").reset_index(drop=True)
    return out


def roster_rows(tg: pd.DataFrame, stints: pd.DataFrame) -> pd.DataFrame:
    """One row per (team game, rostered player)."""
    m = tg[["tg_key", "team", "game_date"]].merge(stints, on="team")
    m = m[(m["start"] <= m["game_date"]) & (m["game_date"] < m["end"])]
    return m[["tg_key", "pid"]].sort_values(["tg_key", "pid"]).reset_index(drop=True)


def availability(pg: pd.DataFrame, spells: pd.DataFrame, skill: np.ndarray, rng: np.random.Generator) -> pd.DataFrame:
    """Adds report_status (Out/Doubtful/Questionable/Probable or None), reason, sits (inactive) and
    rank (skill rank among the available players of the team game; -1 when inactive)."""
    n = len(pg)
    pg = pg.copy()
    pg["row"] = np.arange(n)
    hit = pg[["row", "pid", "game_date"]].merge(spells, on="pid")
    hit = hit[(hit["start"] <= hit["game_date"]) & (hit["game_date"] < hit["end"])].drop_duplicates("row")
    in_spell = np.zeros(n, dtype=bool)
    in_spell[hit["row"].to_numpy()] = True
    reason = np.full(n, None, dtype=object)
    reason[hit["row"].to_numpy()] = hit["reason"].to_numpy()
    status = np.full(n, None, dtype=object)
    sits = np.zeros(n, dtype=bool)
    u, u2, u3 = rng.random(n), rng.random(n), rng.random(n)
    out_now = in_spell & (u < 0.85)
    doubtful = in_spell & ~out_now
    status[out_now] = "Out"
    status[doubtful] = "Doubtful"
    sits |= out_now | (doubtful & (u2 < 0.8))
    # first game back after a spell: often listed questionable, plays
    order = np.lexsort((pg["game_date"].to_numpy(), pg["pid"].to_numpy()))
    prev_in_spell = np.zeros(n, dtype=bool)
    same = pg["pid"].to_numpy()[order][1:] == pg["pid"].to_numpy()[order][:-1]
    prev_in_spell[order[1:]] = same & in_spell[order[:-1]]
    prev_reason = np.full(n, None, dtype=object)
    prev_reason[order[1:]] = np.where(same, reason[order[:-1]], None)
    returning = prev_in_spell & ~in_spell & (u < 0.5)
    status[returning] = "Questionable"
    reason[returning] = prev_reason[returning]
    healthy = ~in_spell & ~returning
    gtd = healthy & (u3 < 0.03)
    status[gtd] = "Questionable"
    sits |= gtd & (u2 < 0.3)
    probable = healthy & (u3 >= 0.03) & (u3 < 0.05)
    status[probable] = "Probable"
    fresh = gtd | probable
    reason[fresh] = np.array(INJURY_REASONS[:-1], dtype=object)[rng.integers(0, len(INJURY_REASONS) - 1, fresh.sum())]
    pg["skill"] = skill[pg["pid"].to_numpy()]
    # keep at least MIN_AVAILABLE players: the best inactive ones are upgraded to questionable and play
    pg["sits"] = sits
    n_avail = (~pg["sits"]).groupby(pg["tg_key"]).transform("sum")
    short = (n_avail < MIN_AVAILABLE) & pg["sits"]
    if short.any():
        cand = pg[short].sort_values(["tg_key", "skill"], ascending=[True, False])
        need = (MIN_AVAILABLE - n_avail[cand.index]).to_numpy()
        pick = cand.index[cand.groupby("tg_key").cumcount().to_numpy() < need]
        pg.loc[pick, "sits"] = False
        status_arr = np.asarray(status)
        status_arr[pick] = "Questionable"
        status = status_arr
    pg["report_status"] = status
    pg["reason"] = reason
    avail = ~pg["sits"].to_numpy()
    key = np.lexsort((-pg["skill"].to_numpy(), ~avail, pg["tg_key"].to_numpy()))
    slot = np.empty(n, dtype=np.int64)
    tg_sorted = pg["tg_key"].to_numpy()[key]
    starts = np.r_[0, np.flatnonzero(tg_sorted[1:] != tg_sorted[:-1]) + 1]
    counts = np.diff(np.r_[starts, n])
    slot[key] = np.arange(n) - np.repeat(starts, counts)
    pg["slot"] = slot
    pg["rank"] = np.where(avail, slot, -1)
    return pg.drop(columns=["row"])


def _scatter(tg_pos: np.ndarray, slot: np.ndarray, values: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    out = np.zeros(shape, dtype=np.asarray(values).dtype)
    out[tg_pos, slot] = values
    return out


def multinomial_rows(rng: np.random.Generator, n: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Row-wise multinomial draws (n[i] items over weights[i, :]); zero weight never receives items."""
    n = np.asarray(n, dtype=np.int64)
    w = np.asarray(weights, dtype=float)
    tail = np.cumsum(w[:, ::-1], axis=1)[:, ::-1]
    with np.errstate(divide="ignore", invalid="ignore"):
        p = np.where(tail > 0, w / tail, 0.0)
    p = np.where((w > 0) & (tail - w <= 0), 1.0, p)
    p = np.clip(p, 0.0, 1.0)
    out = np.zeros(w.shape, dtype=np.int64)
    rem = n.copy()
    for s in range(w.shape[1]):
        x = rng.binomial(rem, p[:, s])
        out[:, s] = x
        rem -= x
    if (rem != 0).any():
        raise AssertionError("multinomial_rows: items left over (a row has items but no positive weight)")
    return out


def hypergeometric_rows(rng: np.random.Generator, good: np.ndarray, draws: np.ndarray) -> np.ndarray:
    """Split good[i] successes among the columns of draws[i, :] (e.g. makes among players' attempts)."""
    good = np.asarray(good, dtype=np.int64).copy()
    total = draws.sum(axis=1)
    out = np.zeros(draws.shape, dtype=np.int64)
    for s in range(draws.shape[1]):
        ns = draws[:, s]
        x = rng.hypergeometric(good, total - good, ns)
        out[:, s] = x
        good -= x
        total -= ns
    return out


def allocate_boxes(pg: pd.DataFrame, tg: pd.DataFrame, players: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Player box scores of the final games in `pg` (rows of non-final games get NaN stats).

    Team totals (minutes, zone attempts/makes, free throws, turnovers) are split among the players who play,
    weighted by minutes x usage^USAGE_POWER x zone preference, so that each sum equals the team's total.
    """
    pg = pg.copy()
    tgi = tg.set_index("tg_key")
    final_tg = tgi.index[tgi["final"].to_numpy()]
    is_final = pg["tg_key"].isin(final_tg).to_numpy()
    f = pg[is_final]
    tg_f = tgi.loc[np.unique(f["tg_key"].to_numpy())]
    tg_pos = np.searchsorted(tg_f.index.to_numpy(), f["tg_key"].to_numpy())
    n_tg = len(tg_f)
    S = int(f["slot"].max()) + 1 if len(f) else 1
    shape = (n_tg, S)
    slot = f["slot"].to_numpy()
    rank = f["rank"].to_numpy()
    avail = rank >= 0
    pid = f["pid"].to_numpy()
    margin = np.abs(tg_f["pts"].to_numpy() - tg_f["opp_pts"].to_numpy())
    blowout = (margin >= 20)[tg_pos]
    r = np.clip(rank, 0, len(MIN_BASE) - 1)
    p_dnp = np.where(avail, P_DNP[r], 1.0) * np.where(blowout, 0.35, 1.0)
    dnp = avail & (rng.random(len(f)) < p_dnp)
    plays = avail & ~dnp
    raw = MIN_BASE[r] * rng.lognormal(0, 0.13, len(f))
    raw = raw * np.where(blowout & (rank < 5), 0.9, 1.0) * np.where(blowout & (rank >= 8), 1.9, 1.0)
    raw = np.where(plays, np.maximum(raw, 1.0), 0.0)
    team_minutes = tg_f["min"].to_numpy().astype(float)
    raw_m = _scatter(tg_pos, slot, raw, shape)
    scaled = raw_m / raw_m.sum(axis=1, keepdims=True) * team_minutes[:, None]
    tenths = np.floor(scaled * 10).astype(np.int64)
    deficit = (team_minutes * 10).astype(np.int64) - tenths.sum(axis=1)
    top = np.argmax(tenths, axis=1)
    tenths[np.arange(n_tg), top] += deficit
    minutes_m = tenths / 10.0
    skill = f["skill"].to_numpy()
    usage = usage_of(skill, players["usage_bias"].to_numpy()[pid])
    w = _scatter(tg_pos, slot, np.where(plays, usage**USAGE_POWER, 0.0), shape) * minutes_m
    pref = {z: _scatter(tg_pos, slot, players[f"{z}_pref"].to_numpy()[pid], shape) for z in ("paint", "mid", "three")}
    ft_rate = _scatter(tg_pos, slot, players["ft_rate"].to_numpy()[pid], shape)
    stats: dict[str, np.ndarray] = {}
    for zone, att_key, make_key in (("paint", "paint_att", "paint_m"), ("mid", "mid_att", "mid_m"), ("three", "fg3a", "fg3m")):
        att = multinomial_rows(rng, tg_f[att_key].to_numpy(), w * pref[zone])
        stats[f"{zone}_att"] = att
        stats[f"{zone}_m"] = hypergeometric_rows(rng, tg_f[make_key].to_numpy(), att)
    stats["fta"] = multinomial_rows(rng, tg_f["fta"].to_numpy(), w * ft_rate)
    stats["ftm"] = hypergeometric_rows(rng, tg_f["ftm"].to_numpy(), stats["fta"])
    stats["tov"] = multinomial_rows(rng, tg_f["tov"].to_numpy(), w)
    g = {k: v[tg_pos, slot] for k, v in stats.items()}
    mins = minutes_m[tg_pos, slot]
    ap = players["assisted_p"].to_numpy()[pid]
    assisted = (
        rng.binomial(g["paint_m"], np.clip(ap * 0.95, 0, 1))
        + rng.binomial(g["mid_m"], np.clip(ap * 0.6, 0, 1))
        + rng.binomial(g["three_m"], np.clip(ap * 1.35, 0, 0.97))
    )
    fga = g["paint_att"] + g["mid_att"] + g["three_att"]
    fgm = g["paint_m"] + g["mid_m"] + g["three_m"]
    pts = 2 * (g["paint_m"] + g["mid_m"]) + 3 * g["three_m"] + g["ftm"]
    team_min = team_minutes[tg_pos]
    team_plays = (tg_f["fga"].to_numpy() + 0.44 * tg_f["fta"].to_numpy() + tg_f["tov"].to_numpy())[tg_pos]
    with np.errstate(divide="ignore", invalid="ignore"):
        usage_rate = 100 * (fga + 0.44 * g["fta"] + g["tov"]) * (team_min / 5) / (mins * team_plays)
        ts_den = 2 * (fga + 0.44 * g["fta"])
        ts = np.where(ts_den > 0, pts / ts_den, np.nan)
    q4_share = np.clip(rng.normal(0.245, 0.06, len(f)), 0.0, 0.6)
    q4_share = q4_share * np.where(blowout & (rank < 5), 0.35, 1.0) * np.where(blowout & (rank >= 8), 1.8, 1.0)
    ot = (team_min - 240) / 5
    q4 = np.round(np.minimum(np.minimum(mins * q4_share, 12 + ot), mins), 1)
    nan = np.where(plays, 1.0, np.nan)
    cols = {
        "minutes": mins * nan,
        "points": pts * nan,
        "fg_attempts": fga * nan,
        "fg_makes": fgm * nan,
        "three_pt_attempts": g["three_att"] * nan,
        "three_pt_makes": g["three_m"] * nan,
        "paint_attempts": g["paint_att"] * nan,
        "paint_makes": g["paint_m"] * nan,
        "mid_range_attempts": g["mid_att"] * nan,
        "mid_range_makes": g["mid_m"] * nan,
        "ft_attempts": g["fta"] * nan,
        "ft_makes": g["ftm"] * nan,
        "assisted_fg_makes": assisted * nan,
        "unassisted_fg_makes": (fgm - assisted) * nan,
        "turnovers": g["tov"] * nan,
        "usage_rate": np.round(np.clip(usage_rate, 0, 100), 2) * nan,
        "ts_pct": np.round(ts, 3) * nan,
        "q4_minutes": q4 * nan,
    }
    for name in cols:
        pg[name] = np.nan
        pg.loc[is_final, name] = cols[name]
    pg["final"] = is_final
    pg["dnp"] = False
    pg.loc[is_final, "dnp"] = dnp
    pg["starter"] = False
    pg.loc[is_final, "starter"] = plays & (rank < 5)
    pg["blowout"] = False
    pg.loc[is_final, "blowout"] = blowout
    return pg


def expected_shares(pg: pd.DataFrame, players: pd.DataFrame) -> np.ndarray:
    """Pre-game expected share of the team's points per player row (0 for inactive players)."""
    rank = pg["rank"].to_numpy()
    avail = rank >= 0
    r = np.clip(rank, 0, len(MIN_BASE) - 1)
    exp_min = np.where(avail, MIN_BASE[r] * (1 - P_DNP[r]), 0.0)
    usage = usage_of(pg["skill"].to_numpy(), players["usage_bias"].to_numpy()[pg["pid"].to_numpy()])
    w = exp_min * usage**USAGE_POWER
    total = pd.Series(w).groupby(pg["tg_key"].to_numpy()).transform("sum").to_numpy()
    return np.where(total > 0, w / total, 0.0)
