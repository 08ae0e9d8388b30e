"""`nba-features backfill`: partition backfills on the instance, executed by its daemon as from the UI.

    backfill (--from D1 --to D2 | --dates D1,D2,...) [--select a,b] [--dry-run] [--force] [--wait]
    backfill status ID [--watch]                         progress, red dates, root causes
    backfill retry ID                                    a new backfill of what did not materialize

Preflight: before a backfill is requested, every date's Phase 3 inputs are judged as `validate` judges
them (`quality/input_readiness.py`, one grouped query per input table for the whole range). A date whose
inputs are missing or incomplete would be computed without them (an input-contract failure, or a red or
degraded partition), so the backfill is refused, naming each such date and what it lacks, unless `--force`. `--dry-run` prints the partitions and assets the backfill would run
and that preflight, and requests nothing.

Exit codes: 0 when the backfill finished with every partition green (launching or retrying without
--wait: once requested; --dry-run: every date's inputs complete); 1 otherwise: a date is red, a run
failed, it has not finished yet, or the preflight found dates without their inputs (refused, or
reported by --dry-run); 2 on usage errors. Progress of --wait/--watch goes to stderr, per asset, with
elapsed time (`cli/progress.py`).
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Sequence

from nba_features.cli.errors import CliError
from nba_features.cli.instance import cli_instance
from nba_features.cli.materialize import selection
from nba_features.cli.progress import Progress
from nba_features.lib.backfills import (
    BackfillError,
    BackfillReport,
    backfill_status,
    launch_partitions_backfill,
    partition_keys,
    retry_failed_backfill,
)
from nba_features.pipeline.registry import PHASE4_ASSET_NAMES
from nba_features.quality.input_readiness import date_statuses, load_inputs, missing_tables
from nba_features.warehouse import warehouse_from_env

WATCH_INTERVAL_SECONDS = 5.0
MAX_LISTED_PROBLEMS = 3  # per date in the preflight; the rest are counted


def report_code(report: BackfillReport) -> int:
    """0 only when the backfill finished green (every targeted partition materialized, docs/RULES.md#exit-codes)."""
    return 0 if report.green else 1


def progress_lines(report: BackfillReport) -> list[str]:
    """One line per asset and one for the backfill: what a watcher needs to see move."""
    lines = [
        f"{a.asset}: {a.materialized}/{a.targeted} materialized, {a.failed} failed, {a.in_progress} in progress"
        for a in report.assets
    ]
    runs = ", ".join(f"{n} {status.lower()}" for status, n in sorted(report.runs.items())) or "no runs yet"
    return [*lines, f"backfill {report.status.lower()}: runs {runs}"]


def watch(
    instance, asset_graph, backfill_id: str, interval: float = WATCH_INTERVAL_SECONDS, progress: Progress | None = None
) -> BackfillReport:
    """Print each asset's progress line whenever it changes (stderr), until the backfill has finished."""
    progress = progress or Progress()
    shown: set[str] = set()
    while True:
        report = backfill_status(instance, asset_graph, backfill_id)
        current = progress_lines(report)
        for line in current:
            if line not in shown:
                progress.line(line)
        shown = set(current)
        if report.finished:
            return report
        time.sleep(interval)


def parse_dates(value: str) -> list[dt.date]:
    """`--dates D1,D2,...`: ISO dates, any order, repeats ignored."""
    try:
        dates = sorted({dt.date.fromisoformat(part.strip()) for part in value.split(",") if part.strip()})
    except ValueError:
        raise CliError(f"--dates {value!r}: expected comma-separated YYYY-MM-DD dates") from None
    if not dates:
        raise CliError("--dates needs at least one date")
    return dates


def requested_dates(start: dt.date | None, end: dt.date | None, dates: str | None) -> list[dt.date]:
    """The backfill's dates, each a partition of the asset graph."""
    if dates is not None:
        if start is not None or end is not None:
            raise CliError("use either --dates or --from/--to")
        chosen = parse_dates(dates)
        start, end = chosen[0], chosen[-1]
    elif start is None or end is None:
        raise CliError("backfill needs --from and --to, or --dates (or `backfill status ID` / `backfill retry ID`)")
    try:
        keys = partition_keys(start, end)  # the range must lie inside the partitions
    except BackfillError as error:
        raise CliError(str(error)) from None
    every = [dt.date.fromisoformat(key) for key in keys]
    return chosen if dates is not None else every


def date_ranges(dates: Sequence[dt.date]) -> list[tuple[dt.date, dt.date]]:
    """Consecutive dates folded into (first, last) ranges."""
    ranges: list[tuple[dt.date, dt.date]] = []
    for day in sorted(dates):
        if ranges and day == ranges[-1][1] + dt.timedelta(days=1):
            ranges[-1] = (ranges[-1][0], day)
        else:
            ranges.append((day, day))
    return ranges


def _ranges_text(dates: Sequence[dt.date]) -> str:
    return ", ".join(f"{a}" if a == b else f"{a} .. {b}" for a, b in date_ranges(dates))


def preflight(dates: Sequence[dt.date]) -> dict[dt.date, list[str]]:
    """Date → what its Phase 3 inputs lack (dates whose inputs are complete are left out)."""
    warehouse = warehouse_from_env()
    absent = missing_tables(warehouse)
    if absent:
        return {day: [f"{table}: input table does not exist" for table in absent] for day in dates}
    rows = load_inputs(warehouse, list(dates))
    problems = {}
    for day in dates:
        found = [problem for status in date_statuses(rows, day) for problem in status.problems]
        if found:
            problems[day] = found
    return problems


def preflight_lines(problems: dict[dt.date, list[str]]) -> list[str]:
    lines = []
    for day, found in sorted(problems.items()):
        more = f" (+{len(found) - MAX_LISTED_PROBLEMS} more)" if len(found) > MAX_LISTED_PROBLEMS else ""
        lines.append(f"  {day}: inputs missing or incomplete: {'; '.join(found[:MAX_LISTED_PROBLEMS])}{more}")
    return lines


def launch(instance, asset_graph, dates: Sequence[dt.date], assets: Sequence[str]) -> str:
    """Request an asset backfill of exactly `dates` (a range or any list) for `assets`; returns its id."""
    title = f"phase4 {_ranges_text(dates)}" if len(date_ranges(dates)) <= 3 else f"phase4 {len(dates)} dates"
    return launch_partitions_backfill(instance, asset_graph, [day.isoformat() for day in dates], assets, title=title)


def backfill_command(
    action: str | None, backfill_id: str | None, start: dt.date | None, end: dt.date | None, select: str | None,
    *, wait: bool = False, dates: str | None = None, dry_run: bool = False, force: bool = False,
) -> int:  # fmt: skip
    from nba_features.definitions import defs

    if action is None:
        if backfill_id is not None:
            raise CliError(f"unexpected argument {backfill_id!r}: use `backfill status ID` or `backfill retry ID`")
        chosen = requested_dates(start, end, dates)
        assets = selection(select)
    elif backfill_id is None or start is not None or end is not None or select is not None or dates is not None:
        raise CliError(f"usage: nba-features backfill {action} ID")
    elif dry_run or force:
        raise CliError("--dry-run and --force apply to a new backfill, not to status or retry")
    if action is None:
        problems = preflight(chosen)
        if dry_run:
            ordered = [name for name in PHASE4_ASSET_NAMES if name in assets]
            print(f"dry run: a backfill of {len(chosen)} partition(s): {_ranges_text(chosen)}")
            print(f"  assets, in run order: {', '.join(ordered)}")
            print(f"  {len(chosen) * len(ordered)} asset partitions; nothing requested")
            print(f"preflight: {len(chosen) - len(problems)} of {len(chosen)} date(s) have every Phase 3 input")
            for line in preflight_lines(problems):
                print(line)
            return 1 if problems else 0
        if problems and not force:
            print(f"refused: {len(problems)} of {len(chosen)} date(s) lack Phase 3 inputs:")
            print("\n".join(preflight_lines(problems)))
            print("load the inputs first, or pass --force to backfill them anyway")
            return 1
    instance = cli_instance()
    asset_graph = defs.resolve_asset_graph()
    try:
        if action == "status":
            report = watch(instance, asset_graph, backfill_id) if wait else backfill_status(instance, asset_graph, backfill_id)
            print(report.render())
            return report_code(report)
        if action == "retry":
            new_id = retry_failed_backfill(instance, asset_graph, backfill_id)
            print(new_id)
            print(f"backfill {new_id} requested: what {backfill_id} did not materialize")
        else:
            new_id = launch(instance, asset_graph, chosen, assets)
            print(new_id)
            print(
                f"backfill {new_id} requested: {_ranges_text(chosen)}, {', '.join(assets)} (instance {instance.root_directory})"
            )
            if problems:
                print(f"forced: {len(problems)} date(s) lack Phase 3 inputs and are computed without them")
            print(f"the daemon executes it (`make dev`); progress: nba-features backfill status {new_id} --watch")
    except BackfillError as error:
        raise CliError(str(error)) from None
    if not wait:
        return 0
    report = watch(instance, asset_graph, new_id)
    print(report.render())
    return report_code(report)
