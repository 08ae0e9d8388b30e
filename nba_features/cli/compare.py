"""`nba-features compare --from D1 --to D2 --against PREFIX`: the platform's Phase 4 tables against the legacy ones.

The platform's tables are read where the environment puts its outputs; the legacy tables of the same names
under the dataset prefix `--against` (empty: the legacy datasets themselves) in the same project or DuckDB
file. Exit 0 when every table is within tolerance (no key on one side only, no column or feature differing
on more than `--max-share` of the matched rows), 1 otherwise, 2 on usage errors (docs/LEGACY.md#compare).
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json

import pandas as pd

from nba_features.cli.errors import CliError
from nba_features.contracts import contract
from nba_features.contracts.legacy_types import numeric_type
from nba_features.legacy.compare import COMPARED_TABLES, DEFAULT_TOLERANCE, ComparisonReport, as_json, compare_table, render
from nba_features.warehouse.base import Warehouse
from nba_features.warehouse.environment import settings_from_env
from nba_features.warehouse.sql import validate_identifier

ROWS_SQL = """
-- bound: the partitions of the compared range
SELECT * FROM {table} WHERE {partition} BETWEEN @start AND @end
"""


def add_compare_parser(commands) -> None:
    parser = commands.add_parser("compare", help="compare the Phase 4 tables with the legacy tables under another prefix")
    parser.add_argument("--from", dest="start", type=dt.date.fromisoformat, required=True)
    parser.add_argument("--to", dest="end", type=dt.date.fromisoformat, required=True)
    parser.add_argument("--against", required=True, help="dataset prefix of the legacy tables ('' = the legacy datasets)")
    parser.add_argument("--tolerance", type=float, default=DEFAULT_TOLERANCE, help="largest |new - legacy| counted as equal")
    parser.add_argument("--max-share", type=float, default=0.0, help="share of matched rows a column may differ on (0-1)")
    parser.add_argument("--tables", default=None, help="comma-separated dataset.table names (default: the five Phase 4 tables)")
    parser.add_argument("--all-columns", action="store_true", help="list every compared column, not only those that differ")
    parser.add_argument("--format", choices=["table", "json"], default="table")


def _legacy_scales(warehouse: Warehouse, table: str) -> dict[str, int]:
    """The scale of every legacy NUMERIC column the contract types FLOAT64."""
    live = warehouse.live_columns(table) or {}
    scales = {}
    for column in contract(table).columns:
        numeric = numeric_type(live.get(column.name, ""))
        if column.bq_type == "FLOAT64" and numeric is not None:
            scales[column.name] = numeric.scale
    return scales


def _rows(warehouse: Warehouse, table: str, start: dt.date, end: dt.date) -> pd.DataFrame:
    spec = contract(table)
    if warehouse.live_columns(table) is None:
        return pd.DataFrame(columns=list(spec.primary_key))  # no such table: every key is on the other side only
    sql = ROWS_SQL.format(table=table, partition=validate_identifier(spec.partition_column))
    return warehouse.query(sql, {"start": start, "end": end}, labels={"command": "compare", "table": table})


def run_compare_command(args: argparse.Namespace) -> int:
    if args.end < args.start:
        raise CliError(f"--to {args.end} is before --from {args.start}")
    if args.against:
        try:
            validate_identifier(args.against)
        except ValueError:
            raise CliError(f"--against {args.against!r} is not a dataset prefix") from None
    if not 0.0 <= args.max_share <= 1.0 or args.tolerance < 0:
        raise CliError("--max-share must be within 0-1 and --tolerance at least 0")
    tables = tuple(args.tables.split(",")) if args.tables else COMPARED_TABLES
    unknown = [t for t in tables if t not in COMPARED_TABLES]
    if unknown:
        raise CliError(f"not a Phase 4 table: {', '.join(unknown)} (choose from {', '.join(COMPARED_TABLES)})")
    settings = settings_from_env()
    ours = settings.open()
    legacy = dataclasses.replace(
        settings, dataset_prefix=args.against, input_dataset_prefix=args.against, output_dataset_prefix=args.against
    ).open()
    comparisons = []
    for table in tables:
        spec = contract(table)
        comparisons.append(
            compare_table(
                table,
                _rows(ours, table, args.start, args.end),
                _rows(legacy, table, args.start, args.end),
                spec.primary_key,
                spec.partition_column,
                args.tolerance,
                _legacy_scales(legacy, table),
            )
        )
    report = ComparisonReport(
        args.start.isoformat(), args.end.isoformat(), args.against, args.tolerance, args.max_share, comparisons
    )
    if args.format == "json":
        print(json.dumps(as_json(report), indent=2, default=str))
    else:
        print(render(report, all_columns=args.all_columns))
    return 0 if report.within_tolerance else 1
