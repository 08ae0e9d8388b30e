"""Point-in-time windows over game sequences, shared by the four precompute tables.

A run covers many dates at once, so windows are taken set-based: running sums along each (season, team)
or (season, player) sequence of games, binary searches of sorted (key, day) codes, and as-of joins that
take, for each date D, the state after the last game strictly before D (docs/RULES.md#point-in-time).
The feature store's windows are in `ml_features/windows.py` (EventTable).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from nba_features.phase4.coercions import as_float_series, day_numbers

# Day numbers (days since 1970) stay far below this: key code × _SPAN + day number sorts by key, then day.
_SPAN = 1 << 20


# --- per-row rolling windows of a sorted game frame (TDZA, PSZA) -----------------------------------


def state_before(
    probe: pd.DataFrame, on: str, states: pd.DataFrame, by: list[str], columns: list[str], *, strict: bool = True
) -> pd.DataFrame:
    """For each probe row, `columns` of the last `states` row (same `by` keys) dated before probe[on].

    strict: game_date < probe[on] (the point-in-time rule), else <=. Aligned to probe's index; NaN
    where there is no such row or probe[on] is NULL.
    """
    valid = probe[on].notna()
    left = probe.loc[valid, [*by, on]].assign(probe_row=np.flatnonzero(valid.to_numpy()))
    right = states[[*by, "game_date", *columns]]
    found = pd.merge_asof(
        left.sort_values(on, kind="stable"),
        right.sort_values("game_date", kind="stable"),
        left_on=on,
        right_on="game_date",
        by=by or None,
        allow_exact_matches=not strict,
    )
    aligned = found.set_index("probe_row")[columns].reindex(np.arange(len(probe)))
    aligned.index = probe.index
    return aligned


def window_max(values: pd.Series, groups: list[pd.Series], width: int) -> pd.Series:
    """At each row, the maximum of `values` over the last `width` rows of its group."""
    grouped = values.groupby(groups, sort=False)
    return pd.concat([values, *(grouped.shift(lag) for lag in range(1, width))], axis=1).max(axis=1)


def window_sum(values: pd.Series, groups: list[pd.Series], width: int) -> pd.Series:
    """At each row, the sum of `values` (no NULLs) over the last `width` rows of its group."""
    running = values.groupby(groups).cumsum()
    return running - running.groupby(groups).shift(width).fillna(0)


# --- counts and sums over dated events by binary search (PCF, PDC) ----------------------------------


class DatedEvents:
    """Distinct (key, date) events sorted once, so spans can be counted by binary search, not joins."""

    def __init__(self, keys: pd.Series, dates: pd.Series):
        events = pd.DataFrame({"key": keys.to_numpy(), "date": np.asarray(dates, dtype="datetime64[ns]")})
        events = events.drop_duplicates()
        self._codes = pd.Index(pd.unique(events["key"]))
        self._sorted = np.sort(self._encode(events["key"], events["date"]))

    def _encode(self, keys: pd.Series, dates: pd.Series | np.ndarray) -> np.ndarray:
        # keys without events get code -1: a range below every event, so their counts are 0
        codes = self._codes.get_indexer(pd.Index(keys)).astype(np.int64)
        return codes * _SPAN + day_numbers(dates)

    def count(self, keys: pd.Series, start: pd.Series | np.ndarray, end: pd.Series | np.ndarray) -> np.ndarray:
        """Events of each key dated in [start, end)."""
        stop = np.searchsorted(self._sorted, self._encode(keys, end))
        return stop - np.searchsorted(self._sorted, self._encode(keys, start))

    def last_before(self, keys: pd.Series, end: pd.Series, floor: pd.Series, n: int) -> tuple[np.ndarray, np.ndarray]:
        """The number (<= n) and the oldest date of each key's last n events in [floor, end).

        The oldest date is NaT where there is no such event.
        """
        stop = np.searchsorted(self._sorted, self._encode(keys, end))
        lowest = np.searchsorted(self._sorted, self._encode(keys, floor))
        first = np.maximum(stop - n, lowest)
        found = stop - first
        oldest = np.full(len(first), np.datetime64("NaT"), dtype="datetime64[ns]")
        has = found > 0
        oldest[has] = (self._sorted[first[has]] % _SPAN).astype("datetime64[D]").astype("datetime64[ns]")
        return found, oldest


class GameSequences:
    """Each (key, season)'s games in date order with running sums, so a sum or mean over the last n
    games before any date is two binary searches and a difference, not a join of dates x games."""

    def __init__(self, games: pd.DataFrame, key: str, columns: Sequence[str]):
        self.games = games.sort_values([key, "season_year", "game_date"], kind="stable").reset_index(drop=True)
        pairs = self.games[[key, "season_year"]]
        self._blocks = pd.MultiIndex.from_frame(pairs.drop_duplicates())
        codes = self._blocks.get_indexer(pd.MultiIndex.from_frame(pairs)).astype(np.int64)
        self._sorted = codes * _SPAN + day_numbers(self.games["game_date"])
        # per column: running sum and running count of known values, restarting in each sequence
        self._running: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = {}
        for column in columns:
            values = as_float_series(self.games[column])
            filled = values.fillna(0.0)
            known = values.notna().astype("int64")
            self._running[column] = (
                filled.groupby(codes).cumsum().to_numpy(), filled.to_numpy(),
                known.groupby(codes).cumsum().to_numpy(), known.to_numpy(),
            )  # fmt: skip

    def locate(self, keys: pd.Series, seasons: pd.Series, dates: pd.Series) -> tuple[np.ndarray, np.ndarray]:
        """(first game of the sequence, first game on or after the date) as positions; equal if none before."""
        queries = pd.MultiIndex.from_arrays([keys.to_numpy(), seasons.to_numpy().astype(np.int64)])
        codes = self._blocks.get_indexer(queries).astype(np.int64)  # -1: no sequence, every count is 0
        start = np.searchsorted(self._sorted, codes * _SPAN)
        stop = np.searchsorted(self._sorted, codes * _SPAN + day_numbers(dates))
        return start, stop

    @staticmethod
    def _span(running: np.ndarray, values: np.ndarray, first: np.ndarray, stop: np.ndarray) -> np.ndarray:
        """Sum over positions [first, stop) from a running sum that restarts in each sequence (0 if empty)."""
        if len(values) == 0:
            return np.zeros(len(first))
        last = np.clip(stop - 1, 0, None)
        head = np.clip(first, 0, len(values) - 1)
        return np.where(stop > first, running[last] - running[head] + values[head], 0)

    def total(self, column: str, first: np.ndarray, stop: np.ndarray) -> np.ndarray:
        """Sum of the column's known values over positions [first, stop)."""
        running, values, _, _ = self._running[column]
        return self._span(running, values, first, stop).astype("float64")

    def known(self, column: str, first: np.ndarray, stop: np.ndarray) -> np.ndarray:
        _, _, running, values = self._running[column]
        return self._span(running, values, first, stop).astype("int64")

    def mean(self, column: str, first: np.ndarray, stop: np.ndarray) -> np.ndarray:
        """Mean of the known values over [first, stop); NaN when none is known."""
        count = self.known(column, first, stop)
        return np.where(count > 0, self.total(column, first, stop) / np.maximum(count, 1), np.nan)

    def value_at(self, column: str, position: np.ndarray, present: np.ndarray) -> np.ndarray:
        """The column's value at each position where `present`, else None/NaT."""
        values = self.games[column].to_numpy()
        if len(values) == 0:
            return np.full(len(position), None, dtype=object)
        picked = values[np.clip(position, 0, len(values) - 1)]
        empty = np.datetime64("NaT") if np.issubdtype(values.dtype, np.datetime64) else None
        return np.where(present, picked, empty)


def latest_team(players: pd.DataFrame, date_column: str, player_games: pd.DataFrame, max_days: int) -> pd.Series:
    """The team of each player's latest player_game_summary row in [date - max_days, date), else NaN.

    Completeness is measured against that team's games (docs/RULES.md#row-bookkeeping): after a trade the
    player's recent rows are his old team's games.
    """
    probe = pd.DataFrame({"player_lookup": players["player_lookup"].to_numpy(), "date": players[date_column].to_numpy()})
    probe["row"] = np.arange(len(probe))
    rows = player_games[["player_lookup", "game_date", "team_abbr"]].sort_values("game_date", kind="stable")
    found = pd.merge_asof(
        probe.sort_values("date", kind="stable"), rows, left_on="date", right_on="game_date", by="player_lookup",
        allow_exact_matches=False, tolerance=pd.Timedelta(days=max_days),
    )  # fmt: skip
    return pd.Series(found.set_index("row")["team_abbr"].reindex(np.arange(len(probe))).to_numpy(), index=players.index)
