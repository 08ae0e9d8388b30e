"""The warehouse interface shared by the embedded DuckDB default and BigQuery.

Both implementations take BigQuery-dialect SQL with named parameters, replace whole date partitions
atomically (docs/RULES.md#writes), create tables from schemas/, and report schema drift. Frame validation
against the contract lives here, once, so both warehouses reject the same bad frames with the same
message before anything is written.
"""

from __future__ import annotations

import abc
import datetime as dt
import decimal
import os
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

import numpy as np
import pandas as pd
import pyarrow as pa
import sqlglot
from sqlglot import exp

from nba_features.contracts import ContractError, TableContract, ViewContract, contract, load_contracts, load_views
from nba_features.contracts.legacy_types import is_compatible
from nba_features.warehouse.datasets import DatasetNames, ShadowModeError, is_input
from nba_features.warehouse.legacy_values import to_live_types

T = TypeVar("T")


class SchemaDriftError(ContractError):
    """The live table does not match schemas/: the write is refused before it starts (docs/RULES.md#schemas)."""


class TransientWarehouseError(RuntimeError):
    """A warehouse error worth retrying (a locked file, HTTP 5xx, rate limit)."""


class QueryTimeoutError(RuntimeError):
    """A statement ran past NBA_FEATURES_QUERY_TIMEOUT_SECONDS and was stopped (DuckDB: interrupted; BigQuery:
    the job cancelled). Not retried: the same statement over the same data takes as long again, and every retry
    would hold the `warehouse` pool's one slot that long once more (docs/ALERTS.md#query-timeouts)."""


class TransientQueryTimeoutError(QueryTimeoutError, TransientWarehouseError):
    """A BigQuery job stopped at its limit before it started running (still queued for slots): a retry can help."""


# Measured in bench/RESULTS.md: the longest single statement of a season range run on DuckDB (the feature store's
# season commit) takes ~1.5 s and a whole five-season range run 77 s; ten minutes leaves BigQuery's queueing and
# a much larger league room while still freeing the pool's one slot within the hour of a daily run's deadline.
DEFAULT_QUERY_TIMEOUT_SECONDS = 600.0


def query_timeout_seconds(configured: float | None = None) -> float | None:
    """The statement limit: `configured`, else NBA_FEATURES_QUERY_TIMEOUT_SECONDS, else the default; 0 = none."""
    value = (
        configured
        if configured is not None
        else float(os.environ.get("NBA_FEATURES_QUERY_TIMEOUT_SECONDS", DEFAULT_QUERY_TIMEOUT_SECONDS))
    )
    return value if value > 0 else None


def statement_subject(sql: str, labels: Mapping[str, Any] | None) -> str:
    """What a statement is about, for an error: the tables it names and its purpose (the caller's labels)."""
    try:
        tables = sorted(
            {f"{t.db}.{t.name}" if t.db else t.name for t in sqlglot.parse_one(sql, read="bigquery").find_all(exp.Table)}
        )
    except sqlglot.errors.ParseError:
        tables = []
    purpose = ", ".join(f"{key}={value}" for key, value in sorted((labels or {}).items())) or "no purpose given"
    return f"{', '.join(tables) or 'no table'} ({purpose})"


@dataclass(frozen=True)
class ColumnDrift:
    column: str
    # 'missing' (in the contract, not live) | 'extra' (live only) | 'type' | 'legacy' (a documented legacy type)
    problem: str
    expected: str | None
    live: str | None


@dataclass(frozen=True)
class SchemaDiff:
    table: str
    exists: bool
    drift: tuple[ColumnDrift, ...] = ()
    # columns holding a documented legacy type: compatible, not drift (docs/LEGACY.md#type-compatibility)
    compatible: tuple[ColumnDrift, ...] = ()

    @property
    def ok(self) -> bool:
        return self.exists and not self.drift

    @property
    def missing_columns(self) -> list[str]:
        return [d.column for d in self.drift if d.problem == "missing"]

    def describe(self) -> str:
        if not self.exists:
            return f"{self.table}: table does not exist"
        legacy = "; ".join(f"{d.column} {d.live} for {d.expected}" for d in self.compatible)
        if not self.drift:
            return f"{self.table}: matches schemas/" + (f" (compatible legacy types: {legacy})" if legacy else "")
        parts = [
            f"{d.column} {d.problem}" + (f" (contract {d.expected}, live {d.live})" if d.problem == "type" else "")
            for d in self.drift
        ]
        return f"{self.table}: " + "; ".join(parts) + (f" (compatible legacy types: {legacy})" if legacy else "")


