"""The embedded default: one DuckDB file, datasets as schemas, nothing to install or start.

A connection is opened per operation and closed at once, because DuckDB lets one process at a time
hold the file; another process that finds it locked retries with backoff (TransientWarehouseError).
A partition replace is one transaction (DELETE the dates, INSERT the frame): a failure or a killed
process leaves the previous partition intact, since DuckDB rolls back an uncommitted transaction.

Every operation runs under the statement limit (`base.query_timeout_seconds`): a timer thread calls the
connection's `interrupt()` when it expires, DuckDB abandons the statement (a replace rolls back), and the
error (QueryTimeoutError) names the tables and the caller's purpose (docs/ALERTS.md#query-timeouts).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import threading
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pyarrow as pa
from sqlglot import exp

from nba_features.contracts import TableContract, ViewContract
from nba_features.warehouse.base import (
    QueryTimeoutError,
    TransientWarehouseError,
    Warehouse,
    WriteResult,
    deleted_by_date,
    normalize_result,
    query_timeout_seconds,
    retry_transient,
    statement_subject,
    to_arrow,
)
from nba_features.warehouse.datasets import DatasetNames
from nba_features.warehouse.sql import check_parameters, duckdb_frame, duckdb_type, to_duckdb, validate_identifier

DEFAULT_PATH = Path(".nba_features") / "warehouse.duckdb"

_TRANSIENT_MESSAGES = ("Could not set lock", "Conflicting lock", "database is locked", "Conflict on")

# Bounds for the embedded file (measured in bench/): DuckDB's default buffer pool (80% of RAM) held a
# whole season of the feature store while inserting and checkpointing it; with a limit it evicts and
# spills instead, at the same speed. The feature store's commit needs ~360 MB pinned whatever the rows
# (a season commits at 368 MB but not at 352 MB; five seasons in one transaction commit at 368 MB too):
# 448 MB leaves room for a wider table. One thread: the statements are small, and a parallel Arrow scan
# that preserves insertion order made a season insert 3x slower.
DUCKDB_CONFIG = {"memory_limit": "448MB", "threads": 1}
# DuckDB keeps a registered Arrow table alive until the transaction ends, a stream only batch by batch:
# a season of the feature store is written with ~250 MB less at the peak. A feature-store batch is ~9 KB
# a row in Arrow; 4,096 rows peak ~100 MB lower than 8,192 at the same speed (2,048: ~45 MB lower
# again, ~6% slower) (bench/RESULTS.md).
INSERT_BATCH_ROWS = 4096


def _bigquery_spelling(duckdb_data_type: str) -> str:
    """A live DuckDB column type spelled as schemas/ spells it, so equal types compare equal (docs/RULES.md#schemas)."""
    return _spelled(exp.DataType.build(duckdb_data_type, dialect="duckdb"))


def _spelled(data_type: exp.DataType) -> str:
    # STRUCT field names bare, as contracts/ddl.py and the BigQuery warehouse's field_type write them: DuckDB quotes
    # the ones that are its keywords (`STRUCT("source" VARCHAR)`), and a quoted name must not read as drift,
    # which would refuse every write to the table
    if data_type.this == exp.DataType.Type.ARRAY:
        return f"ARRAY<{_spelled(data_type.expressions[0])}>"
    if data_type.this == exp.DataType.Type.STRUCT:
        return "STRUCT<" + ", ".join(f"{f.name} {_spelled(f.args['kind'])}" for f in data_type.expressions) + ">"
    return data_type.sql("bigquery")


class DuckDBWarehouse(Warehouse):
    kind = "duckdb"

    def __init__(
        self,
        path: str | os.PathLike[str] | None = None,
        *,
        query_timeout: float | None = None,
        datasets: DatasetNames | None = None,
    ):
        self.path = Path(path or os.environ.get("NBA_FEATURES_WAREHOUSE") or DEFAULT_PATH)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # datasets are schemas of the file; prefixed ones (shadow mode, a legacy copy) are schemas too
        self.datasets = datasets or DatasetNames()
        self.query_timeout = query_timeout  # seconds; None: NBA_FEATURES_QUERY_TIMEOUT_SECONDS or the default

    def __repr__(self) -> str:
        prefixes = "" if self.datasets.identity else f", datasets={self.datasets!r}"
        return f"DuckDBWarehouse({str(self.path)!r}{prefixes})"

    def _qualified(self, table: TableContract | ViewContract | str) -> str:
        dataset, name = (table.dataset, table.name) if not isinstance(table, str) else table.split(".", 1)
        return f"{self.datasets.dataset(dataset, name)}.{validate_identifier(name)}"

    def _translate(self, sql: str) -> str:
        return to_duckdb(sql if self.datasets.identity else self.datasets.rename_tables(sql))

    @contextlib.contextmanager
    def connect(self) -> Iterator[duckdb.DuckDBPyConnection]:
        try:
            connection = duckdb.connect(str(self.path), config=DUCKDB_CONFIG)
        except (duckdb.IOException, duckdb.TransactionException) as error:
            if any(m in str(error) for m in _TRANSIENT_MESSAGES):
                raise TransientWarehouseError(f"{self.path}: {error}") from error
            raise
        try:
            connection.execute("SET TimeZone = 'UTC'")
            yield connection
        except duckdb.TransactionException as error:
            if any(m in str(error) for m in _TRANSIENT_MESSAGES):
                raise TransientWarehouseError(f"{self.path}: {error}") from error
            raise
        finally:
            connection.close()

    def _run(self, operation, subject: str):
        """`operation(connection)` with retries of a locked file, interrupted past the statement limit."""
        limit = query_timeout_seconds(self.query_timeout)

        def attempt():
            with self.connect() as connection:
                if limit is None:
                    return operation(connection)
                expired = threading.Event()

                def interrupt() -> None:
                    expired.set()
                    connection.interrupt()

                timer = threading.Timer(limit, interrupt)
                timer.daemon = True
                timer.start()
                try:
                    return operation(connection)
                except duckdb.Error as error:
                    if expired.is_set():
                        raise QueryTimeoutError(f"DuckDB statement interrupted after {limit:g} s: {subject}") from error
                    raise
                finally:
                    timer.cancel()

        return retry_transient(attempt)

    # --- reads -------------------------------------------------------------------------------
    def query(
        self, sql: str, params: Mapping[str, Any] | None = None, *, labels: Mapping[str, str] | None = None
    ) -> pd.DataFrame:
        bound = check_parameters(sql, params)
        translated = self._translate(sql)
        return normalize_result(self._run(lambda c: duckdb_frame(c.execute(translated, bound)), statement_subject(sql, labels)))

    def execute(self, sql: str, params: Mapping[str, Any] | None = None, *, labels: Mapping[str, str] | None = None) -> int:
        bound = check_parameters(sql, params)
        translated = self._translate(sql)
        return int(self._run(lambda c: c.execute(translated, bound).fetchone()[0], statement_subject(sql, labels)))

    def execute_native(self, sql: str, params: list[Any] | None = None) -> pd.DataFrame:
        """DuckDB-dialect SQL for tests and tools that inspect the file itself."""
        return normalize_result(self._run(lambda c: c.execute(sql, params or []).df(), "native DuckDB statement"))

    def table_exists(self, table: str) -> bool:
        return self.live_columns(table) is not None

    def live_columns(self, table: str) -> dict[str, str] | None:
        dataset, name = table.split(".", 1)
        dataset = self.datasets.dataset(dataset, name)
        rows = self._run(
            lambda c: c.execute(
                "SELECT column_name, data_type FROM information_schema.columns "
                "WHERE table_schema = ? AND table_name = ? ORDER BY ordinal_position",
                [dataset, name],
            ).fetchall(),
            f"{table} (read the live schema)",
        )
        if not rows:
            return None
        return {column: _bigquery_spelling(data_type) for column, data_type in rows}

    # --- schema ------------------------------------------------------------------------------
    def _create_table(self, table: TableContract) -> None:
        columns = ", ".join(
            f"{validate_identifier(c.name)} {duckdb_type(c.bq_type)}{'' if c.nullable else ' NOT NULL'}" for c in table.columns
        )
        statement = f"CREATE TABLE IF NOT EXISTS {self._qualified(table)} ({columns})"

        def create(connection):
            connection.execute(f"CREATE SCHEMA IF NOT EXISTS {self.datasets.dataset(table.dataset, table.name)}")
            connection.execute(statement)

        self._run(create, f"{table.full_name} (create table)")

    def _create_view(self, view: ViewContract) -> None:
        statement = f"CREATE OR REPLACE VIEW {self._qualified(view)} AS {self._translate(view.query)}"

        def create(connection):
            connection.execute(f"CREATE SCHEMA IF NOT EXISTS {self.datasets.dataset(view.dataset, view.name)}")
            connection.execute(statement)

        self._run(create, f"{view.full_name} (create view)")

    def _add_column(self, table: TableContract, column_name: str) -> None:
        column = table.column(column_name)
        self._run(
            lambda c: c.execute(
                f"ALTER TABLE {self._qualified(table)} ADD COLUMN {validate_identifier(column.name)} {duckdb_type(column.bq_type)}"
            ),
            f"{table.full_name} (add column {column.name})",
        )

    # --- writes ------------------------------------------------------------------------------
    def _insert_sql(self, table: TableContract) -> str:
        names = ", ".join(validate_identifier(c.name) for c in table.columns)
        casts = ", ".join(f"CAST({c.name} AS {duckdb_type(c.bq_type)}) AS {c.name}" for c in table.columns)
        return f"INSERT INTO {self._qualified(table)} ({names}) SELECT {casts} FROM incoming_frame"

    def _arrow_stream(self, table: TableContract, frame: pd.DataFrame) -> pa.RecordBatchReader:
        """The prepared frame as Arrow batches with the contract's types, converted as DuckDB reads them."""
        batches = (
            batch
            for start in range(0, len(frame), INSERT_BATCH_ROWS)
            for batch in to_arrow(table, frame.iloc[start : start + INSERT_BATCH_ROWS]).to_batches()
        )
        return pa.RecordBatchReader.from_batches(to_arrow(table, frame.iloc[:0]).schema, batches)

    def _replace(self, table: TableContract, dates: list[dt.date], frame: pd.DataFrame, labels: Mapping[str, str]) -> WriteResult:
        partition = validate_identifier(table.partition_column)
        insert = self._insert_sql(table)

        def replace(connection):
            connection.execute("BEGIN TRANSACTION")
            try:
                # what each date held, read inside the transaction that deletes it
                counts = connection.execute(
                    f"SELECT {partition} AS d, COUNT(*) AS n FROM {self._qualified(table)} "
                    f"WHERE {partition} IN (SELECT UNNEST(?::DATE[])) GROUP BY 1",
                    [dates],
                ).df()
                connection.execute(
                    f"DELETE FROM {self._qualified(table)} WHERE {partition} IN (SELECT UNNEST(?::DATE[]))", [dates]
                )
                if len(frame):
                    connection.register("incoming_frame", self._arrow_stream(table, frame))  # a new stream per attempt
                    connection.execute(insert)
                    connection.unregister("incoming_frame")
                connection.execute("COMMIT")
            except BaseException:
                connection.execute("ROLLBACK")
                raise
            return counts

        purpose = ", ".join(f"{key}={value}" for key, value in sorted(labels.items()))
        by_date = deleted_by_date(
            dates, self._run(replace, f"{table.full_name} (replace partitions{': ' + purpose if purpose else ''})")
        )
        return WriteResult(
            table.full_name, dates, rows_written=len(frame), rows_deleted=sum(by_date.values()), deleted_by_date=by_date
        )

    def _append(self, table: TableContract, frame: pd.DataFrame) -> int:
        insert = self._insert_sql(table)
        incoming = to_arrow(table, frame)

        def append(connection):
            connection.register("incoming_frame", incoming)
            connection.execute(insert)

        self._run(append, f"{table.full_name} (append rows)")
        return len(frame)
