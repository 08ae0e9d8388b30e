"""Parity of the platform's Phase 4 tables with the legacy tables of the same names: a pure comparison of frames.

What a team reads before it switches (docs/LEGACY.md#compare): per table, the keys found on one side only;
per column (and, for the feature store, per index of the 60-feature array) the share of matched rows whose
values differ beyond a tolerance and the largest difference; the dates and players with the most differing
values. Numbers differ when |new - legacy| > tolerance, after the new value is rounded (half away from zero)
to the scale of a legacy NUMERIC(p, s) column: the legacy table could not hold more, and writing into it
rounds the same way (docs/LEGACY.md#type-compatibility). A NULL on one side only differs; other types
differ when unequal.
Audit columns (run timestamps, hashes of rows and of upstream rows, timings) always differ between two systems
and are not compared.
"""

from __future__ import annotations

import decimal
import math
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from nba_features.contracts.features import FEATURE_COUNT, FEATURE_NAMES

# The Phase 4 outputs compared, in run order (docs/RULES.md#lineage-and-run-order)
COMPARED_TABLES = (
    "nba_precompute.team_defense_zone_analysis",
    "nba_precompute.player_shot_zone_analysis",
    "nba_precompute.player_composite_factors",
    "nba_precompute.player_daily_cache",
    "nba_predictions.ml_feature_store_v2",
)
AUDIT_COLUMNS = frozenset(
    {"processed_at", "created_at", "updated_at", "quality_computed_at", "feature_generation_time_ms", "data_hash"}
)
AUDIT_SUFFIXES = ("_last_updated", "_hash")
FEATURES_COLUMN = "features"
DEFAULT_TOLERANCE = 1e-6  # float noise between two implementations of the same arithmetic
TOP = 5


def is_audit(column: str) -> bool:
    return column in AUDIT_COLUMNS or column.endswith(AUDIT_SUFFIXES)


@dataclass(frozen=True)
class ValueDiff:
    """One compared column (or feature index): how many matched rows differ beyond the tolerance, and the worst."""

    name: str
    compared: int
    differing: int
    max_difference: float | None  # numbers only: the largest |new - legacy| (inf when one side is NULL)
    example: dict[str, Any] | None  # the key, new and legacy values of the largest difference

    @property
    def share(self) -> float:
        return self.differing / self.compared if self.compared else 0.0


@dataclass(frozen=True)
class TableComparison:
    table: str
    rows_new: int
    rows_legacy: int
    only_new: list[dict[str, Any]]  # keys found only in the platform's table
    only_legacy: list[dict[str, Any]]  # keys found only in the legacy table
    columns_only_new: list[str]
    columns_only_legacy: list[str]
    columns: list[ValueDiff]
    features: list[ValueDiff] = field(default_factory=list)
    top_dates: list[tuple[str, int]] = field(default_factory=list)  # (date, differing values), most first
    top_players: list[tuple[str, int]] = field(default_factory=list)

    def within(self, max_share: float) -> bool:
        diffs = [*self.columns, *self.features]
        return not self.only_new and not self.only_legacy and all(d.share <= max_share for d in diffs)


@dataclass(frozen=True)
class ComparisonReport:
    start: str
    end: str
    against: str
    tolerance: float
    max_share: float
    tables: list[TableComparison]

    @property
    def within_tolerance(self) -> bool:
        return all(t.within(self.max_share) for t in self.tables)


def _plain(value: Any) -> Any:
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat() if value == value.normalize() and value.tzinfo is None else value.isoformat()
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, np.ndarray):
        value = value.tolist()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def _is_null(value: Any) -> bool:
    if isinstance(value, (list, tuple, dict, np.ndarray)):
        return False
    return bool(pd.isna(value))


def _number(value: Any) -> float | None:
    if _is_null(value) or isinstance(value, (bool, np.bool_, str)):
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _difference(new: Any, legacy: Any, tolerance: float) -> tuple[bool, float | None]:
    """(differs, numeric difference) of two values of one cell."""
    if _is_null(new) and _is_null(legacy):
        return False, None
    a, b = _number(new), _number(legacy)
    numeric = (a is not None or _is_null(new)) and (b is not None or _is_null(legacy)) and not (a is None and b is None)
    if numeric:
        if a is None or b is None:
            return True, math.inf
        gap = abs(a - b)
        return gap > tolerance, gap
    if isinstance(new, (list, tuple, np.ndarray)) or isinstance(legacy, (list, tuple, np.ndarray)):
        return list(new if new is not None else []) != list(legacy if legacy is not None else []), None
    return new != legacy, None


