"""Expected TDZA rows at the edge (docs/RULES.md#per-table-checks): exactly the teams with at least 5 final games
this season before D, the season's first day included. Found by tools/mutation.py (docs/MUTATION.md): the
example league's teams were far above 5 games.
"""

from __future__ import annotations

import datetime as dt

from nba_features_tests.quality.contract_rows import contract_frame
from nba_features_tests.quality.test_table_checks import TDZA, evaluate, partition_rows, schedule_row

START = dt.date(2025, 10, 21)
D = START + dt.timedelta(days=30)


def test_a_team_with_exactly_5_games_from_the_first_day_is_expected(warehouse):
    # AAA: 5 final games, the first on the season's first day; its opponents 1 each; D has a scheduled game
    games = [schedule_row(START + dt.timedelta(days=2 * i), "AAA", opponent) for i, opponent in enumerate("BCDEF")]
    games = [g | {"away_team_tricode": g["away_team_tricode"] * 3} for g in games]
    games.append(schedule_row(D, "GGG", "HHH", status=1))
    warehouse.append("nba_reference.nba_schedule", contract_frame("nba_reference.nba_schedule", games))
    (outcome,) = evaluate(TDZA, "row_count_expected", partition_rows(TDZA, D, ["AAA"]), [D], warehouse)
    assert outcome.passed and outcome.threshold == "[1, 1]", outcome.description
