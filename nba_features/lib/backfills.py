"""Partition backfills on the Dagster instance: the replacement for the legacy nohup chunks.

`launch_backfill` creates the same asset backfill the UI's "Materialize → date range" creates
(`PartitionBackfill.from_asset_partitions` + `instance.add_backfill`): it is listed in the UI, the
daemon (`dagster dev`, or `dagster-daemon run`) executes it, and with `BackfillPolicy.single_run` each
asset gets the whole range in one run. `retry_failed_backfill` is the UI's "Re-execute → from
failure": a new backfill of the targeted partitions that did not materialize, linked to its parent.
`backfill_status` reports the backfill's status, per-asset partition counts, its runs, and for every run
that was not green its red dates (with the failed checks) and root causes. A red date is a failed
partition of the backfill (its materialization never came, see defs/phase4_assets.py), so "retry failed"
retries exactly the red dates and what a failed step left undone.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import dagster as dg

from nba_features.lib.dagster_internals import (
    BULK_ACTION_TERMINAL_STATUSES,
    PARENT_BACKFILL_ID_TAG,
    ROOT_BACKFILL_ID_TAG,
    AssetBackfillStatus,
    BaseAssetGraph,
    PartitionBackfill,
    PartitionedAssetBackfillStatus,
    get_current_timestamp,
    make_new_backfill_id,
)
from nba_features.lib.run_outcome import RunOutcome, run_outcome
from nba_features.partitions import game_dates, parse_date

TRIGGER_TAG = "nba_features/trigger"


class BackfillError(ValueError):
    """A backfill request that cannot be honoured (unknown id, range outside the partitions, ...)."""


def partition_keys(start: dt.date, end: dt.date) -> list[str]:
    if end < start:
        raise BackfillError(f"--to {end} is before --from {start}")
    first = parse_date(game_dates.start.date().isoformat())
    last = parse_date(game_dates.get_last_partition_key())
    if start < first or end > last:
        raise BackfillError(f"partitions exist from {first} to {last}; {start}..{end} is outside")
    return game_dates.get_partition_keys_in_range(dg.PartitionKeyRange(start.isoformat(), end.isoformat()))


def launch_backfill(
    instance: dg.DagsterInstance,
    asset_graph: BaseAssetGraph,
    start: dt.date,
    end: dt.date,
    assets: Sequence[str],
    *,
    trigger: str = "cli",
) -> str:
    """Request an asset backfill of `assets` over [start, end]; returns its id (the daemon runs it)."""
    return launch_partitions_backfill(
        instance, asset_graph, partition_keys(start, end), assets, title=f"phase4 {start}..{end}", trigger=trigger
    )


def launch_partitions_backfill(
    instance: dg.DagsterInstance,
    asset_graph: BaseAssetGraph,
    keys: Sequence[str],
    assets: Sequence[str],
    *,
    title: str,
    trigger: str = "cli",
) -> str:
    """Request an asset backfill of `assets` over exactly the partitions `keys` (a range or any list)."""
    backfill = PartitionBackfill.from_asset_partitions(
        backfill_id=make_new_backfill_id(),
        asset_graph=asset_graph,
        partition_names=list(keys),
        asset_selection=[dg.AssetKey(name) for name in assets],
        backfill_timestamp=get_current_timestamp(),
        tags={TRIGGER_TAG: trigger},
        dynamic_partitions_store=instance,
        all_partitions=False,
        title=title,
        description=f"{len(keys)} partition(s) of {', '.join(assets)}",
        run_config=None,
    )
    instance.add_backfill(backfill)
    return backfill.backfill_id


def _get(instance: dg.DagsterInstance, backfill_id: str) -> PartitionBackfill:
    backfill = instance.get_backfill(backfill_id)
    if backfill is None:
        raise BackfillError(f"no backfill {backfill_id!r} on this instance ({instance.root_directory})")
    if not backfill.is_asset_backfill:
        raise BackfillError(f"backfill {backfill_id} is a job backfill; use the UI")
    return backfill


def retry_failed_backfill(instance: dg.DagsterInstance, asset_graph: BaseAssetGraph, backfill_id: str) -> str:
    """A new backfill of what `backfill_id` targeted and did not materialize (the UI's retry)."""
    backfill = _get(instance, backfill_id)
    if backfill.status not in BULK_ACTION_TERMINAL_STATUSES:
        raise BackfillError(f"backfill {backfill_id} is still {backfill.status.value}; retry it once it has finished")
    data = backfill.get_asset_backfill_data(asset_graph)
    remaining = data.target_subset - data.materialized_subset
    if remaining.num_partitions_and_non_partitioned_assets == 0:
        raise BackfillError(f"backfill {backfill_id} has nothing left to retry: every targeted partition materialized")
    retry = PartitionBackfill.from_asset_graph_subset(
        backfill_id=make_new_backfill_id(),
        asset_graph_subset=remaining,
        dynamic_partitions_store=instance,
        tags={
            **backfill.tags,
            PARENT_BACKFILL_ID_TAG: backfill.backfill_id,
            ROOT_BACKFILL_ID_TAG: backfill.tags.get(ROOT_BACKFILL_ID_TAG, backfill.backfill_id),
        },
        backfill_timestamp=get_current_timestamp(),
        title=f"Re-execution of {backfill.title}" if backfill.title else None,
        description=backfill.description,
        run_config=backfill.run_config,
    )
    instance.add_backfill(retry)
    return retry.backfill_id


@dataclass(frozen=True)
class AssetProgress:
    asset: str
    targeted: int
    materialized: int
    failed: int
    in_progress: int


@dataclass(frozen=True)
class BackfillReport:
    backfill_id: str
    status: str
    finished: bool
    title: str | None
    assets: tuple[AssetProgress, ...]
    runs: dict[str, int]  # run status → number of runs
    outcomes: tuple[RunOutcome, ...] = ()  # of the backfill's finished runs that were not green

    @property
    def red(self) -> dict[str, dict[str, tuple[str, ...]]]:
        """asset → red date → failed blocking checks, over every run of the backfill."""
        merged: dict[str, dict[str, tuple[str, ...]]] = {}
        for outcome in self.outcomes:
            for asset, dates in outcome.red.items():
                merged.setdefault(asset, {}).update(dates)
        return merged

    @property
    def complete(self) -> bool:
        """Every targeted partition materialized."""
        return all(a.materialized == a.targeted for a in self.assets)

    @property
    def green(self) -> bool:
        """Finished, no run red or failed, and every targeted partition materialized: a canceled backfill that
        never ran a partition has no red date, yet it is not green."""
        return self.finished and not self.outcomes and all(a.failed == 0 for a in self.assets) and self.complete

    @property
    def failed(self) -> bool:
        return bool(self.outcomes) or any(a.failed for a in self.assets)

    def render(self) -> str:
        lines = [f"backfill {self.backfill_id}: {self.status}" + (f" ({self.title})" if self.title else "")]
        lines.append(f"  {'asset':<30} {'targeted':>8} {'materialized':>12} {'failed':>6} {'in progress':>11}")
        for a in self.assets:
            lines.append(f"  {a.asset:<30} {a.targeted:>8} {a.materialized:>12} {a.failed:>6} {a.in_progress:>11}")
        runs = ", ".join(f"{n} {status.lower()}" for status, n in sorted(self.runs.items())) or "none yet"
        lines.append(f"  runs: {runs}")
        if not self.finished:
            lines.append("  not finished: not every partition is green yet")
        elif not self.complete:
            missing = sum(a.targeted - a.materialized for a in self.assets)
            lines.append(f"  finished with {missing} targeted partition(s) not materialized")
        for outcome in self.outcomes:
            lines.append(f"  run {outcome.run_id} ({outcome.status.lower()}):")
            lines += [f"    {line}" for line in outcome.lines()]
        return "\n".join(lines)


def backfill_status(instance: dg.DagsterInstance, asset_graph: BaseAssetGraph, backfill_id: str) -> BackfillReport:
    backfill = _get(instance, backfill_id)
    progress = []
    for status in backfill.get_asset_backfill_data(asset_graph).get_backfill_status_per_asset_key(asset_graph):
        if not isinstance(status, PartitionedAssetBackfillStatus):
            continue  # every Phase 4 asset is partitioned
        counts = status.partitions_counts_by_status
        progress.append(
            AssetProgress(
                asset=status.asset_key.to_user_string(),
                targeted=status.num_targeted_partitions,
                materialized=counts.get(AssetBackfillStatus.MATERIALIZED, 0),
                failed=counts.get(AssetBackfillStatus.FAILED, 0),
                in_progress=counts.get(AssetBackfillStatus.IN_PROGRESS, 0),
            )
        )
    runs = instance.get_runs(filters=dg.RunsFilter.for_backfill(backfill_id))
    outcomes = [run_outcome(instance, r.run_id) for r in runs if r.is_finished]
    return BackfillReport(
        backfill_id=backfill_id,
        status=backfill.status.value,
        finished=backfill.status in BULK_ACTION_TERMINAL_STATUSES,
        title=backfill.title,
        assets=tuple(progress),
        runs=dict(Counter(r.status.value for r in runs)),
        outcomes=tuple(o for o in outcomes if not o.green),
    )
