"""`nba-features`: seed the demo league, materialize partitions through Dagster, manage schemas.

Runs started here go through Dagster in-process on the instance at DAGSTER_HOME (default: the
project root, whose dagster.yaml keeps storage under .dagster_home/), so they are recorded and
visible in `dagster dev` like any other run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
PHASE4_ASSET_NAMES = (
    "team_defense_zone_analysis",
    "player_shot_zone_analysis",
    "player_composite_factors",
    "player_daily_cache",
    "ml_feature_store_v2",
)


# Runs are recorded in full on the instance; the terminal gets the CLI's own summary (step errors, red partitions).
QUIET_RUN_CONFIG = {"loggers": {"console": {"config": {"log_level": "CRITICAL"}}}}


class CliError(Exception):
    """A usage error: printed without a traceback, exit code 2."""


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date (expected YYYY-MM-DD)") from None


def _selection(value: str | None) -> list[str]:
    if not value:
        return list(PHASE4_ASSET_NAMES)
    names = [v.strip() for v in value.split(",") if v.strip()]
    unknown = [n for n in names if n not in PHASE4_ASSET_NAMES]
    if unknown:
        raise CliError(f"unknown asset(s) {unknown}; choose from {', '.join(PHASE4_ASSET_NAMES)}")
    return names


def _instance():
    import dagster as dg

    os.environ.setdefault("DAGSTER_HOME", str(PROJECT_ROOT))
    os.chdir(PROJECT_ROOT)  # dagster.yaml keeps storage paths relative to the project root
    return dg.DagsterInstance.get()


def seed(seasons: int, start_season: int, seed_value: int | None, through: dt.date | None) -> dict[str, int]:
    from nba_features.sources.demo_league import DEFAULT_SEED, generate_league
    from nba_features.warehouse import warehouse_from_env
    from nba_features.contracts import contract

    warehouse = warehouse_from_env()
    warehouse.apply_schemas()
    started = time.perf_counter()
    tables = generate_league(seasons=seasons, start_season=start_season, seed=seed_value or DEFAULT_SEED, through=through)
    counts = {}
    for name, frame in tables.items():
        spec = contract(name)
        dates = sorted(frame[spec.partition_column].dt.date.unique())
        if dates:
            warehouse.replace_partitions(name, dates, frame)
        counts[name] = len(frame)
    print(f"seeded {seasons} season(s) from {start_season} in {time.perf_counter() - started:.1f}s into {warehouse!r}")
    for name, count in counts.items():
        print(f"  {name:<48} {count:>9,} rows")
    return counts


def chunk_ranges(start: dt.date, end: dt.date, max_days: int) -> list[tuple[dt.date, dt.date]]:
    """Split [start, end] at every Oct 1 (season boundary) and at most `max_days` per chunk."""
    chunks = []
    chunk_start = start
    while chunk_start <= end:
        next_season = dt.date(chunk_start.year if chunk_start.month < 10 else chunk_start.year + 1, 10, 1)
        chunk_end = min(end, next_season - dt.timedelta(days=1), chunk_start + dt.timedelta(days=max_days - 1))
        chunks.append((chunk_start, chunk_end))
        chunk_start = chunk_end + dt.timedelta(days=1)
    return chunks


def _run_findings(result) -> tuple[list[str], dict[str, set[str]]]:
    """(step errors other than check failures, failed ERROR checks → red partition dates)."""
    import dagster as dg

    errors, red = [], {}
    for event in result.all_events:
        if event.event_type_value == "STEP_FAILURE":
            error = event.event_specific_data.error
            if error.cls_name != "DagsterAssetCheckFailedError":
                errors.append(f"{event.step_key}: {error.message.strip().splitlines()[0]}")
        elif event.event_type_value == "ASSET_CHECK_EVALUATION":
            evaluation = event.event_specific_data
            if not evaluation.passed and evaluation.severity == dg.AssetCheckSeverity.ERROR and evaluation.partition:
                red.setdefault(evaluation.check_name, set()).add(evaluation.partition)
    return errors, red


def materialize(start: dt.date, end: dt.date, selection: Sequence[str], max_days: int = 366) -> bool:
    """Materialize [start, end] as range runs (one set-based pass per asset per chunk).

    Returns False when a step failed for any reason other than a failed blocking check. Partitions
    that blocking checks turned red are data findings: they are listed (and recorded as events).
    """
    import dagster as dg

    from nba_features.definitions import defs
    from nba_features.partitions import game_dates

    if end < start:
        raise CliError(f"--to {end} is before --from {start}")
    first = dt.date.fromisoformat(game_dates.start.strftime("%Y-%m-%d"))
    last = dt.date.fromisoformat(game_dates.get_last_partition_key())
    if start < first or end > last:
        raise CliError(f"partitions exist from {first} to {last}; {start}..{end} is outside")
    instance = _instance()
    job = defs.resolve_implicit_global_asset_job_def()
    ok = True
    for chunk_start, chunk_end in chunk_ranges(start, end, max_days):
        started = time.perf_counter()
        result = job.execute_in_process(
            instance=instance,
            run_config=QUIET_RUN_CONFIG,
            asset_selection=[dg.AssetKey(name) for name in selection],
            tags={
                "dagster/asset_partition_range_start": chunk_start.isoformat(),
                "dagster/asset_partition_range_end": chunk_end.isoformat(),
                "nba_features/trigger": "cli",
            },
            raise_on_error=False,
        )
        errors, red = _run_findings(result)
        red_dates = sorted(set().union(*red.values())) if red else []
        status = "FAILED" if errors else f"ok, {len(red_dates)} red partition(s)" if red_dates else "ok"
        print(f"  {chunk_start} .. {chunk_end}: {status} in {time.perf_counter() - started:.1f}s (run {result.run_id})")
        for error in errors:
            print(f"    {error}")
        if red_dates:
            print(f"    red: {', '.join(red_dates[:8])}{' ...' if len(red_dates) > 8 else ''}")
            print("    failed blocking checks: " + ", ".join(f"{name} ({len(dates)})" for name, dates in sorted(red.items())))
        ok = ok and not errors
    return ok


def table_summary() -> str:
    from nba_features.phase4.registry import RUN_ORDER
    from nba_features.warehouse import warehouse_from_env

    warehouse = warehouse_from_env()
    lines = [f"{'table':<48} {'dates':>6} {'rows':>9} {'min/date':>9} {'median':>7} {'max':>5}"]
    for table in RUN_ORDER:
        column = table.partition_column
        stats = warehouse.query(
            f"""
            SELECT COUNT(*) AS dates, SUM(n) AS total_rows, MIN(n) AS min_rows,
                   APPROX_QUANTILES(n, 2)[OFFSET(1)] AS median_rows, MAX(n) AS max_rows
            FROM (SELECT {column}, COUNT(*) AS n FROM {table.table}
                  WHERE {column} BETWEEN @first AND @last GROUP BY {column})
            """,
            {"first": dt.date(1900, 1, 1), "last": dt.date(2999, 12, 31)},
        ).iloc[0]
        lines.append(
            f"{table.table:<48} {int(stats.dates):>6} {int(stats.total_rows or 0):>9,} "
            f"{int(stats.min_rows or 0):>9} {int(stats.median_rows or 0):>7} {int(stats.max_rows or 0):>5}"
        )
    return "\n".join(lines)


def demo(seasons: int, start_season: int) -> int:
    from nba_features.partitions import game_dates

    today = dt.date.today()
    seed(seasons, start_season, None, through=today)
    first = dt.date.fromisoformat(game_dates.get_first_partition_key())
    last = dt.date.fromisoformat(game_dates.get_last_partition_key())
    print(f"materializing every partition {first} .. {last} (five assets, one range run per season; days without games are no-ops)")
    ok = materialize(first, last, PHASE4_ASSET_NAMES)
    print()
    print(table_summary())
    from nba_features.quality.report import contamination_report, render_report

    print()
    print(render_report(contamination_report(start=first, end=last)))
    return 0 if ok else 1


def schema_command(action: str) -> int:
    from nba_features.contracts import load_contracts
    from nba_features.warehouse import warehouse_from_env

    warehouse = warehouse_from_env()
    if action == "apply":
        actions = warehouse.apply_schemas()
        print("\n".join(actions) if actions else "all tables match schemas/")
        return 0
    drifted = 0
    for name in sorted(load_contracts()):
        diff = warehouse.schema_diff(name)
        drifted += not diff.ok
        print(("ok    " if diff.ok else "DRIFT ") + diff.describe())
    return 1 if drifted else 0


def backfill_command(action: str | None, backfill_id: str | None, start: dt.date | None, end: dt.date | None, select: str | None) -> int:
    """`backfill --from D1 --to D2 [--select ...]`, `backfill status ID`, `backfill retry ID`.

    The backfill is created on the instance at DAGSTER_HOME and executed by its daemon
    (`dagster dev` or `dagster-daemon run`), exactly like one launched from the UI.
    """
    from nba_features.automation.backfills import BackfillError, backfill_status, launch_backfill, retry_failed_backfill
    from nba_features.definitions import defs

    if action is None:
        if backfill_id is not None:
            raise CliError(f"unexpected argument {backfill_id!r}: use `backfill status ID` or `backfill retry ID`")
        if start is None or end is None:
            raise CliError("backfill needs --from and --to (or `backfill status ID` / `backfill retry ID`)")
    elif backfill_id is None or start is not None or end is not None or select is not None:
        raise CliError(f"usage: nba-features backfill {action} ID")
    instance = _instance()
    asset_graph = defs.resolve_asset_graph()
    try:
        if action is None:
            assets = _selection(select)
            new_id = launch_backfill(instance, asset_graph, start, end, assets)
            print(new_id)
            print(f"backfill {new_id} requested: {start} .. {end}, {', '.join(assets)} (instance {instance.root_directory})")
            print(f"the daemon executes it (`make dev`); progress: nba-features backfill status {new_id}")
            return 0
        if action == "retry":
            new_id = retry_failed_backfill(instance, asset_graph, backfill_id)
            print(new_id)
            print(f"backfill {new_id} requested: what {backfill_id} did not materialize")
            return 0
        report = backfill_status(instance, asset_graph, backfill_id)
    except BackfillError as error:
        raise CliError(str(error)) from None
    print(report.render())
    return 1 if report.status in ("COMPLETED_FAILED", "FAILED") else 0


def build_parser() -> argparse.ArgumentParser:
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
    backfill.add_argument("action", nargs="?", choices=["status", "retry"], help="status ID: progress; retry ID: rerun what failed")
    backfill.add_argument("backfill_id", nargs="?", help="the id printed when the backfill was launched")
    backfill.add_argument("--from", dest="start", type=_date, default=None)
    backfill.add_argument("--to", dest="end", type=_date, default=None)
    backfill.add_argument("--select", default=None, help="comma-separated asset names (default: all five)")

    schema = commands.add_parser("schema", help="compare or migrate live tables against schemas/")
    schema.add_argument("action", choices=["check", "apply"])

    from nba_features.quality.report import add_report_parser

    add_report_parser(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    import warnings

    import dagster as dg

    # partitioned checks and backfill policies are Dagster preview/beta APIs, chosen knowingly
    for category in (dg.BetaWarning, dg.PreviewWarning):
        warnings.filterwarnings("ignore", category=category)
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        if args.command == "seed":
            if args.seasons < 1:
                raise CliError("--seasons must be at least 1")
            seed(args.seasons, args.start_season, args.seed, args.through)
            return 0
        if args.command == "materialize":
            return 0 if materialize(args.start, args.end, _selection(args.select), args.chunk_days) else 1
        if args.command == "backfill":
            return backfill_command(args.action, args.backfill_id, args.start, args.end, args.select)
        if args.command == "demo":
            return demo(args.seasons, args.start_season)
        if args.command == "schema":
            return schema_command(args.action)
        if args.command == "report":
            from nba_features.quality.report import run_report_command

            return run_report_command(args)
    except CliError as error:
        print(f"nba-features: error: {error}", file=sys.stderr)
        return 2
    parser.error(f"unknown command {args.command}")
    return 2


if __name__ == "__main__":
    sys.exit(main())
