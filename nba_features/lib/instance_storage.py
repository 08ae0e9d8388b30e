"""The local instance's event log: Dagster's consolidated SQLite storage, made cheap per event.

Dagster's class opens a new SQLAlchemy engine for every statement (its statement cache dies with it)
and asks SQLite whether the asset-check tables exist before every check event: a range run of a
season writes thousands of events, and each cost ~8 ms on this project's 2-core machine. This subclass
keeps one engine with pooled connections, remembers which tables exist, and runs SQLite with
`synchronous=NORMAL` (the WAL stays consistent; a power cut may lose the last few events, never the
database). Check evaluations are written in one transaction each (check_event_writes.py). Same file, same
schema, same migrations: an instance can switch back and forth. Claims and
releases of pool slots (the `warehouse` pool) are made one at a time across processes (pool_slots.py).
Production uses PostgreSQL (docs/DEPLOYMENT.md, `postgres_instance_storage.py`), which needs the serialised
slot claims too.
"""

from __future__ import annotations

from contextlib import contextmanager
from functools import cached_property

import sqlalchemy as db

from nba_features.lib.check_event_writes import OneTransactionCheckEvaluations
from nba_features.lib.check_state_checkpoints import CheckpointedAssetCheckStates
from nba_features.lib.dagster_internals import SQLITE_BUSY_TIMEOUT_SECONDS, ConsolidatedSqliteEventLogStorage, create_engine
from nba_features.lib.pool_slots import SerializedPoolSlots


class PooledSqliteEventLogStorage(
    CheckpointedAssetCheckStates, OneTransactionCheckEvaluations, SerializedPoolSlots, ConsolidatedSqliteEventLogStorage
):
    """ConsolidatedSqliteEventLogStorage with one pooled engine, cheaper check evaluations and serialised pool
    slots (configured in dagster.yaml)."""

    @cached_property
    def _engine(self) -> db.engine.Engine:
        engine = create_engine(
            self._conn_string,
            pool_size=4,
            max_overflow=8,
            connect_args={"timeout": SQLITE_BUSY_TIMEOUT_SECONDS, "check_same_thread": False},
        )

        @db.event.listens_for(engine, "connect")
        def _pragmas(connection, _record) -> None:
            cursor = connection.cursor()
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

        return engine

    @contextmanager
    def _connect(self):
        with self._engine.connect() as connection, connection.begin():
            yield connection

    def has_table(self, table_name: str) -> bool:
        known = self.__dict__.setdefault("_existing_tables", set())
        if table_name not in known:
            with self._engine.connect() as connection:
                if self._engine.dialect.has_table(connection, table_name):
                    known.add(table_name)  # tables are never dropped under a running instance
        return table_name in known

    def dispose(self) -> None:
        if "_engine" in self.__dict__:
            self._engine.dispose()
        super().dispose()
