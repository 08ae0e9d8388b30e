"""The input-change sensor on a real seeded warehouse, evaluated tick by tick at a chosen time."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import dagster as dg
import pandas as pd
import pytest
from dagster._core.test_utils import freeze_time

from nba_features.defs.resources import WarehouseResource
from nba_features.defs.sensors.input_change import input_change_sensor
from nba_features.reruns.fingerprints import FingerprintState
from nba_features_tests.automation.conftest import rows_on

# All-Star break 2024: no games on Feb 16-21, so "today" (Feb 17) has no games either.
NOW = dt.datetime(2024, 2, 17, 12, 0, tzinfo=ZoneInfo("America/New_York"))
TDZA, PSZA, PCF, PDC, FS = (
    "team_defense_zone_analysis",
    "player_shot_zone_analysis",
    "player_composite_factors",
    "player_daily_cache",
    "ml_feature_store_v2",
)


@pytest.fixture
def tick(league):
    instance = dg.DagsterInstance.ephemeral()
    resources = {"warehouse": WarehouseResource(duckdb_path=str(league.path))}

    def evaluate(cursor: str | None) -> dg.SensorResult:
        with freeze_time(NOW):
            return input_change_sensor(dg.build_sensor_context(instance=instance, cursor=cursor, resources=resources))

    return evaluate


def requests_of(result: dg.SensorResult) -> dict[str, list[str]]:
    return {r.partition_key: [k.to_user_string() for k in r.asset_selection] for r in result.run_requests or []}


def observed_tables(result: dg.SensorResult) -> set[str]:
    return {".".join(e.asset_key.path) for e in result.asset_events}


def correct_stat(league, table: str, day: dt.date, column: str, delta: float) -> None:
    frame = rows_on(league, table, day)
    frame.loc[frame.index[0], column] = frame.loc[frame.index[0], column] + delta
    league.replace_partitions(table, [day], frame)


def test_three_dates_changed_between_ticks_rerun_exactly_the_partitions_that_read_them(league, tick):
    baseline = tick(None)
    assert not baseline.run_requests
    assert "baseline" in baseline.skip_reason.skip_message
    assert len(observed_tables(baseline)) == 10  # every input table, prediction_accuracy included (empty)
    assert all(e.metadata["baseline"].value is True for e in baseline.asset_events)  # said so in the UI's observations

    # 1. a late stat correction of a team box score on Feb 14 (outcome rows: read for D > X)
    correct_stat(league, "nba_analytics.team_defense_game_summary", dt.date(2024, 2, 14), "points_allowed", 2)
    # 2. rows deleted from the pre-game player context of Feb 12 (read for D = X only)
    context = rows_on(league, "nba_analytics.upcoming_player_game_context", dt.date(2024, 2, 12))
    league.replace_partitions("nba_analytics.upcoming_player_game_context", [dt.date(2024, 2, 12)], context.iloc[3:])
    # 3. a new row in the injury report of Feb 10
    report = rows_on(league, "nba_raw.nbac_injury_report", dt.date(2024, 2, 10))
    extra = report.iloc[[0]].assign(player_lookup="latescratch", player_name="Late Scratch", injury_status="out")
    league.replace_partitions("nba_raw.nbac_injury_report", [dt.date(2024, 2, 10)], pd.concat([report, extra]))

    changed = tick(baseline.cursor)
    assert requests_of(changed) == {
        "2024-02-10": [FS],
        "2024-02-12": [PCF, PDC, FS],
        # Feb 15-21 read Feb 14's box scores; only Feb 15 has games among the partitions that exist
        "2024-02-15": [TDZA, PCF, FS],
    }
    assert observed_tables(changed) == {
        "nba_analytics.team_defense_game_summary",
        "nba_analytics.upcoming_player_game_context",
        "nba_raw.nbac_injury_report",
    }
    observation = next(e for e in changed.asset_events if e.asset_key.path[-1] == "upcoming_player_game_context")
    assert observation.metadata["changed_dates"].value == "2024-02-12"
    assert all(r.tags["nba_features/trigger"] == "input_change" for r in changed.run_requests)
    assert next(r for r in changed.run_requests if r.partition_key == "2024-02-15").tags["nba_features/changed_inputs"] == (
        "team_defense_game_summary@2024-02-14"
    )

    replay = tick(baseline.cursor)  # the same tick evaluated again (e.g. after a daemon crash)
    assert [r.run_key for r in replay.run_requests] == [r.run_key for r in changed.run_requests]

    quiet = tick(changed.cursor)
    assert not quiet.run_requests and quiet.skip_reason.skip_message == "no input table changed"

    # A box score of Feb 15 is read by the outcome windows from Feb 16 on (no games until Feb 22, and
    # Feb 22 is not a partition yet) and by the feature store of Feb 15 itself, whose history-roster
    # fallback reads the day's own box scores (docs/RULES.md#feature-store-player-set): that one rerun.
    correct_stat(league, "nba_analytics.player_game_summary", dt.date(2024, 2, 15), "points", 1)
    box_score = tick(changed.cursor)
    assert requests_of(box_score) == {"2024-02-15": [FS]}
    assert box_score.run_requests[0].tags["nba_features/changed_inputs"] == "player_game_summary@2024-02-15"

    # Changes nothing existing reads: a pre-game context of Feb 22, and a Phase 3 reprocess of Feb 13
    # that rewrites identical values with a new processed_at (not a change).
    context = rows_on(league, "nba_analytics.upcoming_player_game_context", dt.date(2024, 2, 22))
    league.replace_partitions("nba_analytics.upcoming_player_game_context", [dt.date(2024, 2, 22)], context.iloc[1:])
    offense = rows_on(league, "nba_analytics.team_offense_game_summary", dt.date(2024, 2, 13))
    league.replace_partitions(
        "nba_analytics.team_offense_game_summary", [dt.date(2024, 2, 13)], offense.assign(processed_at=pd.Timestamp.now(tz="UTC"))
    )
    unread = tick(box_score.cursor)
    assert not unread.run_requests
    assert "no existing game-date partition reads them" in unread.skip_reason.skip_message
    assert observed_tables(unread) == {"nba_analytics.upcoming_player_game_context"}


def test_a_table_changing_back_and_forth_gets_new_run_keys(league, tick):
    day = dt.date(2024, 2, 12)
    cursor = tick(None).cursor
    keys = []
    for delta in (1, -1, 1):  # A → B → A → B
        correct_stat(league, "nba_analytics.upcoming_team_game_context", day, "game_total", delta)
        result = tick(cursor)
        assert requests_of(result) == {"2024-02-12": [PCF, FS]}
        keys.append(result.run_requests[0].run_key)
        cursor = result.cursor
    assert len(set(keys)) == 3


def test_cursor_is_compact_and_survives_a_round_trip(league, tick):
    cursor = tick(None).cursor
    state = FingerprintState.decode(cursor)
    assert state is not None and FingerprintState.decode(state.encode()) == state
    assert (state.window_start, state.window_end) == (dt.date(2023, 1, 13), dt.date(2024, 2, 24))
    box_score_dates = league.query(
        "SELECT COUNT(DISTINCT game_date) AS n FROM nba_analytics.player_game_summary WHERE game_date BETWEEN @a AND @b",
        {"a": state.window_start, "b": state.window_end},
    )["n"].iloc[0]
    assert len(state.tables["nba_analytics.player_game_summary"]) == box_score_dates > 80
    assert len(cursor) < 20_000
    assert FingerprintState.decode("not a cursor") is None  # an unreadable cursor starts a new baseline
