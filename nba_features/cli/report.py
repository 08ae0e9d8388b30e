"""`nba-features report`: contamination tiers of the feature store over a window.

Exit 0 when tier 1 is within its limit, 1 above it or without data, 2 on usage errors.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
from dataclasses import asdict

import pandas as pd

from nba_features.cli.errors import CliError
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
    return 1 if report.alert else 0
