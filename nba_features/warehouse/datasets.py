"""Where each table lives: input datasets and output datasets, each under its own prefix (shadow mode).

The platform reads the tables the legacy Phase 2/3 pipeline writes (its *inputs*: `nba_reference`,
`nba_analytics`, `nba_raw`, and `nba_predictions.prediction_accuracy`) and writes the Phase 4 tables, the
feature store, its view and the quality events (its *outputs*). With one prefix for both (the default) a
deployment owns every dataset. With different prefixes the platform runs beside the legacy system in the
same project: it reads the legacy inputs where they are and writes its outputs under its own prefix, and it
never writes, creates or alters an input table (docs/LEGACY.md#shadow-mode).
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlglot
from sqlglot import exp

from nba_features.warehouse.sql import validate_identifier

# The datasets of docs/CONVENTIONS.md: `dataset.table` names in SQL with one of these datasets are tables
# of this project; anything else (CTE names, UNNEST aliases, other projects) is left alone.
DATASETS = frozenset({"nba_reference", "nba_analytics", "nba_raw", "nba_precompute", "nba_predictions", "nba_orchestration"})
INPUT_DATASETS = frozenset({"nba_reference", "nba_analytics", "nba_raw"})
# An input that lives in an output dataset: graded lines, written by the legacy prediction pipeline
INPUT_TABLES = frozenset({"nba_predictions.prediction_accuracy"})


def is_input(table: str) -> bool:
    """Whether `dataset.table` is written by the legacy Phase 2/3 pipeline (read-only in shadow mode)."""
    return table.split(".", 1)[0] in INPUT_DATASETS or table in INPUT_TABLES


class ShadowModeError(ValueError):
    """A write, create or ALTER of an input table while inputs and outputs live under different prefixes."""


@dataclass(frozen=True)
class DatasetNames:
    input_prefix: str = ""
    output_prefix: str = ""

    def __post_init__(self) -> None:
        for prefix in (self.input_prefix, self.output_prefix):
            if prefix:
                validate_identifier(prefix)

    @property
    def shadow(self) -> bool:
        """Inputs are read where another system keeps them: the platform must not touch them."""
        return self.input_prefix != self.output_prefix

    @property
    def identity(self) -> bool:
        return not self.input_prefix and not self.output_prefix

    def dataset(self, dataset: str, table: str) -> str:
        """The live dataset of `dataset.table`."""
        prefix = self.input_prefix if is_input(f"{dataset}.{table}") else self.output_prefix
        return validate_identifier(prefix + dataset)

    def rename_tables(self, sql: str, catalog: str | None = None) -> str:
        """One BigQuery-dialect statement with each project table's dataset prefixed (and the catalog set)."""
        statements = sqlglot.parse(sql, read="bigquery")
        if len(statements) != 1 or statements[0] is None:
            raise ValueError("one statement per query")

        def rewrite(node: exp.Expression) -> exp.Expression:
            if isinstance(node, exp.Table) and not node.args.get("catalog") and node.db in DATASETS:
                qualified = node.copy()
                if catalog:
                    qualified.set("catalog", exp.to_identifier(catalog, quoted=True))
                qualified.set("db", exp.to_identifier(self.dataset(node.db, node.name)))
                return qualified
            return node

        return statements[0].transform(rewrite).sql(dialect="bigquery")
