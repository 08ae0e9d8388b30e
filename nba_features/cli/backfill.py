"""`nba-features backfill`: partition backfills on the instance, executed by its daemon as from the UI.

    backfill --from D1 --to D2 [--select a,b] [--wait]   request a backfill (prints its id)
    backfill status ID [--watch]                         progress, red dates, root causes
    backfill retry ID                                    a new backfill of what did not materialize

Exit codes: 0 when the backfill finished with every partition green (launching or retrying without
--wait: once requested); 1 otherwise: a date is red, a run failed, or it has not finished yet (the
report says which; --watch waits for the end); 2 on usage errors.
"""

from __future__ import annotations

import datetime as dt
import time

from nba_features.cli.errors import CliError
from nba_features.cli.instance import cli_instance
from nba_features.cli.materialize import selection
from nba_features.lib.backfills import (
    BackfillError,
    BackfillReport,
    backfill_status,
    launch_backfill,
    retry_failed_backfill,
)

WATCH_INTERVAL_SECONDS = 5.0


def report_code(report: BackfillReport) -> int:
    return 0 if report.green else 1


def watch(instance, asset_graph, backfill_id: str, interval: float = WATCH_INTERVAL_SECONDS) -> BackfillReport:
    """Print a progress line whenever it changes, until the backfill has finished."""
    started, last_line = time.monotonic(), None
    while True:
        report = backfill_status(instance, asset_graph, backfill_id)
        done = sum(a.materialized for a in report.assets)
        targeted = sum(a.targeted for a in report.assets)
        failed = sum(a.failed for a in report.assets)
        line = f"{report.status.lower()}: {done}/{targeted} asset partitions materialized, {failed} failed"
        if line != last_line:
            print(f"  [{time.monotonic() - started:6.0f}s] {line}", flush=True)
            last_line = line
        if report.finished:
            return report
        time.sleep(interval)


def backfill_command(
    action: str | None, backfill_id: str | None, start: dt.date | None, end: dt.date | None, select: str | None,
    *, wait: bool = False,
) -> int:  # fmt: skip
    from nba_features.definitions import defs

    if action is None:
        if backfill_id is not None:
            raise CliError(f"unexpected argument {backfill_id!r}: use `backfill status ID` or `backfill retry ID`")
        if start is None or end is None:
            raise CliError("backfill needs --from and --to (or `backfill status ID` / `backfill retry ID`)")
    elif backfill_id is None or start is not None or end is not None or select is not None:
        raise CliError(f"usage: nba-features backfill {action} ID")
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
            assets = selection(select)
            new_id = launch_backfill(instance, asset_graph, start, end, assets)
            print(new_id)
            print(f"backfill {new_id} requested: {start} .. {end}, {', '.join(assets)} (instance {instance.root_directory})")
            print(f"the daemon executes it (`make dev`); progress: nba-features backfill status {new_id} --watch")
    except BackfillError as error:
        raise CliError(str(error)) from None
    if not wait:
        return 0
    report = watch(instance, asset_graph, new_id)
    print(report.render())
    return report_code(report)
