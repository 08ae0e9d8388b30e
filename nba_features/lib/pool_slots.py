"""Pool slots that hold on a SQLite instance: one claim at a time across processes.

The `warehouse` pool (dagster.yaml, `default_limit: 1`) is enforced by each run's executor claiming
a slot in the event-log storage. Dagster's SQL storage claims in several statements (is a slot free? queue
the step as assigned; pick a free slot row; write the step into it), and on SQLite nothing makes them
one: `SELECT ... FOR UPDATE SKIP LOCKED` is ignored and the slot UPDATE does not check that the slot
is still free. Two processes whose steps ask at the same moment both get the single slot, and both
steps run at once (seen as overlapping steps of two CLI runs of one partition, 2 in 10 runs, and
as 12 double claims in 40 simultaneous claims of two processes on the consolidated SQLite storage).

`SerializedPoolSlots` makes every claim and release of a slot exclusive across the processes that
share the instance: an advisory file lock (`flock`) next to the SQLite file, taken once per
outermost call (a release assigns the next queued step inside it), plus a per-storage re-entrant
lock for threads of one process. Reads of pool state are not locked. The project's SQLite event log
(`instance_storage.PooledSqliteEventLogStorage`, dagster.yaml) includes it. Dagster's PostgreSQL storage
double-claims the same way (each statement is its own transaction); the production storage
(`postgres_instance_storage.py`) serialises its claims with an advisory lock in this same seam.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Iterator

try:  # POSIX; elsewhere only the threads of one process are serialised
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

LOCK_FILE_NAME = "pool_slots.lock"
_CREATE_LOCK = threading.Lock()


class SerializedPoolSlots:
    """Mixin for an SQLite event-log storage with a `_base_dir`: slot claims and releases one at a time."""

    def _pool_lock_state(self) -> dict:
        with _CREATE_LOCK:
            return self.__dict__.setdefault("_pool_slots_lock", {"lock": threading.RLock(), "depth": 0, "file": None})

    @contextlib.contextmanager
    def pool_slots_locked(self) -> Iterator[None]:
        state = self._pool_lock_state()
        with state["lock"]:
            if state["depth"] == 0 and fcntl is not None:
                os.makedirs(self._base_dir, exist_ok=True)
                handle = open(os.path.join(self._base_dir, LOCK_FILE_NAME), "a+")  # noqa: SIM115 - held across the call
                try:
                    fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
                except BaseException:
                    handle.close()
                    raise
                state["file"] = handle
            state["depth"] += 1
            try:
                yield
            finally:
                state["depth"] -= 1
                if state["depth"] == 0 and state["file"] is not None:
                    handle, state["file"] = state["file"], None
                    try:
                        fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
                    finally:
                        handle.close()

    def claim_concurrency_slot(self, *args, **kwargs):
        with self.pool_slots_locked():
            return super().claim_concurrency_slot(*args, **kwargs)

    def free_concurrency_slots_for_run(self, *args, **kwargs):
        with self.pool_slots_locked():
            return super().free_concurrency_slots_for_run(*args, **kwargs)

    def free_concurrency_slot_for_step(self, *args, **kwargs):
        with self.pool_slots_locked():
            return super().free_concurrency_slot_for_step(*args, **kwargs)

    def assign_pending_steps(self, *args, **kwargs):
        with self.pool_slots_locked():
            return super().assign_pending_steps(*args, **kwargs)

    def initialize_concurrency_limit_to_default(self, *args, **kwargs):
        with self.pool_slots_locked():
            return super().initialize_concurrency_limit_to_default(*args, **kwargs)

    def set_concurrency_slots(self, *args, **kwargs):
        with self.pool_slots_locked():
            return super().set_concurrency_slots(*args, **kwargs)

    def delete_concurrency_limit(self, *args, **kwargs):
        with self.pool_slots_locked():
            return super().delete_concurrency_limit(*args, **kwargs)
