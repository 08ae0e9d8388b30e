"""Expected rows over a range run (docs/RULES.md#per-table-checks): every date of the run gets the bound of its own
inputs, the last date included (the bounded queries read the run's whole span). Found by tools/mutation.py
(docs/MUTATION.md): the tests judged one date, or a range whose last date had no context.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from nba_features_tests.quality.contract_rows import contract_frame
from nba_features_tests.quality.test_table_checks import MLFS, PCF, D, context_row, evaluate, game_day_info, partition_rows

FIRST, LAST = D, D + dt.timedelta(days=2)


def test_each_date_of_a_range_is_bounded_by_its_own_context(warehouse):
    context = [context_row(p, FIRST) for p in ("alpha", "beta")]
    context += [context_row(p, LAST) for p in ("alpha", "beta", "gamma")] + [context_row("delta", LAST, "OUT")]
    warehouse.append(
        "nba_analytics.upcoming_player_game_context", contract_frame("nba_analytics.upcoming_player_game_context", context)
    )
    dates = [FIRST, LAST]
    for asset, last_bound in ((PCF, 4), (MLFS, 3)):  # PCF: every context player; MLFS: those not out/doubtful
        frame = pd.concat([partition_rows(asset, FIRST, ["alpha", "beta"]), partition_rows(asset, LAST, ["alpha", "beta"])])
        outcomes = evaluate(asset, "row_count_expected", frame, dates, warehouse, day_info=game_day_info(dates))
        assert [(o.game_date, o.passed, o.threshold) for o in outcomes] == [
            (FIRST, True, "[2, 2]"),
            (LAST, False, f"[{last_bound}, {last_bound}]"),
        ], asset
