"""Table contracts parsed once from the BigQuery DDL files in schemas/.

schemas/ is the single source of truth (docs/RULES.md#schemas): the contract built here creates tables
(DuckDB through a type translation, BigQuery as written), validates every frame before a write, shows
the column schema in the Dagster UI, and diffs live tables (ALTER TABLE ... ADD COLUMN migrations).
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass, field
from pathlib import Path

import sqlglot
from sqlglot import exp

SCHEMAS_DIR = Path(os.environ.get("NBA_FEATURES_SCHEMAS", Path(__file__).resolve().parents[2] / "schemas"))


class ContractError(ValueError):
    """A frame or a live table does not match its contract in schemas/."""


@dataclass(frozen=True)
class Column:
    name: str
    bq_type: str  # BigQuery spelling, e.g. INT64, ARRAY<STRING>, STRUCT<a INT64, b ARRAY<DATE>>
    nullable: bool = True
    description: str = ""

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


def parse_ddl(ddl: str, source: str = "<ddl>") -> TableContract:
    """Parse one BigQuery CREATE TABLE statement into a contract."""
    try:
        create = sqlglot.parse_one(ddl, read="bigquery")
    except sqlglot.errors.ParseError as error:
        raise ContractError(f"{source}: cannot parse the DDL: {error}") from error
    if not isinstance(create, exp.Create) or create.kind != "TABLE":
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


@functools.cache
def load_contracts(schemas_dir: Path = SCHEMAS_DIR) -> dict[str, TableContract]:
    """Every table of schemas/<dataset>/<table>.sql, keyed by 'dataset.table'."""
    contracts: dict[str, TableContract] = {}
    for path in sorted(Path(schemas_dir).glob("*/*.sql")):
        contract = parse_ddl(path.read_text(), source=str(path))
        expected = f"{path.parent.name}.{path.stem}"
        if contract.full_name != expected:
            raise ContractError(f"{path}: declares {contract.full_name}, expected {expected}")
        contracts[contract.full_name] = contract
    return contracts


def contract(table: str) -> TableContract:
    """The contract of one table ('dataset.table'); a clear error for unknown tables."""
    contracts = load_contracts()
    try:
        return contracts[table]
    except KeyError:
        raise ContractError(f"unknown table {table!r}: no schemas/{table.replace('.', '/')}.sql") from None
