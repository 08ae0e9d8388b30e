"""prepare_frame returns the frame a writer sends: the contract's columns in contract order and a plain 0..n-1
index, whatever index and column order the transform produced (docs/RULES.md#writes). Found by
tools/mutation.py (docs/MUTATION.md).
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from nba_features.contracts import contract
from nba_features.warehouse.base import prepare_frame
from nba_features_tests.quality.contract_rows import contract_frame, contract_row

TABLE = "nba_precompute.player_composite_factors"
D = dt.date(2024, 1, 16)


def test_contract_columns_in_order_and_a_fresh_index():
    spec = contract(TABLE)
    rows = [contract_row(TABLE, **{spec.partition_column: D, "player_lookup": p}) for p in ("alpha", "beta")]
    frame = contract_frame(TABLE, rows)
    frame = frame[list(reversed(frame.columns))]
    frame.index = pd.Index([7, 3], name="row")
    prepared = prepare_frame(spec, frame, [D])
    assert list(prepared.columns) == spec.column_names
    assert prepared.index.equals(pd.RangeIndex(2))
    assert prepared["player_lookup"].tolist() == ["alpha", "beta"]
