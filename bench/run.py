"""Benchmark of the Phase 4 chain on a fresh demo-league warehouse: `python bench/run.py --seasons N`.

One run seeds the demo league into a new DuckDB file (and a new Dagster home) in a temporary directory,
then measures, and prints as a markdown table and writes as JSON:

1. seed time: `nba-features seed --seasons N` in a child process (wall time, interpreter start included);
2. the five-asset chain over a season in range mode (one set-based call per asset for all the season's
   dates) for every season in order (that is the full backfill), and in per-date mode (one call per asset
   per date) estimated from a sample of dates, and their ratio;
3. the per-date cost of the chain on dates of the first season against the same positions of the last
   season (does a date cost more when there is more history?), plus the second season as a control
   (the first season has no previous season inside its lookback windows);
4. the median time per asset per date (and per stage: upstream lookup, extracts, transform, write, checks);
5. the floor: one read through the warehouse of every input column the chain's extracts read for the
   last season, each table once over the union of the extracts' bounds; and chain / floor;
6. a single-date daily run through Dagster end to end, wall time: a new process (as a run worker) that loads
   the code location, opens a fresh SQLite instance and runs `phase4_job` for the date with its checks;
   with `--dagster-range`, the last season as one range run through Dagster too, on the SQLite instance
   (dagster.yaml) and on the production instance (deploy/dagster.production.yaml, a private PostgreSQL
   server started for it), each against the chain's time for the same season (Dagster's overhead is
   mostly its event log: one event per partition and check evaluation);
7. peak RSS of the seeding process, the benchmark process and the daily-run process (each its own).

"The chain" here is exactly what an asset does without Dagster: `nba_features.pipeline.table_run.run_table`
(upstream lookup, extracts, transform, atomic partition replace, the table's checks and their events), the
function the asset itself calls.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
# Dagster's console logger prints every event at DEBUG; the events are still stored on the instance, and
# a failed step (the range run's red early-season dates) is reported in the results instead.
QUIET_RUN = {"loggers": {"console": {"config": {"log_level": "CRITICAL"}}}}
STAGES = ("upstream", "extract", "transform", "write", "checks")  # the keys of run_table's TableRun.seconds

# Targets of the issue, for the embedded DuckDB default on a 2-core machine.
TARGETS = {
    "range_season_seconds": 30.0,
    "chain_over_floor_ratio": 20.0,
    "last_over_first_season_per_date_ratio": 1.25,
    "dagster_daily_seconds": 15.0,
    "peak_rss_mb": 1536.0,
    # with --dagster-range: a season through Dagster against the bare chain, on each instance storage
    "dagster_range_over_chain_sqlite": 2.0,
    "dagster_range_over_chain_postgres": 2.0,
}


def _parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seasons", type=int, default=5, help="demo seasons to seed (from --start-season)")
    parser.add_argument("--start-season", type=int, default=2021)
    parser.add_argument("--sample-dates", type=int, default=20, help="game dates per season measured in per-date mode")
    parser.add_argument("--no-game-samples", type=int, default=3, help="dates without games measured in per-date mode")
    parser.add_argument("--days", type=int, default=None, help="measure only the first N days of each season (tiny runs)")
    parser.add_argument(
        "--dagster-range",
        action="store_true",
        help="also run the last season's range through Dagster, on SQLite and on PostgreSQL (minutes)",
    )
    parser.add_argument("--json", type=Path, default=PROJECT_ROOT / "bench" / "results.json", help="where to write the JSON")
    parser.add_argument(
        "--workdir", type=Path, default=None, help="directory for the warehouse and Dagster home (default: a new temporary one)"
    )
    parser.add_argument("--keep", action="store_true", help="keep the work directory")
    # the daily run's own process (started by the benchmark, with its environment)
    parser.add_argument("--daily-run-in-this-process", type=dt.date.fromisoformat, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.seasons < 1 or args.sample_dates < 1 or args.no_game_samples < 0 or (args.days is not None and args.days < 1):
        parser.error("--seasons, --sample-dates and --days must be positive, --no-game-samples >= 0")
    return args


def use_environment(warehouse_path: Path, start_season: int, dagster_home: Path | None = None) -> None:
    """Point the project at the benchmark's warehouse (and Dagster home). Before any project import: the
    resource, the partitions and the instance read these."""
    os.environ.update(
        {
            "NBA_FEATURES_ENV": "local",
            "NBA_FEATURES_WAREHOUSE": str(warehouse_path),
            "NBA_FEATURES_FIRST_DATE": f"{start_season}-10-01",
            **({"DAGSTER_HOME": str(dagster_home)} if dagster_home else {}),
        }
    )


def _rss_mb(who: int) -> float:
    """Peak RSS. For this process the kernel's VmHWM: ru_maxrss survives exec, so a child started by a
    big parent would report the parent's peak as its own."""
    if who == resource.RUSAGE_SELF and Path("/proc/self/status").exists():
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024  # kB
    return resource.getrusage(who).ru_maxrss / 1024  # kilobytes on Linux


