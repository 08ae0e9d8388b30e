"""Production warehouse: BigQuery, through the google-cloud-bigquery client.

SQL arrives in BigQuery dialect with `dataset.table` names; sqlglot rewrites every table whose dataset
is one of the project's datasets to `` `project`.<prefix>dataset.table `` (nothing else in the
statement changes meaning), and every value travels as a typed query parameter (DATE for dates), never
as SQL text. Jobs carry labels naming the asset and partition, sanitised to BigQuery's label rules,
and the bytes each query processed are kept for asset metadata.

Tables are created from the contract through the Table API rather than by running the DDL text: the
API carries everything the DDL says (schema with NOT NULL modes and column descriptions, DAY
partitioning on the partition column, clustering, require_partition_filter, the NOT ENFORCED primary
key, the table description) and is accepted alike by BigQuery and by the offline emulator the tests
use, whose DDL parser rejects `PRIMARY KEY ... NOT ENFORCED`. A column the contract gains is added
with `tables.update` (the schema gains a NULLABLE field, the only kind BigQuery lets an existing table
gain), which carries the column description without formatting it into SQL.

Partition replace (docs/RULES.md#writes) is atomic as a single DML statement:
1. the validated frame is loaded into a uniquely named staging table in the target's dataset (one
   WRITE_TRUNCATE load job with the contract's schema, so a retried load cannot duplicate rows; the
   table expires after a day in case this process dies before the `finally` that drops it);
2. one MERGE, which BigQuery runs atomically, deletes the target rows of the replaced dates and
   inserts the staging rows:
       MERGE t USING (SELECT cols FROM staging) ON FALSE
       WHEN NOT MATCHED BY SOURCE AND t.<partition> IN UNNEST(@partition_dates) THEN DELETE
       WHEN NOT MATCHED THEN INSERT (cols) VALUES (cols)
   `@partition_dates` is an ARRAY<DATE> query parameter on the partition column, which prunes the
   target to the replaced partitions and satisfies require_partition_filter.
   A replace with no rows is a single `DELETE ... WHERE <partition> IN UNNEST(@partition_dates)`.
A failed load leaves the target untouched (the MERGE never runs); a failed MERGE changes nothing.
Why not the alternatives: a BEGIN TRANSACTION ... COMMIT script is valid BigQuery but the emulator
does not pass query parameters into multi-statement scripts, so it could not be tested offline;
WRITE_TRUNCATE to a `table$YYYYMMDD` decorator replaces one partition per job, so a multi-date replace
would not be all-or-nothing. A retried MERGE (after a transient error) is idempotent.

Frames travel through the client's own pandas support: load_table_from_dataframe (Parquet, with the
contract's schema) and to_dataframe over REST (no Storage Read API client). google-cloud-bigquery 3.x
warns that later versions will route these through pandas-gbq >= 0.26.1; the project does not depend
on pandas-gbq yet (google-cloud-bigquery is pinned below 4), so those notices, printed on every load
and read, are silenced around the two calls.

Result frames are made to look exactly like the DuckDB warehouse's (`conform_result`), so a transform
cannot tell the warehouses apart: to_dataframe gives INT64 and BOOL columns the nullable `Int64` and
`boolean` dtypes even without NULLs (DuckDB, and docs/CONVENTIONS.md, use `int64` and `bool` then), and
hands nested values (ARRAY, STRUCT) over as numpy arrays in which a DATE comes back as a
`datetime64[ms]`, i.e. a datetime; they become plain lists and dicts of Python values typed by the
result schema (DATE → datetime.date, TIMESTAMP → UTC datetime).

Timeouts (docs/ALERTS.md#query-timeouts): every query job carries `job_timeout_ms` (BigQuery stops the job
itself at the limit), the job's API calls and the wait for its result are bounded by the same limit, and a
wait that expires cancels the job (`jobs.cancel`, bounded too) and raises QueryTimeoutError naming the tables
and the purpose; it is transient (retried) only when the job was still PENDING, queued for slots.

Errors: HTTP 5xx, 429, and the rateLimitExceeded / backendError / concurrent-update reasons become
TransientWarehouseError and are retried with backoff (base.retry_transient); anything else (a 400 for
bad SQL or data, 403, 404) is raised at once as BigQueryError naming the operation and the reason.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import datetime as dt
import logging
import re
import uuid
import warnings
from collections.abc import Callable, Iterator, Mapping
from functools import cached_property
from typing import Any, TypeVar

import numpy as np
import pandas as pd
import requests
from dagster_gcp import BigQueryResource
from google.api_core import exceptions as api_exceptions
from google.api_core.client_options import ClientOptions
from google.auth.credentials import AnonymousCredentials, Credentials
from google.auth.exceptions import DefaultCredentialsError, TransportError
from google.cloud import bigquery
from google.cloud.bigquery.table import PrimaryKey, TableConstraints
from sqlglot import exp

from nba_features.contracts import TableContract, ViewContract
from nba_features.warehouse.base import (
    QueryTimeoutError,
    TransientQueryTimeoutError,
    TransientWarehouseError,
    Warehouse,
    WriteResult,
    deleted_by_date,
    normalize_result,
    query_timeout_seconds,
    retry_transient,
    statement_subject,
)
from nba_features.warehouse.datasets import DatasetNames
from nba_features.warehouse.sql import array_values, bigquery_param_type, check_parameters, is_null_value, validate_identifier

T = TypeVar("T")

log = logging.getLogger(__name__)
# the cancel call of a job past its limit (at most the limit itself): short, since the API may be what hangs
_CANCEL_TIMEOUT_SECONDS = 30.0

STAGING_TABLE_LIFETIME = dt.timedelta(days=1)

# Error reasons BigQuery reports for conditions that clear up on their own.
_TRANSIENT_REASONS = frozenset(
    {"backendError", "internalError", "jobBackendError", "jobInternalError", "rateLimitExceeded", "jobRateLimitExceeded"}
)
# Two jobs writing the same table at once: BigQuery aborts one of them and asks to retry.
_TRANSIENT_MESSAGES = ("due to concurrent update", "Retrying the job may solve the problem")
_CONNECTION_ERRORS = (
    ConnectionError,
    TimeoutError,
    requests.exceptions.ConnectionError,
    requests.exceptions.Timeout,
    TransportError,
)

_LABEL_MAX_LENGTH = 63
_LABEL_INVALID = re.compile(r"[^a-z0-9_-]+")
_PROJECT_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9.:_-]*$")

# Legacy SQL type names the API reports, in the spelling of schemas/.
_API_TYPE_NAMES = {"INTEGER": "INT64", "FLOAT": "FLOAT64", "BOOLEAN": "BOOL", "RECORD": "STRUCT"}


class BigQueryError(RuntimeError):
    """BigQuery rejected a job or request for a reason retrying will not fix (bad SQL, bad data, access)."""


class BigQueryClientResource(BigQueryResource):
    """dagster-gcp's BigQueryResource, able to point at another endpoint (the offline emulator).

    With `api_endpoint` unset (production) the client is built exactly as BigQueryResource builds it,
    from Application Default Credentials or `gcp_credentials`. With `api_endpoint` set, the client
    talks to that endpoint with anonymous credentials, which only an emulator accepts.
    """

    api_endpoint: str | None = None

    def build_client(self, credentials: Credentials | None = None) -> bigquery.Client:
        if self.api_endpoint:
            return bigquery.Client(
                project=self.project,
                location=self.location,
                credentials=credentials or AnonymousCredentials(),
                client_options=ClientOptions(api_endpoint=self.api_endpoint),
            )
        if credentials is not None:
            return bigquery.Client(project=self.project, location=self.location, credentials=credentials)
        with super().get_client() as client:
            return client

    @contextlib.contextmanager
    def get_client(self) -> Iterator[bigquery.Client]:
        client = self.build_client()
        try:
            yield client
        finally:
            client.close()


# --- labels ----------------------------------------------------------------------------------
def sanitize_label(text: str) -> str:
    """A label value BigQuery accepts: lower case letters, digits, '_' and '-', at most 63 characters."""
    return _LABEL_INVALID.sub("_", str(text).lower())[:_LABEL_MAX_LENGTH]


def sanitize_labels(labels: Mapping[str, Any] | None) -> dict[str, str]:
    """Job labels under BigQuery's rules; keys must also start with a lower case letter."""
    sanitized = {}
    for key, value in (labels or {}).items():
        clean_key = sanitize_label(key)
        if not clean_key[:1].isalpha():
            clean_key = sanitize_label(f"k_{clean_key}")
        sanitized[clean_key] = sanitize_label(value)
    return sanitized


