"""Dates of a range run without rows (docs/RULES.md#checks: every check is evaluated on every date, and a date with
nothing to judge passes with its reason): no rows share a key on an empty date, and values_in_range names why a
date without games passes. Found by tools/mutation.py (docs/MUTATION.md).
"""

from __future__ import annotations

import datetime as dt

from nba_features_tests.quality.test_table_checks import PCF, PDC, D, evaluate, game_day_info, partition_rows


def test_primary_key_unique_passes_a_date_without_rows():
    empty_day = D + dt.timedelta(days=1)
    frame = partition_rows(PDC, D, ["alpha", "beta"])
    outcomes = evaluate(PDC, "primary_key_unique", frame, [D, empty_day], day_info=game_day_info([D, empty_day]))
    assert [(o.game_date, o.passed, o.metric_value) for o in outcomes] == [(D, True, 0.0), (empty_day, True, 0.0)]


def test_primary_key_unique_passes_a_run_without_any_row():
    frame = partition_rows(PDC, D, ["alpha"]).iloc[0:0]
    outcomes = evaluate(PDC, "primary_key_unique", frame, [D], day_info=game_day_info([D]))
    assert [(o.game_date, o.passed, o.metric_value) for o in outcomes] == [(D, True, 0.0)]


def test_values_in_range_names_the_reason_of_a_date_without_games():
    no_game_day = D + dt.timedelta(days=1)
    day_info = game_day_info([D, no_game_day])
    day_info.loc[1, "games_scheduled"] = 0
    frame = partition_rows(PCF, D, ["alpha"])
    outcomes = evaluate(PCF, "values_in_range", frame, [D, no_game_day], day_info=day_info)
    assert [(o.game_date, o.passed, o.description) for o in outcomes] == [
        (D, True, "all values in range"),
        (no_game_day, True, "passed: no games scheduled"),
    ]
