"""Quality over time as pictures, from nba_orchestration.daily_quality rows (`daily_quality.py`).

Three figures over a date range (matplotlib figures on the Agg canvas: files only, no display, no pyplot
global state, so they are safe in a server or a test process):
- `contamination`: daily tier-1 contamination and quality-ready share, the tier-1 alert threshold and the
  `quality_ready_rate` gate (docs/RULES.md#contamination-tiers, #feature-store-gates), red dates marked;
- `rows`: rows per Phase 4 table per date (as each table held them when the feature store ran);
- `defaults`: the most often defaulted features over the range (share of scored rows).
`nba-features report --png DIR` writes them as PNG files, `--html FILE` as one self-contained page.
"""

from __future__ import annotations

import base64
import html
import io
from pathlib import Path

import matplotlib.dates as mdates
import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from nba_features.contracts.features import FEATURES
from nba_features.quality.daily_quality import default_totals, rows_column
from nba_features.quality.report import TOP_FEATURES

FIGURE_NAMES = ("contamination", "rows", "defaults")
TABLE_ORDER = (
    "team_defense_zone_analysis",
    "player_shot_zone_analysis",
    "player_composite_factors",
    "player_daily_cache",
    "ml_feature_store_v2",
)
RED = "#c0392b"


def top_defaulted(days: pd.DataFrame, top: int = TOP_FEATURES) -> list[tuple[str, float]]:
    """(feature name, % of scored rows) of the most defaulted features over the rows' dates, ties by index."""
    totals, rows = default_totals(days["default_counts"]), int(days["scored_rows"].sum())
    order = [int(i) for i in np.argsort(-totals, kind="stable") if totals[i] > 0][:top]
    return [(FEATURES[i].name, round(100.0 * totals[i] / rows, 1) if rows else 0.0) for i in order]


def _figure(width: float, height: float) -> tuple[Figure, object]:
    figure = Figure(figsize=(width, height))
    FigureCanvasAgg(figure)
    return figure, figure.subplots()


def _dates(days: pd.DataFrame) -> pd.Series:
    return pd.to_datetime(days["game_date"])


def _format_dates(axis) -> None:
    locator = mdates.AutoDateLocator(maxticks=10)
    axis.xaxis.set_major_locator(locator)
    axis.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))


def contamination_figure(days: pd.DataFrame) -> Figure:
    figure, axis = _figure(11, 4.5)
    scored = days[days["scored_rows"] > 0]
    dates = _dates(scored)
    axis.plot(dates, scored["tier1_pct"], marker=".", color="#d35400", label="tier 1 contamination %")
    axis.plot(dates, scored["quality_ready_pct"], marker=".", color="#2471a3", label="quality-ready %")
    if len(days):
        tier1_limit, ready_min = float(days["tier1_alert_pct"].iloc[-1]), float(days["quality_ready_min_pct"].iloc[-1])
        axis.axhline(tier1_limit, color="#d35400", linestyle="--", linewidth=1, label=f"tier 1 alert above {tier1_limit:g}%")
        axis.axhline(ready_min, color="#2471a3", linestyle="--", linewidth=1, label=f"quality-ready gate {ready_min:g}%")
    red = days[days["red"]]
    if len(red):
        axis.scatter(_dates(red), [102] * len(red), marker="v", color=RED, zorder=5, label=f"red dates ({len(red)})")
        for day in _dates(red):
            axis.axvline(day, color=RED, alpha=0.15, linewidth=3)
    axis.set_ylim(0, 105)
    axis.set_ylabel("% of scored rows")
    axis.set_title("Feature store: daily tier-1 contamination and quality-ready share")
    _format_dates(axis)
    axis.legend(loc="center left", fontsize=8)
    axis.grid(alpha=0.3)
    figure.tight_layout()
    return figure


def rows_figure(days: pd.DataFrame) -> Figure:
    figure, axis = _figure(11, 4.5)
    dates = _dates(days)
    for name in TABLE_ORDER:
        axis.plot(dates, days[rows_column(name)], marker=".", linewidth=1, label=name)
    axis.set_ylabel("rows")
    axis.set_title("Rows per Phase 4 table per date")
    _format_dates(axis)
    axis.legend(loc="upper left", fontsize=8)
    axis.grid(alpha=0.3)
    figure.tight_layout()
    return figure


def defaults_figure(days: pd.DataFrame) -> Figure:
    top = top_defaulted(days)
    figure, axis = _figure(11, max(2.5, 0.35 * len(top) + 1))
    names = [name for name, _ in top][::-1]
    shares = [share for _, share in top][::-1]
    bars = axis.barh(names, shares, color="#7d3c98")
    axis.bar_label(bars, labels=[f"{s:g}%" for s in shares], fontsize=8, padding=2)
    axis.set_xlim(0, 110)
    axis.set_xlabel("% of scored rows with the feature defaulted")
    axis.set_title(f"Top {len(top)} defaulted features" if top else "No feature defaulted")
    figure.tight_layout()
    return figure


def quality_figures(days: pd.DataFrame) -> dict[str, Figure]:
    """The three figures of the rows of daily_quality (one row per date, ascending)."""
    days = days.sort_values("game_date").reset_index(drop=True)
    return {"contamination": contamination_figure(days), "rows": rows_figure(days), "defaults": defaults_figure(days)}


def _png(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=110)
    return buffer.getvalue()


def write_pngs(days: pd.DataFrame, directory: Path) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, figure in quality_figures(days).items():
        path = directory / f"quality_{name}.png"
        path.write_bytes(_png(figure))
        written.append(path)
    return written


def write_html(days: pd.DataFrame, path: Path, title: str) -> Path:
    """One self-contained page: the three figures inline, and the red dates with their checks."""
    images = "\n".join(
        f'<img alt="{name}" src="data:image/png;base64,{base64.b64encode(_png(figure)).decode()}">'
        for name, figure in quality_figures(days).items()
    )
    red = days[days["red"]].sort_values("game_date")
    rows = "".join(
        f"<tr><td>{pd.Timestamp(r.game_date):%Y-%m-%d}</td><td>{html.escape(', '.join(r.red_checks))}</td>"
        f"<td>{r.tier1_pct:g}%</td><td>{r.quality_ready_pct:g}%</td></tr>"
        for r in red.itertuples(index=False)
    )
    table = (
        f"<table><tr><th>red date</th><th>blocking checks failed</th><th>tier 1</th><th>quality-ready</th></tr>{rows}</table>"
        if rows
        else "<p>No red dates.</p>"
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        "<!doctype html><html><head><meta charset='utf-8'>"
        f"<title>{html.escape(title)}</title>"
        "<style>body{font-family:sans-serif;margin:2em}img{display:block;max-width:100%;margin:1em 0}"
        "td,th{padding:2px 10px;text-align:left}</style></head><body>"
        f"<h1>{html.escape(title)}</h1>"
        f"<p>{len(days)} dates from nba_orchestration.daily_quality; {int(days['scored_rows'].sum()):,} scored rows.</p>"
        f"{images}<h2>Red dates</h2>{table}</body></html>"
    )
    return path
