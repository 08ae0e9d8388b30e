"""The 60 features of a batch of rows: a value and a raw source tag per (row, feature).

Features are set by name; the registry (:mod:`nba_features.contracts.features`) decides the array
order, the value and tag of an unavailable feature (``default`` with the registry default, or
``missing`` with NULL when the registry has no default), so no index or default is repeated here.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np

from nba_features.contracts.features import FEATURE_NAMES, FEATURES, feature

TagLike = str | np.ndarray


class FeatureSet:
    def __init__(self, rows: int):
        self.rows = rows
        self._values: dict[str, np.ndarray] = {}
        self._tags: dict[str, np.ndarray] = {}

    # --- setting features ----------------------------------------------------------------------
    def chain(self, name: str, *candidates: tuple[np.ndarray, TagLike]) -> None:
        """The first non-NULL candidate per row, with its tag; unavailable → the registry's default.

        This is the lookup rule of docs/RULES.md#source-chain: Phase 4 value → Phase 3 value → constant.
        """
        spec = feature(name)
        value = np.full(self.rows, np.nan)
        tag = np.full(self.rows, None, dtype=object)
        for candidate, source in candidates:
            candidate = np.asarray(candidate, dtype="float64")
            take = np.isnan(value) & ~np.isnan(candidate)
            value[take] = candidate[take]
            tag[take] = source[take] if isinstance(source, np.ndarray) else source
        unavailable = np.isnan(value)
        if spec.default_value is None:
            tag[unavailable] = "missing"
        else:
            value[unavailable] = spec.default_value
            tag[unavailable] = "default"
        self._values[spec.name] = value
        self._tags[spec.name] = tag

    def always(self, name: str, values: np.ndarray, source: str) -> None:
        """A feature that always carries `source` (``calculated``, ``phase3``); NULL → the registry's value."""
        spec = feature(name)
        value = np.asarray(values, dtype="float64").copy()
        if spec.default_value is None:
            raise ValueError(f"feature {name} has no registry value for insufficient inputs")
        value[np.isnan(value)] = spec.default_value
        self._values[spec.name] = value
        self._tags[spec.name] = np.full(self.rows, source, dtype=object)

    def make_unavailable(self, names: Iterable[str], rows: np.ndarray) -> None:
        """Mark features unavailable on the selected rows (registry default or missing)."""
        for name in names:
            spec = feature(name)
            self._values[name][rows] = np.nan if spec.default_value is None else spec.default_value
            self._tags[name][rows] = "missing" if spec.default_value is None else "default"

    # --- reading features ----------------------------------------------------------------------
    def value(self, name: str) -> np.ndarray:
        return self._values[feature(name).name]

    def tag(self, name: str) -> np.ndarray:
        return self._tags[feature(name).name]

    def _ordered(self, store: dict[str, np.ndarray]) -> Sequence[np.ndarray]:
        missing = [name for name in FEATURE_NAMES if name not in store]
        if missing:
            raise KeyError(f"features not computed: {missing}")
        return [store[f.name] for f in FEATURES]

    def value_matrix(self) -> np.ndarray:
        """rows × 60 values in registry order (NaN where missing)."""
        return np.column_stack(self._ordered(self._values)) if self.rows else np.zeros((0, len(FEATURES)))

    def tag_matrix(self) -> np.ndarray:
        """rows × 60 raw source tags in registry order."""
        return np.column_stack(self._ordered(self._tags)) if self.rows else np.zeros((0, len(FEATURES)), dtype=object)