# --- errors ----------------------------------------------------------------------------------
def _reasons(error: api_exceptions.GoogleAPICallError) -> set[str]:
    return {e.get("reason", "") for e in (error.errors or []) if isinstance(e, dict)}


def is_transient(error: BaseException) -> bool:
    """Whether retrying the same request may succeed (server trouble, rate limits, write conflicts)."""
    if isinstance(error, (api_exceptions.ServerError, api_exceptions.TooManyRequests)):
        return True
    if isinstance(error, api_exceptions.GoogleAPICallError):
        return bool(_reasons(error) & _TRANSIENT_REASONS) or any(m in str(error.message) for m in _TRANSIENT_MESSAGES)
    # The connection dropped or timed out before an HTTP status arrived.
    return isinstance(error, _CONNECTION_ERRORS)


def translate_error(error: BaseException, operation: str) -> BaseException:
    """The exception to raise for `error`: TransientWarehouseError, BigQueryError, or `error` itself."""
    if is_transient(error):
        return TransientWarehouseError(f"{operation}: {error}")
    if isinstance(error, api_exceptions.GoogleAPICallError):
        reasons = ", ".join(sorted(_reasons(error) - {""})) or f"HTTP {error.code}"
        return BigQueryError(f"{operation}: BigQuery rejected it ({reasons}): {error.message}")
    return error


