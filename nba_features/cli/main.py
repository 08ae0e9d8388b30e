"""`nba-features`: the command line of the Phase 4 feature platform.

Runs started here go through Dagster on the instance at DAGSTER_HOME (default: the project root, whose
dagster.yaml keeps storage under .dagster_home/), so they are recorded and visible in `dagster dev` like
any other. Exit codes of the commands that run assets: 0 only when every partition is green, 1 when a
date is red or a step failed (named, with its root cause), 2 on usage errors (docs/RULES.md#exit-codes).
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import warnings
from collections.abc import Sequence

import dagster as dg

from nba_features.cli.errors import CliError


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date (expected YYYY-MM-DD)") from None


def build_parser() -> argparse.ArgumentParser:
    from nba_features.cli.compare import add_compare_parser
    from nba_features.cli.events import add_events_parser
    from nba_features.cli.explain import add_explain_parser
    from nba_features.cli.report import add_report_parser
    from nba_features.cli.validate import add_validate_parser

    parser = argparse.ArgumentParser(prog="nba-features", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)

    seed_parser = commands.add_parser("seed", help="generate the demo league into the warehouse")
    seed_parser.add_argument("--seasons", type=int, default=5)
    seed_parser.add_argument("--start-season", type=int, default=2021)
    seed_parser.add_argument("--seed", type=int, default=None)
    seed_parser.add_argument("--through", type=_date, default=None, help="games after this date stay scheduled (no box scores)")

    mat = commands.add_parser("materialize", help="materialize Phase 4 partitions through Dagster (in-process)")
    mat.add_argument("--from", dest="start", type=_date, required=True)
    mat.add_argument("--to", dest="end", type=_date, required=True)
    mat.add_argument("--select", default=None, help="comma-separated asset names (default: all five)")
    mat.add_argument("--chunk-days", type=int, default=366)

    demo_parser = commands.add_parser("demo", help="seed the demo league, materialize every partition, print a summary")
    demo_parser.add_argument("--seasons", type=int, default=5)
    demo_parser.add_argument("--start-season", type=int, default=2021)

    backfill = commands.add_parser(
        "backfill", help="launch a partition backfill on the Dagster instance (run by its daemon), or report/retry one"
    )
    backfill.add_argument(
        "action", nargs="?", choices=["status", "retry"], help="status ID: progress; retry ID: rerun what failed"
    )
    backfill.add_argument("backfill_id", nargs="?", help="the id printed when the backfill was launched")
    backfill.add_argument("--from", dest="start", type=_date, default=None)
    backfill.add_argument("--to", dest="end", type=_date, default=None)
    backfill.add_argument("--select", default=None, help="comma-separated asset names (default: all five)")
    backfill.add_argument(
        "--wait", "--watch", dest="wait", action="store_true", help="follow the backfill until it finishes; exit with its outcome"
    )
    backfill.add_argument("--dates", default=None, help="comma-separated dates, instead of --from/--to")
    backfill.add_argument("--dry-run", action="store_true", help="list partitions, assets and missing inputs; request nothing")
    backfill.add_argument("--force", action="store_true", help="start even on dates whose Phase 3 inputs are missing")

    schema = commands.add_parser("schema", help="compare or migrate live tables against schemas/")
    schema.add_argument("action", choices=["check", "apply"])

    add_report_parser(commands)
    add_events_parser(commands)
    add_compare_parser(commands)
    add_validate_parser(commands)
    add_explain_parser(commands)
    return parser


def run(args: argparse.Namespace) -> int:
    if args.command == "seed":
        from nba_features.cli.seed import seed

        if args.seasons < 1:
            raise CliError("--seasons must be at least 1")
        seed(args.seasons, args.start_season, args.seed, args.through)
        return 0
    if args.command == "materialize":
        from nba_features.cli.materialize import exit_code, materialize, selection

        return exit_code(materialize(args.start, args.end, selection(args.select), args.chunk_days))
    if args.command == "backfill":
        from nba_features.cli.backfill import backfill_command

        return backfill_command(
            args.action, args.backfill_id, args.start, args.end, args.select,
            wait=args.wait, dates=args.dates, dry_run=args.dry_run, force=args.force,
        )  # fmt: skip
    if args.command == "demo":
        from nba_features.cli.demo import demo

        return demo(args.seasons, args.start_season)
    if args.command == "schema":
        from nba_features.cli.schema import schema_command

        return schema_command(args.action)
    if args.command == "report":
        from nba_features.cli.report import run_report_command

        return run_report_command(args)
    if args.command == "events":
        from nba_features.cli.events import run_events_command

        return run_events_command(args)
    if args.command == "validate":
        from nba_features.cli.validate import run_validate_command

        return run_validate_command(args)
    if args.command == "explain":
        from nba_features.cli.explain import run_explain_command

        return run_explain_command(args)
    if args.command == "compare":
        from nba_features.cli.compare import run_compare_command

        return run_compare_command(args)
    raise CliError(f"unknown command {args.command}")


def main(argv: Sequence[str] | None = None) -> int:
    # partitioned checks and backfill policies are Dagster preview/beta APIs, chosen knowingly
    for category in (dg.BetaWarning, dg.PreviewWarning):
        warnings.filterwarnings("ignore", category=category)
    args = build_parser().parse_args(argv)
    try:
        return run(args)
    except CliError as error:
        print(f"nba-features: error: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