def _value_diff(
    name: str, keys: pd.DataFrame, new: pd.Series, legacy: pd.Series, tolerance: float
) -> tuple[ValueDiff, np.ndarray]:
    """The comparison of one column over the matched rows, and which rows differ."""
    flags = np.zeros(len(new), dtype=bool)
    largest: float | None = None  # the largest numeric gap, within tolerance or not
    example_row, example_gap = None, -1.0
    for row, (a, b) in enumerate(zip(new.to_numpy(), legacy.to_numpy())):
        differs, gap = _difference(a, b, tolerance)
        flags[row] = differs
        if gap is not None:
            largest = gap if largest is None else max(largest, gap)
        if differs and (gap or 0.0) > example_gap:
            example_row, example_gap = row, gap or 0.0
    example = None
    if example_row is not None:
        example = {k: _plain(v) for k, v in keys.iloc[example_row].items()} | {
            "new": _plain(new.iloc[example_row]),
            "legacy": _plain(legacy.iloc[example_row]),
        }
    return ValueDiff(name, len(new), int(flags.sum()), largest, example), flags


def _rounded(series: pd.Series, scale: int) -> pd.Series:
    unit = decimal.Decimal(1).scaleb(-scale)

    def one(value: Any) -> Any:
        number = _number(value)
        if number is None or not math.isfinite(number):
            return value
        return float(decimal.Decimal(repr(number)).quantize(unit, rounding=decimal.ROUND_HALF_UP))

    return series.map(one)


def _feature_values(series: pd.Series, index: int) -> pd.Series:
    return series.map(lambda v: v[index] if isinstance(v, (list, tuple, np.ndarray)) and len(v) > index else None)


def compare_table(
    table: str,
    new: pd.DataFrame,
    legacy: pd.DataFrame,
    key: tuple[str, ...],
    partition_column: str,
    tolerance: float = DEFAULT_TOLERANCE,
    legacy_scales: dict[str, int] | None = None,
) -> TableComparison:
    """Compare the rows of one table over the same dates: keys on one side, then value by value on the matched rows.

    `legacy_scales`: the scale of each legacy NUMERIC column; the new values are rounded to it first.
    """
    new_keys = new[list(key)].apply(tuple, axis=1) if len(new) else pd.Series([], dtype=object)
    legacy_keys = legacy[list(key)].apply(tuple, axis=1) if len(legacy) else pd.Series([], dtype=object)
    only_new = sorted(set(new_keys) - set(legacy_keys))
    only_legacy = sorted(set(legacy_keys) - set(new_keys))
    shared_columns = [c for c in new.columns if c in legacy.columns and c not in key and not is_audit(c)]
    merged = new.merge(legacy, on=list(key), how="inner", suffixes=("__new", "__legacy"))
    keys = merged[list(key)]
    columns: list[ValueDiff] = []
    features: list[ValueDiff] = []
    per_row = np.zeros(len(merged), dtype=int)
    for column in shared_columns:
        left, right = merged[f"{column}__new"], merged[f"{column}__legacy"]
        if column == FEATURES_COLUMN:
            for index in range(FEATURE_COUNT):
                diff, flags = _value_diff(
                    f"{index} {FEATURE_NAMES[index]}",
                    keys,
                    _feature_values(left, index),
                    _feature_values(right, index),
                    tolerance,
                )
                features.append(diff)
                per_row += flags
            continue
        if column in (legacy_scales or {}):
            left = _rounded(left, legacy_scales[column])
        diff, flags = _value_diff(column, keys, left, right, tolerance)
        columns.append(diff)
        per_row += flags
    dates: Counter[str] = Counter()
    players: Counter[str] = Counter()
    for row in np.flatnonzero(per_row):
        dates[str(_plain(keys.iloc[row][partition_column]))] += int(per_row[row])
        if "player_lookup" in keys.columns:
            players[str(keys.iloc[row]["player_lookup"])] += int(per_row[row])
    return TableComparison(
        table=table,
        rows_new=len(new),
        rows_legacy=len(legacy),
        only_new=[dict(zip(key, map(_plain, k))) for k in only_new],
        only_legacy=[dict(zip(key, map(_plain, k))) for k in only_legacy],
        columns_only_new=sorted(c for c in new.columns if c not in legacy.columns),
        columns_only_legacy=sorted(c for c in legacy.columns if c not in new.columns),
        columns=columns,
        features=features,
        top_dates=dates.most_common(TOP),
        top_players=players.most_common(TOP),
    )


