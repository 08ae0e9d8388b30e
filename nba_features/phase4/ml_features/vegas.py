"""Player points lines for D: odds_api first (pre-tip-off snapshots only), BettingPros as the fallback.

Point in time: an odds_api snapshot is used only when ``minutes_before_tipoff >= 0`` (docs/RULES.md#point-in-time)
and a BettingPros row only when it was created no later than the tip-off of the player's game
(schedule ``tipoff_time``); rows of later dates are never looked at. Bookmaker names compare
case-insensitively.

* current line (25): DraftKings' latest snapshot when DraftKings quoted the player, else the latest
  snapshot of any book; BettingPros: the latest row;
* opening line (26): DraftKings' earliest snapshot, else the earliest of any book; BettingPros: the
  latest row's ``opening_line``, else its line;
* multi-book std (50): sample std of each book's latest line (Bovada excluded, >= 2 books); on a
  date where odds_api gives no std or the largest is below 0.3, rows without an odds_api std take
  BettingPros' (DFS books excluded);
* line delta (54): the daily consensus (median of each book's latest line) on D minus the player's
  previous consensus within 14 days, 1 dp.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from nba_features.phase4.ml_features.windows import EventTable

DRAFTKINGS = "draftkings"
STD_EXCLUDED_BOOKS = ("bovada",)
DFS_BOOKS = ("prizepicks", "propswap", "fliff", "underdog", "sleeper")
STD_MIN_BOOKS = 2
STD_FALLBACK_BELOW = 0.3
LINE_DELTA_DAYS = 14

KEY = ["player_lookup", "game_date"]


def pre_tip_odds(odds: pd.DataFrame) -> pd.DataFrame:
    """odds_api snapshots taken before tip-off with a positive line, oldest first per player-date."""
    usable = odds[(odds["minutes_before_tipoff"] >= 0) & (odds["points_line"] > 0)]
    usable = usable.assign(book=usable["bookmaker"].astype(str).str.lower())
    return usable.sort_values([*KEY, "snapshot_timestamp", "book", "points_line"], kind="stable")


def pre_tip_bettingpros(lines: pd.DataFrame, roster: pd.DataFrame, schedule: pd.DataFrame) -> pd.DataFrame:
    """BettingPros rows of the roster's games created no later than the game's tip-off, oldest first."""
    tipoffs = schedule.drop_duplicates("game_id").set_index("game_id")["tipoff_time"]
    games = roster[["date", "player_lookup", "game_id"]].rename(columns={"date": "game_date"})
    matched = lines[lines["points_line"] > 0].merge(games, on=KEY, how="inner")
    tipoff = matched["game_id"].map(tipoffs)
    matched = matched[matched["created_at"] <= tipoff]
    matched = matched.assign(book=matched["bookmaker"].astype(str).str.lower())
    return matched.sort_values([*KEY, "created_at", "book"], kind="stable")


def _latest_per_book(rows: pd.DataFrame) -> pd.DataFrame:
    return rows.groupby([*KEY, "book"], as_index=False, sort=True)["points_line"].last()


def _std_of_books(latest: pd.DataFrame) -> pd.Series:
    grouped = latest.groupby(KEY)["points_line"]
    return grouped.std(ddof=1)[grouped.size() >= STD_MIN_BOOKS]


def _lookup(values: pd.Series, roster: pd.DataFrame) -> np.ndarray:
    keys = pd.MultiIndex.from_arrays([roster["player_lookup"], roster["date"]], names=KEY)
    if values.empty:
        return np.full(len(roster), np.nan)
    return values.reindex(keys).to_numpy(dtype="float64")


def vegas_lines(roster: pd.DataFrame, odds: pd.DataFrame, bettingpros: pd.DataFrame, schedule: pd.DataFrame) -> pd.DataFrame:
    odds = pre_tip_odds(odds)
    bp = pre_tip_bettingpros(bettingpros, roster, schedule)
    out = pd.DataFrame(index=roster.index)

    is_draftkings = odds["book"] == DRAFTKINGS
    has_draftkings = is_draftkings.groupby([odds[k] for k in KEY]).transform("any").astype(bool)
    preferred = odds[~has_draftkings | is_draftkings].groupby(KEY)["points_line"]
    out["odds_line"] = _lookup(preferred.last(), roster)
    out["odds_opening_line"] = _lookup(preferred.first(), roster)

    latest_bp = bp.groupby(KEY).tail(1).set_index(KEY)
    out["bp_line"] = _lookup(latest_bp["points_line"], roster)
    out["bp_opening_line"] = _lookup(latest_bp["opening_line"].fillna(latest_bp["points_line"]), roster)

    has_odds = ~np.isnan(out["odds_line"].to_numpy())
    has_bp = ~np.isnan(out["bp_line"].to_numpy())
    out["vegas_line_source"] = np.select([has_odds & has_bp, has_odds, has_bp], ["both", "odds_api", "bettingpros"], "none")

    odds_books = _latest_per_book(odds)
    odds_std = _lookup(_std_of_books(odds_books[~odds_books["book"].isin(STD_EXCLUDED_BOOKS)]), roster)
    bp_books = _latest_per_book(bp)
    bp_std = _lookup(_std_of_books(bp_books[~bp_books["book"].isin(DFS_BOOKS)]), roster)
    largest = pd.Series(odds_std).groupby(roster["date"].to_numpy()).transform("max").to_numpy()
    fallback_date = np.isnan(largest) | (largest < STD_FALLBACK_BELOW)
    use_bp = np.isnan(odds_std) & fallback_date & ~np.isnan(bp_std)
    out["line_std"] = np.where(use_bp, bp_std, odds_std)
    out["line_std_source"] = np.where(use_bp, "bettingpros", "vegas")

    consensus = odds_books.groupby(KEY, as_index=False)["points_line"].median()
    today = _lookup(consensus.set_index(KEY)["points_line"], roster)
    table = EventTable(consensus, "player_lookup", "game_date")
    day = roster["day"].to_numpy()
    previous = table.windows(roster["player_lookup"], day - LINE_DELTA_DAYS, day).nth_newest(table.floats("points_line"), 0)
    out["prop_line_delta"] = np.round(today - previous, 1)
    return out
