"""Deterministic demo league: every Phase 3 / raw table the Phase 4 assets read, for N seasons.

`generate_league(seasons, start_season, seed)` returns one DataFrame per table (keys are full table
names); each frame has exactly the columns of its DDL in schemas/, in DDL order, with the dtypes of
docs/CONVENTIONS.md. The same arguments give identical frames.

What is real and what is synthetic
- Seasons 2022-23, 2023-24 and 2024-25 (season_year 2022-2024) use the real regular-season schedule,
  results and team box scores of the `isapy-data` package (nba_games_*.csv + nba_adv_team_*.csv: pace,
  offensive/defensive rating, possessions). Paint/mid-range splits of two-point shots and everything
  about players are synthetic and add up to the real team totals.
- Other seasons (2021-22, 2025-26, ...) are synthetic with the same shapes: a real-shaped calendar
  (opening night, Thanksgiving and Christmas Eve off, a six-day All-Star break, 82 games per team ending
  mid-April), team strengths that carry over between seasons, NBA-like pace (~99) and ratings (~114).
- Every season ends with a simplified 16-team playoff bracket (best of seven, done by mid-June).
- 30 teams x 15 players with a skill, age and style; rosters carry over between seasons (aging,
  retirements, free agency, rookies); five one-for-one trades before each trade deadline; injury spells,
  rest days and game-time decisions (inactive players, injury report); coach's-decision DNPs.
- Markets: game totals/spreads and player points props from pre-game information only; odds_api
  snapshots from several books (opening line, later moves, and a post-tip-off live line that tracks the
  actual outcome, so a point-in-time leak shows); BettingPros lines (points plus other markets, DFS books)
  covering some players odds_api lacks.

`through`: games after that date are scheduled (game_status 1) and have no box scores; they still get
pre-game rows (upcoming contexts, pre-tip-off odds, injury report), for every scheduled game or, with
`upcoming_days`, for games at most that many days after `through`. Playoff games are only on the
schedule once their matchup is settled by `through` (the next game of each live series).
Everything dated on or before `through` is the same whatever the cut-off.
"""

from __future__ import annotations

import datetime as dt
import zlib

import numpy as np
import pandas as pd

from ._box import allocate_boxes, availability, expected_shares, roster_rows, team_games
from ._history import History, day_number
from ._league_data import BETTINGPROS_BOOKS, ODDS_API_BOOKS, TEAM_INDEX
from ._players import League, age_on
from ._schedule import season_start, trade_deadline
from ._season import build_season_games, mark_cutoff
from ._tables import GENERATED_TABLES, conform, row_hash
from ._team_sim import league_env, split_blocks

DEFAULT_SEED = 20211019

__all__ = [
    "DEFAULT_SEED",
    "TABLES",
    "generate_league",
    "generate_prediction_accuracy",
    "season_start_dates",
]

TABLES: tuple[str, ...] = GENERATED_TABLES

# probability that a player has points props, by rank among the available players of his team
_P_PROPS = np.array([0.97, 0.95, 0.92, 0.85, 0.8, 0.6, 0.45, 0.35, 0.25, 0.15, 0.04, 0.02, 0, 0, 0, 0, 0, 0, 0, 0])
_STAR_POINTS = 18.0
_DK = [name for name, _ in ODDS_API_BOOKS].index("draftkings")
_MIN_LINE = 3.5


def season_start_dates(seasons: int, start_season: int) -> dict[int, dt.date]:
    """Opening night of each season (season_year -> date): real first game dates for the isapy-data
    seasons, otherwise the first Tuesday on or after October 18."""
    return {y: season_start(y) for y in range(start_season, start_season + seasons)}


def _rng_factory(seed: int, season: int):
    def make(stream: str) -> np.random.Generator:
        return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(season, zlib.crc32(stream.encode()))))

    return make


def _to_half(x: np.ndarray) -> np.ndarray:
    """Nearest x.5 line (books quote points props at half points)."""
    return np.floor(np.asarray(x, dtype=float)) + 0.5


def _nearest_half(x: np.ndarray) -> np.ndarray:
    return np.round(np.asarray(x, dtype=float) * 2) / 2


def _american(price: np.ndarray) -> np.ndarray:
    """American odds from a 'cents around -100' value: -95 becomes +105."""
    price = np.asarray(price, dtype=float)
    return np.where(price > -100, price + 200, price)


# ------------------------------------------------------------------------------------------------------ league
def _simulate(seasons: int, start_season: int, seed: int):
    """Simulate every season in full (all games played). Random draws never depend on `through`."""
    league = League(rng=np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(0, zlib.crc32(b"league")))))
    all_games, all_pg = [], []
    strengths = None
    key_offset = 0
    for k, season_year in enumerate(range(start_season, start_season + seasons)):
        rngs = _rng_factory(seed, season_year)
        if k == 0:
            league.initial_rosters(season_year)
        else:
            league.offseason(season_year)
        games, strengths = build_season_games(season_year, strengths, rngs)
        games["game_key"] = key_offset + np.arange(len(games))
        key_offset += len(games)
        rng = rngs("blocks")
        for side, opp in (("h", "a"), ("a", "h")):
            blocks = split_blocks(
                rng,
                games[f"{side}_blk"].to_numpy(),
                (games[f"{opp}_paint_att"] - games[f"{opp}_paint_m"]).to_numpy(),
                (games[f"{opp}_mid_att"] - games[f"{opp}_mid_m"]).to_numpy(),
                (games[f"{opp}_fg3a"] - games[f"{opp}_fg3m"]).to_numpy(),
            )
            for name, values in zip(("blk_paint", "blk_mid", "blk_three"), blocks):
                games[f"{side}_{name}"] = values
        games["final"] = True
        tg = team_games(games)
        last_day = games["game_date"].max().date()
        stints = league.trades(season_year, trade_deadline(season_year), last_day)
        skills = league.skills(season_year)
        first_day = games["game_date"].min().date() - dt.timedelta(days=7)
        spells = league.injuries(season_year, first_day, last_day, sorted(stints["pid"].unique().tolist()))
        pg = roster_rows(tg, stints)
        pg = pg.merge(tg[["tg_key", "game_key", "team", "opp", "is_home", "game_date", "season_year"]], on="tg_key")
        pg = availability(pg, spells, skills, rngs("availability"))
        players = league.frame()
        pg = allocate_boxes(pg, tg, players, rngs("player_box"))
        pg["exp_share"] = expected_shares(pg, players)
        all_games.append(games.drop(columns=["final"]))
        all_pg.append(pg.drop(columns=["final"]))
    return league.frame(), all_games, all_pg


