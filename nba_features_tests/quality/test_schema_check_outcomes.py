"""The outcomes of schema_matches_contract (docs/RULES.md#per-table-checks): a write that went through passes on
every date with 0 drifted columns; a refused write is one outcome without a date naming the first and last date
it would have replaced. Found by tools/mutation.py (docs/MUTATION.md).
"""

from __future__ import annotations

import datetime as dt

from nba_features.quality.table_checks import schema_check_failure
from nba_features_tests.quality.test_table_checks import PDC, D, evaluate, game_day_info, partition_rows


def test_a_write_that_went_through_passes_every_date_with_no_drift():
    other = D + dt.timedelta(days=1)
    frame = partition_rows(PDC, D, ["alpha"])
    outcomes = evaluate(PDC, "schema_matches_contract", frame, [D, other], day_info=game_day_info([D, other]))
    assert [(o.game_date, o.passed, o.metric_name, o.metric_value) for o in outcomes] == [
        (D, True, "schema_drift", 0.0),
        (other, True, "schema_drift", 0.0),
    ]


def test_a_refused_write_names_its_first_and_last_date():
    dates = [D + dt.timedelta(days=2), D, D + dt.timedelta(days=5)]
    outcome = schema_check_failure(dates, "nba_precompute.player_daily_cache: x missing")
    assert (outcome.game_date, outcome.passed, outcome.severity) == (None, False, "ERROR")
    assert outcome.details == {"dates": f"{D}..{D + dt.timedelta(days=5)}"}