@dataclass
class WriteResult:
    table: str
    dates: list[dt.date]
    rows_written: int
    rows_deleted: int
    bytes_processed: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    # rows each replaced date held before the write (every date of `dates`, 0 when it was empty)
    deleted_by_date: dict[dt.date, int] = field(default_factory=dict)


def deleted_by_date(dates: Sequence[dt.date], counts: pd.DataFrame) -> dict[dt.date, int]:
    """Every replaced date with the rows it held, from a `(d, n)` count per partition date."""
    found = {_as_date(d): int(n) for d, n in zip(counts["d"], counts["n"])} if len(counts) else {}
    return {day: found.get(day, 0) for day in dates}


def retry_transient(operation: Callable[[], T], *, attempts: int = 6, base_delay: float = 0.2) -> T:
    """Retry transient warehouse errors with exponential backoff; data errors are raised at once."""
    for attempt in range(attempts):
        try:
            return operation()
        except TransientWarehouseError:
            if attempt == attempts - 1:
                raise
            time.sleep(base_delay * (2**attempt))
    raise AssertionError("unreachable")


def _as_date(value: Any) -> dt.date:
    if isinstance(value, pd.Timestamp):
        return value.date()
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return pd.Timestamp(value).date()


# element types of a list that never need converting (anything else goes through _to_list)
_PLAIN = frozenset({float, int, str, bool, type(None), dt.date, dt.datetime, pd.Timestamp})


def _plain_elements(values: list) -> bool:
    return _PLAIN.issuperset(map(type, values))


def _to_list(value: Any) -> Any:
    if isinstance(value, np.ndarray):
        value = value.tolist()  # numeric arrays come back as plain (nested) lists; object arrays may hold more
    if isinstance(value, list):
        # A list of plain values (feature vectors, names) is kept as is, not rebuilt value by value: a call
        # per element, and a copy per row, made a season of the feature store take seconds and hundreds of MB.
        if _plain_elements(value):
            return value
        return [_to_list(v) for v in value]
    if isinstance(value, dict):
        if all(type(v) in _PLAIN or (type(v) is list and _plain_elements(v)) for v in value.values()):
            return value  # plain fields and plain lists (a STRUCT built by a transform): kept as is
        return {k: _to_list(v) for k, v in value.items()}
    return value


def _to_lists(series: pd.Series) -> pd.Series:
    """_to_list per value, once per distinct object: rows often share one list (feature_names)."""
    converted: dict[int, Any] = {}

    def convert(value: Any) -> Any:
        key = id(value)  # the series keeps every value alive, so an id is not reused during the map
        if key not in converted:
            converted[key] = _to_list(value)
        return converted[key]

    return series.map(convert)


def normalize_result(frame: pd.DataFrame) -> pd.DataFrame:
    """Result frames follow docs/CONVENTIONS.md whichever warehouse produced them."""
    for name in frame.columns:
        series = frame[name]
        if isinstance(series.dtype, pd.DatetimeTZDtype):
            frame[name] = series.dt.tz_convert("UTC").astype("datetime64[ns, UTC]")
        elif pd.api.types.is_datetime64_dtype(series.dtype):
            frame[name] = series.astype("datetime64[ns]")
        elif series.dtype == object:
            # the set of value types is collected in C: a Python call per value of every string column was
            # half the cost of the extracts
            kinds = set(map(type, series.to_numpy()))
            if any(issubclass(kind, (np.ndarray, dict)) for kind in kinds):
                frame[name] = series.map(_to_list)
            elif decimal.Decimal in kinds:
                # NUMERIC columns of legacy tables (docs/LEGACY.md#type-compatibility): float64, as FLOAT64 reads
                frame[name] = series.map(lambda v: np.nan if v is None else float(v)).astype("float64")
        elif str(series.dtype) == "dbdate":
            frame[name] = pd.to_datetime(series).astype("datetime64[ns]")
    return frame