# --- schema ----------------------------------------------------------------------------------
def _schema_field(name: str, data_type: exp.DataType, *, nullable: bool = True, description: str = "") -> bigquery.SchemaField:
    mode = "NULLABLE" if nullable else "REQUIRED"
    if data_type.this == exp.DataType.Type.ARRAY:
        data_type, mode = data_type.expressions[0], "REPEATED"
    if data_type.this == exp.DataType.Type.STRUCT:
        fields = [_schema_field(f.name, f.args["kind"]) for f in data_type.expressions]
        return bigquery.SchemaField(name, "RECORD", mode=mode, description=description or None, fields=fields)
    if data_type.this in (exp.DataType.Type.DECIMAL, exp.DataType.Type.BIGDECIMAL) and data_type.expressions:
        # a legacy NUMERIC(p, s) column (docs/LEGACY.md#type-compatibility): the API takes p and s apart
        precision, scale = (int(e.this.name) for e in data_type.expressions)
        kind = "NUMERIC" if data_type.this == exp.DataType.Type.DECIMAL else "BIGNUMERIC"
        return bigquery.SchemaField(name, kind, mode=mode, description=description or None, precision=precision, scale=scale)
    type_name = data_type.sql("bigquery")
    return bigquery.SchemaField(name, type_name, mode=mode, description=description or None)


def contract_schema(table: TableContract) -> list[bigquery.SchemaField]:
    """The BigQuery schema of a contract: types, NOT NULL as REQUIRED, ARRAY as REPEATED, descriptions."""
    return [
        _schema_field(c.name, exp.DataType.build(c.bq_type, dialect="bigquery"), nullable=c.nullable, description=c.description)
        for c in table.columns
    ]


def field_type(field: bigquery.SchemaField) -> str:
    """The schemas/ spelling of a live column's type: INT64, ARRAY<STRING>, STRUCT<a INT64, b DATE>."""
    base = _API_TYPE_NAMES.get(field.field_type, field.field_type)
    if base in ("NUMERIC", "BIGNUMERIC") and field.precision is not None:
        base = f"{base}({field.precision},{field.scale or 0})"
    if base == "STRUCT":
        base = "STRUCT<" + ", ".join(f"{f.name} {field_type(f)}" for f in field.fields) + ">"
    return f"ARRAY<{base}>" if field.mode == "REPEATED" else base


# --- parameters ------------------------------------------------------------------------------
def _plain(value: Any) -> Any:
    return value.item() if isinstance(value, np.generic) else value


