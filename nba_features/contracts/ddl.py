"""Table contracts parsed once from the BigQuery DDL files in schemas/.

schemas/ is the single source of truth (docs/RULES.md#schemas): the contract built here creates tables
(DuckDB through a type translation, BigQuery as written), validates every frame before a write, shows
the column schema in the Dagster UI, and diffs live tables (ALTER TABLE ... ADD COLUMN migrations).
"""

from __future__ import annotations

import dataclasses
import functools
import os
from dataclasses import dataclass, field
from pathlib import Path

import sqlglot
from sqlglot import exp

from nba_features.contracts.legacy_types import LEGACY_TYPES

SCHEMAS_DIR = Path(os.environ.get("NBA_FEATURES_SCHEMAS", Path(__file__).resolve().parents[2] / "schemas"))


class ContractError(ValueError):
    """A frame or a live table does not match its contract in schemas/."""


@dataclass(frozen=True)
class Column:
    name: str
    bq_type: str  # BigQuery spelling, e.g. INT64, ARRAY<STRING>, STRUCT<a INT64, b ARRAY<DATE>>
    nullable: bool = True
    description: str = ""
    # types the legacy tables hold for this column, read and written as compatible (docs/LEGACY.md#type-compatibility)
    legacy_types: tuple[str, ...] = ()

    @property
    def base_type(self) -> str:
        """INT64 / FLOAT64 / ... or ARRAY / STRUCT for nested types."""
        return self.bq_type.split("<", 1)[0]

    @property
    def element_type(self) -> str | None:
        """The element type of an ARRAY column (ARRAY<STRING> -> STRING)."""
        if self.base_type != "ARRAY":
            return None
        return self.bq_type[len("ARRAY<") : -1]


@dataclass(frozen=True)
class TableContract:
    dataset: str
    name: str
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...] = ()
    partition_column: str | None = None
    cluster_by: tuple[str, ...] = ()
    require_partition_filter: bool = False
    description: str = ""
    ddl: str = field(default="", repr=False, compare=False)

    @property
    def full_name(self) -> str:
        return f"{self.dataset}.{self.name}"

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(f"{self.full_name} has no column {name!r}")

    def with_types(self, types: dict[str, str]) -> TableContract:
        """This contract with some columns' types replaced: the shape of a live table holding legacy types."""
        columns = tuple(dataclasses.replace(c, bq_type=types[c.name]) if c.name in types else c for c in self.columns)
        return dataclasses.replace(self, columns=columns)


@dataclass(frozen=True)
class ViewContract:
    """A view of schemas/: its BigQuery-dialect query over the project's `dataset.table` names."""

    dataset: str
    name: str
    query: str

    @property
    def full_name(self) -> str:
        return f"{self.dataset}.{self.name}"


_BQ_TYPE_NAMES = {
    exp.DataType.Type.TEXT: "STRING",
    exp.DataType.Type.VARCHAR: "STRING",
    exp.DataType.Type.BIGINT: "INT64",
    exp.DataType.Type.INT: "INT64",
    exp.DataType.Type.DOUBLE: "FLOAT64",
    exp.DataType.Type.FLOAT: "FLOAT64",
    exp.DataType.Type.BOOLEAN: "BOOL",
    exp.DataType.Type.DATE: "DATE",
    exp.DataType.Type.TIMESTAMPTZ: "TIMESTAMP",
    exp.DataType.Type.TIMESTAMP: "TIMESTAMP",
    exp.DataType.Type.JSON: "JSON",
}


def _bq_type(dtype: exp.DataType) -> str:
    if dtype.this == exp.DataType.Type.ARRAY:
        return f"ARRAY<{_bq_type(dtype.expressions[0])}>"
    if dtype.this == exp.DataType.Type.STRUCT:
        fields = ", ".join(f"{f.name} {_bq_type(f.args['kind'])}" for f in dtype.expressions)
        return f"STRUCT<{fields}>"
    try:
        return _BQ_TYPE_NAMES[dtype.this]
    except KeyError:
        raise ContractError(f"type {dtype.sql('bigquery')} is not supported in schemas/ (use FLOAT64 for NUMERIC)") from None


def _description(constraints: list[exp.ColumnConstraint]) -> str:
    for constraint in constraints:
        if isinstance(constraint.kind, exp.Properties):
            for prop in constraint.kind.expressions:
                if prop.name == "description":
                    return prop.args["value"].name
    return ""


def _parse_create(ddl: str, source: str) -> exp.Create:
    try:
        create = sqlglot.parse_one(ddl, read="bigquery")
    except sqlglot.errors.ParseError as error:
        raise ContractError(f"{source}: cannot parse the DDL: {error}") from error
    if not isinstance(create, exp.Create) or create.kind not in ("TABLE", "VIEW"):
        raise ContractError(f"{source}: expected one CREATE TABLE or CREATE VIEW statement")
    return create


def parse_view(ddl: str, source: str = "<ddl>") -> ViewContract:
    """Parse one BigQuery CREATE VIEW statement."""
    return _view_from(_parse_create(ddl, source), source)


