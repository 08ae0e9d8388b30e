"""Profile the Phase 4 chain over one season in range mode: where the time goes and what holds memory at the peak.

    python bench/profile_chain.py --seasons 5                 # CPU: pyinstrument, the hottest functions per asset
    python bench/profile_chain.py --seasons 5 --memory        # memory: memray, the allocations alive at the peak

It seeds the demo league into a fresh warehouse in a temporary directory (or reuses `--workdir`'s
warehouse.duckdb), then runs the five assets over the last season exactly as bench/run.py's range mode
does (bench/run.py: run_asset). Profilers come from the `profile` extra: pip install -e '.[profile]'.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

from run import run_asset, season_calendar, seed, use_environment  # bench/run.py, next to this file

PROJECT_ROOT = Path(__file__).resolve().parents[1]
TOP = 15


def _parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seasons", type=int, default=5, help="demo seasons to seed (default 5)")
    parser.add_argument("--start-season", type=int, default=2021)
    parser.add_argument("--memory", action="store_true", help="memray: allocations alive at the peak instead of CPU time")
    parser.add_argument("--workdir", type=Path, default=None, help="reuse this directory's warehouse.duckdb if it exists")
    parser.add_argument("--top", type=int, default=TOP, help=f"lines per asset (default {TOP})")
    return parser.parse_args(argv)


def _season(warehouse) -> list:
    return season_calendar(warehouse, None)[-1]["dates"]


def cpu_profile(warehouse, dates: list, top: int) -> None:
    from pyinstrument import Profiler
    from pyinstrument.renderers import ConsoleRenderer

    from nba_features.pipeline.registry import RUN_ORDER

    renderer = ConsoleRenderer(flat=True, time="percent_of_total", unicode=False, color=False)
    for table in RUN_ORDER:
        profiler = Profiler(interval=0.001)
        with profiler:
            stats = run_asset(table, warehouse, dates, "profile")
        lines = profiler.output(renderer).splitlines()
        body = [line for line in lines if "%" in line][:top]
        print(
            f"\n## {table.asset_name}: {stats['total']:.2f} s, {stats['rows']} rows "
            f"(extract {stats['extract']:.2f}, transform {stats['transform']:.2f}, write {stats['write']:.2f}, checks {stats['checks']:.2f})"
        )
        print("self time, % of the asset's total:")
        print("\n".join(body))


def memory_profile(warehouse, dates: list, workdir: Path, top: int) -> None:
    import memray

    from nba_features.pipeline.registry import RUN_ORDER

    for table in RUN_ORDER:
        capture = workdir / f"{table.asset_name}.memray"
        capture.unlink(missing_ok=True)
        with memray.Tracker(capture, native_traces=False, follow_fork=False):
            run_asset(table, warehouse, dates, "profile")
        reader = memray.FileReader(capture)
        by_place: dict[str, int] = defaultdict(int)
        for record in reader.get_high_watermark_allocation_records(merge_threads=True):
            by_place[_place(record.stack_trace())] += record.size
        peak = reader.metadata.peak_memory / 2**20
        print(
            f"\n## {table.asset_name}: Python-visible heap peak {peak:.0f} MB; alive at the peak, by the innermost project line:"
        )
        for place, size in sorted(by_place.items(), key=lambda item: -item[1])[:top]:
            print(f"{size / 2**20:8.1f} MB  {place}")


def _place(stack: list[tuple[str, str, int]]) -> str:
    """The innermost frame in this project (else the innermost frame): where the allocation was asked for."""
    for function, filename, line in stack:
        if "/nba_features/" in filename or "/bench/" in filename:
            return f"{Path(filename).relative_to(PROJECT_ROOT)}:{line} {function}"
    return f"{stack[0][1]}:{stack[0][2]} {stack[0][0]}" if stack else "(no Python frame)"


def main(argv: list[str] | None = None) -> int:
    args = _parse_args(argv)
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="nba_features_profile_"))
    workdir.mkdir(parents=True, exist_ok=True)
    warehouse_path = workdir / "warehouse.duckdb"
    use_environment(warehouse_path, args.start_season)
    try:
        if not warehouse_path.exists():
            seed(args.seasons, args.start_season)
        from nba_features.warehouse import DuckDBWarehouse

        warehouse = DuckDBWarehouse(warehouse_path)
        dates = _season(warehouse)
        print(f"# range mode, {dates[0]} .. {dates[-1]} ({len(dates)} dates)")
        if args.memory:
            memory_profile(warehouse, dates, workdir, args.top)
        else:
            cpu_profile(warehouse, dates, args.top)
    finally:
        if args.workdir is None:
            shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
