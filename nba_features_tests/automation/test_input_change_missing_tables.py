"""The input-change sensor on a warehouse missing an input table (docs/RULES.md#extract-bounds): only the optional
extract's table (nba_predictions.prediction_accuracy) may be absent and is then not fingerprinted; a missing
required input fails the evaluation naming the table, never a silent "nothing changed". Found by
tools/mutation.py (docs/MUTATION.md).
"""

from __future__ import annotations

import datetime as dt

import pytest

from nba_features.defs.sensors.input_change import fingerprint_inputs

TODAY = dt.date(2024, 1, 16)
OPTIONAL = "nba_predictions.prediction_accuracy"
REQUIRED = "nba_analytics.player_game_summary"


def test_a_missing_optional_input_is_skipped(warehouse):
    warehouse.execute_native(f"DROP TABLE {OPTIONAL}")
    state = fingerprint_inputs(warehouse, TODAY)
    assert OPTIONAL not in state.tables and REQUIRED in state.tables


def test_a_missing_required_input_fails_naming_it(warehouse):
    warehouse.execute_native(f"DROP TABLE {REQUIRED}")
    with pytest.raises(Exception, match="player_game_summary"):
        fingerprint_inputs(warehouse, TODAY)
