"""Point-in-time windows over sorted event rows, for every (row, date) of a run at once.

An :class:`EventTable` holds the rows of one kind (a player's games, a team's games, a player's graded
lines) sorted by (key, date). For each anchor (one feature-store row: a key and a date D) a
:class:`Windows` gives the positions ``[start, end)`` of the events with ``lo <= date < hi`` (hi = D,
so the strict ``game_date < D`` of docs/RULES.md#point-in-time is built in). Two binary searches per anchor, whatever
the number of dates in the run.

Reductions walk the window newest-first, one position at a time, over all anchors together (a loop
over the window width, never over anchors or dates). Sums are therefore taken in the same order for
a given window whatever else the extract holds, so a range run and a run per date produce
bit-identical floats.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from nba_features.phase4.coercions import as_float_array, day_numbers

# Keys and dates are packed into one sortable int64: key code × _SPAN + day number.
_SPAN = np.int64(1 << 24)


@dataclass(frozen=True)
class Windows:
    """Per anchor, the positions ``[start, end)`` of its window in an EventTable."""

    start: np.ndarray
    end: np.ndarray

    @property
    def size(self) -> np.ndarray:
        return self.end - self.start

    @property
    def width(self) -> int:
        return int(self.size.max()) if len(self.size) else 0

    def newest(self, n: int) -> Windows:
        """The newest n events of each window."""
        return Windows(np.maximum(self.start, self.end - n), self.end)

    def nth_newest(self, values: np.ndarray, k: int, fill: float | int = np.nan) -> np.ndarray:
        """The value of each window's k-th newest event (k = 0 is the newest); `fill` where it has none."""
        position = self.end - 1 - k
        present = position >= self.start
        dtype = np.result_type(values.dtype, np.asarray(fill).dtype) if values.dtype != object else object
        out = np.full(len(position), fill, dtype=dtype)
        out[present] = values[position[present]]
        return out

    def present(self, k: int) -> np.ndarray:
        """Whether each window has a k-th newest event."""
        return self.end - 1 - k >= self.start

    def newest_first(self, values: np.ndarray) -> Iterator[np.ndarray]:
        for k in range(self.width):
            yield self.nth_newest(values, k)

    def sum(self, values: np.ndarray) -> np.ndarray:
        """Sum of the non-NaN values of each window (0 for an empty window)."""
        total = np.zeros(len(self.start))
        for column in self.newest_first(values):
            total += np.where(np.isnan(column), 0.0, column)
        return total

    def count(self, values: np.ndarray) -> np.ndarray:
        """Number of non-NaN values in each window."""
        total = np.zeros(len(self.start), dtype=np.int64)
        for column in self.newest_first(values):
            total += ~np.isnan(column)
        return total

    def mean(self, values: np.ndarray) -> np.ndarray:
        """Mean of the non-NaN values (NaN when there are none)."""
        count = self.count(values)
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(count > 0, self.sum(values) / np.maximum(count, 1), np.nan)

    def std(self, values: np.ndarray) -> np.ndarray:
        """Sample standard deviation (ddof 1) of the non-NaN values (NaN with fewer than 2)."""
        count = self.count(values)
        mean = self.mean(values)
        squares = np.zeros(len(self.start))
        for column in self.newest_first(values):
            deviation = column - mean
            squares += np.where(np.isnan(deviation), 0.0, deviation * deviation)
        return np.where(count >= 2, np.sqrt(squares / np.maximum(count - 1, 1)), np.nan)


class EventTable:
    """Rows sorted by (key, date[, tie-breakers]) with window look-ups per (key, date range)."""

    def __init__(self, frame: pd.DataFrame, key: str, date_column: str, tie_breakers: Sequence[str] = ()):
        ordered = frame.sort_values([key, date_column, *tie_breakers], kind="stable").reset_index(drop=True)
        self.frame = ordered
        self.keys = pd.Index(ordered[key].unique())
        self.days = day_numbers(ordered[date_column])
        codes = self.keys.get_indexer(ordered[key]).astype(np.int64)
        self._packed = codes * _SPAN + self.days

    def floats(self, column: str) -> np.ndarray:
        return as_float_array(self.frame[column])

    def windows(self, keys: pd.Series | np.ndarray, lo_days: np.ndarray, hi_days: np.ndarray) -> Windows:
        """Events of each anchor's key dated in [lo, hi) (day numbers); empty when lo >= hi."""
        codes = self.keys.get_indexer(pd.Index(keys)).astype(np.int64)
        base = codes * _SPAN
        start = np.searchsorted(self._packed, base + lo_days, side="left")
        end = np.searchsorted(self._packed, base + hi_days, side="left")
        unknown = codes < 0
        start[unknown] = 0
        end[unknown] = 0
        return Windows(start, np.maximum(end, start))