def query_parameters(params: Mapping[str, Any]) -> list[bigquery.ScalarQueryParameter | bigquery.ArrayQueryParameter]:
    """Typed query parameters (DATE for dates, ARRAY<DATE> for lists of dates)."""
    parameters: list[bigquery.ScalarQueryParameter | bigquery.ArrayQueryParameter] = []
    for name, raw in params.items():
        value = [_plain(v) for v in raw] if isinstance(raw, (list, tuple)) else _plain(raw)
        type_name, element_type = bigquery_param_type(value)
        if type_name == "ARRAY":
            parameters.append(bigquery.ArrayQueryParameter(name, element_type, value))
        else:
            parameters.append(bigquery.ScalarQueryParameter(name, type_name, value))
    return parameters


# --- DataFrames through the client ------------------------------------------------------------
_PANDAS_GBQ_NOTICES = (
    "Loading DataFrames via google-cloud-bigquery is deprecated",
    "Retrieving DataFrames via google-cloud-bigquery is deprecated",
    "Loading pandas DataFrame into BigQuery will require pandas-gbq",
)


@contextlib.contextmanager
def _without_pandas_gbq_notices() -> Iterator[None]:
    with warnings.catch_warnings():
        for notice in _PANDAS_GBQ_NOTICES:
            warnings.filterwarnings("ignore", message=notice)
        yield


# --- results ---------------------------------------------------------------------------------
_INTEGER_TYPES = frozenset({"INTEGER", "INT64"})
_BOOLEAN_TYPES = frozenset({"BOOLEAN", "BOOL"})
_RECORD_TYPES = frozenset({"RECORD", "STRUCT"})
# Element types whose values .tolist() already gives as plain Python values (no per-element call).
_PLAIN_ELEMENT_TYPES = _INTEGER_TYPES | _BOOLEAN_TYPES | {"FLOAT", "FLOAT64", "STRING"}


def _nested_value(value: Any, field: bigquery.SchemaField, *, element: bool = False) -> Any:
    """A value of an ARRAY or STRUCT column as plain Python values typed by its result-schema field."""
    if field.mode == "REPEATED" and not element:
        if is_null_value(value):
            return []  # BigQuery has no NULL arrays: an absent array is an empty one
        values = array_values(value)
        if field.field_type in _PLAIN_ELEMENT_TYPES:
            return values
        return [_nested_value(v, field, element=True) for v in values]
    if is_null_value(value):
        return None
    kind = field.field_type
    if kind in _RECORD_TYPES:
        return {f.name: _nested_value(value.get(f.name), f) for f in field.fields}
    if kind == "DATE":
        return pd.Timestamp(value).date()
    if kind == "TIMESTAMP":
        stamp = pd.Timestamp(value)
        return (stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp.tz_convert("UTC")).to_pydatetime()
    if kind in _INTEGER_TYPES:
        return int(value)
    if kind in ("FLOAT", "FLOAT64"):
        return float(value)
    if kind in _BOOLEAN_TYPES:
        return bool(value)
    return value.item() if isinstance(value, np.generic) else value


def conform_result(frame: pd.DataFrame, schema: list[bigquery.SchemaField]) -> pd.DataFrame:
    """A query result with the dtypes and Python values the DuckDB warehouse returns for the same rows.

    INT64 and BOOL columns without NULLs become `int64` and `bool` (to_dataframe always gives the
    nullable `Int64` and `boolean`); ARRAY and STRUCT values become lists and dicts typed by `schema`.
    """
    for field in schema:
        series = frame[field.name]
        if field.mode == "REPEATED" or field.field_type in _RECORD_TYPES:
            frame[field.name] = series.map(lambda value, field=field: _nested_value(value, field)).astype(object)
        elif field.field_type in _INTEGER_TYPES and not series.isna().any():
            frame[field.name] = series.astype("int64")
        elif field.field_type in _BOOLEAN_TYPES and not series.isna().any():
            frame[field.name] = series.astype(bool)
    return normalize_result(frame)


def _quoted(name: str) -> str:
    return f"`{validate_identifier(name)}`"