def _coerce(frame: pd.DataFrame, table: TableContract) -> pd.DataFrame:
    out: dict[str, pd.Series] = {}
    for column in table.columns:
        series = frame[column.name]
        base = column.base_type
        try:
            if base == "DATE":
                # cache=False: the cache pays off for repeated strings, and costs a scan of Timestamps otherwise
                out[column.name] = pd.to_datetime(series, cache=False).dt.normalize().astype("datetime64[ns]")
            elif base == "TIMESTAMP":
                out[column.name] = pd.to_datetime(series, utc=True, cache=False).astype("datetime64[ns, UTC]")
            elif base == "INT64":
                numeric = pd.to_numeric(series)
                if numeric.notna().all() and (numeric.dropna() % 1 == 0).all():
                    out[column.name] = numeric.astype("Int64")
                else:
                    non_integer = numeric.dropna()[numeric.dropna() % 1 != 0]
                    if len(non_integer):
                        raise ValueError(f"non-integer value {non_integer.iloc[0]!r}")
                    out[column.name] = numeric.astype("Int64")
            elif base == "FLOAT64":
                numeric = pd.to_numeric(series).astype("float64")
                out[column.name] = numeric.where(np.isfinite(numeric))  # NaN/Inf become NULL
            elif base == "BOOL":
                out[column.name] = series.astype("boolean")
            elif base == "STRING":
                out[column.name] = series.astype(object).where(series.notna(), None)
            else:
                out[column.name] = _to_lists(series)
        except (ValueError, TypeError) as error:
            raise ContractError(f"{table.full_name}.{column.name}: cannot be stored as {column.bq_type}: {error}") from error
    return pd.DataFrame(out, index=frame.index, copy=False)  # the coerced columns are new already: no second copy


def prepare_frame(table: TableContract, frame: pd.DataFrame, dates: Sequence[dt.date] | None) -> pd.DataFrame:
    """Validate a frame against its contract before any write; return it in contract column order.

    Errors name the table, the column and the rule, and are raised before the warehouse is touched.
    """
    columns = set(frame.columns)
    expected = table.column_names
    missing = [c for c in expected if c not in columns]
    extra = sorted(columns - set(expected))
    if missing or extra:
        raise ContractError(
            f"{table.full_name}: frame does not match schemas/{table.dataset}/{table.name}.sql: "
            f"missing columns {missing}, unexpected columns {extra}"
        )
    prepared = _coerce(frame, table)
    for column in table.columns:
        if not column.nullable and prepared[column.name].isna().any():
            bad = prepared[prepared[column.name].isna()]
            where = ""
            if table.partition_column and table.partition_column != column.name:
                where = f" on {table.partition_column}={bad[table.partition_column].iloc[0]:%Y-%m-%d}"
            raise ContractError(f"{table.full_name}.{column.name}: NOT NULL violated in {len(bad)} row(s){where}")
    if dates is not None:
        if not table.partition_column:
            raise ContractError(f"{table.full_name}: not partitioned, cannot replace partitions")
        allowed = {pd.Timestamp(d) for d in dates}
        outside = prepared[~prepared[table.partition_column].isin(allowed)]
        if len(outside):
            raise ContractError(
                f"{table.full_name}.{table.partition_column}: {len(outside)} row(s) dated "
                f"{outside[table.partition_column].iloc[0]:%Y-%m-%d}, outside the partitions being replaced"
            )
    if table.primary_key and len(prepared):
        duplicated = prepared.duplicated(list(table.primary_key), keep=False)
        if duplicated.any():
            first = prepared[duplicated].iloc[0]
            key = ", ".join(f"{k}={first[k]}" for k in table.primary_key)
            raise ContractError(
                f"{table.full_name}: primary key ({', '.join(table.primary_key)}) not unique: "
                f"{int(duplicated.sum())} rows share a key, e.g. {key}"
            )
    if prepared.index.equals(pd.RangeIndex(len(prepared))):
        return prepared  # already 0..n-1: reset_index would copy every column (a season of the feature store)
    return prepared.reset_index(drop=True)


