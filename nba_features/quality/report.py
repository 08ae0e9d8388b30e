"""Training-data contamination tiers over a window of ml_feature_store_v2 (decision 14, quality.md 2.1).

Tier 1: rows with required defaults (alert above 15%; monthly flags `!` above 5%, `!!!` above 15%).
Tier 2: rows whose only defaults are optional features (reported, never alerts).
Tier 3: the most often defaulted features, by registry name, over all 60 indices (ties by index).
Bootstrap placeholder rows (data_source 'early_season', every feature a default by design, decision 2)
are counted apart and left out of the tiers, as the trailing-window check leaves them out.
Percentages are rounded to 1 dp before they are compared with a threshold, as the legacy monitor did.
`nba-features report` prints it (or JSON) and exits 1 when tier 1 exceeds 15% or there is no data
(2 on a usage error).
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import json
from dataclasses import asdict, dataclass, field

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


def _all_indices(arrays: pd.Series) -> pd.Series:
    """Every index of every row's array, as explode().dropna().astype(int) gives them; stored arrays (lists of
    ints) are flattened in C, without explode's Series of objects: the trailing check builds a report per date."""
    try:
        return pd.Series(np.fromiter(itertools.chain.from_iterable(arrays.tolist()), dtype=np.int64))
    except TypeError:  # a NULL array or element
        return arrays.explode().dropna().astype(int)


def build_report(rows: pd.DataFrame, start: dt.date, end: dt.date) -> ContaminationReport:
    """Pure: the three tiers and the monthly breakdown from feature-store rows of the window."""
    placeholders = 0
    if "data_source" in rows.columns:
        is_placeholder = rows["data_source"] == "early_season"
        placeholders = int(is_placeholder.sum())
        if placeholders:
            rows = rows[~is_placeholder]
    total = len(rows)
    report = ContaminationReport(start=start.isoformat(), end=end.isoformat(), total_rows=total, bootstrap_placeholder_rows=placeholders)
    if not total:
        return report
    required = rows["required_default_count"].fillna(rows["default_feature_count"]).fillna(0)
    contaminated = required > 0
    ready = rows["is_quality_ready"].fillna(False).astype(bool)
    optional_only = (rows["default_feature_count"].fillna(0) > 0) & ~contaminated
    report.tier1_rows = int(contaminated.sum())
    report.tier1_pct = _pct(report.tier1_rows, total)
    report.clean_rows = total - report.tier1_rows
    report.clean_pct = _pct(report.clean_rows, total)
    report.avg_required_defaults = round(float(required.mean()), 2)
    report.quality_ready_rows = int(ready.sum())
    report.quality_ready_pct = _pct(report.quality_ready_rows, total)
    report.tier2_rows = int(optional_only.sum())
    report.tier2_pct = _pct(report.tier2_rows, total)
    report.avg_quality_score = round(float(rows["feature_quality_score"].mean()), 2)

    # "YYYY-MM" by numpy month truncation, not strftime: the trailing-window check builds one report per date
    game_dates = pd.to_datetime(rows["game_date"], cache=False)
    month = pd.Series(game_dates.to_numpy().astype("datetime64[M]").astype(str), index=rows.index).where(game_dates.notna())
    for name, group in pd.DataFrame({"month": month, "req": contaminated, "ready": ready}).groupby("month"):
        n, req = len(group), int(group["req"].sum())
        pct = _pct(req, n)
        report.monthly.append({
            "month": name, "total": n, "clean": n - req, "required_contaminated": req, "required_pct": pct,
            "quality_ready": int(group["ready"].sum()), "ready_pct": _pct(int(group["ready"].sum()), n),
            "flag": "!!!" if pct > MONTH_ALERT_PCT else "!" if pct > MONTH_WARN_PCT else "",
        })

    exploded = _all_indices(rows["default_feature_indices"])
    counts = exploded.value_counts().sort_index().sort_values(ascending=False, kind="stable")  # ties: lower index first
    for index, count in counts.head(TOP_FEATURES).items():
        feature = FEATURES[index]
        report.top_defaulted_features.append({
            "index": int(index), "name": feature.name, "category": feature.category,
            "gate": "REQUIRED" if feature.required else "optional", "rows": int(count), "pct_of_rows": _pct(int(count), total),
        })
    return report