def _view_from(create: exp.Create, source: str) -> ViewContract:
    if create.kind != "VIEW" or not create.this.db:
        raise ContractError(f"{source}: expected CREATE VIEW dataset.view AS SELECT ...")
    return ViewContract(create.this.db, create.this.name, create.expression.sql(dialect="bigquery"))


def parse_ddl(ddl: str, source: str = "<ddl>") -> TableContract:
    """Parse one BigQuery CREATE TABLE statement into a contract."""
    return _table_from(_parse_create(ddl, source), ddl, source)


def _table_from(create: exp.Create, ddl: str, source: str) -> TableContract:
    if create.kind != "TABLE":
        raise ContractError(f"{source}: expected one CREATE TABLE statement")
    schema = create.this
    table = schema.this
    if not table.db:
        raise ContractError(f"{source}: the table name must be dataset.table")
    columns: list[Column] = []
    primary_key: tuple[str, ...] = ()
    for item in schema.expressions:
        if isinstance(item, exp.ColumnDef):
            constraints = item.args.get("constraints") or []
            not_null = any(isinstance(c.kind, exp.NotNullColumnConstraint) for c in constraints)
            columns.append(Column(item.name, _bq_type(item.args["kind"]), not not_null, _description(constraints)))
        elif isinstance(item, exp.PrimaryKey):
            primary_key = tuple(e.name for e in item.expressions)
    partition_column = None
    cluster_by: tuple[str, ...] = ()
    require_partition_filter = False
    description = ""
    for prop in (create.args.get("properties") or exp.Properties(expressions=[])).expressions:
        if isinstance(prop, exp.PartitionedByProperty):
            # A plain DATE column is a replaceable partition; an expression such as
            # DATE(event_timestamp) partitions an append-only log and is kept only in the DDL.
            if isinstance(prop.this, (exp.Identifier, exp.Column)):
                partition_column = prop.this.name
        elif isinstance(prop, exp.ClusterProperty):
            cluster_by = tuple(e.name for e in prop.expressions)
        elif prop.name == "require_partition_filter":
            require_partition_filter = prop.args["value"].this is True
        elif prop.name == "description":
            description = prop.args["value"].name
        elif prop.name == "partition_expiration_days":
            raise ContractError(f"{source}: partition expiration is forbidden (docs/RULES.md#no-partition-expiration)")
    names = [c.name for c in columns]
    if len(set(names)) != len(names):
        raise ContractError(f"{source}: duplicate column names")
    for key in (*primary_key, *cluster_by, *([partition_column] if partition_column else [])):
        if key not in names:
            raise ContractError(f"{source}: key column {key!r} is not a column of the table")
    return TableContract(
        dataset=table.db,
        name=table.name,
        columns=tuple(columns),
        primary_key=primary_key,
        partition_column=partition_column,
        cluster_by=cluster_by,
        require_partition_filter=require_partition_filter,
        description=description,
        ddl=ddl,
    )


def _with_legacy_types(table: TableContract, source: Path) -> TableContract:
    legacy = LEGACY_TYPES.get(table.full_name, {})
    for name in legacy:
        if name not in table.column_names or table.column(name).bq_type != "FLOAT64":
            raise ContractError(f"{source}: legacy type declared for {name!r}, which is not a FLOAT64 column")
    columns = tuple(dataclasses.replace(c, legacy_types=(legacy[c.name],)) if c.name in legacy else c for c in table.columns)
    return dataclasses.replace(table, columns=columns)


@functools.cache
def _load_schema_dir(schemas_dir: Path) -> tuple[dict[str, TableContract], dict[str, ViewContract]]:
    contracts: dict[str, TableContract] = {}
    views: dict[str, ViewContract] = {}
    for path in sorted(Path(schemas_dir).glob("*/*.sql")):
        text = path.read_text()
        create = _parse_create(text, str(path))
        parsed = _view_from(create, str(path)) if create.kind == "VIEW" else _table_from(create, text, str(path))
        expected = f"{path.parent.name}.{path.stem}"
        if parsed.full_name != expected:
            raise ContractError(f"{path}: declares {parsed.full_name}, expected {expected}")
        if isinstance(parsed, ViewContract):
            views[parsed.full_name] = parsed
        else:
            contracts[parsed.full_name] = _with_legacy_types(parsed, path)
    unknown = set(LEGACY_TYPES) - set(contracts)
    if unknown:
        raise ContractError(f"legacy types declared for unknown tables {sorted(unknown)}")
    return contracts, views


def load_contracts(schemas_dir: Path = SCHEMAS_DIR) -> dict[str, TableContract]:
    """Every table of schemas/<dataset>/<table>.sql, keyed by 'dataset.table' (views are in load_views)."""
    return _load_schema_dir(Path(schemas_dir))[0]


def load_views(schemas_dir: Path = SCHEMAS_DIR) -> dict[str, ViewContract]:
    """Every view of schemas/<dataset>/<view>.sql, keyed by 'dataset.view'; created after the tables."""
    return _load_schema_dir(Path(schemas_dir))[1]


def contract(table: str) -> TableContract:
    """The contract of one table ('dataset.table'); a clear error for unknown tables."""
    contracts = load_contracts()
    try:
        return contracts[table]
    except KeyError:
        raise ContractError(f"unknown table {table!r}: no schemas/{table.replace('.', '/')}.sql") from None
