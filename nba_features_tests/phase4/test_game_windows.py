"""The set-based windows of the precompute tables (phase4/game_windows.py) on hand-made games, against their
documented contracts: DatedEvents counts a key's events in [start, end) and finds its last n in [floor, end)
(NaT where there is none); GameSequences sums, counts and averages the known values of positions [first, stop)
(0 / NaN when the span is empty or holds no known value) and reads one game's value where present (else
None / NaT); latest_team takes a player's team from his latest row in [date - max_days, date), strictly before
the date (docs/RULES.md#point-in-time). Found by tools/mutation.py (docs/MUTATION.md).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from nba_features.phase4.game_windows import DatedEvents, GameSequences, latest_team

DAY = pd.Timestamp("2024-01-01")


def day(n: int) -> pd.Timestamp:
    return DAY + pd.Timedelta(days=n)


def series(*values) -> pd.Series:
    return pd.Series(list(values))


# --- DatedEvents -------------------------------------------------------------------------------------

EVENTS = DatedEvents(series("a", "a", "a", "a", "b", "a"), series(day(1), day(3), day(5), day(7), day(2), day(3)))


def last_before(key: str, end: int, floor: int, n: int) -> tuple[int, pd.Timestamp]:
    found, oldest = EVENTS.last_before(series(key), series(day(end)), series(day(floor)), n)
    return int(found[0]), pd.Timestamp(oldest[0])


def test_last_n_events_before_the_end_and_from_the_floor():
    assert last_before("a", end=6, floor=0, n=2) == (2, day(3))  # days 3 and 5 (day 3 twice is one event)
    assert last_before("a", end=6, floor=0, n=10) == (3, day(1))  # fewer than n: all of them
    assert last_before("a", end=7, floor=4, n=10) == (1, day(5))  # one event: its own date
    assert last_before("b", end=3, floor=0, n=1) == (1, day(2))


def test_no_event_before_the_end_is_zero_and_nat():
    for key, end, floor in [("a", 1, 0), ("a", 5, 4), ("b", 2, 0), ("no events", 9, 0)]:
        found, oldest = last_before(key, end, floor, 5)
        assert found == 0 and pd.isna(oldest), (key, end, floor)


def test_counts_are_events_in_start_inclusive_end_exclusive():
    counts = EVENTS.count(
        series("a", "a", "b", "no events"), series(day(1), day(2), day(2), day(0)), series(day(5), day(8), day(2), day(9))
    )
    assert counts.tolist() == [2, 3, 0, 0]


# --- GameSequences -----------------------------------------------------------------------------------

# two sequences, sorted by (key, season, date): a = positions 0-3 (day 3's value unknown), b = position 4
GAMES = pd.DataFrame(
    {
        "team": ["b", "a", "a", "a", "a"],
        "season_year": [2023] * 5,
        "game_date": [day(2), day(4), day(1), day(3), day(2)],
        "points": [5.0, 40.0, 10.0, None, 20.0],
    }
)
SEQUENCES = GameSequences(GAMES, "team", ["points"])


def spans(*pairs: tuple[int, int]) -> tuple[np.ndarray, np.ndarray]:
    return np.array([p[0] for p in pairs]), np.array([p[1] for p in pairs])


def test_sums_counts_and_means_of_known_values_over_a_span():
    # the whole of a, its first game, the last game of all (b's only one), a's unknown value alone
    first, stop = spans((0, 4), (0, 1), (4, 5), (2, 3))
    assert SEQUENCES.total("points", first, stop).tolist() == [70.0, 10.0, 5.0, 0.0]
    assert SEQUENCES.known("points", first, stop).tolist() == [3, 1, 1, 0]
    means = SEQUENCES.mean("points", first, stop)
    assert means[:3].tolist() == [70.0 / 3, 10.0, 5.0]
    assert math.isnan(means[3])  # no known value: no mean


def test_an_empty_span_is_zero_with_no_mean_wherever_it_lies():
    # before a's first game, before b's first game (a new sequence), past the last game
    first, stop = spans((0, 0), (4, 4), (5, 5))
    assert SEQUENCES.total("points", first, stop).tolist() == [0.0, 0.0, 0.0]
    assert SEQUENCES.known("points", first, stop).tolist() == [0, 0, 0]
    assert np.isnan(SEQUENCES.mean("points", first, stop)).all()


def test_locate_gives_the_sequence_start_and_the_first_game_on_or_after_the_date():
    start, stop = SEQUENCES.locate(
        series("a", "a", "b", "b", "c"), series(2023, 2023, 2023, 2024, 2023), series(day(3), day(9), day(2), day(9), day(9))
    )
    assert start.tolist()[:3] == [0, 0, 4] and stop.tolist()[:3] == [2, 4, 4]
    assert (start[3:] == stop[3:]).all()  # no such sequence: nothing before


def test_value_at_a_position_where_present_else_none_or_nat():
    positions, present = np.array([0, 3, 4, -1, 5]), np.array([True, True, True, False, False])
    assert SEQUENCES.value_at("team", positions, present).tolist() == ["a", "a", "b", None, None]
    dates = SEQUENCES.value_at("game_date", positions, present)
    assert list(pd.to_datetime(dates[:3])) == [day(1), day(4), day(2)]
    assert pd.isna(dates[3:]).all()


def test_a_single_game_and_no_games_at_all():
    one = GameSequences(GAMES.iloc[[0]], "team", ["points"])
    assert one.total("points", *spans((0, 1), (0, 0))).tolist() == [5.0, 0.0]
    assert one.value_at("game_date", np.array([0, -1]), np.array([True, False]))[0] == np.datetime64(day(2))
    none = GameSequences(GAMES.iloc[:0], "team", ["points"])
    assert none.total("points", *spans((0, 0))).tolist() == [0.0]
    assert none.value_at("team", np.array([-1]), np.array([False])).tolist() == [None]


# --- latest_team -------------------------------------------------------------------------------------


def test_latest_team_is_from_rows_strictly_before_the_date_within_max_days():
    player_games = pd.DataFrame(
        {"player_lookup": ["p", "p"], "game_date": [day(1), day(5)], "team_abbr": ["OLD", "NEW"]}  # traded: NEW from day 5
    )
    players = pd.DataFrame({"player_lookup": ["p"] * 5, "date": [day(5), day(6), day(1), day(4), day(15)]})
    teams = latest_team(players, "date", player_games, max_days=3)
    # day 5 itself is not before day 5; day 1 is 4 days before it (outside max_days 3)
    assert pd.isna(teams.iloc[0]) and teams.iloc[1] == "NEW" and pd.isna(teams.iloc[2])
    assert teams.iloc[3] == "OLD"  # day 1 is exactly 3 days before day 4
    assert pd.isna(teams.iloc[4])
    assert latest_team(players.iloc[[0]], "date", player_games, max_days=10).tolist() == ["OLD"]
