"""Training-data contamination tiers over a window of ml_feature_store_v2 (docs/RULES.md#contamination-tiers, docs/RULES.md#contamination-tiers).

Tier 1: rows with required defaults (alert above 15%; monthly flags `!` above 5%, `!!!` above 15%).
Tier 2: rows whose only defaults are optional features (reported, never alerts).
Tier 3: the most often defaulted features, by registry name, over all 60 indices (ties by index).
Bootstrap placeholder rows (data_source 'early_season', every feature a default by design, docs/RULES.md#season-start-and-bootstrap)
are counted apart and left out of the tiers, as the trailing-window check leaves them out.
Percentages are rounded to 1 dp before they are compared with a threshold, as the legacy monitor did.
`nba-features report` (cli/report.py) prints it.
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from nba_features.contracts.features import FEATURES

FEATURE_STORE_TABLE = "nba_predictions.ml_feature_store_v2"
TIER1_ALERT_PCT = 15.0
MONTH_WARN_PCT = 5.0
MONTH_ALERT_PCT = 15.0
TOP_FEATURES = 15
RECENT_DAYS = 14

REPORT_SQL = """
-- bound: the requested window only
SELECT game_date, data_source, required_default_count, default_feature_count, is_quality_ready,
       feature_quality_score, default_feature_indices
