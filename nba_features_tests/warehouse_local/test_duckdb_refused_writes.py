"""A live table missing a column the contract writes refuses a partition replace before anything is written
(docs/RULES.md#schemas): the error names the column and `schema apply`, the partition keeps its rows. Found by
tools/mutation.py (docs/MUTATION.md): without the check DuckDB's own INSERT error was the only guard.
"""

from __future__ import annotations

import datetime as dt

import pytest

from nba_features.contracts import ContractError, contract
from nba_features_tests.quality.contract_rows import contract_frame, contract_row

TABLE = "nba_precompute.player_composite_factors"
D = dt.date(2024, 1, 16)


def rows(players: list[str]):
    partition = contract(TABLE).partition_column
    return contract_frame(TABLE, [contract_row(TABLE, **{partition: D, "player_lookup": p}) for p in players])


def test_a_replace_into_a_table_missing_a_column_is_refused_and_keeps_the_partition(warehouse):
    warehouse.replace_partitions(TABLE, [D], rows(["alpha"]))
    dropped = next(c.name for c in reversed(contract(TABLE).columns) if c.nullable)
    warehouse.execute_native(f"ALTER TABLE {TABLE} DROP COLUMN {dropped}")
    with pytest.raises(ContractError, match=f"{dropped} missing"):
        warehouse.replace_partitions(TABLE, [D], rows(["beta", "gamma"]))
    assert warehouse.execute_native(f"SELECT player_lookup FROM {TABLE}")["player_lookup"].tolist() == ["alpha"]
