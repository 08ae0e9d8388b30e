"""The table contracts as Dagster metadata (the column schema shown in the UI)."""

from __future__ import annotations

import dagster as dg

from nba_features.contracts.ddl import TableContract


def column_schema(table: TableContract) -> dg.TableSchema:
    return dg.TableSchema(
        columns=[
            dg.TableColumn(
                name=c.name,
                type=c.bq_type,
                description=c.description or None,
                constraints=dg.TableColumnConstraints(nullable=c.nullable, unique=False),
            )
            for c in table.columns
        ]
    )