class BigQueryWarehouse(Warehouse):
    kind = "bigquery"

    def __init__(
        self,
        project: str,
        dataset_prefix: str = "",
        input_dataset_prefix: str | None = None,
        location: str = "US",
        api_endpoint: str | None = None,
        credentials: Credentials | None = None,
        query_timeout: float | None = None,
    ):
        if not _PROJECT_ID.match(project):
            raise ValueError(f"invalid BigQuery project id {project!r}")
        if dataset_prefix:
            validate_identifier(dataset_prefix)
        self.project = project
        self.dataset_prefix = dataset_prefix
        # inputs under their own prefix: shadow mode (docs/LEGACY.md#shadow-mode); None = the same prefix
        self.datasets = DatasetNames(dataset_prefix if input_dataset_prefix is None else input_dataset_prefix, dataset_prefix)
        self.location = location
        self.resource = BigQueryClientResource(project=project, location=location, api_endpoint=api_endpoint)
        self._credentials = credentials
        self.query_timeout = query_timeout  # seconds; None: NBA_FEATURES_QUERY_TIMEOUT_SECONDS or the default
        # Bytes processed by the last query(); assets put it into their materialization metadata.
        self.last_bytes_processed: int | None = None
        self.last_job_id: str | None = None

    def __repr__(self) -> str:
        endpoint = f", api_endpoint={self.resource.api_endpoint!r}" if self.resource.api_endpoint else ""
        inputs = f", input_dataset_prefix={self.datasets.input_prefix!r}" if self.datasets.shadow else ""
        return (
            f"BigQueryWarehouse({self.project!r}, dataset_prefix={self.dataset_prefix!r}{inputs}, "
            f"location={self.location!r}{endpoint})"
        )

    @cached_property
    def client(self) -> bigquery.Client:
        # Built on first use, so configuring the resource does not need credentials yet.
        try:
            return self.resource.build_client(self._credentials)
        except DefaultCredentialsError:
            # google-auth names the key file (GOOGLE_APPLICATION_CREDENTIALS) in its message; run logs
            # and events must never carry a credential setting, so neither the message nor the cause
            # is kept.
            raise BigQueryError(
                "BigQuery credentials could not be loaded from Application Default Credentials "
                "(GOOGLE_APPLICATION_CREDENTIALS or the metadata server); the setting is not shown"
            ) from None

    # --- naming ------------------------------------------------------------------------------
    def dataset_id(self, dataset: str, table: str = "") -> str:
        """`project.<prefix>dataset`, the prefix of the inputs or of the outputs (`table` decides in nba_predictions)."""
        return f"{self.project}.{self.datasets.dataset(dataset, table)}"

    def table_id(self, table: TableContract | ViewContract | str) -> str:
        dataset, name = (table.dataset, table.name) if not isinstance(table, str) else table.split(".", 1)
        return f"{self.dataset_id(dataset, name)}.{validate_identifier(name)}"

    def qualify(self, sql: str) -> str:
        """Rewrite the project's `dataset.table` names to `project`.<prefix>dataset.table."""
        return self.datasets.rename_tables(sql, catalog=self.project)

    # --- running jobs ------------------------------------------------------------------------
    def _call(self, operation: str, action: Callable[[], T]) -> T:
        """Run one API action, retrying transient failures; other failures raise BigQueryError."""

        def attempt() -> T:
            try:
                return action()
            except Exception as error:
                translated = translate_error(error, operation)
                if translated is error:
                    raise
                raise translated from error

        return retry_transient(attempt)

    def _job_config(self, params: Mapping[str, Any], labels: Mapping[str, Any] | None) -> bigquery.QueryJobConfig:
        limit = query_timeout_seconds(self.query_timeout)
        return bigquery.QueryJobConfig(
            query_parameters=query_parameters(params),
            labels=sanitize_labels(labels),
            use_legacy_sql=False,
            job_timeout_ms=int(limit * 1000) if limit else None,
        )

    def _finished_job(self, statement: str, config: bigquery.QueryJobConfig, subject: str) -> tuple[bigquery.QueryJob, Any]:
        """Start a query job and wait for its rows, within the statement limit; past it, cancel the job."""
        limit = query_timeout_seconds(self.query_timeout)
        job_id = f"nba_features_{uuid.uuid4().hex}"  # known before the insert call, so even a hung insert can be cancelled
        try:
            # the client retries a timed-out HTTP call for up to 10 minutes by default: bounded by the limit too
            retry = bigquery.DEFAULT_RETRY.with_deadline(limit) if limit else bigquery.DEFAULT_RETRY
            job = self.client.query(
                statement, job_config=config, location=self.location, job_id=job_id, timeout=limit, retry=retry, job_retry=None
            )
            return job, job.result(timeout=limit, retry=retry)
        except (concurrent.futures.TimeoutError, requests.exceptions.Timeout, api_exceptions.RetryError) as error:
            state = self._cancel(job_id, limit)
            kind = TransientQueryTimeoutError if state == "PENDING" else QueryTimeoutError
            raise kind(f"BigQuery job {job_id} cancelled after {limit:g} s (state {state}): {subject}") from error

    def _cancel(self, job_id: str, limit: float | None) -> str:
        """Cancel a job past its limit, best effort within a bounded call; the state it was in (or UNKNOWN)."""
        bound = min(_CANCEL_TIMEOUT_SECONDS, limit or _CANCEL_TIMEOUT_SECONDS)
        try:
            job = self.client.cancel_job(
                job_id, location=self.location, timeout=bound, retry=bigquery.DEFAULT_RETRY.with_deadline(bound)
            )
            return str(job.state or "UNKNOWN")
        except Exception as error:  # the API may be the thing that hangs; the job's own job_timeout_ms still ends it
            log.warning("cancelling BigQuery job %s failed: %s", job_id, type(error).__name__)
            return "UNKNOWN"

    def _run_statement(
        self, statement: str, params: Mapping[str, Any], labels: Mapping[str, Any], operation: str
    ) -> bigquery.QueryJob:
        """Run one DML statement to completion."""
        config = self._job_config(params, labels)
        subject = f"{statement_subject(statement, labels)}: {operation}"
        return self._call(operation, lambda: self._finished_job(statement, config, subject)[0])

    def execute(self, sql: str, params: Mapping[str, Any] | None = None, *, labels: Mapping[str, str] | None = None) -> int:
        bound = check_parameters(sql, params)
        job = self._run_statement(self.qualify(sql), bound, labels or {}, "statement")
        self.last_bytes_processed = job.total_bytes_processed
        return int(job.num_dml_affected_rows or 0)

    # --- reads -------------------------------------------------------------------------------
    def query(
        self, sql: str, params: Mapping[str, Any] | None = None, *, labels: Mapping[str, str] | None = None
    ) -> pd.DataFrame:
        return self._select(sql, params, labels)

    def _select(self, sql: str, params: Mapping[str, Any] | None, labels: Mapping[str, str] | None) -> pd.DataFrame:
        """One SELECT job (the warehouse's own reads, such as a replace's per-date counts, come here directly)."""
        bound = check_parameters(sql, params)
        statement = self.qualify(sql)
        config = self._job_config(bound, labels)

        subject = statement_subject(sql, labels)

        def run() -> tuple[bigquery.QueryJob, pd.DataFrame]:
            job, rows = self._finished_job(statement, config, subject)
            # Results are read over REST: the Storage Read API is not worth a second client here.
            with _without_pandas_gbq_notices():
                frame = rows.to_dataframe(create_bqstorage_client=False)
            return job, conform_result(frame, rows.schema)

        job, frame = self._call("query", run)
        self.last_bytes_processed = job.total_bytes_processed
        self.last_job_id = job.job_id
        return frame

    def table_exists(self, table: str) -> bool:
        return self.live_columns(table) is not None

    def live_columns(self, table: str) -> dict[str, str] | None:
        def get() -> bigquery.Table | None:
            try:
                return self.client.get_table(self.table_id(table))
            except api_exceptions.NotFound:
                return None

        live = self._call(f"read the schema of {table}", get)
        if live is None:
            return None
        return {field.name: field_type(field) for field in live.schema}

    # --- schema ------------------------------------------------------------------------------
    def _create_table(self, table: TableContract) -> None:
        dataset = bigquery.Dataset(self.dataset_id(table.dataset, table.name))
        dataset.location = self.location
        self._call(f"create dataset {dataset.dataset_id}", lambda: self.client.create_dataset(dataset, exists_ok=True))
        resource = bigquery.Table(self.table_id(table), schema=contract_schema(table))
        if table.partition_column:
            resource.time_partitioning = bigquery.TimePartitioning(
                type_=bigquery.TimePartitioningType.DAY, field=table.partition_column
            )
            resource.require_partition_filter = table.require_partition_filter
        if table.cluster_by:
            resource.clustering_fields = list(table.cluster_by)
        if table.primary_key:
            resource.table_constraints = TableConstraints(
                primary_key=PrimaryKey(columns=list(table.primary_key)), foreign_keys=None
            )
        if table.description:
            resource.description = table.description
        self._call(f"create table {table.full_name}", lambda: self.client.create_table(resource, exists_ok=True))

    def _create_view(self, view: ViewContract) -> None:
        # DDL rather than the Tables API: CREATE OR REPLACE keeps the view's definition current in one job
        dataset = bigquery.Dataset(self.dataset_id(view.dataset, view.name))
        dataset.location = self.location
        self._call(f"create dataset {dataset.dataset_id}", lambda: self.client.create_dataset(dataset, exists_ok=True))
        target = f"`{self.project}`.{self.datasets.dataset(view.dataset, view.name)}.{_quoted(view.name)}"
        statement = f"CREATE OR REPLACE VIEW {target} AS {self.qualify(view.query)}"
        self._run_statement(statement, {}, {"table": view.full_name}, f"create view {view.full_name}")

    def _add_column(self, table: TableContract, column_name: str) -> None:
        column = table.column(column_name)
        # An existing table can only gain NULLABLE (or REPEATED) columns: old rows have no value.
        field = _schema_field(column.name, exp.DataType.build(column.bq_type, dialect="bigquery"), description=column.description)

        def add() -> None:
            live = self.client.get_table(self.table_id(table))
            if any(f.name == column.name for f in live.schema):
                return
            live.schema = [*live.schema, field]
            self.client.update_table(live, ["schema"])

        self._call(f"add column {table.full_name}.{column.name}", add)

    # --- writes ------------------------------------------------------------------------------
    def _load(
        self, table_id: str, table: TableContract, frame: pd.DataFrame, labels: Mapping[str, str], *, truncate: bool
    ) -> None:
        """One load job: all rows or none. WRITE_TRUNCATE makes a retried load of a staging table harmless."""
        limit = query_timeout_seconds(self.query_timeout)
        config = bigquery.LoadJobConfig(
            schema=contract_schema(table),
            write_disposition=bigquery.WriteDisposition.WRITE_TRUNCATE if truncate else bigquery.WriteDisposition.WRITE_APPEND,
            labels=sanitize_labels(labels),
            job_timeout_ms=int(limit * 1000) if limit else None,
        )

        def load() -> None:
            job_id = f"nba_features_load_{uuid.uuid4().hex}"  # one per attempt: a retried load is a new job
            with _without_pandas_gbq_notices():
                job = self.client.load_table_from_dataframe(
                    frame, table_id, job_config=config, location=self.location, job_id=job_id, timeout=limit
                )
            try:
                job.result(timeout=limit, retry=bigquery.DEFAULT_RETRY.with_deadline(limit) if limit else bigquery.DEFAULT_RETRY)
            except (concurrent.futures.TimeoutError, requests.exceptions.Timeout, api_exceptions.RetryError) as error:
                state = self._cancel(job_id, limit)
                raise QueryTimeoutError(
                    f"BigQuery load job {job_id} cancelled after {limit:g} s (state {state}): {table.full_name} "
                    f"({', '.join(f'{k}={v}' for k, v in sorted(labels.items())) or 'load'})"
                ) from error

        self._call(f"load {len(frame)} rows into {table_id}", load)

    def _create_staging_table(self, table: TableContract) -> str:
        staging_name = f"_staging_{table.name}_{uuid.uuid4().hex}"
        staging = bigquery.Table(self.table_id(f"{table.dataset}.{staging_name}"), schema=contract_schema(table))
        staging.expires = dt.datetime.now(dt.UTC) + STAGING_TABLE_LIFETIME
        self._call(f"create staging table for {table.full_name}", lambda: self.client.create_table(staging, exists_ok=True))
        return staging_name

    def _drop_staging_table(self, table: TableContract, staging_name: str) -> None:
        staging_id = self.table_id(f"{table.dataset}.{staging_name}")
        try:
            self._call(f"drop staging table {staging_id}", lambda: self.client.delete_table(staging_id, not_found_ok=True))
        except Exception as error:  # the table expires by itself; the write's own outcome matters more
            log.warning("could not drop %s (it expires within %s): %s", staging_id, STAGING_TABLE_LIFETIME, error)

    def merge_sql(self, table: TableContract, staging_name: str) -> str:
        """The MERGE that replaces the partitions @partition_dates of `table` with the staging rows."""
        columns = ", ".join(_quoted(c) for c in table.column_names)
        values = ", ".join(f"source.{_quoted(c)}" for c in table.column_names)
        return (
            f"MERGE {_quoted_table(table.dataset, table.name)} AS target\n"
            f"USING (SELECT {columns} FROM {_quoted_table(table.dataset, staging_name)}) AS source\n"
            "ON FALSE\n"
            f"WHEN NOT MATCHED BY SOURCE AND target.{_quoted(table.partition_column)} IN UNNEST(@partition_dates) THEN DELETE\n"
            f"WHEN NOT MATCHED THEN INSERT ({columns}) VALUES ({values})"
        )

    def delete_sql(self, table: TableContract) -> str:
        """The DELETE that empties the partitions @partition_dates of `table`."""
        return (
            f"DELETE FROM {_quoted_table(table.dataset, table.name)} "
            f"WHERE {_quoted(table.partition_column)} IN UNNEST(@partition_dates)"
        )

    def count_sql(self, table: TableContract) -> str:
        """Rows per partition date of @partition_dates: what a replace is about to delete, date by date."""
        return (
            f"SELECT {_quoted(table.partition_column)} AS d, COUNT(*) AS n FROM {_quoted_table(table.dataset, table.name)} "
            f"WHERE {_quoted(table.partition_column)} IN UNNEST(@partition_dates) GROUP BY 1"
        )

    def _replace(self, table: TableContract, dates: list[dt.date], frame: pd.DataFrame, labels: Mapping[str, str]) -> WriteResult:
        labels = {"table": table.full_name, **labels}
        params = {"partition_dates": list(dates)}
        # A MERGE reports one total; the per-date counts come from a read just before it (the warehouse
        # pool runs one write at a time, so nothing changes these partitions in between).
        by_date = deleted_by_date(dates, self._select(self.count_sql(table), params, labels))
        if not len(frame):
            job = self._run_statement(
                self.qualify(self.delete_sql(table)), params, labels, f"delete partitions of {table.full_name}"
            )
            deleted = job.num_dml_affected_rows or 0
            return WriteResult(
                table.full_name, dates, 0, int(deleted), job.total_bytes_processed, {"job_id": job.job_id}, by_date
            )
        staging_name = self._create_staging_table(table)
        try:
            self._load(self.table_id(f"{table.dataset}.{staging_name}"), table, _loadable(table, frame), labels, truncate=True)
            job = self._run_statement(
                self.qualify(self.merge_sql(table, staging_name)), params, labels, f"replace partitions of {table.full_name}"
            )
        finally:
            self._drop_staging_table(table, staging_name)
        if job.dml_stats is not None:
            written, deleted = job.dml_stats.inserted_row_count, job.dml_stats.deleted_row_count
        else:  # servers without DML statistics report the MERGE's inserted + deleted rows as one count
            written = len(frame)
            deleted = (job.num_dml_affected_rows or written) - written
        return WriteResult(
            table.full_name, dates, int(written), int(deleted), job.total_bytes_processed, {"job_id": job.job_id}, by_date
        )

    def _append(self, table: TableContract, frame: pd.DataFrame) -> int:
        self._load(self.table_id(table), table, _loadable(table, frame), {"table": table.full_name}, truncate=False)
        return len(frame)


def _quoted_table(dataset: str, name: str) -> str:
    return f"{validate_identifier(dataset)}.{_quoted(name)}"


def _loadable(table: TableContract, frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with empty lists for NULL arrays.

    BigQuery has no NULL arrays (it stores them as empty ones); sending empty lists makes that explicit
    rather than relying on how each load path treats a NULL list.
    """
    arrays = [c.name for c in table.columns if c.base_type == "ARRAY"]
    if not arrays:
        return frame
    loadable = frame.copy()
    for name in arrays:
        loadable[name] = loadable[name].map(lambda v: [] if v is None or (isinstance(v, float) and np.isnan(v)) else v)
    return loadable