def contamination_report(start: dt.date, end: dt.date, warehouse=None) -> ContaminationReport:
    from nba_features.warehouse import warehouse_from_env

    warehouse = warehouse or warehouse_from_env()
    rows = warehouse.query(REPORT_SQL, {"start_date": start, "end_date": end})
    return build_report(rows, start, end)


def render_report(report: ContaminationReport) -> str:
    lines = [f"Contamination report for {FEATURE_STORE_TABLE}, {report.start} .. {report.end}: {report.total_rows:,} rows"
             + (f" ({report.bootstrap_placeholder_rows:,} bootstrap placeholder rows not counted)" if report.bootstrap_placeholder_rows else "")]
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
    lines += ["", f"Tier 3 - top {TOP_FEATURES} defaulted features (all 60 indices)", f"  {'idx':>3} {'name':<32} {'gate':<9} {'rows':>8} {'% rows':>7}"]
    for f in report.top_defaulted_features:
        lines.append(f"  {f['index']:>3} {f['name']:<32} {f['gate']:<9} {f['rows']:>8,} {f['pct_of_rows']:>7.1f}")
    lines.append("")
    lines.append(
        f"ALERT: tier 1 contamination {report.tier1_pct:.1f}% exceeds {TIER1_ALERT_PCT:.0f}%"
        if report.alert else f"OK: tier 1 contamination {report.tier1_pct:.1f}% is within {TIER1_ALERT_PCT:.0f}%"
    )
    return "\n".join(lines)


def add_report_parser(commands) -> None:
    parser = commands.add_parser("report", help="contamination tiers of ml_feature_store_v2 over a window")
    window = parser.add_mutually_exclusive_group()
    window.add_argument("--recent", action="store_true", help=f"the {RECENT_DAYS} days ending on the latest date with rows")
    parser.add_argument("--from", dest="start", type=dt.date.fromisoformat, default=None)
    parser.add_argument("--to", dest="end", type=dt.date.fromisoformat, default=None)
    parser.add_argument("--format", choices=["table", "json"], default="table")


def run_report_command(args: argparse.Namespace) -> int:
    """Exit 0 when tier 1 is within 15%, 1 above it or without data; usage errors are CliError (exit 2)."""
    from nba_features.cli import CliError
    from nba_features.warehouse import warehouse_from_env

    if args.recent and (args.start or args.end):
        raise CliError("--recent cannot be combined with --from/--to")
    if args.start and args.end and args.end < args.start:
        raise CliError(f"--to {args.end} is before --from {args.start}")
    warehouse = warehouse_from_env()
    bounds = warehouse.query(
        "SELECT MIN(game_date) AS first, MAX(game_date) AS last FROM nba_predictions.ml_feature_store_v2 "
        "WHERE game_date BETWEEN @lo AND @hi",
        {"lo": dt.date(1900, 1, 1), "hi": dt.date(2999, 12, 31)},
    ).iloc[0]
    last = pd.Timestamp(bounds["last"]).date() if pd.notna(bounds["last"]) else dt.date.today()
    first = pd.Timestamp(bounds["first"]).date() if pd.notna(bounds["first"]) else last
    if args.recent:
        start, end = last - dt.timedelta(days=RECENT_DAYS - 1), last
    else:
        # one open end defaults to the data's edge, never past the given end: an empty window reports NO DATA
        start = args.start or (min(first, args.end) if args.end else first)
        end = args.end or max(last, start)
    report = contamination_report(start, end, warehouse)
    print(json.dumps(asdict(report) | {"alert": report.alert}, indent=2) if args.format == "json" else render_report(report))
    return 1 if report.alert else 0