class Warehouse(abc.ABC):
    """One interface for the embedded DuckDB file and BigQuery."""

    kind: str
    # bytes scanned by the latest read (BigQuery reports it; DuckDB does not)
    last_bytes_processed: int | None = None
    # where inputs and outputs live (docs/LEGACY.md#shadow-mode); one empty prefix by default
    datasets: DatasetNames = DatasetNames()

    @abc.abstractmethod
    def query(
        self, sql: str, params: Mapping[str, Any] | None = None, *, labels: Mapping[str, str] | None = None
    ) -> pd.DataFrame:
        """Run one BigQuery-dialect SELECT with named parameters; frames follow CONVENTIONS.md."""

    @abc.abstractmethod
    def execute(self, sql: str, params: Mapping[str, Any] | None = None, *, labels: Mapping[str, str] | None = None) -> int:
        """Run one BigQuery-dialect DML statement (UPDATE / DELETE) with named parameters; rows affected."""

    @abc.abstractmethod
    def table_exists(self, table: str) -> bool: ...

    @abc.abstractmethod
    def live_columns(self, table: str) -> dict[str, str] | None:
        """Live column name → BigQuery type spelling, or None when the table does not exist."""

    @abc.abstractmethod
    def _create_table(self, table: TableContract) -> None: ...

    @abc.abstractmethod
    def _add_column(self, table: TableContract, column_name: str) -> None: ...

    @abc.abstractmethod
    def _create_view(self, view: ViewContract) -> None:
        """CREATE OR REPLACE the view, its query naming the live tables."""

    @abc.abstractmethod
    def _replace(
        self, table: TableContract, dates: list[dt.date], frame: pd.DataFrame, labels: Mapping[str, str]
    ) -> WriteResult: ...

    @abc.abstractmethod
    def _append(self, table: TableContract, frame: pd.DataFrame) -> int: ...

    # --- schema management -------------------------------------------------------------------
    def schema_diff(self, table: str) -> SchemaDiff:
        spec = contract(table)
        live = self.live_columns(table)
        if live is None:
            return SchemaDiff(table, exists=False)
        drift, compatible = [], []
        for column in spec.columns:
            if column.name not in live:
                drift.append(ColumnDrift(column.name, "missing", column.bq_type, None))
            elif _canonical(live[column.name]) == _canonical(column.bq_type):
                continue
            elif is_compatible(live[column.name], column.legacy_types):
                compatible.append(ColumnDrift(column.name, "legacy", column.bq_type, live[column.name]))
            else:
                drift.append(ColumnDrift(column.name, "type", column.bq_type, live[column.name]))
        for name in live:
            if name not in spec.column_names:
                drift.append(ColumnDrift(name, "extra", None, live[name]))
        return SchemaDiff(table, exists=True, drift=tuple(drift), compatible=tuple(compatible))

    def apply_schemas(self, tables: Iterable[str] | None = None) -> list[str]:
        """Create missing tables and ADD COLUMN the contract's new columns, then the views; returns what was done.

        A type change cannot be migrated by ADD COLUMN and is raised as a ContractError; a documented legacy
        type is left as it is. In shadow mode the input tables are another system's and are not touched.
        Views are (re)created when every table is applied (`tables` None).
        """
        actions = []
        for name in tables or sorted(load_contracts()):
            if self.datasets.shadow and is_input(name):
                continue
            spec = contract(name)
            diff = self.schema_diff(name)
            if not diff.exists:
                self._create_table(spec)
                actions.append(f"created {name}")
                continue
            for drift in diff.drift:
                if drift.problem == "missing":
                    self._add_column(spec, drift.column)
                    actions.append(f"added {name}.{drift.column} {drift.expected}")
                elif drift.problem == "type":
                    raise ContractError(f"{name}.{drift.column}: live type {drift.live} differs from contract {drift.expected}")
        if tables is None:
            for name, view in sorted(load_views().items()):
                existed = self.live_columns(name) is not None
                self._create_view(view)
                if not existed:
                    actions.append(f"created view {name}")
        return actions

    def view_diff(self, view: str) -> SchemaDiff:
        """A view exists with the columns of its query's current definition (recreated by `schema apply`)."""
        return SchemaDiff(view, exists=self.live_columns(view) is not None)

    def assert_writable(self, table: TableContract) -> SchemaDiff:
        """A live table missing a column the code writes is an error before the write (docs/RULES.md#schemas).

        In shadow mode an input table is refused whatever its schema (docs/LEGACY.md#shadow-mode).
        """
        if self.datasets.shadow and is_input(table.full_name):
            raise ShadowModeError(
                f"refusing to write {table.full_name}: an input table, read-only while inputs "
                f"(prefix {self.datasets.input_prefix!r}) and outputs (prefix {self.datasets.output_prefix!r}) are apart"
            )
        diff = self.schema_diff(table.full_name)
        problems = [d for d in diff.drift if d.problem in ("missing", "type")]
        if not diff.exists or problems:
            raise SchemaDriftError(f"refusing to write: {diff.describe()}; run `nba-features schema apply`")
        return diff

    def _live_shape(self, table: TableContract, frame: pd.DataFrame) -> tuple[TableContract, pd.DataFrame]:
        """The contract and frame as the live table types them: legacy NUMERIC columns get rounded Decimals."""
        diff = self.assert_writable(table)
        if not diff.compatible:
            return table, frame
        return to_live_types(table, frame, {d.column: d.live for d in diff.compatible})

    # --- writes ------------------------------------------------------------------------------
    def replace_partitions(
        self,
        table: str,
        dates: Sequence[dt.date],
        frame: pd.DataFrame,
        *,
        labels: Mapping[str, str] | None = None,
    ) -> WriteResult:
        """Replace the partitions `dates` of `table` with `frame`, atomically (all or nothing)."""
        spec = contract(table)
        partition_dates = sorted({_as_date(d) for d in dates})
        if not partition_dates:
            raise ValueError(f"{table}: no partitions to replace")
        prepared = prepare_frame(spec, frame, partition_dates)
        live_spec, live_frame = self._live_shape(spec, prepared)
        return self._replace(live_spec, partition_dates, live_frame, dict(labels or {}))

    def append(self, table: str, frame: pd.DataFrame) -> int:
        """Append rows (event logs); validated like any other write."""
        spec = contract(table)
        prepared = prepare_frame(spec, frame, None)
        live_spec, live_frame = self._live_shape(spec, prepared)
        return self._append(live_spec, live_frame) if len(live_frame) else 0


