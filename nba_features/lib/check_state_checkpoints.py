"""Checkpointed asset-check states: the statuses of a partitioned check without Dagster's record-by-record fold.

The UI's Checks tab and lineage graph read each partitioned check's statuses as an `AssetCheckState` (one
partition subset per status). Dagster builds it with `bulk_update_asset_check_state`, which starts from the
event log's `get_checkpointed_asset_check_state` (Dagster's own: empty) and folds in every check-partition
record one at a time; each record walks the daily cron schedule (~1.5 ms), and the five-season demo has
1,890 records per check, 17 checks on the feature store: 5-6 s for its Checks tab, 11 s for lineage
(bench/RESULTS.md, "The UI's first pages after the five-season demo"). The checkpoint is the way in: it is
what the event log's own `get_asset_check_state` starts from, and all `LegacyEventLogStorage` (an instance
wrapping its stores) delegates of it.

`CheckpointedAssetCheckStates` keeps one checkpoint per check key in a table of its own in the event-log
database (`nba_asset_check_state_checkpoints`, created on first use, on SQLite and PostgreSQL alike; Dagster's
migrations and tables are untouched). On each call it folds the partition records newer than the stored
checkpoint in bulk (one subset per status from all the changed keys) and stores the result; Dagster's fold
then finds (almost) nothing after it.

- Same result as Dagster's fold from empty (the tests compare the two for every check). A record is the
  latest state of its partition, so a changed partition is taken out of every subset and in-progress run and
  put back by its latest record: PLANNED -> in progress (and under its run, so Dagster later resolves the run),
  SUCCEEDED/FAILED and current -> that status, not current (the asset materialized since) -> no status.
  In-progress runs that finished move to SKIPPED, or EXECUTION_FAILED for a failed run, as Dagster does.
  (Dagster's own incremental fold only adds: a partition gone FAILED -> SUCCEEDED would sit in both.)
- Partitions definition: the call receives only keys, and Dagster unions the subsets with ones built from
  the webserver's definition, which must be equal (`TimeWindowPartitionsSubset` compares definitions).
  Every partitioned asset of the project is on `nba_features.partitions.game_dates` (read from the same
  environment by every process), and only partitioned checks reach this call (Dagster 1.13's two callers),
  so the subsets are built on it; keys outside it are skipped as Dagster skips them. A stored checkpoint
  on another definition (NBA_FEATURES_FIRST_DATE changed) is discarded and refolded.
- Cursor: a checkpoint stores the latest id of an event more than `SETTLE_SECONDS` old at the fold. Dagster's
  own storage writes a check event and its `asset_check_executions` row in two statements (the project's
  write both in one transaction, check_event_writes.py), and PostgreSQL ids may commit out of order, so a
  record just below the newest id may appear late; the next fold starts from the settled id and refolds the
  rest, which is harmless (a partition is replaced by its latest record again). The state returned to
  Dagster says it is folded up to the newest id seen before reading, so Dagster folds only what came later.
- Concurrent callers: the checkpoint is a cache. Each stored state is a fold of every partition's latest
  record at some moment after its cursor settled, so any of them is a correct starting point; a write never
  replaces a checkpoint of a later cursor, and a lost insert race keeps the other caller's.
- Wiping an asset, the event log or a run's events drops the checkpoints concerned (they describe records
  that are gone).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence

import dagster as dg
import sqlalchemy as db

from nba_features.lib.dagster_internals import (
    FINISHED_STATUSES,
    AssetCheckExecutionRecordStatus,
    AssetCheckExecutionResolvedStatus,
    AssetCheckState,
    SerializableEntitySubset,
)
from nba_features.partitions import game_dates

SETTLE_SECONDS = 60

CHECKPOINTS = db.Table(
    "nba_asset_check_state_checkpoints",
    db.MetaData(),  # not Dagster's metadata: its migrations and wipes do not know this table
    db.Column("asset_key", db.Text, primary_key=True),
    db.Column("check_name", db.Text, primary_key=True),
    db.Column("cursor", db.BigInteger, nullable=False),
    db.Column("state", db.Text, nullable=False),
)
_EVENT_LOGS = db.table("event_logs", db.column("id"), db.column("timestamp"))

_STATUS = AssetCheckExecutionResolvedStatus
_EVALUATED = {
    AssetCheckExecutionRecordStatus.SUCCEEDED: _STATUS.SUCCEEDED,
    AssetCheckExecutionRecordStatus.FAILED: _STATUS.FAILED,
}


class CheckpointedAssetCheckStates:
    """Mixin for a Dagster SQL event-log storage: `get_checkpointed_asset_check_state` folded in bulk and stored."""

    def get_checkpointed_asset_check_state(self, keys: Sequence[dg.AssetCheckKey]) -> Mapping[dg.AssetCheckKey, AssetCheckState]:
        keys = list(keys)
        if not keys or not self.has_instance:
            return super().get_checkpointed_asset_check_state(keys)
        self._ensure_checkpoint_table()
        newest_id, settled_id = self._event_ids()
        stored = self._read_checkpoints(keys)
        states: dict[dg.AssetCheckKey, AssetCheckState] = {}
        changed: set[dg.AssetCheckKey] = set()
        valid_keys: set[str] | None = None
        for key in keys:
            cursor, state = stored.get(key, (None, AssetCheckState.empty()))
            infos = self.get_asset_check_partition_info([key], after_storage_id=cursor)
            if infos:
                valid_keys = valid_keys if valid_keys is not None else set(game_dates.get_partition_keys())
                state = _replace_partitions(key, state, infos, valid_keys)
                changed.add(key)
            states[key] = state
        finished = self._finished_runs({run_id for state in states.values() for run_id in state.in_progress_runs})
        for key, state in states.items():
            if finished.keys() & state.in_progress_runs.keys():
                states[key] = _resolve_finished_runs(key, state, finished)
                changed.add(key)
        self._write_checkpoints({key: states[key] for key in changed}, settled_id, existing=stored.keys())
        return {
            key: AssetCheckState(latest_storage_id=newest_id, subsets=state.subsets, in_progress_runs=state.in_progress_runs)
            for key, state in states.items()
        }

    # storage

    def _ensure_checkpoint_table(self) -> None:
        if self.__dict__.get("_checkpoints_ready"):
            return
        try:
            with self.index_connection() as conn:
                CHECKPOINTS.create(conn, checkfirst=True)
        except db.exc.DatabaseError:
            # another process created it between the check and the create
            with self.index_connection() as conn:
                if not db.inspect(conn).has_table(CHECKPOINTS.name):
                    raise
        self.__dict__["_checkpoints_ready"] = True

    def _event_ids(self) -> tuple[int, int]:
        """(newest event id, newest id of an event older than SETTLE_SECONDS), read before the records."""
        cutoff = dt.datetime.now(dt.UTC).replace(tzinfo=None) - dt.timedelta(seconds=SETTLE_SECONDS)
        newest = db.select(_EVENT_LOGS.c.id).order_by(_EVENT_LOGS.c.id.desc()).limit(1)
        with self.index_connection() as conn:
            newest_id = conn.execute(newest).scalar() or 0
            settled_id = conn.execute(newest.where(_EVENT_LOGS.c.timestamp < cutoff)).scalar() or 0
        return newest_id, settled_id

    def _read_checkpoints(self, keys: Iterable[dg.AssetCheckKey]) -> dict[dg.AssetCheckKey, tuple[int, AssetCheckState]]:
        wanted = {(key.asset_key.to_string(), key.name): key for key in keys}
        query = db.select(CHECKPOINTS).where(CHECKPOINTS.c.asset_key.in_({asset for asset, _ in wanted}))
        with self.index_connection() as conn:
            rows = conn.execute(query).fetchall()
        found = {}
        for row in rows:
            key = wanted.get((row.asset_key, row.check_name))
            if key is not None:
                state = _load_state(key, row.state)
                found[key] = (row.cursor, state) if state is not None else (0, AssetCheckState.empty())
        return found

    def _write_checkpoints(
        self, states: Mapping[dg.AssetCheckKey, AssetCheckState], cursor: int, existing: Iterable[dg.AssetCheckKey]
    ) -> None:
        existing = set(existing)
        updates = {key: state for key, state in states.items() if key in existing}
        if updates:
            with self.index_connection() as conn:
                for key, state in updates.items():
                    conn.execute(
                        CHECKPOINTS.update()
                        .where(_matches(key), CHECKPOINTS.c.cursor <= cursor)  # never over a later cursor's state
                        .values(cursor=cursor, state=_dump_state(state))
                    )
        for key, state in states.items():
            if key not in existing:
                try:
                    with self.index_connection() as conn:
                        conn.execute(
                            CHECKPOINTS.insert().values(
                                asset_key=key.asset_key.to_string(),
                                check_name=key.name,
                                cursor=cursor,
                                state=_dump_state(state),
                            )
                        )
                except db.exc.IntegrityError:
                    pass  # another caller stored its checkpoint first: as correct as this one

    def _finished_runs(self, run_ids: set[str]) -> dict[str, dg.DagsterRunStatus]:
        if not run_ids:
            return {}
        runs = self._instance.get_runs(filters=dg.RunsFilter(run_ids=sorted(run_ids), statuses=FINISHED_STATUSES))
        return {run.run_id: run.status for run in runs}

    def _delete_checkpoints(self, asset_key: dg.AssetKey | None = None) -> None:
        if not self.has_table(CHECKPOINTS.name):
            return
        statement = CHECKPOINTS.delete()
        if asset_key is not None:
            statement = statement.where(CHECKPOINTS.c.asset_key == asset_key.to_string())
        with self.index_connection() as conn:
            conn.execute(statement)

    def wipe(self) -> None:
        super().wipe()
        self._delete_checkpoints()

    def wipe_asset(self, asset_key: dg.AssetKey) -> None:
        super().wipe_asset(asset_key)
        self._delete_checkpoints(asset_key)

    def delete_events(self, run_id: str) -> None:
        super().delete_events(run_id)
        self._delete_checkpoints()


# the fold


def _subset(key: dg.AssetCheckKey, partition_keys: Iterable[str]) -> SerializableEntitySubset:
    return SerializableEntitySubset(key=key, value=game_dates.subset_with_partition_keys(sorted(set(partition_keys))))


def _replace_partitions(key: dg.AssetCheckKey, state: AssetCheckState, infos, valid_keys: set[str]) -> AssetCheckState:
    """`state` with every partition of `infos` taken out and put back by its latest record."""
    replaced: list[str] = []
    planned: dict[str, list[str]] = defaultdict(list)
    evaluated: dict[AssetCheckExecutionResolvedStatus, list[str]] = defaultdict(list)
    for info in infos:
        if info.partition_key not in valid_keys:
            continue  # unpartitioned or outside game_dates: Dagster skips these too
        replaced.append(info.partition_key)
        if info.latest_execution_status == AssetCheckExecutionRecordStatus.PLANNED:
            planned[info.latest_planned_run_id].append(info.partition_key)
        elif info.latest_execution_status in _EVALUATED and info.is_current:
            evaluated[_EVALUATED[info.latest_execution_status]].append(info.partition_key)
    empty = SerializableEntitySubset(key=key, value=game_dates.empty_subset())
    subsets = {status: state.subsets.get(status, empty) for status in _STATUS}
    runs = dict(state.in_progress_runs)
    if replaced:
        gone = _subset(key, replaced)
        subsets = {status: subset.compute_difference(gone) for status, subset in subsets.items()}
        runs = {run_id: subset.compute_difference(gone) for run_id, subset in runs.items()}
    for status, partition_keys in evaluated.items():
        subsets[status] = subsets[status].compute_union(_subset(key, partition_keys))
    for run_id, partition_keys in planned.items():
        runs[run_id] = runs.get(run_id, empty).compute_union(_subset(key, partition_keys))
    if planned:
        all_planned = [partition_key for partition_keys in planned.values() for partition_key in partition_keys]
        subsets[_STATUS.IN_PROGRESS] = subsets[_STATUS.IN_PROGRESS].compute_union(_subset(key, all_planned))
    runs = {run_id: subset for run_id, subset in runs.items() if not subset.is_empty}
    return AssetCheckState(latest_storage_id=state.latest_storage_id, subsets=subsets, in_progress_runs=runs)


def _resolve_finished_runs(
    key: dg.AssetCheckKey, state: AssetCheckState, finished: Mapping[str, dg.DagsterRunStatus]
) -> AssetCheckState:
    """Partitions of finished runs that never evaluated them: SKIPPED, or EXECUTION_FAILED if the run failed."""
    subsets = dict(state.subsets)
    runs = {}
    for run_id, subset in state.in_progress_runs.items():
        if run_id not in finished:
            runs[run_id] = subset
            continue
        status = _STATUS.EXECUTION_FAILED if finished[run_id] == dg.DagsterRunStatus.FAILURE else _STATUS.SKIPPED
        subsets[_STATUS.IN_PROGRESS] = subsets[_STATUS.IN_PROGRESS].compute_difference(subset)
        subsets[status] = subsets[status].compute_union(subset)
    return AssetCheckState(latest_storage_id=state.latest_storage_id, subsets=subsets, in_progress_runs=runs)


# stored form: Dagster's serialization of each non-empty subset


def _matches(key: dg.AssetCheckKey):
    return db.and_(CHECKPOINTS.c.asset_key == key.asset_key.to_string(), CHECKPOINTS.c.check_name == key.name)


def _dump_state(state: AssetCheckState) -> str:
    return dg.serialize_value(
        {
            "subsets": {status.value: subset for status, subset in state.subsets.items() if not subset.is_empty},
            "runs": dict(state.in_progress_runs),
        }
    )


def _load_state(key: dg.AssetCheckKey, text: str) -> AssetCheckState | None:
    """The stored state, or None if it is not on game_dates as this process defines it (then it is refolded)."""
    stored = dg.deserialize_value(text)
    subsets = {_STATUS(status): subset for status, subset in stored["subsets"].items()}
    runs = dict(stored["runs"])
    for subset in [*subsets.values(), *runs.values()]:
        if subset.key != key or not subset.is_compatible_with_partitions_def(game_dates):
            return None
    empty = SerializableEntitySubset(key=key, value=game_dates.empty_subset())
    return AssetCheckState(
        latest_storage_id=0, subsets={status: subsets.get(status, empty) for status in _STATUS}, in_progress_runs=runs
    )