def _format_gap(gap: float | None) -> str:
    if gap is None:
        return "-"
    return "NULL vs value" if math.isinf(gap) else f"{gap:.6g}"


def render(report: ComparisonReport, *, all_columns: bool = False) -> str:
    """The terminal table: one block per table; columns and features that differ (all of them with `all_columns`)."""
    lines = [
        f"compare {report.start} .. {report.end}: platform tables vs prefix {report.against!r} "
        f"(tolerance {report.tolerance:g}, allowed share {report.max_share:.1%})"
    ]
    for table in report.tables:
        verdict = "ok" if table.within(report.max_share) else "DIFFERS"
        lines.append("")
        lines.append(f"{verdict:8}{table.table}: rows {table.rows_new} new / {table.rows_legacy} legacy")
        if table.only_new or table.only_legacy:
            lines.append(f"        keys only new: {len(table.only_new)}  only legacy: {len(table.only_legacy)}")
            for side, keys in (("only new", table.only_new), ("only legacy", table.only_legacy)):
                for key in keys[:TOP]:
                    lines.append(f"          {side}: " + ", ".join(f"{k}={v}" for k, v in key.items()))
        if table.columns_only_new or table.columns_only_legacy:
            lines.append(f"        columns only new: {', '.join(table.columns_only_new) or '-'}")
            lines.append(f"        columns only legacy: {', '.join(table.columns_only_legacy) or '-'}")
        shown = [d for d in (*table.columns, *table.features) if all_columns or d.differing]
        if shown:
            width = max(len(d.name) for d in shown)
            lines.append(f"        {'column / feature':<{width}}  differing  share    largest difference")
            for diff in shown:
                lines.append(
                    f"        {diff.name:<{width}}  {diff.differing:>9}  {diff.share:>6.1%}   {_format_gap(diff.max_difference)}"
                )
        if table.top_dates:
            lines.append("        most differing dates: " + ", ".join(f"{d} ({n})" for d, n in table.top_dates))
        if table.top_players:
            lines.append("        most differing players: " + ", ".join(f"{p} ({n})" for p, n in table.top_players))
    lines.append("")
    lines.append("within tolerance" if report.within_tolerance else "NOT within tolerance")
    return "\n".join(lines)


def as_json(report: ComparisonReport) -> dict[str, Any]:
    def diff(d: ValueDiff) -> dict[str, Any]:
        gap = d.max_difference
        return {
            "name": d.name,
            "compared": d.compared,
            "differing": d.differing,
            "share": d.share,
            "max_difference": None if gap is None else ("null_vs_value" if math.isinf(gap) else gap),
            "example": d.example,
        }

    return {
        "from": report.start,
        "to": report.end,
        "against": report.against,
        "tolerance": report.tolerance,
        "max_share": report.max_share,
        "within_tolerance": report.within_tolerance,
        "tables": [
            {
                "table": t.table,
                "within_tolerance": t.within(report.max_share),
                "rows_new": t.rows_new,
                "rows_legacy": t.rows_legacy,
                "only_new": t.only_new,
                "only_legacy": t.only_legacy,
                "columns_only_new": t.columns_only_new,
                "columns_only_legacy": t.columns_only_legacy,
                "columns": [diff(d) for d in t.columns],
                "features": [diff(d) for d in t.features],
                "top_dates": [{"date": d, "differing": n} for d, n in t.top_dates],
                "top_players": [{"player_lookup": p, "differing": n} for p, n in t.top_players],
            }
            for t in report.tables
        ],
    }