def generate_league(
    seasons: int = 5,
    start_season: int = 2021,
    seed: int = DEFAULT_SEED,
    through: dt.date | None = None,
    *,
    upcoming_days: int | None = None,
) -> dict[str, pd.DataFrame]:
    """Keys are full table names ('nba_analytics.player_game_summary', ...), values frames whose columns
    are exactly the DDL's columns in DDL order, dtypes per CONVENTIONS.md.

    through: last date with final games (None: every generated game is final). Later games are scheduled
    (game_status 1) without box scores. upcoming_days: with `through`, limit the pre-game rows of scheduled
    games (upcoming contexts, odds, injury report) to dates at most this many days after `through`."""
    if seasons < 1:
        raise ValueError("seasons must be >= 1")
    if isinstance(through, pd.Timestamp):
        through = through.date()
    players, season_games, season_pg = _simulate(seasons, start_season, seed)
    games = pd.concat([mark_cutoff(g, through) for g in season_games], ignore_index=True)
    pg = pd.concat(season_pg, ignore_index=True)
    flags = games.set_index("game_key")[["final", "kept"]]
    pg["final"] = flags.loc[pg["game_key"], "final"].to_numpy()
    pg["kept"] = flags.loc[pg["game_key"], "kept"].to_numpy()
    pregame_until = None
    if through is not None and upcoming_days is not None:
        pregame_until = pd.Timestamp(through) + pd.Timedelta(days=upcoming_days)
    tables = _Builder(players, games, pg, seed, pregame_until).build()
    return {name: tables[name] for name in GENERATED_TABLES}


