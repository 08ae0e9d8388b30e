"""Players of the demo league: population, aging, roster turnover, trades and injuries.

A player has a peak `talent` (skill at ages 27-31) and a style (shot-zone preferences, free-throw
rate, share of assisted makes, usage bias). Skill in a season = talent + an age curve + season form.
Roles inside a team follow the skill rank among the players available for a game.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ._league_data import FIRST_NAMES, INJURY_REASONS, LAST_NAMES, REST_REASON, TRICODES

ROSTER_SIZE = 15
GUARD, FORWARD, CENTER = 0, 1, 2
_ZONE_PREF = {GUARD: (0.31, 0.19, 0.50), FORWARD: (0.43, 0.19, 0.38), CENTER: (0.70, 0.13, 0.17)}  # paint, mid, three
_FT_RATE = {GUARD: 0.22, FORWARD: 0.25, CENTER: 0.31}
_ASSISTED = {GUARD: 0.45, FORWARD: 0.62, CENTER: 0.76}
_SKILL_TEMPLATE = np.array([86, 78, 72, 68, 65, 62, 59, 56, 53, 50, 47, 44, 42, 40, 38], dtype=float)
_SUFFIXES = ("Jr.", "II", "III", "IV")


def age_curve(age: np.ndarray) -> np.ndarray:
    age = np.asarray(age, dtype=float)
    return -1.5 * np.maximum(0, 27 - age) - 2.0 * np.maximum(0, age - 31) - 2.0 * np.maximum(0, age - 35)


def lookup_of(full_name: str) -> str:
    """Legacy player_lookup: the full name lower-cased, letters and digits only ('LeBron James Jr.' -> 'lebronjamesjr')."""
    return re.sub(r"[^a-z0-9]", "", full_name.lower())


def age_on(birth_dates: np.ndarray, day: np.ndarray) -> np.ndarray:
    """Whole years between birth dates and days (both datetime64[D] arrays)."""
    b = pd.DatetimeIndex(birth_dates)
    d = pd.DatetimeIndex(day)
    years = d.year - b.year
    before_birthday = (d.month < b.month) | ((d.month == b.month) & (d.day < b.day))
    return np.asarray(years - before_birthday.astype(int))


@dataclass
class League:
    """Mutable league state carried from one season to the next."""

    rng: np.random.Generator
    columns: dict[str, list] = field(default_factory=lambda: {k: [] for k in _PLAYER_FIELDS})
    lookups: set[str] = field(default_factory=set)
    rosters: dict[str, list[int]] = field(default_factory=dict)

    # ----------------------------------------------------------------------------------------------- players
    def _unique_name(self) -> tuple[str, str]:
        rng = self.rng
        for attempt in range(1000):
            first = FIRST_NAMES[rng.integers(len(FIRST_NAMES))]
            last = LAST_NAMES[rng.integers(len(LAST_NAMES))]
            full = f"{first} {last}"
            if attempt > 20:
                full = f"{full} {_SUFFIXES[attempt % len(_SUFFIXES)]}"
            if lookup_of(full) not in self.lookups:
                return full, lookup_of(full)
        raise RuntimeError("could not find a unique player name")

    def add_players(self, season_year: int, skills: np.ndarray, ages: np.ndarray) -> list[int]:
        """New players with the given skill this season and age on February 1 of the season."""
        rng = self.rng
        pids = []
        for skill, age in zip(skills, ages):
            full, lookup = self._unique_name()
            self.lookups.add(lookup)
            position = int(rng.choice(3, p=[0.42, 0.38, 0.20]))
            pref = rng.dirichlet(np.array(_ZONE_PREF[position]) * 40)
            ref = dt.date(season_year + 1, 2, 1)
            birth = ref - dt.timedelta(days=int(age) * 365 + int(age) // 4 + int(rng.integers(1, 365)))
            talent = float(skill) - float(age_curve(np.array([age]))[0])
            star = skill >= 80
            pid = len(self.columns["player_lookup"])
            values = {
                "player_lookup": lookup,
                "full_name": full,
                "universal_player_id": f"{lookup}_001",
                "birth_date": np.datetime64(birth, "D"),
                "position": position,
                "talent": talent,
                "paint_pref": pref[0],
                "mid_pref": pref[1],
                "three_pref": pref[2],
                "ft_rate": _FT_RATE[position] * float(rng.lognormal(0, 0.25)) * (1.35 if star else 1.0),
                "assisted_p": float(np.clip(_ASSISTED[position] + rng.normal(0, 0.06) - (0.14 if star else 0), 0.2, 0.95)),
                "usage_bias": float(rng.normal(0, 2.3)),
                "durability": float(rng.lognormal(0, 0.4)),
                "form": 0.0,
            }
            for key, value in values.items():
                self.columns[key].append(value)
            pids.append(pid)
        return pids

    def frame(self) -> pd.DataFrame:
        out = pd.DataFrame(self.columns)
        out["birth_date"] = pd.to_datetime(out["birth_date"])
        return out

    def skills(self, season_year: int) -> np.ndarray:
        """Skill of every player this season (talent + age curve at February 1 + season form)."""
        births = np.array(self.columns["birth_date"], dtype="datetime64[D]")
        ref = np.full(len(births), np.datetime64(dt.date(season_year + 1, 2, 1), "D"))
        ages = age_on(births, ref)
        return np.array(self.columns["talent"]) + age_curve(ages) + np.array(self.columns["form"])

    def ages(self, season_year: int) -> np.ndarray:
        births = np.array(self.columns["birth_date"], dtype="datetime64[D]")
        return age_on(births, np.full(len(births), np.datetime64(dt.date(season_year + 1, 2, 1), "D")))

    # ----------------------------------------------------------------------------------------------- rosters
    def initial_rosters(self, season_year: int) -> None:
        rng = self.rng
        for team in TRICODES:
            skills = _SKILL_TEMPLATE + rng.normal(0, 3.5, ROSTER_SIZE)
            if rng.random() < 0.25:
                skills[0] += 6
            if rng.random() < 0.30:
                skills[1] += 5
            ages = np.clip(np.round(rng.normal(26.8, 3.6, ROSTER_SIZE)), 21, 34)
            for r in range(10, ROSTER_SIZE):
                u = rng.random()
                if u < 0.45:
                    ages[r] = rng.integers(20, 24)
                elif u < 0.65:
                    ages[r] = rng.integers(32, 40)
            if rng.random() < 0.4:  # a veteran leader
                ages[int(rng.integers(3, 9))] = rng.integers(33, 38)
            self.rosters[team] = self.add_players(season_year, skills, ages)
        self._new_forms()

    def _new_forms(self) -> None:
        self.columns["form"] = list(self.rng.normal(0, 2.0, len(self.columns["form"])))

    def offseason(self, season_year: int) -> None:
        """Turn last season's final rosters into this season's: aging (implicit), retirements,
        releases, free-agent moves, rookies and new signings."""
        rng = self.rng
        self._new_forms()
        skills = self.skills(season_year)
        ages = self.ages(season_year)
        pool: list[int] = []
        for team in TRICODES:
            kept = []
            for pid in self.rosters[team]:
                age = ages[pid]
                p_retire = 1.0 if age >= 41 else (0.10 + 0.11 * (age - 34) if age >= 34 else 0.0)
                if rng.random() < p_retire:
                    continue
                if skills[pid] < 41 and rng.random() < 0.35:
                    continue
                if rng.random() < 0.13:
                    pool.append(pid)
                    continue
                kept.append(pid)
            self.rosters[team] = kept
        pool = [pool[i] for i in rng.permutation(len(pool))]
        order = [TRICODES[i] for i in rng.permutation(len(TRICODES))]
        lottery = set(order[:3])
        for team in order:
            need = ROSTER_SIZE - len(self.rosters[team])
            from_pool = min(len(pool), need // 2 + (need % 2))
            self.rosters[team] += pool[:from_pool]
            pool = pool[from_pool:]
            need -= from_pool
            if need > 0:
                n_rookies = min(need, 2 if team in lottery else int(rng.integers(1, 3)))
                r_skill = rng.normal(47, 6, n_rookies)
                if team in lottery:
                    r_skill[0] = rng.normal(66, 5)
                r_age = rng.integers(20, 24, n_rookies)
                v_skill = rng.normal(49, 6, need - n_rookies)
                v_age = rng.integers(23, 33, need - n_rookies)
                self.rosters[team] += self.add_players(
                    season_year, np.concatenate([r_skill, v_skill]), np.concatenate([r_age, v_age])
                )
        for team in TRICODES:
            self.rosters[team] = self.rosters[team][:ROSTER_SIZE]

    def trades(self, season_year: int, deadline: dt.date, season_end: dt.date, n_trades: int = 5) -> pd.DataFrame:
        """Player stints (pid, team, start, end exclusive) of the season, with `n_trades` one-for-one
        trades in the two weeks before the deadline. Updates self.rosters to the post-trade rosters."""
        rng = self.rng
        skills = self.skills(season_year)
        season_start = pd.Timestamp(dt.date(season_year, 9, 1))
        season_stop = pd.Timestamp(season_end) + pd.Timedelta(days=1)
        current = {team: list(pids) for team, pids in self.rosters.items()}
        moved: set[int] = set()
        trade_rows = []
        for _ in range(n_trades):
            t1, t2 = rng.choice(len(TRICODES), 2, replace=False)
            team1, team2 = TRICODES[int(t1)], TRICODES[int(t2)]
            picks = []
            for team in (team1, team2):
                ranked = sorted(current[team], key=lambda p: -skills[p])
                candidates = [p for p in ranked[2:12] if p not in moved]
                picks.append(candidates[int(rng.integers(len(candidates)))])
            day = deadline - dt.timedelta(days=int(rng.integers(0, 14)))
            p1, p2 = picks
            current[team1].remove(p1)
            current[team2].remove(p2)
            current[team1].append(p2)
            current[team2].append(p1)
            moved.update(picks)
            effective = pd.Timestamp(day) + pd.Timedelta(days=1)
            trade_rows += [(p1, team1, team2, effective), (p2, team2, team1, effective)]
        stints = []
        traded = {row[0]: row for row in trade_rows}
        for team, pids in self.rosters.items():
            for pid in pids:
                if pid in traded:
                    _, old, new, eff = traded[pid]
                    stints.append((pid, old, season_start, eff))
                    stints.append((pid, new, eff, season_stop))
                else:
                    stints.append((pid, team, season_start, season_stop))
        self.rosters = current
        return pd.DataFrame(stints, columns=["pid", "team", "start", "end"])

    def injuries(self, season_year: int, first_day: dt.date, last_day: dt.date, pids: list[int]) -> pd.DataFrame:
        """Injury spells (pid, start, end exclusive, reason) and single-game rests of veteran stars."""
        rng = self.rng
        skills = self.skills(season_year)
        ages = self.ages(season_year)
        durability = np.array(self.columns["durability"])
        span = (last_day - first_day).days
        rows = []
        for pid in pids:
            lam = 0.75 * durability[pid] * (1 + 0.05 * max(0, ages[pid] - 28))
            for _ in range(rng.poisson(lam)):
                start = first_day + dt.timedelta(days=int(rng.integers(0, span)))
                u = rng.random()
                if u < 0.55:
                    length = int(rng.integers(1, 7))
                elif u < 0.85:
                    length = int(rng.integers(7, 21))
                elif u < 0.97:
                    length = int(rng.integers(21, 46))
                else:
                    length = int(rng.integers(46, 100))
                reason = INJURY_REASONS[int(rng.integers(len(INJURY_REASONS)))]
                rows.append((pid, start, start + dt.timedelta(days=length), reason))
            if ages[pid] >= 31 and skills[pid] >= 70:
                for _ in range(rng.poisson(3)):
                    start = first_day + dt.timedelta(days=int(rng.integers(0, span)))
                    rows.append((pid, start, start + dt.timedelta(days=1), REST_REASON))
        out = pd.DataFrame(rows, columns=["pid", "start", "end", "reason"])
        out["start"] = pd.to_datetime(out["start"])
        out["end"] = pd.to_datetime(out["end"])
        return out


_PLAYER_FIELDS = (
    "player_lookup",
    "full_name",
    "universal_player_id",
    "birth_date",
    "position",
    "talent",
    "paint_pref",
    "mid_pref",
    "three_pref",
    "ft_rate",
    "assisted_p",
    "usage_bias",
    "durability",
    "form",
)
