"""What the input-change sensor tells the UI and the run keys, on hand-made plans (no warehouse needed):
the observation of a table whose change spans more dates than are listed, a date whose rows were all
deleted, and the causes of a table read through windows of different lengths."""

from __future__ import annotations

import datetime as dt

from nba_features.defs.sensors.input_change import MAX_LISTED, InputChangePlan, _observations
from nba_features.phase4.inputs import PLAYER_GAMES_TABLE
from nba_features.reruns.fingerprints import FingerprintState, TableChange
from nba_features.reruns.lookbacks import RERUN_WINDOWS

FIRST = dt.date(2024, 1, 1)


def plan_with(change: TableChange) -> InputChangePlan:
    fingerprints = {day: change.fingerprints.get(day, "f") for day in change.dates}
    state = FingerprintState(FIRST - dt.timedelta(days=400), FIRST + dt.timedelta(days=60), {change.table: fingerprints}, 1)
    return InputChangePlan(state, {change.table: change}, {}, baseline=False)


def test_a_long_change_lists_the_first_dates_and_counts_the_rest():
    days = tuple(FIRST + dt.timedelta(days=i) for i in range(MAX_LISTED + 5))
    fingerprints = {day: "abc" for day in days} | {days[0]: ""}  # every row of the first date deleted
    (observation,) = _observations(plan_with(TableChange(PLAYER_GAMES_TABLE, days, fingerprints)))
    assert observation.metadata["changed_date_count"].value == MAX_LISTED + 5
    assert observation.metadata["changed_dates"].value.endswith(f"{days[MAX_LISTED - 1].isoformat()} … (+5)")
    listed = observation.metadata["changed_fingerprints"].value
    assert listed[days[0].isoformat()] == "no rows" and listed[days[1].isoformat()] == "abc"
    assert len(listed) == MAX_LISTED


def test_a_date_is_caused_by_a_change_when_any_reader_window_contains_it():
    windows = [w[PLAYER_GAMES_TABLE] for w in RERUN_WINDOWS.values() if PLAYER_GAMES_TABLE in w]
    offsets = sorted({w.last_offset for w in windows})
    assert len(offsets) > 1  # the box scores are read through windows of different lengths
    plan = plan_with(TableChange(PLAYER_GAMES_TABLE, (FIRST,), {FIRST: "abc"}))
    beyond_shortest = FIRST + dt.timedelta(days=offsets[0] + 1)  # inside the longer windows only
    assert plan.causes(beyond_shortest) == [(PLAYER_GAMES_TABLE, FIRST)]
    assert plan.causes(FIRST + dt.timedelta(days=offsets[-1] + 1)) == []