FROM nba_predictions.ml_feature_store_v2
WHERE game_date BETWEEN @start_date AND @end_date AND feature_count >= 37
"""


@dataclass
class ContaminationReport:
    start: str
    end: str
    total_rows: int
    tier1_rows: int = 0
    tier1_pct: float = 0.0
    clean_rows: int = 0
    clean_pct: float = 0.0
    avg_required_defaults: float = 0.0
    quality_ready_rows: int = 0
    quality_ready_pct: float = 0.0
    tier2_rows: int = 0
    tier2_pct: float = 0.0
    avg_quality_score: float = 0.0
    bootstrap_placeholder_rows: int = 0
    monthly: list[dict] = field(default_factory=list)
    top_defaulted_features: list[dict] = field(default_factory=list)

    @property
    def alert(self) -> bool:
        return self.total_rows == 0 or self.tier1_pct > TIER1_ALERT_PCT


def _pct(part: int, whole: int) -> float:
    return round(100.0 * part / whole, 1) if whole else 0.0


def _default_indices(arrays: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """(row position, feature index) for every index of every row's default_feature_indices array; NULL
    arrays and elements are left out. Stored arrays (lists of ints) are flattened in C."""
    values = arrays.tolist()
    try:
        indices = np.fromiter(itertools.chain.from_iterable(values), dtype=np.int64)
        positions = np.repeat(np.arange(len(values)), [len(v) for v in values])
    except TypeError:  # a NULL array or element
        exploded = pd.Series(values, dtype=object).explode().dropna()
        indices, positions = exploded.to_numpy(dtype=np.int64), exploded.index.to_numpy(dtype=np.int64)
    return positions, indices


def _row_tiers(rows: pd.DataFrame) -> pd.DataFrame:
    """Per row: required defaults, tier 1 (a required feature defaulted), tier 2 (only optional ones), ready."""
    required = rows["required_default_count"].fillna(rows["default_feature_count"]).fillna(0)
    tier1 = required > 0
    return pd.DataFrame({
        "required": required,
        "tier1": tier1,
        "tier2": (rows["default_feature_count"].fillna(0) > 0) & ~tier1,
        "ready": rows["is_quality_ready"].fillna(False).astype(bool),
    })  # fmt: skip


def _top_defaulted(counts: np.ndarray, total: int) -> list[dict]:
    """Tier 3 from per-feature default counts: most defaulted first, ties by the lower index."""
    order = [int(i) for i in np.argsort(-counts, kind="stable") if counts[i] > 0][:TOP_FEATURES]
    return [
        {
            "index": index,
            "name": FEATURES[index].name,
            "category": FEATURES[index].category,
            "gate": "REQUIRED" if FEATURES[index].required else "optional",
            "rows": int(counts[index]),
            "pct_of_rows": _pct(int(counts[index]), total),
        }  # fmt: skip
        for index in order
    ]


def _without_placeholders(rows: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    if "data_source" not in rows.columns:
        return rows, 0
    is_placeholder = rows["data_source"] == "early_season"
    placeholders = int(is_placeholder.sum())
    return (rows[~is_placeholder] if placeholders else rows), placeholders


def build_report(rows: pd.DataFrame, start: dt.date, end: dt.date) -> ContaminationReport:
    """Pure: the three tiers and the monthly breakdown from feature-store rows of the window."""
    rows, placeholders = _without_placeholders(rows)
    total = len(rows)
    report = ContaminationReport(
        start=start.isoformat(), end=end.isoformat(), total_rows=total, bootstrap_placeholder_rows=placeholders
    )
    if not total:
        return report
    tiers = _row_tiers(rows)
    report.tier1_rows = int(tiers["tier1"].sum())
    report.tier1_pct = _pct(report.tier1_rows, total)
    report.clean_rows = total - report.tier1_rows
    report.clean_pct = _pct(report.clean_rows, total)
    report.avg_required_defaults = round(float(tiers["required"].mean()), 2)
    report.quality_ready_rows = int(tiers["ready"].sum())
    report.quality_ready_pct = _pct(report.quality_ready_rows, total)
    report.tier2_rows = int(tiers["tier2"].sum())
    report.tier2_pct = _pct(report.tier2_rows, total)
    report.avg_quality_score = round(float(rows["feature_quality_score"].mean()), 2)

    # "YYYY-MM" by numpy month truncation, not strftime
    game_dates = pd.to_datetime(rows["game_date"], cache=False)
    month = pd.Series(game_dates.to_numpy().astype("datetime64[M]").astype(str), index=rows.index).where(game_dates.notna())
    for name, group in pd.DataFrame({"month": month, "req": tiers["tier1"], "ready": tiers["ready"]}).groupby("month"):
        n, req = len(group), int(group["req"].sum())
        pct = _pct(req, n)
        report.monthly.append(
            {
                "month": name,
                "total": n,
                "clean": n - req,
                "required_contaminated": req,
                "required_pct": pct,
                "quality_ready": int(group["ready"].sum()),
                "ready_pct": _pct(int(group["ready"].sum()), n),
                "flag": "!!!" if pct > MONTH_ALERT_PCT else "!" if pct > MONTH_WARN_PCT else "",
            }
        )

    _, indices = _default_indices(rows["default_feature_indices"])
    report.top_defaulted_features = _top_defaulted(np.bincount(indices, minlength=len(FEATURES)), total)
    return report


@dataclass(frozen=True)
class DailyTiers:
    """Per game date of some feature-store rows (placeholders left out): rows, tier-1 and tier-2 rows, and
    how many rows defaulted each feature. A window's tiers are sums over its days, so the trailing-window
    check costs one pass over a season's rows instead of a report per date."""

    days: np.ndarray  # datetime64[D], ascending
    rows: np.ndarray
    tier1: np.ndarray
    tier2: np.ndarray
    defaults: np.ndarray  # days x features

    @classmethod
    def of(cls, rows: pd.DataFrame) -> DailyTiers:
        rows, _ = _without_placeholders(rows)
        row_days = pd.to_datetime(rows["game_date"], cache=False).to_numpy().astype("datetime64[D]")
        days, day_of_row = np.unique(row_days, return_inverse=True)
        tiers = _row_tiers(rows)
        positions, indices = _default_indices(rows["default_feature_indices"])
        defaults = np.zeros((len(days), len(FEATURES)), dtype=np.int64)
        np.add.at(defaults, (day_of_row[positions], indices), 1)
        return cls(
            days=days,
            rows=np.bincount(day_of_row, minlength=len(days)),
            tier1=np.bincount(day_of_row, weights=tiers["tier1"].to_numpy(dtype=float), minlength=len(days)).astype(np.int64),
            tier2=np.bincount(day_of_row, weights=tiers["tier2"].to_numpy(dtype=float), minlength=len(days)).astype(np.int64),
            defaults=defaults,
        )

    def window(self, start: dt.date, end: dt.date) -> dict:
        """total_rows, tier1_pct, tier2_pct and top_defaulted_features over [start, end], as build_report gives them."""
        first = int(np.searchsorted(self.days, np.datetime64(start, "D"), side="left"))
        stop = int(np.searchsorted(self.days, np.datetime64(end, "D"), side="right"))
        total = int(self.rows[first:stop].sum())
        return {
            "total_rows": total,
            "tier1_pct": _pct(int(self.tier1[first:stop].sum()), total),
            "tier2_pct": _pct(int(self.tier2[first:stop].sum()), total),
            "top_defaulted_features": _top_defaulted(self.defaults[first:stop].sum(axis=0), total) if total else [],
        }


