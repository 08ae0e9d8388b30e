"""A date of a range run without any row (docs/RULES.md#checks: every check is evaluated on every date): no rows
share a key on it, so primary_key_unique passes with 0. Found by tools/mutation.py (docs/MUTATION.md).
"""

from __future__ import annotations

import datetime as dt

from nba_features_tests.quality.test_table_checks import PDC, D, evaluate, game_day_info, partition_rows


def test_primary_key_unique_passes_a_date_without_rows():
    empty_day = D + dt.timedelta(days=1)
    frame = partition_rows(PDC, D, ["alpha", "beta"])
    outcomes = evaluate(PDC, "primary_key_unique", frame, [D, empty_day], day_info=game_day_info([D, empty_day]))
    assert [(o.game_date, o.passed, o.metric_value) for o in outcomes] == [(D, True, 0.0), (empty_day, True, 0.0)]


def test_primary_key_unique_passes_a_run_without_any_row():
    frame = partition_rows(PDC, D, ["alpha"]).iloc[0:0]
    outcomes = evaluate(PDC, "primary_key_unique", frame, [D], day_info=game_day_info([D]))
    assert [(o.game_date, o.passed, o.metric_value) for o in outcomes] == [(D, True, 0.0)]