# ------------------------------------------------------------------------------------------------------ tables
class _Builder:
    """Derives every table from the simulated league. Works on the full simulation (all rows, whatever the
    cut-off) so each random draw belongs to a fixed row; `final` / `kept` / `pre` masks select what exists."""

    def __init__(self, players, games, pg, seed, pregame_until):
        self.players = players
        self.games = games
        self.seed = seed
        self.tg = team_games(games)
        self.pg = pg.sort_values(["game_date", "tg_key", "slot"], kind="stable").reset_index(drop=True)
        pg, tg = self.pg, self.tg
        pids = pg["pid"].to_numpy()
        pg["player_lookup"] = players["player_lookup"].to_numpy()[pids]
        pg["player_full_name"] = players["full_name"].to_numpy()[pids]
        pg["day"] = day_number(pg["game_date"])
        tg["day"] = day_number(tg["game_date"])
        tg["team_idx"] = tg["team"].map(TEAM_INDEX).to_numpy()
        starts = {y: day_number([season_start(int(y))])[0] for y in games["season_year"].unique()}
        pg["season_day0"] = pg["season_year"].map(starts).to_numpy()
        tg["season_day0"] = tg["season_year"].map(starts).to_numpy()
        g = games.set_index("game_key")
        g["tipoff_time"] = g["tipoff_time"].dt.tz_convert("UTC").dt.tz_localize(None)  # naive UTC inside
        for col, src in (("game_id", "game_id"), ("tipoff_time", "tipoff_time"), ("season_type", "season_type")):
            tg[col] = g.loc[tg["game_key"], src].to_numpy()
            pg[col] = g.loc[pg["game_key"], src].to_numpy()
        pg["home_team"] = g.loc[pg["game_key"], "home"].to_numpy()
        pg["away_team"] = g.loc[pg["game_key"], "away"].to_numpy()
        pg["final"] = g.loc[pg["game_key"], "final"].to_numpy()
        if pregame_until is None:
            horizon_tg = np.ones(len(tg), dtype=bool)
            horizon_pg = np.ones(len(pg), dtype=bool)
        else:
            horizon_tg = (tg["game_date"] <= pregame_until).to_numpy()
            horizon_pg = (pg["game_date"] <= pregame_until).to_numpy()
        self.pre_tg = tg["kept"].to_numpy() & (tg["final"].to_numpy() | horizon_tg)
        self.pre_pg = pg["kept"].to_numpy() & (pg["final"].to_numpy() | horizon_pg)

    def rng(self, season: int, stream: str) -> np.random.Generator:
        return _rng_factory(self.seed, season)(stream)

    def _seasons(self, frame: pd.DataFrame):
        """(season_year, boolean mask) per season of a frame with a season_year column."""
        years = frame["season_year"].to_numpy()
        for season in np.unique(years):
            yield int(season), years == season

    # ------------------------------------------------------------------------------------------------------
    def build(self) -> dict[str, pd.DataFrame]:
        self._team_context()
        self._player_history()
        self._prop_base()
        return {
            "nba_reference.nba_schedule": self._schedule(),
            "nba_analytics.player_game_summary": self._pgs(),
            "nba_analytics.team_offense_game_summary": self._togs(),
            "nba_analytics.team_defense_game_summary": self._tdgs(),
            "nba_raw.odds_api_player_points_props": self._odds(),
            "nba_raw.bettingpros_player_points_props": self._bettingpros(),
            "nba_analytics.upcoming_player_game_context": self._upcg(),
            "nba_analytics.upcoming_team_game_context": self._utgc(),
            "nba_raw.nbac_injury_report": self._injury_report(),
        }

    # ------------------------------------------------------------------------------------------ team context
    def _team_context(self) -> None:
        tg = self.tg
        fin = tg[tg["final"]]
        hist = History(
            fin["team_idx"].to_numpy(),
            fin["day"].to_numpy(),
            {"pts": fin["pts"].to_numpy(), "allowed": fin["opp_pts"].to_numpy(), "pace": fin["pace"].to_numpy()},
            {"pace": 10},
        )
        ent, day, floor = tg["team_idx"].to_numpy(), tg["day"].to_numpy(), tg["season_day0"].to_numpy()
        lo, hi = hist.bounds_last(ent, day, 10, floor)
        n = hi - lo
        tg["pts_avg10"] = hist.mean("pts", lo, hi)
        tg["allowed_avg10"] = hist.mean("allowed", lo, hi)
        tg["pace_last_10"] = np.round(hist.mean("pace", lo, hi), 1)
        tg["n_prev"] = n
        kept = tg["kept"].to_numpy()
        sched = History(ent[kept], day[kept])
        prev = sched.previous_day(ent, day, floor)
        tg["days_rest"] = np.where(np.isnan(prev), np.nan, day - prev - 1)
        opp_key = tg.set_index("tg_key")
        other = tg["tg_key"].to_numpy() ^ 1
        tg["opp_days_rest"] = opp_key.loc[other, "days_rest"].to_numpy()
        tg["opp_pace_last_10"] = opp_key.loc[other, "pace_last_10"].to_numpy()
        # market: expected points from the last 10 games, shrunk to the league level
        env = {y: league_env(int(y)) for y in np.unique(tg["season_year"])}
        league_pts = tg["season_year"].map({y: e.pace * e.ortg / 100 for y, e in env.items()}).to_numpy()
        shrink = 3.0
        own = (np.nan_to_num(tg["pts_avg10"].to_numpy()) * n + league_pts * shrink) / (n + shrink)
        opp_allowed_n = opp_key.loc[other, "n_prev"].to_numpy()
        opp_allowed = (np.nan_to_num(opp_key.loc[other, "allowed_avg10"].to_numpy()) * opp_allowed_n + league_pts * shrink) / (
            opp_allowed_n + shrink
        )
        home_adj = np.where(tg["is_home"].to_numpy(), 1.3, -1.3)
        tg["exp_pts"] = (own + opp_allowed) / 2 + home_adj
        # game lines (home perspective spread), one draw per game
        home_rows = tg[tg["is_home"]]
        away_rows = tg.set_index("tg_key").loc[home_rows["tg_key"].to_numpy() ^ 1]
        total = np.zeros(len(home_rows))
        spread = np.zeros(len(home_rows))
        for season in np.unique(home_rows["season_year"]):
            m = (home_rows["season_year"] == season).to_numpy()
            rng = self.rng(int(season), "game_lines")
            eh, ea = home_rows["exp_pts"].to_numpy()[m], away_rows["exp_pts"].to_numpy()[m]
            total[m] = _nearest_half(eh + ea + rng.normal(0, 1.5, m.sum()))
            spread[m] = _nearest_half(-(eh - ea) + rng.normal(0, 1.0, m.sum()))
        lines = pd.DataFrame({"game_key": home_rows["game_key"].to_numpy(), "game_total": total, "game_spread_home": spread})
        merged = tg[["game_key"]].merge(lines, on="game_key", how="left")
        tg["game_total"] = merged["game_total"].to_numpy()
        tg["game_spread_home"] = merged["game_spread_home"].to_numpy()
        spread_team = np.where(tg["is_home"], tg["game_spread_home"], -tg["game_spread_home"])
        tg["game_spread_team"] = spread_team
        tg["implied_total"] = (tg["game_total"] - spread_team) / 2
        t = tg.set_index("tg_key")
        self.pg["team_implied_total"] = t.loc[self.pg["tg_key"], "implied_total"].to_numpy()
        self.pg["exp_pts"] = self.pg["exp_share"].to_numpy() * self.pg["team_implied_total"].to_numpy()

    # ---------------------------------------------------------------------------------------- player history
    def _player_history(self) -> None:
        pg = self.pg
        played = pg["final"].to_numpy() & (pg["minutes"].fillna(0).to_numpy() > 0)
        h = pg[played]
        self.hist = History(
            h["pid"].to_numpy(),
            h["day"].to_numpy(),
            {
                "minutes": h["minutes"].to_numpy(),
                "q4": h["q4_minutes"].to_numpy(),
                "usage": h["usage_rate"].to_numpy(),
                "points": h["points"].to_numpy(),
                "one": np.ones(len(h)),
            },
            {"minutes": 10, "q4": 10, "usage": 100},
        )
        ent, day = pg["pid"].to_numpy(), pg["day"].to_numpy()
        lo, hi = self.hist.bounds_last(ent, day, 10, day - 240)
        pg["pts_avg10"] = self.hist.mean("points", lo, hi)
        pg["n_pts10"] = hi - lo
        pg["is_star"] = (pg["n_pts10"] >= 3) & (pg["pts_avg10"] >= _STAR_POINTS)

    # ------------------------------------------------------------------------------------------------- odds
    def _prop_base(self) -> None:
        """Which player games have points props (a pre-game decision) and the fair line ('prop_center')."""
        pg = self.pg
        rank = pg["rank"].to_numpy()
        status = pg["report_status"].to_numpy()
        p = np.where(rank >= 0, _P_PROPS[np.clip(rank, 0, len(_P_PROPS) - 1)], 0.0)
        p = np.where((rank < 0) & (status == "Questionable"), 0.4, p)
        p = np.where(np.isin(status, ["Out", "Doubtful"]), 0.0, p)
        l10 = pg["pts_avg10"].to_numpy()
        exp = pg["exp_pts"].to_numpy()
        center = np.where(pg["n_pts10"].to_numpy() >= 3, 0.55 * exp + 0.45 * np.nan_to_num(l10), exp)
        u = np.empty(len(pg))
        bias = np.empty(len(pg))
        for season, m in self._seasons(pg):
            rng = self.rng(season, "props")
            u[m] = rng.random(m.sum())
            bias[m] = rng.normal(0, 0.05, m.sum())
        pg["prop_center"] = center * (1 + bias)
        pg["has_props"] = (u < p) & (pg["prop_center"].to_numpy() >= _MIN_LINE + 0.5) & self.pre_pg

    def _odds(self) -> pd.DataFrame:
        parts = [
            self._odds_season(self.pg[m], np.flatnonzero(m), self.rng(season, "odds_api")) for season, m in self._seasons(self.pg)
        ]
        odds = pd.concat(parts, ignore_index=True)
        pos, book = odds.pop("_pg").to_numpy(), odds.pop("_book").to_numpy()
        ts = odds["snapshot_timestamp"].to_numpy().astype(np.int64)
        line = odds["points_line"].to_numpy()
        # closing line (DraftKings first, else the latest snapshot) and opening line (DraftKings first, else the
        # earliest snapshot), pre-tip-off snapshots only; timestamps never tie (books are scraped seconds apart)
        pre = np.flatnonzero(odds["minutes_before_tipoff"].to_numpy() >= 0)
        dk = (book[pre] == _DK).astype(np.int64)
        current = np.full(len(self.pg), np.nan)
        opening = np.full(len(self.pg), np.nan)
        order = np.lexsort((ts[pre], dk, pos[pre]))
        last = np.r_[pos[pre][order][1:] != pos[pre][order][:-1], True]
        current[pos[pre][order][last]] = line[pre][order][last]
        order = np.lexsort((ts[pre], -dk, pos[pre]))
        first = np.r_[True, pos[pre][order][1:] != pos[pre][order][:-1]]
        opening[pos[pre][order][first]] = line[pre][order][first]
        self.pg["current_line"] = current
        self.pg["opening_line"] = opening
        odds = odds.iloc[np.lexsort((ts, book, pos))]
        return conform("nba_raw.odds_api_player_points_props", odds)

    def _odds_season(self, sub: pd.DataFrame, positions: np.ndarray, rng: np.random.Generator) -> pd.DataFrame:
        """Snapshots of every book listing the season's props. All draws have a fixed shape per player game
        (rows x books), so a row's odds never depend on which other rows exist."""
        n = len(sub)
        books = np.array([name for name, _ in ODDS_API_BOOKS])
        probs = np.array([p for _, p in ODDS_API_BOOKS])
        nb = len(books)
        grid = np.array([420, 300, 180, 90, 45, 20, 5])
        present_u = rng.random((n, nb))
        close_noise = rng.normal(0, 0.35, (n, nb))
        open_noise = rng.normal(0, 0.9, (n, nb))
        k_u = rng.random((n, nb))
        grid_keys = rng.random((n, nb, len(grid)))
        open_minutes = rng.integers(600, 1500, (n, nb))
        skew_draw = rng.normal(0, 12, (n, nb, 4))
        live_u = rng.random((n, nb))
        live_move = rng.uniform(3, 7, (n, nb))
        live_minutes = rng.integers(10, 100, (n, nb))
        live_skew = rng.normal(0, 40, (n, nb))

        present = sub["has_props"].to_numpy()[:, None] & (present_u < probs)
        row, bk = np.nonzero(present)
        center = sub["prop_center"].to_numpy()[row]
        close = np.maximum(_to_half(center + close_noise[row, bk]), _MIN_LINE)
        opening = np.maximum(_to_half(close + open_noise[row, bk]), _MIN_LINE)
        k = 1 + np.searchsorted(np.array([0.15, 0.45, 0.8]), k_u[row, bk], side="right")
        later = -np.sort(-grid[np.argsort(grid_keys[row, bk], axis=1)[:, :3]], axis=1)
        r = len(row)
        snap = np.repeat(np.arange(r), k)
        j = np.arange(len(snap)) - np.repeat(np.r_[0, np.cumsum(k)[:-1]], k)
        kk = k[snap]
        minutes = np.where(j == 0, open_minutes[row, bk][snap], later[snap, np.clip(j - 1, 0, 2)])
        frac = j / np.maximum(kk - 1, 1)
        line = np.maximum(_to_half(opening[snap] + (close[snap] - opening[snap]) * frac), _MIN_LINE)
        line = np.where(j == kk - 1, close[snap], line)
        skew = np.round(skew_draw[row[snap], bk[snap], j] / 5) * 5
        # post-tip-off live lines move with the actual game, so reading them before the game would leak
        actual = sub["points"].to_numpy()[row]
        live = sub["final"].to_numpy()[row] & ~np.isnan(actual) & (live_u[row, bk] < 0.6)
        lv = np.flatnonzero(live)
        direction = np.where(actual[lv] >= close[lv], 1.0, -1.0)
        live_line = np.maximum(_to_half(close[lv] + direction * live_move[row[lv], bk[lv]]), 0.5)
        all_i = np.r_[snap, lv]
        all_minutes = np.r_[minutes, -live_minutes[row[lv], bk[lv]]].astype(np.int64)
        all_skew = np.r_[skew, np.round(live_skew[row[lv], bk[lv]] / 5) * 5]
        take = row[all_i]
        tip = sub["tipoff_time"].to_numpy()[take]
        all_book = bk[all_i]
        scraped = all_minutes.astype("timedelta64[m]") + (7 * all_book).astype("timedelta64[s]")
        return pd.DataFrame(
            {
                "_pg": positions[take],
                "_book": all_book,
                "game_id": sub["game_id"].to_numpy()[take],
                "game_date": sub["game_date"].to_numpy()[take],
                "player_lookup": sub["player_lookup"].to_numpy()[take],
                "player_name": sub["player_full_name"].to_numpy()[take],
                "home_team_abbr": sub["home_team"].to_numpy()[take],
                "away_team_abbr": sub["away_team"].to_numpy()[take],
                "bookmaker": books[all_book],
                "points_line": np.r_[line, live_line],
                "over_price": _american(-110 - all_skew),
                "under_price": _american(-110 + all_skew),
                "snapshot_timestamp": tip - scraped,
                "minutes_before_tipoff": all_minutes,
                "game_start_time": tip,
            }
        )

    def _bettingpros(self) -> pd.DataFrame:
        parts = []
        bp_books = np.array(BETTINGPROS_BOOKS)
        book_p = np.array([0.8, 0.8, 0.6, 0.5, 0.4, 0.6, 0.5])
        nb = len(bp_books)
        for season, m in self._seasons(self.pg):
            sub = self.pg[m]
            n = len(sub)
            rng = self.rng(season, "bettingpros")
            cover_u = rng.random(n)
            present_u = rng.random((n, nb))
            line_noise = rng.normal(0, 0.4, (n, nb))
            open_noise = rng.normal(0, 0.8, (n, nb))
            created = rng.integers(30, 720, (n, nb))
            skew_draw = rng.normal(0, 10, (n, nb))
            other_u = rng.random((n, 2))
            other_line = rng.uniform(0, 1, (n, nb, 2))
            other_open = rng.normal(0, 0.6, (n, nb, 2))

            has = sub["has_props"].to_numpy()
            center = sub["prop_center"].to_numpy()
            rank = sub["rank"].to_numpy()
            lacks = ~has & (rank >= 0) & (rank < 10) & (center >= _MIN_LINE + 0.5) & self.pre_pg[m]
            cover = (has & (cover_u < 0.8)) | (lacks & (cover_u < 0.5))
            present = present_u < book_p
            present[:, 0] |= ~present.any(axis=1)
            present &= cover[:, None]
            row, bk = np.nonzero(present)
            pts_line = np.maximum(_to_half(center[row] + line_noise[row, bk]), _MIN_LINE)
            markets = [
                (
                    "points",
                    np.ones(len(row), dtype=bool),
                    pts_line,
                    np.maximum(_to_half(pts_line + open_noise[row, bk]), _MIN_LINE),
                ),
            ]
            for q, (market, share, lo, hi) in enumerate((("rebounds", 0.5, 1.5, 11.0), ("assists", 0.3, 0.5, 8.0))):
                line = _to_half(lo + (hi - lo) * other_line[row, bk, q])
                markets.append((market, other_u[row, q] < share, line, np.maximum(_to_half(line + other_open[row, bk, q]), 0.5)))
            skew = np.round(skew_draw[row, bk] / 5) * 5
            dfs = np.isin(bp_books[bk], ["prizepicks", "underdog"])
            cols = {
                c: sub[c].to_numpy() for c in ("game_date", "game_id", "player_lookup", "player_full_name", "team", "tipoff_time")
            }
            positions = np.flatnonzero(m)
            for market_index, (market, mask, line, open_line) in enumerate(markets):
                take = row[mask]
                tip = cols["tipoff_time"][take]
                parts.append(
                    pd.DataFrame(
                        {
                            "_order": positions[take] * 100 + market_index * 10 + bk[mask],
                            "game_date": cols["game_date"][take],
                            "game_id": cols["game_id"][take],
                            "player_lookup": cols["player_lookup"][take],
                            "player_name": cols["player_full_name"][take],
                            "team_abbr": cols["team"][take],
                            "market_type": market,
                            "bookmaker": bp_books[bk[mask]],
                            "points_line": line[mask],
                            "opening_line": open_line[mask],
                            "over_odds": np.where(dfs[mask], np.nan, _american(-110 - skew[mask])),
                            "under_odds": np.where(dfs[mask], np.nan, _american(-110 + skew[mask])),
                            "created_at": tip - created[row, bk][mask].astype("timedelta64[m]"),
                        }
                    )
                )
        out = pd.concat(parts, ignore_index=True)
        out = out.iloc[np.argsort(out.pop("_order").to_numpy(), kind="stable")]
        return conform("nba_raw.bettingpros_player_points_props", out)

    # ---------------------------------------------------------------------------------------- outcome tables
    def _schedule(self) -> pd.DataFrame:
        g = self.games[self.games["kept"]]
        final = g["final"].to_numpy()
        out = pd.DataFrame(
            {
                "game_id": g["game_id"],
                "game_date": g["game_date"],
                "season_year": g["season_year"],
                "season_type": g["season_type"],
                "playoff_round": g["playoff_round"].astype("Int64"),
                "home_team_tricode": g["home"],
                "away_team_tricode": g["away"],
                "game_status": np.where(final, 3, 1),
                "game_status_text": np.where(final, "Final", "Scheduled"),
                "tipoff_time": g["tipoff_time"],
                "home_team_score": pd.array(np.where(final, g["h_pts"], np.nan), dtype="Float64").astype("Int64"),
                "away_team_score": pd.array(np.where(final, g["a_pts"], np.nan), dtype="Float64").astype("Int64"),
                "data_source": g["data_source"],
            }
        )
        out = out.sort_values(["game_date", "game_id"], kind="stable")
        return conform("nba_reference.nba_schedule", out)

    def _pgs(self) -> pd.DataFrame:
        pg = self.pg[self.pg["final"]]
        sits = pg["sits"].to_numpy()
        dnp = pg["dnp"].to_numpy().astype(bool)
        reason = pg["reason"].to_numpy()
        inactive_text = ("Inactive - " + pd.Series(reason, dtype=object).fillna("Injury/Illness")).to_numpy()
        dnp_reason = np.where(sits, inactive_text, None)
        dnp_reason = np.where(dnp & ~sits, "DNP - Coach's Decision", dnp_reason)

        def i64(col):
            return pd.array(pg[col].to_numpy(), dtype="Float64").astype("Int64")

        out = pd.DataFrame(
            {
                "player_lookup": pg["player_lookup"].to_numpy(),
                "universal_player_id": self.players["universal_player_id"].to_numpy()[pg["pid"].to_numpy()],
                "player_full_name": pg["player_full_name"].to_numpy(),
                "game_id": pg["game_id"].to_numpy(),
                "game_date": pg["game_date"].to_numpy(),
                "team_abbr": pg["team"].to_numpy(),
                "opponent_team_abbr": pg["opp"].to_numpy(),
                "season_year": pg["season_year"].to_numpy(),
                "home_game": pg["is_home"].to_numpy(),
                "starter_flag": pg["starter"].to_numpy().astype(bool),
                "points": i64("points"),
                "minutes_played": pg["minutes"].to_numpy(),
                "fg_attempts": i64("fg_attempts"),
                "fg_makes": i64("fg_makes"),
                "three_pt_attempts": i64("three_pt_attempts"),
                "three_pt_makes": i64("three_pt_makes"),
                "paint_attempts": i64("paint_attempts"),
                "paint_makes": i64("paint_makes"),
                "mid_range_attempts": i64("mid_range_attempts"),
                "mid_range_makes": i64("mid_range_makes"),
                "ft_attempts": i64("ft_attempts"),
                "ft_makes": i64("ft_makes"),
                "assisted_fg_makes": i64("assisted_fg_makes"),
                "unassisted_fg_makes": i64("unassisted_fg_makes"),
                "turnovers": i64("turnovers"),
                "usage_rate": pg["usage_rate"].to_numpy(),
                "ts_pct": pg["ts_pct"].to_numpy(),
                "is_active": ~sits,
                "is_dnp": pd.array(sits | dnp, dtype="boolean"),
                "dnp_reason": dnp_reason,
            }
        )
        out = _with_audit(out, "game_date", hours=33)
        out = out.sort_values(["game_date", "game_id", "team_abbr", "player_lookup"], kind="stable")
        return conform("nba_analytics.player_game_summary", out)

    def _togs(self) -> pd.DataFrame:
        t = self.tg[self.tg["final"]]
        out = pd.DataFrame(
            {
                "game_id": t["game_id"],
                "game_date": t["game_date"],
                "team_abbr": t["team"],
                "opponent_team_abbr": t["opp"],
                "season_year": t["season_year"],
                "home_game": t["is_home"],
                "points_scored": t["pts"],
                "fg_makes": t["fgm"],
                "fg_attempts": t["fga"],
                "three_pt_makes": t["fg3m"],
                "three_pt_attempts": t["fg3a"],
                "paint_makes": t["paint_m"],
                "paint_attempts": t["paint_att"],
                "mid_range_makes": t["mid_m"],
                "mid_range_attempts": t["mid_att"],
                "ft_makes": t["ftm"],
                "ft_attempts": t["fta"],
                "turnovers": t["tov"],
                "possessions": t["poss"].astype(float),
                "pace": t["pace"],
                "offensive_rating": t["off_rating"],
                "overtime_periods": (t["min"] - 240) // 25,
                "win_flag": t["pts"] > t["opp_pts"],
                "margin_of_victory": t["pts"] - t["opp_pts"],
            }
        )
        out = _with_audit(out, "game_date", hours=33)
        out = out.sort_values(["game_date", "game_id", "team_abbr"], kind="stable")
        return conform("nba_analytics.team_offense_game_summary", out)

    def _tdgs(self) -> pd.DataFrame:
        t = self.tg[self.tg["final"]]
        out = pd.DataFrame(
            {
                "game_id": t["game_id"],
                "game_date": t["game_date"],
                "defending_team_abbr": t["team"],
                "opponent_team_abbr": t["opp"],
                "season_year": t["season_year"],
                "home_game": t["is_home"],
                "points_allowed": t["opp_pts"],
                "opp_fg_makes": t["opp_fgm"],
                "opp_fg_attempts": t["opp_fga"],
                "opp_three_pt_makes": t["opp_fg3m"],
                "opp_three_pt_attempts": t["opp_fg3a"],
                "opp_paint_makes": t["opp_paint_m"],
                "opp_paint_attempts": t["opp_paint_att"],
                "opp_mid_range_makes": t["opp_mid_m"],
                "opp_mid_range_attempts": t["opp_mid_att"],
                "opp_ft_makes": t["opp_ftm"],
                "opp_ft_attempts": t["opp_fta"],
                "points_in_paint_allowed": 2 * t["opp_paint_m"],
                "mid_range_points_allowed": 2 * t["opp_mid_m"],
                "three_pt_points_allowed": 3 * t["opp_fg3m"],
                "blocks_paint": t["blk_paint"],
                "blocks_mid_range": t["blk_mid"],
                "blocks_three_pt": t["blk_three"],
                "turnovers_forced": t["opp_tov"],
                "defensive_rating": t["def_rating"],
                "opponent_pace": t["opp_pace"],
            }
        )
        out = _with_audit(out, "game_date", hours=33)
        out = out.sort_values(["game_date", "game_id", "defending_team_abbr"], kind="stable")
        return conform("nba_analytics.team_defense_game_summary", out)

    # -------------------------------------------------------------------------------------- pre-game tables
    def _upcg(self) -> pd.DataFrame:
        pg = self.pg
        hist = self.hist
        ent, day, floor = pg["pid"].to_numpy(), pg["day"].to_numpy(), pg["season_day0"].to_numpy()
        lo7, hi7 = hist.bounds_days(ent, day, 7)
        lo14, hi14 = hist.bounds_days(ent, day, 14)
        g7 = hist.count("one", lo7, hi7)
        g14 = hist.count("one", lo14, hi14)
        m7 = hist.sum("minutes", lo7, hi7)
        m14 = hist.sum("minutes", lo14, hi14)
        q4 = hist.sum("q4", lo7, hi7)
        # back-to-backs among the games of the last 14 days: a game played the day after another one
        played_days = hist.day
        same_ent = np.r_[False, (hist.key[1:] // 100_000) == (hist.key[:-1] // 100_000)]
        b2b_flag = same_ent & np.r_[False, np.diff(played_days) == 1]
        cs_b2b = np.r_[0, np.cumsum(b2b_flag)]
        b2b14 = cs_b2b[hi14] - cs_b2b[lo14]
        prev = hist.previous_day(ent, day, floor)
        days_rest = np.where(np.isnan(prev), np.nan, day - prev - 1)
        lou, hiu = hist.bounds_last(ent, day, 7, floor)
        usage7 = np.round(hist.mean("usage", lou, hiu), 2)
        los, his = hist.bounds_last(ent, day, 10_000, floor)
        games_season = his - los
        t = self.tg.set_index("tg_key")
        tgk = pg["tg_key"].to_numpy()
        status = pg["report_status"].to_numpy()
        out_flag = np.isin(status, ["Out", "Doubtful"])
        star_out = pg["is_star"].to_numpy() & out_flag
        stars_out_team = pd.Series(star_out.astype(int)).groupby(tgk).transform("sum").to_numpy()
        star_teammates_out = stars_out_team - star_out.astype(int)
        projected = np.round(usage7 * (1 + 0.06 * star_teammates_out), 2)
        team_pace = t.loc[tgk, "pace_last_10"].to_numpy()
        opp_pace = t.loc[tgk, "opp_pace_last_10"].to_numpy()
        age = age_on(self.players["birth_date"].to_numpy()[ent], pg["game_date"].to_numpy())
        streak_over, streak_under = self._prop_streaks()
        player_status = np.where(pd.isna(status), "available", pd.Series(status).str.lower().to_numpy())
        season_phase = np.where(pg["season_type"].to_numpy() == "Playoffs", "playoffs", "regular_season")
        out = pd.DataFrame(
            {
                "player_lookup": pg["player_lookup"].to_numpy(),
                "universal_player_id": self.players["universal_player_id"].to_numpy()[ent],
                "player_full_name": pg["player_full_name"].to_numpy(),
                "game_id": pg["game_id"].to_numpy(),
                "game_date": pg["game_date"].to_numpy(),
                "season_year": pg["season_year"].to_numpy(),
                "team_abbr": pg["team"].to_numpy(),
                "opponent_team_abbr": pg["opp"].to_numpy(),
                "home_game": pg["is_home"].to_numpy(),
                "season_phase": season_phase,
                "days_rest": _int_or_null(days_rest),
                "opponent_days_rest": _int_or_null(t.loc[tgk, "opp_days_rest"].to_numpy()),
                "back_to_back": pd.array(days_rest == 0, dtype="boolean"),
                "player_status": player_status,
                "injury_reason": np.where(pd.isna(status), None, pg["reason"].to_numpy()),
                "games_in_last_7_days": _int_or_null(g7),
                "games_in_last_14_days": _int_or_null(g14),
                "minutes_in_last_7_days": _int_or_null(np.round(m7)),
                "minutes_in_last_14_days": _int_or_null(np.round(m14)),
                "fourth_quarter_minutes_last_7": _int_or_null(np.round(q4)),
                "avg_minutes_per_game_last_7": np.where(g7 > 0, np.round(m7 / np.maximum(g7, 1), 1), np.nan),
                "back_to_backs_last_14_days": _int_or_null(b2b14),
                "player_age": _int_or_null(age),
                "avg_usage_rate_last_7_games": usage7,
                "projected_usage_rate": projected,
                "star_teammates_out": _int_or_null(star_teammates_out),
                "team_pace_last_10": team_pace,
                "opponent_pace_last_10": opp_pace,
                "pace_differential": np.round(team_pace - opp_pace, 1),
                "game_total": t.loc[tgk, "game_total"].to_numpy(),
                "game_spread": t.loc[tgk, "game_spread_home"].to_numpy(),
                "has_prop_line": ~np.isnan(pg["current_line"].to_numpy()),
                "current_points_line": pg["current_line"].to_numpy(),
                "opening_points_line": pg["opening_line"].to_numpy(),
                "prop_over_streak": _int_or_null(streak_over),
                "prop_under_streak": _int_or_null(streak_under),
                "is_production_ready": pd.array(games_season >= 3, dtype="boolean"),
            }
        )
        out = out[self.pre_pg]
        out = _with_audit(out, "game_date", hours=12)
        out = out.sort_values(["game_date", "game_id", "team_abbr", "player_lookup"], kind="stable")
        return conform("nba_analytics.upcoming_player_game_context", out)

    def _prop_streaks(self) -> tuple[np.ndarray, np.ndarray]:
        """Consecutive overs / unders of the player's graded props (closing line vs points) before D."""
        pg = self.pg
        graded = pg["final"].to_numpy() & ~np.isnan(pg["current_line"].to_numpy()) & (pg["minutes"].fillna(0).to_numpy() > 0)
        g = pg[graded].sort_values(["pid", "day"])
        if len(g) == 0:
            return np.zeros(len(pg)), np.zeros(len(pg))
        diff = g["points"].to_numpy() - g["current_line"].to_numpy()
        outcome = np.sign(diff).astype(int)
        pid = g["pid"].to_numpy()
        new_run = np.r_[True, (pid[1:] != pid[:-1]) | (outcome[1:] != outcome[:-1])]
        run_id = np.cumsum(new_run)
        run_len = pd.Series(np.ones(len(g))).groupby(run_id).cumsum().to_numpy()
        over = np.where(outcome > 0, run_len, 0)
        under = np.where(outcome < 0, run_len, 0)
        hist = History(pid, g["day"].to_numpy(), {"over": over, "under": under})  # last_value only
        ent, day, floor = pg["pid"].to_numpy(), pg["day"].to_numpy(), pg["season_day0"].to_numpy()
        o = np.nan_to_num(hist.last_value("over", ent, day, floor))
        u = np.nan_to_num(hist.last_value("under", ent, day, floor))
        return o, u

    def _utgc(self) -> pd.DataFrame:
        t = self.tg
        pg = self.pg
        out_flag = np.isin(pg["report_status"].to_numpy(), ["Out", "Doubtful"])
        players_out = pd.Series(out_flag.astype(int)).groupby(pg["tg_key"].to_numpy()).sum()
        season_phase = np.where(t["season_type"].to_numpy() == "Playoffs", "playoffs", "regular_season")
        out = pd.DataFrame(
            {
                "team_abbr": t["team"].to_numpy(),
                "game_id": t["game_id"].to_numpy(),
                "game_date": t["game_date"].to_numpy(),
                "season_year": t["season_year"].to_numpy(),
                "opponent_team_abbr": t["opp"].to_numpy(),
                "home_game": t["is_home"].to_numpy(),
                "season_phase": season_phase,
                "game_total": t["game_total"].to_numpy(),
                "game_spread": t["game_spread_team"].to_numpy(),
                "team_implied_total": np.round(t["implied_total"].to_numpy(), 2),
                "days_rest": _int_or_null(t["days_rest"].to_numpy()),
                "opponent_days_rest": _int_or_null(t["opp_days_rest"].to_numpy()),
                "back_to_back": pd.array(t["days_rest"].to_numpy() == 0, dtype="boolean"),
                "players_out": _int_or_null(players_out.reindex(t["tg_key"].to_numpy()).fillna(0).to_numpy()),
            }
        )
        out = out[self.pre_tg]
        out = _with_audit(out, "game_date", hours=12)
        out = out.sort_values(["game_date", "game_id", "team_abbr"], kind="stable")
        return conform("nba_analytics.upcoming_team_game_context", out)

    def _injury_report(self) -> pd.DataFrame:
        pg = self.pg
        listed = pg["report_status"].notna().to_numpy() & self.pre_pg
        r = pg[listed]
        out = pd.DataFrame(
            {
                "report_date": r["game_date"].to_numpy(),
                "report_time": pd.to_datetime(r["game_date"].to_numpy()).tz_localize("UTC") + pd.Timedelta(hours=15),
                "game_id": r["game_id"].to_numpy(),
                "game_date": r["game_date"].to_numpy(),
                "team": r["team"].to_numpy(),
                "player_lookup": r["player_lookup"].to_numpy(),
                "player_name": r["player_full_name"].to_numpy(),
                "injury_status": r["report_status"].to_numpy(),
                "reason": r["reason"].to_numpy(),
            }
        )
        out = out.sort_values(["report_date", "team", "player_lookup"], kind="stable")
        return conform("nba_raw.nbac_injury_report", out)


def _int_or_null(values) -> pd.arrays.IntegerArray:
    arr = np.asarray(values, dtype=float)
    return pd.array(np.where(np.isnan(arr), np.nan, np.round(arr)), dtype="Float64").astype("Int64")


def _with_audit(frame: pd.DataFrame, date_col: str, hours: int) -> pd.DataFrame:
    """data_hash over the row's content and a deterministic processed_at (game date + `hours` UTC)."""
    frame = frame.reset_index(drop=True)
    frame["data_hash"] = row_hash(frame, list(frame.columns))
    frame["processed_at"] = pd.to_datetime(frame[date_col]).dt.tz_localize("UTC") + pd.Timedelta(hours=hours)
    return frame


# ------------------------------------------------------------------------------------------ prediction accuracy
def generate_prediction_accuracy(tables: dict[str, pd.DataFrame], seed: int = DEFAULT_SEED) -> pd.DataFrame:
    """A graded-prediction table (nba_predictions.prediction_accuracy) for the demo league: one baseline
    system's pre-game call on every player game with a points line and a final box score.

    Not produced by generate_league: Phase 5 writes it in production, and features 55-56 must also work
    when it is absent."""
    upcg = tables["nba_analytics.upcoming_player_game_context"]
    pgs = tables["nba_analytics.player_game_summary"]
    lined = upcg[upcg["has_prop_line"]][["player_lookup", "game_id", "game_date", "current_points_line"]]
    m = lined.merge(pgs[["player_lookup", "game_date", "points", "minutes_played"]], on=["player_lookup", "game_date"])
    m = m[m["minutes_played"].notna() & m["points"].notna()].reset_index(drop=True)
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(1, zlib.crc32(b"prediction_accuracy"))))
    line = m["current_points_line"].to_numpy()
    predicted = np.round(line + rng.normal(0, 2.2, len(m)), 1)
    edge = predicted - line
    rec = np.where(edge >= 1.0, "OVER", np.where(edge <= -1.0, "UNDER", "PASS"))
    actual = m["points"].to_numpy(dtype=float)
    correct = np.where(rec == "OVER", actual > line, actual < line)
    decided = (rec != "PASS") & (actual != line)
    out = pd.DataFrame(
        {
            "player_lookup": m["player_lookup"],
            "game_id": m["game_id"],
            "game_date": m["game_date"],
            "system_id": "demo_baseline_v1",
            "line_value": line,
            "predicted_points": predicted,
            "recommendation": rec,
            "actual_points": m["points"].astype("Int64"),
            "prediction_correct": pd.array(np.where(decided, correct, None), dtype="boolean"),
            "graded_at": pd.to_datetime(m["game_date"]).dt.tz_localize("UTC") + pd.Timedelta(hours=34),
        }
    )
    return conform("nba_predictions.prediction_accuracy", out.sort_values(["game_date", "player_lookup"], kind="stable"))
