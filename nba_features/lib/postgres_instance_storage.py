"""The production instance's event log: Dagster's PostgreSQL storage with pool-slot claims one at a time.

Dagster's PostgreSQL event log runs every statement in autocommit, so a slot claim is several transactions
(is a slot free? mark the step assigned; pick a free slot row `FOR UPDATE SKIP LOCKED`, whose lock ends
with that statement; write the step into it) and nothing makes them one: two processes claiming at the
same moment both get the `warehouse` pool's one slot, as on SQLite (pool_slots.py). Measured on
PostgreSQL 15 with the stock storage: 5 double claims in 40 simultaneous claims of three processes
(nba_features_tests/production/test_postgres_pool_slots.py).

Here the claims and releases of every process sharing the database are serialised by a PostgreSQL
advisory lock, taken on a connection of its own for the outermost call and released after it (or by the
server when the process dies and its connection drops), so the lock works across hosts and pods where
the SQLite storage's file lock could not. The connections are pooled (Dagster opens one per statement) and
check evaluations are written in one transaction each (check_event_writes.py); everything else is
Dagster's PostgreSQL storage unchanged.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator, Mapping
from typing import Any

import sqlalchemy as db
from dagster_postgres import PostgresEventLogStorage
from dagster_postgres.utils import create_pg_engine, get_token_provider_from_config, pg_url_from_config

from nba_features.lib.check_event_writes import OneTransactionCheckEvaluations
from nba_features.lib.check_state_checkpoints import CheckpointedAssetCheckStates
from nba_features.lib.pool_slots import SerializedPoolSlots

# one bigint names the lock in the database ("nba_pool" in ASCII)
POOL_SLOTS_LOCK_KEY = 0x6E62615F706F6F6C


class SerializedPostgresEventLogStorage(
    CheckpointedAssetCheckStates, OneTransactionCheckEvaluations, SerializedPoolSlots, PostgresEventLogStorage
):
    """PostgresEventLogStorage with pooled connections, cheaper check evaluations, and pool-slot claims and
    releases that hold an advisory lock (deploy/dagster.production.yaml)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Dagster's engine opens a connection per statement (NullPool): a TCP connect, a SCRAM handshake
        # and a new server backend for each of a season run's ~10,000 events (bench/RESULTS.md). A small
        # pool per process instead, each connection checked before reuse (a restarted server's dead ones
        # are replaced, not raised); same autocommit statements.
        self._engine.dispose()
        self._engine = create_pg_engine(
            self.postgres_url,
            self._token_provider,
            isolation_level="AUTOCOMMIT",
            pool_size=2,
            max_overflow=8,
            pool_pre_ping=True,
            pool_recycle=3600,
        )

    @classmethod
    def from_config_value(cls, inst_data: Any, config_value: Mapping[str, Any]) -> SerializedPostgresEventLogStorage:
        # Dagster's own builds `PostgresEventLogStorage(...)` by name, which would drop this subclass
        return cls(
            inst_data=inst_data,
            postgres_url=pg_url_from_config(config_value),
            should_autocreate_tables=config_value.get("should_autocreate_tables", True),
            token_provider=get_token_provider_from_config(config_value),
        )

    @contextlib.contextmanager
    def pool_slots_locked(self) -> Iterator[None]:
        state = self.__dict__.setdefault("_advisory_lock", {"lock": threading.RLock(), "depth": 0, "connection": None})
        with state["lock"]:  # the threads of one process, re-entrant: a release assigns the next step inside it
            if state["depth"] == 0:
                connection = self._engine.connect()
                try:
                    connection.execute(db.text("SELECT pg_advisory_lock(:key)"), {"key": POOL_SLOTS_LOCK_KEY})
                except BaseException:
                    # never back into the pool: the lock may have been granted as the call was interrupted
                    connection.invalidate()
                    connection.close()
                    raise
                state["connection"] = connection
            state["depth"] += 1
            try:
                yield
            finally:
                state["depth"] -= 1
                if state["depth"] == 0:
                    connection, state["connection"] = state["connection"], None
                    try:
                        connection.execute(db.text("SELECT pg_advisory_unlock(:key)"), {"key": POOL_SLOTS_LOCK_KEY})
                    except BaseException:
                        connection.invalidate()  # a pooled connection must not keep the lock: the server drops it
                        raise
                    finally:
                        connection.close()
