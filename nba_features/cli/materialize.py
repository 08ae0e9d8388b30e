"""`nba-features materialize --from D1 --to D2 [--select a,b]`: range runs through Dagster, in-process.

Each season of the range (split at Oct 1, at most `--chunk-days` dates) is one run: every asset gets
the whole chunk in one set-based pass. The runs are recorded on the instance at DAGSTER_HOME like any
other; the terminal gets each run's outcome (`run_outcome.py`) on stdout, and progress on stderr while
it runs (each season and each asset, with elapsed time: `cli/progress.py`). Exit 0 only when every
partition is green; 1 when a date is red or a step failed; 2 on usage errors.
"""

from __future__ import annotations

import datetime as dt
import time
import uuid
from collections.abc import Sequence

import dagster as dg

from nba_features.cli.errors import CliError
from nba_features.cli.instance import cli_instance
from nba_features.cli.progress import Progress, follow_run
from nba_features.lib.run_outcome import RunOutcome, run_outcome
from nba_features.partitions import game_dates, parse_date
from nba_features.pipeline.registry import PHASE4_ASSET_NAMES

# Runs are recorded in full on the instance; the terminal gets the CLI's own summary.
QUIET_RUN_CONFIG = {"loggers": {"console": {"config": {"log_level": "CRITICAL"}}}}
TRIGGER_TAG = "nba_features/trigger"


def selection(value: str | None) -> list[str]:
    if not value:
        return list(PHASE4_ASSET_NAMES)
    names = [v.strip() for v in value.split(",") if v.strip()]
    unknown = [n for n in names if n not in PHASE4_ASSET_NAMES]
    if unknown:
        raise CliError(f"unknown asset(s) {unknown}; choose from {', '.join(PHASE4_ASSET_NAMES)}")
    return names


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


def check_range(start: dt.date, end: dt.date) -> None:
    if end < start:
        raise CliError(f"--to {end} is before --from {start}")
    first = parse_date(game_dates.start.strftime("%Y-%m-%d"))
    last = parse_date(game_dates.get_last_partition_key())
    if start < first or end > last:
        raise CliError(f"partitions exist from {first} to {last}; {start}..{end} is outside")


def print_outcome(label: str, outcome: RunOutcome, seconds: float) -> None:
    verdict = (
        "ok" if outcome.green else f"RED ({len(outcome.red_dates)} date(s))" if outcome.red and not outcome.failures else "FAILED"
    )
    print(f"  {label}: {verdict} in {seconds:.1f}s (run {outcome.run_id})")
    for line in outcome.lines():
        print(f"    {line}")


def season_label(chunk_start: dt.date) -> str:
    """The season a chunk belongs to (chunks split at Oct 1): 'season 2023-24'."""
    year = chunk_start.year if chunk_start.month >= 10 else chunk_start.year - 1
    return f"season {year}-{(year + 1) % 100:02d}"


def materialize(
    start: dt.date, end: dt.date, assets: Sequence[str], max_days: int = 366, progress: Progress | None = None
) -> list[RunOutcome]:
    """Materialize [start, end] as range runs (one set-based pass per asset per chunk); the runs' outcomes."""
    from nba_features.definitions import defs

    check_range(start, end)
    progress = progress or Progress()
    instance = cli_instance()
    job = defs.resolve_implicit_global_asset_job_def()
    outcomes = []
    chunks = chunk_ranges(start, end, max_days)
    for number, (chunk_start, chunk_end) in enumerate(chunks, 1):
        label = f"{season_label(chunk_start)} ({chunk_start} .. {chunk_end}, run {number}/{len(chunks)})"
        progress.line(f"{label}: starting {len(assets)} asset(s)")
        started = time.perf_counter()
        run_id = str(uuid.uuid4())  # known before the run starts, so its steps can be followed
        with follow_run(run_id, label, progress):
            job.execute_in_process(
                instance=instance,
                run_config=QUIET_RUN_CONFIG,
                asset_selection=[dg.AssetKey(name) for name in assets],
                tags={
                    "dagster/asset_partition_range_start": chunk_start.isoformat(),
                    "dagster/asset_partition_range_end": chunk_end.isoformat(),
                    TRIGGER_TAG: "cli",
                },
                run_id=run_id,
                raise_on_error=False,
            )
        outcome = run_outcome(instance, run_id)
        progress.line(f"{label}: finished in {time.perf_counter() - started:.1f}s")
        print_outcome(f"{chunk_start} .. {chunk_end}", outcome, time.perf_counter() - started)
        outcomes.append(outcome)
    return outcomes


def exit_code(outcomes: Sequence[RunOutcome]) -> int:
    return 0 if all(o.green for o in outcomes) else 1