_ARROW_TYPES = {
    "STRING": pa.string(),
    "INT64": pa.int64(),
    "FLOAT64": pa.float64(),
    "BOOL": pa.bool_(),
    "DATE": pa.date32(),
    "TIMESTAMP": pa.timestamp("us", tz="UTC"),
}


def arrow_type(bq_type: str) -> pa.DataType:
    """Arrow type of a contract column, so writers never infer types from values (an all-NULL or
    all-empty-list column would otherwise get no usable type)."""
    parsed = exp.DataType.build(bq_type, dialect="bigquery")

    def convert(dtype: exp.DataType) -> pa.DataType:
        if dtype.this == exp.DataType.Type.ARRAY:
            return pa.list_(convert(dtype.expressions[0]))
        if dtype.this == exp.DataType.Type.STRUCT:
            return pa.struct([(f.name, convert(f.args["kind"])) for f in dtype.expressions])
        if dtype.this in (exp.DataType.Type.DECIMAL, exp.DataType.Type.BIGDECIMAL):
            # a legacy NUMERIC(p, s) target (docs/LEGACY.md#type-compatibility); to_live_types always spells p and s
            precision, scale = (int(e.this.name) for e in dtype.expressions)
            return pa.decimal128(precision, scale) if precision <= 38 else pa.decimal256(precision, scale)
        return _ARROW_TYPES[dtype.sql("bigquery")]

    return convert(parsed)


def to_arrow(table: TableContract, frame: pd.DataFrame) -> pa.Table:
    """A prepared frame as an Arrow table with the contract's exact types."""
    return pa.table({c.name: _arrow_column(frame[c.name], arrow_type(c.bq_type)) for c in table.columns})


def _arrow_column(series: pd.Series, dtype: pa.DataType) -> pa.Array:
    """One column as Arrow. Object columns whose rows share value objects (the feature store's feature_names
    list on every row, the scorer's strings and arrays per tag pattern) are converted once per distinct
    object and gathered with `take`: converting the same 60 names on every row was a fifth of its write."""
    if series.dtype == object and len(series) > 1:
        values = series.to_numpy()
        identities = np.fromiter(map(id, values), dtype=np.uint64, count=len(values))
        distinct, first, positions = np.unique(identities, return_index=True, return_inverse=True)
        if len(distinct) * 4 <= len(values):
            return pa.array(values[first], type=dtype, from_pandas=True).take(pa.array(positions))
    return pa.array(series, type=dtype, from_pandas=True)


def _canonical(bq_type: str) -> str:
    return bq_type.replace(" ", "").upper()
