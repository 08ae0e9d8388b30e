"""Point in time (decision 1), each layer on its own: outcome rows dated D or later never reach D.

Two layers keep them out, and each is tried here without the other:
(a) the transform's guard: fed outcome extracts that include rows dated >= D (the SQL bypassed), every
    Phase 4 table's output for D is exactly what the bounded extracts give;
(b) the extract SQL's filter (`game_date < @end_date`): run against a warehouse where the outcome rows
    dated >= D were changed and future rows added, every outcome extract of every table returns rows
    dated before D only, up to the last date before D.
Outcome tables: the box scores (PGS, TOGS, TDGS) and the graded predictions (prediction_accuracy).
The schedule is read for D itself, but whether D's games are final is an outcome too: (c) the morning
run and a rerun after the games give the same rows for D.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from nba_features.contracts import contract
from nba_features.demo.demo_league import generate_prediction_accuracy
from nba_features.phase4.spec import compute_partitions, extract_inputs
from nba_features.pipeline.registry import RUN_ORDER
from nba_features.warehouse import DuckDBWarehouse
from nba_features_tests.reliability.conftest import D1, D2, RUN

PGS = "nba_analytics.player_game_summary"
TOGS = "nba_analytics.team_offense_game_summary"
TDGS = "nba_analytics.team_defense_game_summary"
UPCG = "nba_analytics.upcoming_player_game_context"
ACCURACY = "nba_predictions.prediction_accuracy"
SCHEDULE = "nba_reference.nba_schedule"
# The outcome tables and what changes on their rows dated D or later (the box scores also move each player to
# the other team of his game, as after a trade).
OUTCOME_CHANGES = {PGS: "points = points + 30, team_abbr = opponent_team_abbr", TOGS: "points_scored = points_scored + 30",
                   TDGS: "points_allowed = points_allowed + 30", ACCURACY: "line_value = line_value + 5"}  # fmt: skip
FUTURE = dt.date(2030, 1, 5)  # a copy of D2's outcome rows is dated here
FAR_END = dt.date(2030, 12, 31)
RUN_CLOCK_COLUMNS = ["feature_generation_time_ms"]  # stamped by the run's own clock

# The feature store's box-score roster reads D's own box scores: the documented exception for past dates
# without pre-game context (docs/LEGACY.md#history-without-pre-game-context), tested in nba_features_tests/legacy/.
POINT_IN_TIME_EXCEPTIONS = {"box_score_roster"}
OUTCOME_EXTRACTS = [
    (table, extract)
    for table in RUN_ORDER
    for extract in table.extracts
    if extract.source_table in OUTCOME_CHANGES and extract.name not in POINT_IN_TIME_EXCEPTIONS
]


def with_graded_predictions(league: DuckDBWarehouse) -> DuckDBWarehouse:
    """The league with prediction_accuracy loaded (the demo generator's graded lines), so its extract has rows."""
    window = {"first": dt.date(2023, 10, 1), "last": D2}
    tables = {
        table: league.query(f"SELECT * FROM {table} WHERE game_date BETWEEN @first AND @last", window) for table in (UPCG, PGS)
    }
    league.append(ACCURACY, generate_prediction_accuracy(tables))
    return league


def change_outcomes_from(league: DuckDBWarehouse, day: dt.date) -> None:
    """Rewrite every outcome row dated `day` or later and add a future copy of D2's rows."""
    for table, change in OUTCOME_CHANGES.items():
        league.execute_native(f"UPDATE {table} SET {change} WHERE game_date >= ?", [day])
        league.execute_native(
            f"INSERT INTO {table} SELECT * REPLACE (DATE '{FUTURE}' AS game_date) FROM {table} WHERE game_date = ?", [D2]
        )
        assert league.execute_native(f"SELECT COUNT(*) AS n FROM {table} WHERE game_date >= ?", [day])["n"].iloc[0] > 0, table


def test_every_outcome_extract_is_listed():
    assert len(OUTCOME_EXTRACTS) == 8  # TDZA 1, PSZA 1, PCF 1, PDC 2, MLFS 3


@pytest.mark.parametrize("table", RUN_ORDER, ids=[t.asset_name for t in RUN_ORDER])
def test_a_transform_fed_outcome_rows_dated_d_or_later_gives_the_same_rows_for_d(league, table):
    """(a) The transform's guard alone: the outcome extracts are read up to 2030 (the SQL's upper bound
    bypassed), after the rows dated D or later were changed; the expected rows come from the same frames
    cut before D by the test itself, so the SQL's filter plays no part."""
    with_graded_predictions(league)
    change_outcomes_from(league, D1)
    inputs = extract_inputs(table, league, [D1])
    unbounded = extract_inputs(table, league, [D1, FAR_END])  # the same lower bounds, no upper one before 2030
    cut, fed = dict(inputs), dict(inputs)
    for extract in table.extracts:
        if extract.source_table in OUTCOME_CHANGES and extract.name not in POINT_IN_TIME_EXCEPTIONS:
            frame = unbounded[extract.name]
            later = frame["game_date"] >= pd.Timestamp(D1)
            assert later.any() and (frame["game_date"] == pd.Timestamp(FUTURE)).any(), extract.name  # rows the guard must drop
            assert (~later).any(), extract.name
            cut[extract.name] = frame[~later].reset_index(drop=True)
            fed[extract.name] = frame.sample(frac=1.0, random_state=7).reset_index(drop=True)  # and in no particular order

    expected = table.transform(cut, [D1], RUN)
    assert len(expected) > 0
    got = table.transform(fed, [D1], RUN)
    columns = [c for c in got.columns if c not in RUN_CLOCK_COLUMNS]
    pd.testing.assert_frame_equal(got[columns], expected[columns], check_exact=True, obj=table.asset_name)


@pytest.mark.parametrize(("table", "extract"), OUTCOME_EXTRACTS, ids=[f"{t.asset_name}.{e.name}" for t, e in OUTCOME_EXTRACTS])
def test_an_outcome_extract_reads_rows_dated_before_d_only(league, table, extract):
    """(b) The SQL's filter alone: rows dated D or later were changed and future rows added in the warehouse."""
    with_graded_predictions(league)
    change_outcomes_from(league, D1)
    frame = extract_inputs(table, league, [D1])[extract.name]
    dates = pd.to_datetime(frame["game_date"]).dt.date
    assert len(frame) > 0
    assert dates.max() < D1, f"{table.asset_name}.{extract.name} read rows dated {sorted(set(dates[dates >= D1]))}"
    # and the filter is `< D`, not tighter: the last date before D that the source has rows for is read
    source = extract.source_table
    last_before = league.execute_native(f"SELECT MAX(game_date) AS d FROM {source} WHERE game_date < ?", [D1])["d"].iloc[0]
    assert dates.max() == pd.Timestamp(last_before).date(), (contract(source).full_name, dates.max(), last_before)


@pytest.mark.parametrize("table", RUN_ORDER, ids=[t.asset_name for t in RUN_ORDER])
def test_the_schedule_saying_whether_games_dated_d_or_later_are_final_does_not_change_d(league, table):
    """The schedule is read for D itself, but its game_status of D's games (and later) is an outcome: the
    morning run (games scheduled) and a rerun after the games (final) give the same rows for D."""
    after_the_games = compute_partitions(table, league, [D1], RUN)
    league.execute_native(f"UPDATE {SCHEDULE} SET game_status = 1, game_status_text = 'Scheduled' WHERE game_date >= ?", [D1])
    morning = compute_partitions(table, league, [D1], RUN)
    assert len(morning) > 0
    columns = [c for c in morning.columns if c not in RUN_CLOCK_COLUMNS]
    pd.testing.assert_frame_equal(morning[columns], after_the_games[columns], check_exact=True, obj=table.asset_name)