def contamination_report(start: dt.date, end: dt.date, warehouse=None) -> ContaminationReport:
    from nba_features.warehouse import warehouse_from_env

    warehouse = warehouse or warehouse_from_env()
    rows = warehouse.query(REPORT_SQL, {"start_date": start, "end_date": end})
    return build_report(rows, start, end)


def render_report(report: ContaminationReport) -> str:
    lines = [
        f"Contamination report for {FEATURE_STORE_TABLE}, {report.start} .. {report.end}: {report.total_rows:,} rows"
        + (
            f" ({report.bootstrap_placeholder_rows:,} bootstrap placeholder rows not counted)"
            if report.bootstrap_placeholder_rows
            else ""
        )
    ]
    if not report.total_rows:
        lines.append("NO DATA in the window")
        return "\n".join(lines)
    lines += [
        "",
        "Tier 1 - required feature defaults (block predictions)",
        f"  rows with required defaults  {report.tier1_rows:>9,}  {report.tier1_pct:>5.1f}%   (alert above {TIER1_ALERT_PCT:.0f}%)",
        f"  clean rows                   {report.clean_rows:>9,}  {report.clean_pct:>5.1f}%",
        f"  avg required defaults        {report.avg_required_defaults:>9.2f}",
        f"  quality-ready rows           {report.quality_ready_rows:>9,}  {report.quality_ready_pct:>5.1f}%",
        "",
        "Tier 2 - optional-only defaults (vegas and other optional gaps; never alerts)",
        f"  rows                         {report.tier2_rows:>9,}  {report.tier2_pct:>5.1f}%",
        f"  avg feature_quality_score    {report.avg_quality_score:>9.2f}",
        "",
        "Monthly breakdown",
        f"  {'month':<8} {'total':>7} {'clean':>7} {'req':>7} {'req %':>6} {'ready':>7} {'ready %':>7}",
    ]
    for m in report.monthly:
        lines.append(
            f"  {m['month']:<8} {m['total']:>7,} {m['clean']:>7,} {m['required_contaminated']:>7,} "
            f"{m['required_pct']:>6.1f} {m['quality_ready']:>7,} {m['ready_pct']:>7.1f} {m['flag']}"
        )
    lines += [
        "",
        f"Tier 3 - top {TOP_FEATURES} defaulted features (all 60 indices)",
        f"  {'idx':>3} {'name':<32} {'gate':<9} {'rows':>8} {'% rows':>7}",
    ]
    for f in report.top_defaulted_features:
        lines.append(f"  {f['index']:>3} {f['name']:<32} {f['gate']:<9} {f['rows']:>8,} {f['pct_of_rows']:>7.1f}")
    lines.append("")
    lines.append(
        f"ALERT: tier 1 contamination {report.tier1_pct:.1f}% exceeds {TIER1_ALERT_PCT:.0f}%"
        if report.alert
        else f"OK: tier 1 contamination {report.tier1_pct:.1f}% is within {TIER1_ALERT_PCT:.0f}%"
    )
    return "\n".join(lines)
