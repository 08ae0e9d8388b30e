"""Legacy NUMERIC types: which live types are compatible, how writes round and refuse, how compare rounds (pure)."""

from __future__ import annotations

import decimal

import numpy as np
import pandas as pd
import pytest

from nba_features.contracts import ContractError, contract
from nba_features.contracts.legacy_types import LEGACY_TYPES, is_compatible, numeric_type
from nba_features.legacy.compare import compare_table
from nba_features.warehouse.legacy_values import to_live_types

PCF = "nba_precompute.player_composite_factors"


@pytest.mark.parametrize(
    ("live", "compatible"),
    [
        ("NUMERIC(5,1)", True),
        ("NUMERIC(5, 1)", True),
        ("NUMERIC(6,2)", True),  # wider on both sides
        ("NUMERIC", True),  # NUMERIC(38, 9)
        ("BIGNUMERIC", True),
        ("NUMERIC(4,1)", False),  # one integer digit fewer
        ("NUMERIC(5,0)", False),  # fewer decimals
        ("STRING", False),
        ("INT64", False),
    ],
)
def test_a_live_type_is_compatible_when_it_holds_every_value_of_the_documented_one(live, compatible):
    assert is_compatible(live, ("NUMERIC(5,1)",)) is compatible


def test_every_documented_legacy_type_is_attached_to_a_float64_column():
    attached = {(table, c.name): c.legacy_types for table in LEGACY_TYPES for c in contract(table).columns if c.legacy_types}
    assert attached == {(t, c): (kind,) for t, columns in LEGACY_TYPES.items() for c, kind in columns.items()}
    assert all(numeric_type(kind) for columns in LEGACY_TYPES.values() for kind in columns.values())


def _pcf_frame(pace: list[float | None]) -> pd.DataFrame:
    spec = contract(PCF)
    frame = pd.DataFrame({c: [None] * len(pace) for c in spec.column_names})
    frame["player_lookup"] = [f"p{i}" for i in range(len(pace))]
    frame["game_date"] = pd.Timestamp("2024-01-05")
    frame["pace_score"] = pd.Series(pace, dtype="float64")
    return frame


def test_writes_round_half_away_from_zero_to_the_live_scale():
    spec, frame = to_live_types(contract(PCF), _pcf_frame([1.25, -1.25, 2.675, None]), {"pace_score": "NUMERIC(3, 1)"})
    assert spec.column("pace_score").bq_type == "NUMERIC(3,1)"
    assert frame["pace_score"].tolist() == [decimal.Decimal("1.3"), decimal.Decimal("-1.3"), decimal.Decimal("2.7"), None]
    _, frame = to_live_types(contract(PCF), _pcf_frame([2.675]), {"pace_score": "NUMERIC(5,2)"})
    assert frame["pace_score"].tolist() == [decimal.Decimal("2.68")]  # from the float's shortest spelling


def test_a_value_the_live_type_cannot_hold_refuses_the_write_naming_it():
    with pytest.raises(ContractError) as error:
        to_live_types(contract(PCF), _pcf_frame([9.94, 99.96]), {"pace_score": "NUMERIC(3,1)"})
    assert str(error.value).startswith(
        f"{PCF}.pace_score: 1 value(s) overflow the live type NUMERIC(3,1), e.g. 99.96 at game_date=2024-01-05, player_lookup=p1"
    )


def test_compare_rounds_new_values_to_the_legacy_scale_and_counts_null_against_value():
    key = ("analysis_date", "player_lookup")
    day = pd.Timestamp("2024-01-05")
    new = pd.DataFrame({"analysis_date": [day] * 3, "player_lookup": ["a", "b", "c"], "pace_score": [1.25, 2.0, np.nan]})
    legacy = new.assign(pace_score=[1.3, 2.0, 4.0])
    table = compare_table(PCF, new, legacy, key, "analysis_date", legacy_scales={"pace_score": 1})
    (pace,) = table.columns
    assert (pace.compared, pace.differing, pace.max_difference) == (3, 1, float("inf"))
    assert pace.example == {"analysis_date": "2024-01-05", "player_lookup": "c", "new": None, "legacy": 4.0}
    unrounded = compare_table(PCF, new, legacy, key, "analysis_date").columns[0]
    assert unrounded.differing == 2
