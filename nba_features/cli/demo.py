"""`nba-features demo`: seed the demo league, materialize every partition, print a summary and the report.

Progress (seeding, then each season and asset with elapsed time) goes to stderr (`cli/progress.py`).
"""

from __future__ import annotations

import datetime as dt

from nba_features.cli.materialize import exit_code, materialize
from nba_features.cli.progress import Progress
from nba_features.cli.seed import seed
from nba_features.partitions import game_dates
from nba_features.pipeline.registry import PHASE4_ASSET_NAMES, RUN_ORDER
from nba_features.quality.report import contamination_report, render_report
from nba_features.warehouse import warehouse_from_env


def table_summary() -> str:
    warehouse = warehouse_from_env()
    lines = [f"{'table':<48} {'dates':>6} {'rows':>9} {'min/date':>9} {'median':>7} {'max':>5}"]
    for table in RUN_ORDER:
        stats = warehouse.query(
            f"""
            -- bound: every partition of the table (the demo's summary)
            SELECT COUNT(*) AS dates, SUM(n) AS total_rows, MIN(n) AS min_rows,
                   APPROX_QUANTILES(n, 2)[OFFSET(1)] AS median_rows, MAX(n) AS max_rows
            FROM (SELECT {table.partition_column}, COUNT(*) AS n FROM {table.table}
                  WHERE {table.partition_column} BETWEEN @first AND @last GROUP BY {table.partition_column})
            """,
            {"first": dt.date(1900, 1, 1), "last": dt.date(2999, 12, 31)},
        ).iloc[0]
        lines.append(
            f"{table.table:<48} {int(stats.dates):>6} {int(stats.total_rows or 0):>9,} "
            f"{int(stats.min_rows or 0):>9} {int(stats.median_rows or 0):>7} {int(stats.max_rows or 0):>5}"
        )
    return "\n".join(lines)


def demo(seasons: int, start_season: int) -> int:
    today = dt.date.today()
    progress = Progress()
    progress.line(f"seeding {seasons} demo season(s) from {start_season}")
    seed(seasons, start_season, None, through=today)
    progress.line("seeded")
    first = dt.date.fromisoformat(game_dates.get_first_partition_key())
    last = dt.date.fromisoformat(game_dates.get_last_partition_key())
    print(
        f"materializing every partition {first} .. {last} (five assets, one range run per season; days without games are no-ops)"
    )
    outcomes = materialize(first, last, PHASE4_ASSET_NAMES, progress=progress)
    progress.line("every partition run; summarizing")
    print()
    print(table_summary())
    print()
    print(render_report(contamination_report(start=first, end=last)))
    code = exit_code(outcomes)
    print()
    print("every partition is green" if code == 0 else "NOT GREEN: see the red dates and failures above")
    return code
