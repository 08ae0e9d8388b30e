"""`phase4_input_change_sensor` (every 5 minutes)
Detects changes from the data itself. Each tick runs one bounded fingerprint query per source
table over [today - 400 days, today + 7 days] (`fingerprints.py`) and compares the per-date
fingerprints with those kept in the cursor, so any number of dates changed between two ticks are
all seen. For each changed date X of table T, the partitions D whose extracts read T on X are
rerun, bounded by each asset's declared lookback (`lookbacks.py`, the table in the README), with
every Phase 4 asset downstream of an affected asset, for D that exist (<= today's partition) and
have scheduled games (or lost their last game, so the stale partition is cleared). One RunRequest
per date, run key from (date, evaluation sequence, the changed fingerprints): a replayed tick does
not duplicate runs, a table changing back and forth is never deduplicated away. New fingerprints
are recorded as AssetObservations of the source assets (every table at the baseline, then the
tables that changed). The first tick records a baseline and requests nothing; changes older than
the window need a backfill. A Phase 3 reprocess of a whole season asks for one run per affected
date, which the run queue and the warehouse pool work through; a backfill (range runs) is faster.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

import dagster as dg

from nba_features.defs.inputs import SOURCE_TABLES, source_asset_key
from nba_features.defs.jobs import phase4_job
from nba_features.defs.resources import WarehouseResource
from nba_features.lib.run_tags import TRIGGER_TAG
from nba_features.partitions import game_dates, parse_date
from nba_features.phase4.inputs import SCHEDULE_TABLE
from nba_features.pipeline.registry import RUN_ORDER
from nba_features.reruns.fingerprints import (
    DEFAULT_AHEAD_DAYS,
    DEFAULT_HISTORY_DAYS,
    FingerprintState,
    TableChange,
    changed_dates,
    table_fingerprints,
)
from nba_features.reruns.lookbacks import RERUN_WINDOWS, affected_partitions
from nba_features.warehouse import Warehouse

# Tables that only optional extracts read (docs/RULES.md#feature-list): fingerprinted when they exist.
OPTIONAL_SOURCES = frozenset(e.source_table for t in RUN_ORDER for e in t.extracts if e.optional and e.source_table)
MAX_LISTED = 20


@dataclass(frozen=True)
class InputChangePlan:
    state: FingerprintState
    changes: dict[str, TableChange]
    reruns: dict[dt.date, tuple[str, ...]]  # partition date → assets, run order
    baseline: bool

    def causes(self, day: dt.date) -> list[tuple[str, dt.date]]:
        """(table, changed date) pairs whose rerun windows contain `day`."""
        found = []
        for table, change in sorted(self.changes.items()):
            windows = [w[table] for w in RERUN_WINDOWS.values() if table in w]
            for changed in change.dates:
                if any(w.first_offset <= (day - changed).days <= w.last_offset for w in windows):
                    found.append((table, changed))
        return found

    def run_key(self, day: dt.date) -> str:
        material = "|".join(f"{t}@{d}={self.changes[t].fingerprints[d]}" for t, d in self.causes(day))
        digest = hashlib.sha1(f"{'+'.join(self.reruns[day])}|{material}".encode()).hexdigest()[:16]
        return f"input-change:{day.isoformat()}:{self.state.sequence}:{digest}"


def fingerprint_inputs(
    warehouse: Warehouse, today: dt.date, *, history_days: int = DEFAULT_HISTORY_DAYS, ahead_days: int = DEFAULT_AHEAD_DAYS
) -> FingerprintState:
    start, end = today - dt.timedelta(days=history_days), today + dt.timedelta(days=ahead_days)
    tables = {
        table: table_fingerprints(warehouse, table, start, end)
        for table in SOURCE_TABLES
        if table not in OPTIONAL_SOURCES or warehouse.table_exists(table)
    }
    return FingerprintState(start, end, tables)


def plan_input_change_reruns(
    warehouse: Warehouse,
    previous: FingerprintState | None,
    today: dt.date,
    *,
    first_partition: dt.date,
    history_days: int = DEFAULT_HISTORY_DAYS,
    ahead_days: int = DEFAULT_AHEAD_DAYS,
) -> InputChangePlan:
    """Fingerprint the inputs, compare with `previous`, and work out the partitions to rerun."""
    current = fingerprint_inputs(warehouse, today, history_days=history_days, ahead_days=ahead_days)
    if previous is None:
        return InputChangePlan(current, {}, {}, baseline=True)
    changes = changed_dates(previous, current)
    if not changes:
        return InputChangePlan(
            FingerprintState(current.window_start, current.window_end, current.tables, previous.sequence), {}, {}, False
        )
    state = FingerprintState(current.window_start, current.window_end, current.tables, previous.sequence + 1)
    game_days = set(current.tables.get(SCHEDULE_TABLE, {})) | set(previous.tables.get(SCHEDULE_TABLE, {}))
    reruns = affected_partitions(
        {t: c.dates for t, c in changes.items()},
        first_partition=first_partition,
        last_partition=today,
        game_dates=game_days,
    )
    return InputChangePlan(state, changes, reruns, baseline=False)


def _listed(values: Sequence[object]) -> str:
    text = ", ".join(str(v) for v in values[:MAX_LISTED])
    return text + (f" … (+{len(values) - MAX_LISTED})" if len(values) > MAX_LISTED else "")


def _observations(plan: InputChangePlan) -> list[dg.AssetObservation]:
    tables = plan.state.tables if plan.baseline else {t: plan.state.tables[t] for t in plan.changes}
    observations = []
    for table, fingerprints in sorted(tables.items()):
        whole = hashlib.sha1("|".join(f"{d}={h}" for d, h in sorted(fingerprints.items())).encode()).hexdigest()[:16]
        metadata: dict[str, object] = {
            "fingerprint_window": f"{plan.state.window_start} .. {plan.state.window_end}",
            "dates_with_rows": len(fingerprints),
            "table_fingerprint": whole,
        }
        if plan.baseline:
            metadata["baseline"] = True
        else:
            change = plan.changes[table]
            metadata["changed_date_count"] = len(change.dates)
            metadata["changed_dates"] = _listed([d.isoformat() for d in change.dates])
            metadata["changed_fingerprints"] = dg.MetadataValue.json(
                {d.isoformat(): h or "no rows" for d, h in list(change.fingerprints.items())[:MAX_LISTED]}
            )
        observations.append(dg.AssetObservation(asset_key=source_asset_key(table), metadata=metadata))
    return observations


def input_change_result(plan: InputChangePlan) -> dg.SensorResult:
    """The sensor's answer for a plan: one RunRequest per partition date, observations, cursor."""
    cursor = plan.state.encode()
    if plan.baseline:
        return dg.SensorResult(
            asset_events=_observations(plan),
            cursor=cursor,
            skip_reason=f"baseline: fingerprints recorded for {len(plan.state.tables)} input tables",
        )
    if not plan.changes:
        return dg.SensorResult(cursor=cursor, skip_reason="no input table changed")
    requests = [
        dg.RunRequest(
            run_key=plan.run_key(day),
            partition_key=day.isoformat(),
            asset_selection=[dg.AssetKey(name) for name in assets],
            tags={
                TRIGGER_TAG: "input_change",
                "nba_features/changed_inputs": _listed([f"{t.split('.')[1]}@{d}" for t, d in plan.causes(day)]),
            },
        )
        for day, assets in plan.reruns.items()
    ]
    if not requests:
        summary = "; ".join(f"{t}: {_listed([d.isoformat() for d in c.dates])}" for t, c in sorted(plan.changes.items()))
        return dg.SensorResult(
            asset_events=_observations(plan),
            cursor=cursor,
            skip_reason=f"inputs changed only where no existing game-date partition reads them ({summary})",
        )
    return dg.SensorResult(run_requests=requests, asset_events=_observations(plan), cursor=cursor)


@dg.sensor(
    name="phase4_input_change_sensor",
    job=phase4_job,
    minimum_interval_seconds=300,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Reruns the Phase 4 partitions whose extracts read input rows that changed (fingerprints per date).",
)
def input_change_sensor(context: dg.SensorEvaluationContext, warehouse: WarehouseResource) -> dg.SensorResult:
    today = parse_date(game_dates.get_last_partition_key())
    plan = plan_input_change_reruns(
        warehouse.get(),
        FingerprintState.decode(context.cursor),
        today,
        first_partition=parse_date(game_dates.start.date().isoformat()),
    )
    return input_change_result(plan)
