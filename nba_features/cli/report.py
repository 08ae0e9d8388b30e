"""`nba-features report`: contamination tiers of the feature store over a window, and its quality charts.

`--html FILE` / `--png DIR` also draw the window's quality over time (`quality/charts.py`) from
nba_orchestration.daily_quality, read in one query; the path written goes to stderr, so stdout stays the
report (or its JSON). Exit 0 when tier 1 is within its limit, 1 above it or without data, 2 on usage errors.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from dataclasses import asdict
from pathlib import Path

import pandas as pd

from nba_features.cli.errors import CliError
from nba_features.quality.daily_quality import DAILY_QUALITY_TABLE, read_daily_quality
from nba_features.quality.report import RECENT_DAYS, contamination_report, render_report
from nba_features.warehouse import warehouse_from_env

BOUNDS_SQL = """
-- bound: every partition of the feature store (its first and last date)
SELECT MIN(game_date) AS first, MAX(game_date) AS last FROM nba_predictions.ml_feature_store_v2
WHERE game_date BETWEEN @lo AND @hi
"""


def add_report_parser(commands) -> None:
    parser = commands.add_parser("report", help="contamination tiers of ml_feature_store_v2 over a window")
    window = parser.add_mutually_exclusive_group()
    window.add_argument("--recent", action="store_true", help=f"the {RECENT_DAYS} days ending on the latest date with rows")
    parser.add_argument("--from", dest="start", type=dt.date.fromisoformat, default=None)
    parser.add_argument("--to", dest="end", type=dt.date.fromisoformat, default=None)
    parser.add_argument("--format", choices=["table", "json"], default="table")
    parser.add_argument("--html", type=Path, default=None, metavar="FILE", help="also write the quality charts as one HTML page")
    parser.add_argument("--png", type=Path, default=None, metavar="DIR", help="also write the quality charts as PNG files")


def run_report_command(args: argparse.Namespace) -> int:
    if args.recent and (args.start or args.end):
        raise CliError("--recent cannot be combined with --from/--to")
    if args.start and args.end and args.end < args.start:
        raise CliError(f"--to {args.end} is before --from {args.start}")
    warehouse = warehouse_from_env()
    bounds = warehouse.query(BOUNDS_SQL, {"lo": dt.date(1900, 1, 1), "hi": dt.date(2999, 12, 31)}).iloc[0]
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
    if (args.html or args.png) and not write_charts(warehouse, start, end, args.html, args.png):
        return 1
    return 1 if report.alert else 0


def write_charts(warehouse, start: dt.date, end: dt.date, html_file: Path | None, png_dir: Path | None) -> bool:
    """Draw the window's charts; False (said on stderr) when daily_quality has no row in the window."""
    from nba_features.quality.charts import write_html, write_pngs

    days = read_daily_quality(warehouse, start, end)
    if days.empty:
        print(
            f"no {DAILY_QUALITY_TABLE} rows for {start} .. {end}: they are written with each feature-store partition; "
            "materialize the window first",
            file=sys.stderr,
        )
        return False
    if html_file:
        print(f"wrote {write_html(days, html_file, f'Feature store quality, {start} .. {end}')}", file=sys.stderr)
    for path in write_pngs(days, png_dir) if png_dir else []:
        print(f"wrote {path}", file=sys.stderr)
    return True
