"""Point-in-time window sums over per-entity game histories (vectorized with sorted keys + cumsums).

Every query is for a (entity, day D) pair and only sees history rows of that entity with day < D, the
same rule a Phase 3 processor follows for pre-game context.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

EPOCH = np.datetime64("2000-01-01", "D")
_SPAN = 100_000  # days per entity block in the composite key


def day_number(dates) -> np.ndarray:
    return (pd.to_datetime(pd.Series(dates)).to_numpy().astype("datetime64[D]") - EPOCH).astype(np.int64)


class History:
    def __init__(
        self,
        entity: np.ndarray,
        day: np.ndarray,
        values: dict[str, np.ndarray] | None = None,
        scales: dict[str, int] | None = None,
    ):
        """values: per-row numbers (NaN = missing). Sums run on integers (value x scale, default 1, e.g.
        10 for minutes with one decimal) so that a window's sum does not depend on the other rows."""
        entity = np.asarray(entity, dtype=np.int64)
        day = np.asarray(day, dtype=np.int64)
        order = np.lexsort((day, entity))
        self.key = entity[order] * _SPAN + day[order]
        if len(self.key) > 1 and (np.diff(self.key) <= 0).any():
            raise ValueError("History needs at most one row per entity and day")
        self.day = day[order]
        self._scale: dict[str, int] = dict(scales or {})
        self._cs: dict[str, np.ndarray] = {}
        self._cn: dict[str, np.ndarray] = {}
        self.values: dict[str, np.ndarray] = {}
        for name, v in (values or {}).items():
            v = np.asarray(v, dtype=float)[order]
            self.values[name] = v
            ok = ~np.isnan(v)
            scaled = np.round(np.where(ok, v, 0.0) * self._scale.setdefault(name, 1)).astype(np.int64)
            self._cs[name] = np.r_[0, np.cumsum(scaled)]
            self._cn[name] = np.r_[0, np.cumsum(ok)]

    def bounds_days(self, entity, day, days: int, floor_day=None) -> tuple[np.ndarray, np.ndarray]:
        """Rows with day in [D - days, D) (and >= floor_day if given)."""
        entity = np.asarray(entity, dtype=np.int64)
        day = np.asarray(day, dtype=np.int64)
        lower = day - days
        if floor_day is not None:
            lower = np.maximum(lower, floor_day)
        lo = np.searchsorted(self.key, entity * _SPAN + lower, "left")
        hi = np.searchsorted(self.key, entity * _SPAN + day, "left")
        return lo, np.maximum(hi, lo)

    def bounds_last(self, entity, day, n: int, floor_day=None) -> tuple[np.ndarray, np.ndarray]:
        """The last n rows before D (not before floor_day if given)."""
        entity = np.asarray(entity, dtype=np.int64)
        day = np.asarray(day, dtype=np.int64)
        hi = np.searchsorted(self.key, entity * _SPAN + day, "left")
        floor = np.zeros_like(day) if floor_day is None else np.asarray(floor_day, dtype=np.int64)
        lo0 = np.searchsorted(self.key, entity * _SPAN + floor, "left")
        return np.maximum(hi - n, lo0), hi

    def sum(self, name: str, lo, hi) -> np.ndarray:
        return (self._cs[name][hi] - self._cs[name][lo]) / self._scale[name]

    def count(self, name: str, lo, hi) -> np.ndarray:
        return self._cn[name][hi] - self._cn[name][lo]

    def mean(self, name: str, lo, hi) -> np.ndarray:
        n = self.count(name, lo, hi)
        with np.errstate(invalid="ignore", divide="ignore"):
            total = self._cs[name][hi] - self._cs[name][lo]
            return np.where(n > 0, total / (np.maximum(n, 1) * self._scale[name]), np.nan)

    def previous_day(self, entity, day, floor_day=None) -> np.ndarray:
        """Day of the entity's last row before D (NaN if none, or if before floor_day)."""
        lo, hi = self.bounds_last(entity, day, 1, floor_day)
        out = np.full(len(hi), np.nan)
        has = hi > lo
        out[has] = self.day[hi[has] - 1]
        return out

    def last_value(self, name: str, entity, day, floor_day=None) -> np.ndarray:
        lo, hi = self.bounds_last(entity, day, 1, floor_day)
        out = np.full(len(hi), np.nan)
        has = hi > lo
        out[has] = self.values[name][hi[has] - 1]
        return out