def _spread(items: list, count: int) -> list:
    """`count` items evenly spread over `items` (first and last included)."""
    if count >= len(items):
        return list(items)
    if count == 1:
        return [items[len(items) // 2]]
    return [items[round(i * (len(items) - 1) / (count - 1))] for i in range(count)]


def _instance_config(dagster_home: Path) -> None:
    """The project's dagster.yaml (same storage classes) with every storage path under `dagster_home`."""
    import yaml

    config = yaml.safe_load((PROJECT_ROOT / "dagster.yaml").read_text())
    for section in config.values():
        base_dir = section.get("config", {}).get("base_dir") if isinstance(section, dict) else None
        if base_dir:
            section["config"]["base_dir"] = str(dagster_home / Path(base_dir).relative_to(".dagster_home"))
    (dagster_home / "dagster.yaml").write_text(yaml.safe_dump(config))


# ----------------------------------------------------------------------------------------------- seed
def seed(seasons: int, start_season: int) -> dict:
    """`nba-features seed` in a child process, so its peak memory is measured apart from the chain's."""
    started = time.perf_counter()
    completed = subprocess.run(
        [sys.executable, "-m", "nba_features.cli", "seed", "--seasons", str(seasons), "--start-season", str(start_season)],
        cwd=PROJECT_ROOT,
        env=os.environ.copy(),
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.perf_counter() - started
    if completed.returncode:
        raise RuntimeError(f"seeding failed:\n{completed.stdout}\n{completed.stderr}")
    return {
        "seconds": round(seconds, 2),
        "peak_rss_mb": round(_rss_mb(resource.RUSAGE_CHILDREN), 1),
        "output": completed.stdout.strip(),
    }


# ---------------------------------------------------------------------------------------------- chain
def run_asset(table, warehouse, dates: list[dt.date], run_id: str) -> dict:
    """One asset over `dates` exactly as the asset runs it (`pipeline.table_run.run_table`), without Dagster."""
    from nba_features.pipeline.registry import checks_for
    from nba_features.pipeline.table_run import run_table

    run = run_table(warehouse, table, checks_for(table), dates, run_id=run_id)
    failed = sum(not o.passed for o in run.outcomes)
    return {
        **run.seconds,
        "total": run.total_seconds,
        "rows": run.rows_written,
        "check_outcomes": len(run.outcomes),
        "failed_checks": failed,
    }


def run_chain(warehouse, dates: list[dt.date], run_id: str) -> dict:
    """The five assets in run order over `dates` (one call each): wall and CPU seconds, and per asset.

    CPU seconds (this process, DuckDB included) tell a loaded machine from a slow chain."""
    from nba_features.pipeline.registry import RUN_ORDER

    wall, cpu = time.perf_counter(), time.process_time()
    per_asset = {table.asset_name: run_asset(table, warehouse, dates, run_id) for table in RUN_ORDER}
    return {"seconds": time.perf_counter() - wall, "cpu_seconds": time.process_time() - cpu, "per_asset": per_asset}


def _rounded(per_asset: dict[str, dict]) -> dict[str, dict]:
    return {name: {k: round(v, 3) if isinstance(v, float) else v for k, v in stats.items()} for name, stats in per_asset.items()}


# ----------------------------------------------------------------------------------------- seasons
def season_calendar(warehouse, days: int | None) -> list[dict]:
    """Per season: every partition date from its first to its last scheduled game, and the game dates."""
    from nba_features.partitions import date_range

    games = warehouse.query(
        "SELECT DISTINCT season_year, game_date FROM nba_reference.nba_schedule WHERE game_date BETWEEN @first AND @last",
        {"first": dt.date(1900, 1, 1), "last": dt.date(2999, 12, 31)},
    )
    seasons = []
    for season_year, rows in sorted(games.groupby("season_year"), key=lambda item: item[0]):
        game_dates = set(rows["game_date"].dt.date)
        dates = date_range(min(game_dates), max(game_dates))
        if days is not None:
            dates = dates[:days]
        seasons.append(
            {
                "season_year": int(season_year),
                "dates": dates,
                "game_dates": [d for d in dates if d in game_dates],
                "no_game_dates": [d for d in dates if d not in game_dates],
            }
        )
    return seasons


def per_date_samples(warehouse, dates: list[dt.date], run_id: str) -> list[dict]:
    return [{"date": day.isoformat(), **run_chain(warehouse, [day], run_id)} for day in dates]


def _median(values: list[float]) -> float:
    return statistics.median(values) if values else 0.0


# ------------------------------------------------------------------------------------------- floor
def input_reads(warehouse, season_start: dt.date, season_end: dt.date) -> dict[str, dict]:
    """Per input table: every column any extract of the chain selects or filters on, and the union of
    the extracts' date bounds for a run over [season_start, season_end] (season-bounded extracts from
    the season's first game, as the chain reads them)."""
    import sqlglot
    from sqlglot import exp

    from nba_features.contracts import contract
    from nba_features.phase4.seasons import season_start_of
    from nba_features.pipeline.registry import RUN_ORDER

    first_game = season_start_of(warehouse, season_start)

    reads: dict[str, dict] = {}
    for table in RUN_ORDER:
        for extract in table.extracts:
            tree = sqlglot.parse_one(extract.sql, read="bigquery")
            (source,) = {f"{t.db}.{t.name}" for t in tree.find_all(exp.Table)}
            spec = contract(source)
            entry = reads.setdefault(
                source, {"columns": set(), "first": season_start, "last": season_end, "partition_column": spec.partition_column}
            )
            entry["columns"] |= {c.name for c in tree.find_all(exp.Column) if c.name in spec.column_names}
            lower = (
                extract.parameters([season_start, season_end], first_game)["season_start"]
                if extract.season_bounded
                else season_start - dt.timedelta(days=extract.lookback_days)
            )
            entry["first"] = min(entry["first"], lower)
    return reads


FLOOR_REPEATS = 3


def measure_floor(warehouse, season_start: dt.date, season_end: dt.date) -> dict:
    """The floor, read FLOOR_REPEATS times: a one-second measurement moves by a tenth between runs, and
    the chain / floor ratio with it. `seconds` and `arrow_seconds` are the medians."""
    runs = [_read_inputs_once(warehouse, season_start, season_end) for _ in range(FLOOR_REPEATS)]
    median = sorted(runs, key=lambda run: run["seconds"])[FLOOR_REPEATS // 2]
    return {
        **median,
        "arrow_seconds": statistics.median(run["arrow_seconds"] for run in runs),
        "repeats": [run["seconds"] for run in runs],
    }


def _read_inputs_once(warehouse, season_start: dt.date, season_end: dt.date) -> dict:
    """Read every input column once, through the warehouse (to pandas, like the extracts), and with
    DuckDB straight to Arrow (the engine's scan without the pandas conversion)."""
    from nba_features.warehouse.sql import to_duckdb

    tables, total, arrow_total = {}, 0.0, 0.0
    for source, entry in sorted(input_reads(warehouse, season_start, season_end).items()):
        if not warehouse.table_exists(source):
            continue
        sql = (
            f"SELECT {', '.join(sorted(entry['columns']))} FROM {source} "
            f"WHERE {entry['partition_column']} BETWEEN @first AND @last"
        )
        params = {"first": entry["first"], "last": entry["last"]}
        started = time.perf_counter()
        frame = warehouse.query(sql, params)
        seconds = time.perf_counter() - started
        translated = to_duckdb(sql)
        with warehouse.connect() as connection:
            started = time.perf_counter()
            connection.execute(translated, params).to_arrow_table()
            arrow_seconds = time.perf_counter() - started
        total += seconds
        arrow_total += arrow_seconds
        tables[source] = {
            "rows": len(frame),
            "columns": len(entry["columns"]),
            "from": entry["first"].isoformat(),
            "to": entry["last"].isoformat(),
            "seconds": round(seconds, 3),
            "arrow_seconds": round(arrow_seconds, 3),
        }
    return {"seconds": round(total, 3), "arrow_seconds": round(arrow_total, 3), "tables": tables}


# ------------------------------------------------------------------------------------------ dagster
def _definitions():
    """The code location, without the beta/preview notices of the features it uses."""
    import dagster as dg

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", dg.BetaWarning)
        warnings.simplefilter("ignore", dg.PreviewWarning)
        warnings.filterwarnings("ignore", message="Found asset job named")
        from nba_features.definitions import defs
    return defs


def dagster_daily(day: dt.date) -> dict:
    """`phase4_job` for one partition in a new process, as a run worker does it: interpreter start, code
    location import, a fresh SQLite instance, the run and its checks. `seconds` is the whole process."""
    started = time.perf_counter()
    completed = subprocess.run(
        [sys.executable, __file__, "--daily-run-in-this-process", day.isoformat()],
        cwd=PROJECT_ROOT,
        env=os.environ.copy(),
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.perf_counter() - started
    if completed.returncode:
        raise RuntimeError(f"the daily run failed:\n{completed.stdout}\n{completed.stderr}")
    return {"date": day.isoformat(), "seconds": round(seconds, 2), **json.loads(completed.stdout.splitlines()[-1])}


def daily_run_in_this_process(day: dt.date, dagster_home: Path) -> dict:
    started = time.perf_counter()
    import dagster as dg

    defs = _definitions()
    imported = time.perf_counter()
    instance = dg.DagsterInstance.from_config(str(dagster_home))
    result = defs.resolve_job_def("phase4_job").execute_in_process(
        partition_key=day.isoformat(),
        instance=instance,
        raise_on_error=False,
        tags={"nba_features/trigger": "bench"},
        run_config=QUIET_RUN,
    )
    finished = time.perf_counter()
    events = result.all_events
    checks = [e for e in events if e.event_type_value == "ASSET_CHECK_EVALUATION"]
    return {
        "success": result.success,
        "import_seconds": round(imported - started, 2),
        "instance_and_run_seconds": round(finished - imported, 2),
        "events": len(events),
        "check_evaluations": len(checks),
        "failed_checks": sum(not e.event_specific_data.passed for e in checks),
        "run_id": result.run_id,
        "peak_rss_mb": round(_rss_mb(resource.RUSAGE_SELF), 1),
    }


def dagster_range(start: dt.date, end: dt.date, dagster_home: Path) -> dict:
    """The five assets over [start, end] as one range run through Dagster (what a backfill does), with the
    event batching the CLI and the production image set."""
    import dagster as dg

    from nba_features.cli.instance import EVENT_BATCH_SIZE

    os.environ.setdefault("DAGSTER_EVENT_BATCH_SIZE", EVENT_BATCH_SIZE)
    defs = _definitions()
    instance = dg.DagsterInstance.from_config(str(dagster_home))
    started, cpu = time.perf_counter(), time.process_time()
    result = defs.resolve_implicit_global_asset_job_def().execute_in_process(
        instance=instance,
        raise_on_error=False,
        run_config=QUIET_RUN,
        asset_selection=[dg.AssetKey(name) for name in _asset_names()],
        tags={"dagster/asset_partition_range_start": start.isoformat(), "dagster/asset_partition_range_end": end.isoformat()},
    )
    seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu
    instance.dispose()
    checks = [e.event_specific_data for e in result.all_events if e.event_type_value == "ASSET_CHECK_EVALUATION"]
    blocking_failures = [c for c in checks if not c.passed and c.severity == dg.AssetCheckSeverity.ERROR]
    return {
        "from": start.isoformat(),
        "to": end.isoformat(),
        "success": result.success,
        "seconds": round(seconds, 2),
        "cpu_seconds": round(cpu_seconds, 2),
        "events": len(result.all_events),
        "check_evaluations": len(checks),
        "failed_blocking_check_evaluations": len(blocking_failures),
        "run_id": result.run_id,
    }


def dagster_range_postgres(start: dt.date, end: dt.date, workdir: Path) -> dict:
    """`dagster_range` on the production instance (deploy/dagster.production.yaml) backed by a private
    PostgreSQL server started for it (Debian's PostgreSQL 15, the production tests' cluster), on loopback."""
    import dagster as dg

    from nba_features_tests.production.postgres_cluster import postgres_cluster

    home = workdir / "dagster_home_postgres"
    home.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(PROJECT_ROOT / "deploy" / "dagster.production.yaml", home / "dagster.yaml")
    saved = dict(os.environ)
    try:
        with postgres_cluster() as cluster:
            os.environ.update(cluster.env(cluster.create_database("bench")))
            dg.DagsterInstance.from_config(str(home)).dispose()  # the schema, as `dagster instance migrate`
            return dagster_range(start, end, home)
    finally:
        os.environ.clear()
        os.environ.update(saved)


def _asset_names() -> list[str]:
    from nba_features.pipeline.registry import RUN_ORDER

    return [t.asset_name for t in RUN_ORDER]


# ------------------------------------------------------------------------------------------ report
def _target_rows(results: dict) -> list[dict]:
    values = {
        "range_season_seconds": results["range_mode"]["season_seconds"],
        "chain_over_floor_ratio": results["floor"]["chain_over_floor_ratio"],
        "last_over_first_season_per_date_ratio": results["history_growth"]["last_over_first_ratio"],
        "dagster_daily_seconds": results["dagster_daily"]["seconds"],
        "peak_rss_mb": results["peak_rss_mb"]["max"],
    }
    for storage, run in (results.get("dagster_range") or {}).items():
        values[f"dagster_range_over_chain_{storage}"] = run["over_chain_ratio"]
    return [
        {"name": name, "value": values[name], "limit": limit, "met": values[name] <= limit}
        for name, limit in TARGETS.items()
        if name in values
    ]


def markdown(results: dict) -> str:
    rng, per_date, growth, floor = results["range_mode"], results["per_date_mode"], results["history_growth"], results["floor"]
    daily, rss = results["dagster_daily"], results["peak_rss_mb"]
    target = {row["name"]: row for row in results["targets"]}
    by_season = ", ".join(f"{s['season_year']}: {s['seconds']:.1f}" for s in rng["seasons"])

    def verdict(name: str) -> str:
        row = target[name]
        return f"<= {row['limit']:g}: {'met' if row['met'] else 'NOT met'}"

    lines = [
        f"Demo league: {results['seasons']} season(s) from {results['start_season']}; measured season "
        f"{rng['season_year']} ({rng['dates']} dates, {rng['game_dates']} with games); {results['machine']['cpus']} CPUs, "
        f"DuckDB {results['machine']['duckdb']}, Dagster {results['machine']['dagster']}; load average (1 min) "
        f"{results['machine']['load_average_1min']['start']} at the start, {results['machine']['load_average_1min']['end']} at the end.",
        "",
        "| # | metric | value | target |",
        "|---|---|---|---|",
        f"| 1 | seed (`nba-features seed`, wall) | {results['seed']['seconds']:.1f} s | |",
        f"| 2 | range mode, season {rng['season_year']} (5 assets, one call each) | {rng['season_seconds']:.1f} s "
        f"(CPU {rng['season_cpu_seconds']:.1f} s) | {verdict('range_season_seconds')} |",
        f"| 2 | range mode, every season (full backfill) | {rng['all_seasons_seconds']:.1f} s ({by_season}) | |",
        f"| 2 | per-date mode, season {rng['season_year']} (estimated from {per_date['sampled_game_dates']} game date(s) "
        f"+ {per_date['sampled_no_game_dates']} date(s) without games) | {per_date['season_seconds_estimated']:.1f} s | |",
        f"| 2 | per-date / range | {per_date['per_date_over_range_ratio']:.1f}x | |",
        f"| 3 | per-date chain, median: first season {growth['first_season_year']} / second / last {growth['last_season_year']} "
        f"| {growth['first_season_median_seconds']:.2f} / {growth['second_season_median_seconds']:.2f} / "
        f"{growth['last_season_median_seconds']:.2f} s | |",
        f"| 3 | last / first season per-date ratio | {growth['last_over_first_ratio']:.2f} | {verdict('last_over_first_season_per_date_ratio')} |",
        f"| 3 | last / second season per-date ratio (control: full lookback in both) | {growth['last_over_second_ratio']:.2f} | |",
    ]
    for name, stats in results["per_asset_median_seconds"].items():
        stages = ", ".join(f"{s} {stats[s]:.3f}" for s in STAGES)
        lines.append(f"| 4 | median per date: {name} | {stats['total']:.3f} s ({stages}) | |")
    lines += [
        f"| 5 | floor: every input column read once (warehouse → pandas; median of {len(floor['repeats'])} reads) | {floor['seconds']:.2f} s "
        f"(DuckDB → Arrow only: {floor['arrow_seconds']:.2f} s) | |",
        f"| 5 | range-mode chain / floor | {floor['chain_over_floor_ratio']:.1f}x | {verdict('chain_over_floor_ratio')} |",
        f"| 6 | Dagster daily run, {daily['date']}, in a new process (code location import {daily['import_seconds']:.1f} s, "
        f"instance + run + {daily['check_evaluations']} check evaluations {daily['instance_and_run_seconds']:.1f} s) "
        f"| {daily['seconds']:.1f} s | {verdict('dagster_daily_seconds')} |",
    ]
    for storage, run in (results.get("dagster_range") or {}).items():
        outcome = (
            "succeeded"
            if run["success"]
            else f"failed: {run['failed_blocking_check_evaluations']} blocking check evaluations red"
        )
        lines.append(
            f"| 6 | Dagster range run, season {rng['season_year']}, {storage} instance ({run['events']} events, "
            f"{run['check_evaluations']} check evaluations; {outcome}) | {run['seconds']:.1f} s (CPU {run['cpu_seconds']:.1f} s); "
            f"{run['over_chain_ratio']:.2f}x the chain | {verdict(f'dagster_range_over_chain_{storage}')} |"
        )
    reached = next(phase for phase, mb in rss["bench_process_after"].items() if mb >= rss["bench_process"])
    lines.append(
        f"| 7 | peak RSS: seeding process / benchmark process (reached in: {reached.replace('_', ' ')}) / Dagster daily "
        f"run process | {rss['seed_process']:.0f} / {rss['bench_process']:.0f} / {rss['dagster_daily_process']:.0f} MB "
        f"| {verdict('peak_rss_mb')} |"
    )
    return "\n".join(lines)


# -------------------------------------------------------------------------------------------- main
def main(argv: list[str] | None = None) -> int:
    args = _parse_args(argv)
    if args.daily_run_in_this_process:
        print(json.dumps(daily_run_in_this_process(args.daily_run_in_this_process, Path(os.environ["DAGSTER_HOME"]))))
        return 0
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="nba_features_bench_"))
    dagster_home = workdir / "dagster_home"
    dagster_home.mkdir(parents=True, exist_ok=True)
    warehouse_path = workdir / "warehouse.duckdb"
    if warehouse_path.exists():
        warehouse_path.unlink()  # a fresh warehouse every run
    use_environment(warehouse_path, args.start_season, dagster_home)
    _instance_config(dagster_home)
    run_id = f"bench-{dt.datetime.now(dt.UTC):%Y%m%dT%H%M%S}"
    try:
        results = measure(args, workdir, dagster_home, run_id)
    finally:
        if not args.keep and args.workdir is None:
            shutil.rmtree(workdir, ignore_errors=True)
    print(markdown(results))
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(results, indent=2) + "\n")
    print(f"\nJSON: {args.json}")
    return 0


def measure(args: argparse.Namespace, workdir: Path, dagster_home: Path, run_id: str) -> dict:
    load_at_start = round(os.getloadavg()[0], 2)
    seeded = seed(args.seasons, args.start_season)
    print(f"seeded in {seeded['seconds']:.1f}s", file=sys.stderr)

    import dagster
    import duckdb

    from nba_features.warehouse import DuckDBWarehouse

    warehouse = DuckDBWarehouse(workdir / "warehouse.duckdb")
    seasons = season_calendar(warehouse, args.days)
    first, last = seasons[0], seasons[-1]
    second = seasons[1] if len(seasons) > 1 else first

    # peak RSS of this process after each phase: the phase where it grows is the one that set it
    rss_after = {"start": round(_rss_mb(resource.RUSAGE_SELF), 1)}

    # 2. range mode, every season in order (the backfill); the last season is the one measured
    range_runs = []
    for season in seasons:
        range_runs.append(
            {"season_year": season["season_year"], "dates": len(season["dates"]), **run_chain(warehouse, season["dates"], run_id)}
        )
        print(f"range mode {season['season_year']}: {range_runs[-1]['seconds']:.1f}s", file=sys.stderr)
    last_range = range_runs[-1]
    rss_after["range_mode"] = round(_rss_mb(resource.RUSAGE_SELF), 1)

    # 2-4. per-date mode: game dates at the same relative positions in each measured season (with fewer
    # than three seasons, a season is measured once); dates without games in the last season only
    game_samples: dict[int, list[dict]] = {}
    for season in (last, first, second):
        if season["season_year"] not in game_samples:
            game_samples[season["season_year"]] = per_date_samples(
                warehouse, _spread(season["game_dates"], args.sample_dates), run_id
            )
    last_game, first_game, second_game = (game_samples[s["season_year"]] for s in (last, first, second))
    last_no_game = (
        per_date_samples(warehouse, _spread(last["no_game_dates"], args.no_game_samples), run_id) if args.no_game_samples else []
    )
    print("per-date samples done", file=sys.stderr)
    rss_after["per_date_mode"] = round(_rss_mb(resource.RUSAGE_SELF), 1)
    mean_game = statistics.mean(s["seconds"] for s in last_game)
    mean_no_game = statistics.mean(s["seconds"] for s in last_no_game) if last_no_game else 0.0
    per_date_estimate = mean_game * len(last["game_dates"]) + mean_no_game * len(last["no_game_dates"])

    per_asset_median = {}
    for name in _asset_names():
        per_asset_median[name] = {
            key: round(_median([s["per_asset"][name][key] for s in last_game]), 4) for key in (*STAGES, "total")
        }

    medians = {
        label: _median([s["seconds"] for s in samples])
        for label, samples in (("first", first_game), ("second", second_game), ("last", last_game))
    }

    # 5. the floor, for the last season's range
    floor = measure_floor(warehouse, last["dates"][0], last["dates"][-1])
    floor["chain_over_floor_ratio"] = round(last_range["seconds"] / floor["seconds"], 2) if floor["seconds"] else None
    rss_after["floor"] = round(_rss_mb(resource.RUSAGE_SELF), 1)

    # 6. Dagster: a daily run (the middle game date of the last season), optionally a season range
    daily_date = _spread(last["game_dates"], 1)[0]
    daily = dagster_daily(daily_date)
    print(f"dagster daily: {daily['seconds']:.1f}s", file=sys.stderr)
    rss_after["dagster_daily"] = round(_rss_mb(resource.RUSAGE_SELF), 1)
    ranged = None
    if args.dagster_range:
        # the same season as the range-mode chain above, through Dagster on each instance in turn
        ranged = {
            "sqlite": dagster_range(last["dates"][0], last["dates"][-1], dagster_home),
            "postgres": dagster_range_postgres(last["dates"][0], last["dates"][-1], workdir),
        }
        for storage, run in ranged.items():
            run["over_chain_ratio"] = round(run["seconds"] / last_range["seconds"], 2)
            run["overhead_seconds"] = round(run["seconds"] - last_range["seconds"], 2)
            print(f"dagster range ({storage}): {run['seconds']:.1f}s", file=sys.stderr)
        rss_after["dagster_range"] = round(_rss_mb(resource.RUSAGE_SELF), 1)

    results = {
        "command": "python bench/run.py " + " ".join(sys.argv[1:]),
        "finished_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "seasons": args.seasons,
        "start_season": args.start_season,
        "days_per_season": args.days,
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "duckdb": duckdb.__version__,
            "dagster": dagster.__version__,
            # other processes compete for the 2 cores when the load is above ~1: wall times grow, CPU times do not
            "load_average_1min": {"start": load_at_start, "end": round(os.getloadavg()[0], 2)},
        },
        "seed": seeded,
        "range_mode": {
            "season_year": last["season_year"],
            "dates": len(last["dates"]),
            "game_dates": len(last["game_dates"]),
            "season_seconds": round(last_range["seconds"], 2),
            "season_cpu_seconds": round(last_range["cpu_seconds"], 2),
            "all_seasons_seconds": round(sum(r["seconds"] for r in range_runs), 2),
            "per_asset": _rounded(last_range["per_asset"]),
            "seasons": [
                {
                    "season_year": r["season_year"],
                    "dates": r["dates"],
                    "seconds": round(r["seconds"], 2),
                    "cpu_seconds": round(r["cpu_seconds"], 2),
                }
                for r in range_runs
            ],
        },
        "per_date_mode": {
            "season_year": last["season_year"],
            "sampled_game_dates": len(last_game),
            "sampled_no_game_dates": len(last_no_game),
            "mean_game_date_seconds": round(mean_game, 3),
            "mean_no_game_date_seconds": round(mean_no_game, 3),
            "season_seconds_estimated": round(per_date_estimate, 1),
            "estimate": "mean chain time of the sampled game dates x game dates + mean of the sampled no-game dates x no-game dates",
            "per_date_over_range_ratio": round(per_date_estimate / last_range["seconds"], 2),
            "samples": [
                {"date": s["date"], "seconds": round(s["seconds"], 3), "cpu_seconds": round(s["cpu_seconds"], 3)}
                for s in last_game + last_no_game
            ],
        },
        "history_growth": {
            "first_season_year": first["season_year"],
            "second_season_year": second["season_year"],
            "last_season_year": last["season_year"],
            "first_season_median_seconds": round(medians["first"], 3),
            "second_season_median_seconds": round(medians["second"], 3),
            "last_season_median_seconds": round(medians["last"], 3),
            "last_over_first_ratio": round(medians["last"] / medians["first"], 3),
            "last_over_second_ratio": round(medians["last"] / medians["second"], 3),
            "first_season_dates": [s["date"] for s in first_game],
            "last_season_dates": [s["date"] for s in last_game],
        },
        "per_asset_median_seconds": per_asset_median,
        "floor": floor,
        "dagster_daily": daily,
        "dagster_range": ranged,
        "peak_rss_mb": {
            "seed_process": seeded["peak_rss_mb"],
            "bench_process": round(_rss_mb(resource.RUSAGE_SELF), 1),
            "bench_process_after": rss_after,
            "dagster_daily_process": daily["peak_rss_mb"],
        },
    }
    results["peak_rss_mb"]["max"] = max(
        results["peak_rss_mb"][process] for process in ("seed_process", "bench_process", "dagster_daily_process")
    )
    results["targets"] = _target_rows(results)
    return results


if __name__ == "__main__":
    sys.exit(main())
