"""Which input dates count as changed between two sensor ticks (`reruns/fingerprints.py: changed_dates`), on
hand-made fingerprint states, and the sensor cursor across versions of the code.

The window moves: its start leaves dates behind and its end takes new ones in; neither is a change. A date in
both windows, its first and last included, is compared. A cursor stored by the deployed sensor must still
decode after an upgrade, or the next tick starts a new baseline; one of another format starts a baseline too.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import zlib

from nba_features.reruns.fingerprints import CURSOR_VERSION, FingerprintState, _digest, changed_dates

TABLE = "nba_analytics.player_game_summary"
JAN = {day: dt.date(2024, 1, day) for day in range(1, 32)}


def state(start: int, end: int, fingerprints: dict[int, str]) -> FingerprintState:
    return FingerprintState(JAN[start], JAN[end], {TABLE: {JAN[day]: f for day, f in fingerprints.items()}})


def changed(previous: FingerprintState, current: FingerprintState) -> list[int]:
    change = changed_dates(previous, current).get(TABLE)
    return [d.day for d in change.dates] if change else []


def test_a_change_on_the_first_or_the_last_date_of_both_windows_is_seen():
    previous = state(1, 20, {1: "a", 10: "b", 20: "c"})
    assert changed(previous, state(1, 20, {1: "A", 10: "b", 20: "c"})) == [1]
    assert changed(previous, state(1, 20, {1: "a", 10: "b", 20: "C"})) == [20]


def test_a_date_left_behind_by_the_window_start_is_not_a_deletion():
    previous = state(1, 20, {1: "a", 2: "b", 10: "c"})
    assert changed(previous, state(2, 21, {2: "b", 10: "c"})) == []


def test_a_window_that_shrinks_at_its_end_deletes_nothing():
    """e.g. fewer days ahead configured: the dates past the new end are simply no longer watched."""
    previous = state(1, 20, {10: "a", 18: "b", 20: "c"})
    assert changed(previous, state(1, 16, {10: "a"})) == []


def test_dates_entering_the_window_at_its_end_are_new_not_changed_unless_rows_came_with_them():
    previous = state(1, 20, {10: "a"})
    assert changed(previous, state(2, 22, {10: "a", 21: "new"})) == [21]
    assert changed(previous, state(2, 22, {10: "a"})) == []


def test_a_cursor_stored_by_this_version_still_decodes():
    """Written by the code as of CURSOR_VERSION 1 (with a 12-digit fingerprint of 12 rows); a format change
    that keeps the version would make every date of the window look changed on the first tick."""
    stored = (
        "eNo9jE0KwyAUBu/yrW3R2KTgVUqRp30tgpo25gcJ3r3tJjCbgWF2rDyVMGYYJbCF/Bg3mBs62V1OUv2AOERJ3AUKfxbOnmG0wEwucoHZkR1Z"
        "yhTrHHw5vyNVnuyLEtuypERT/UfHtoeB6v3gnqwH1le01r5+OCp0"
    )
    assert CURSOR_VERSION == 1
    assert FingerprintState.decode(stored) == FingerprintState(JAN[1], JAN[10], {TABLE: {JAN[5]: "15c6bfe36e37"}}, sequence=3)
    assert _digest(12, 987654321) == "15c6bfe36e37"


def cursor(payload: object) -> str:
    """A cursor in the sensor's encoding (compressed JSON in base64) holding `payload`."""
    return base64.b64encode(zlib.compress(json.dumps(payload).encode())).decode()


def test_a_cursor_of_another_format_starts_a_new_baseline():
    current = state(1, 10, {5: "a"})
    assert FingerprintState.decode(current.encode()) == current
    payload = json.loads(zlib.decompress(base64.b64decode(current.encode())))
    assert FingerprintState.decode(cursor(payload | {"version": CURSOR_VERSION + 1})) is None
    assert FingerprintState.decode(cursor([payload])) is None  # JSON, but not the cursor's object
    assert FingerprintState.decode("not a cursor") is None
