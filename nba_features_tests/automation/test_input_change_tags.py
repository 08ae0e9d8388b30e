"""The input-change sensor's run requests carry their causes: every request's trigger and changed_inputs tags.

One tick sees six input tables changed on seven dates (two dates of one table). Each partition's
`nba_features/changed_inputs` tag must list exactly the (table, date) changes whose rerun windows
(README, "Rerun windows") contain that partition: worked out here by hand from the README's table,
not from the sensor's own planning.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import dagster as dg
import pandas as pd
import pytest
from dagster._core.test_utils import freeze_time

from nba_features.defs.resources import WarehouseResource
from nba_features.defs.sensors.input_change import input_change_sensor
from nba_features_tests.automation.conftest import rows_on

# Today is Feb 17, 2024 (All-Star break: no games Feb 16-21); every date from Feb 5 to Feb 15 has games.
NOW = dt.datetime(2024, 2, 17, 12, 0, tzinfo=ZoneInfo("America/New_York"))
FEB = {day: dt.date(2024, 2, day) for day in range(1, 30)}
PSZA, PCF, PDC, FS = "player_shot_zone_analysis", "player_composite_factors", "player_daily_cache", "ml_feature_store_v2"

PGS = "nba_analytics.player_game_summary"
TOGS = "nba_analytics.team_offense_game_summary"
UPCG = "nba_analytics.upcoming_player_game_context"
UTGC = "nba_analytics.upcoming_team_game_context"
INJURIES = "nba_raw.nbac_injury_report"
ODDS = "nba_raw.odds_api_player_points_props"


@pytest.fixture
def tick(league):
    instance = dg.DagsterInstance.ephemeral()
    resources = {"warehouse": WarehouseResource(duckdb_path=str(league.path))}

    def evaluate(cursor: str | None) -> dg.SensorResult:
        with freeze_time(NOW):
            return input_change_sensor(dg.build_sensor_context(instance=instance, cursor=cursor, resources=resources))

    return evaluate


def change_first_row(league, table: str, day: dt.date, column: str, delta: float) -> None:
    frame = rows_on(league, table, day)
    frame.loc[frame.index[0], column] = frame.loc[frame.index[0], column] + delta
    league.replace_partitions(table, [day], frame)


def test_every_run_request_names_all_its_causes_and_its_trigger(league, tick):
    baseline = tick(None)
    assert not baseline.run_requests

    change_first_row(league, PGS, FEB[8], "points", 2)  # outcome rows: read for D in [X+1, ...] (feature store: [X, ...])
    change_first_row(league, PGS, FEB[12], "points", -1)  # a second date of the same table
    change_first_row(league, TOGS, FEB[13], "pace", 1.5)  # PDC and the feature store, D in [X+1, ...]
    change_first_row(league, UPCG, FEB[14], "game_total", 0.5)  # pre-game rows: D = X (PCF, PDC, feature store)
    change_first_row(league, UTGC, FEB[9], "game_total", 1.0)  # D = X (PCF)
    change_first_row(league, ODDS, FEB[5], "points_line", 1.0)  # D in [X, X+14] (feature store)
    report = rows_on(league, INJURIES, FEB[13])  # D = X (feature store)
    extra = report.iloc[[0]].assign(player_lookup="latescratch", player_name="Late Scratch", injury_status="out")
    league.replace_partitions(INJURIES, [FEB[13]], pd.concat([report, extra]))

    result = tick(baseline.cursor)

    odds, box_feb8, box_feb12 = (
        f"odds_api_player_points_props@{FEB[5]}",
        f"player_game_summary@{FEB[8]}",
        f"player_game_summary@{FEB[12]}",
    )
    expected = {
        FEB[5]: ([FS], [odds]),
        FEB[6]: ([FS], [odds]),
        FEB[7]: ([FS], [odds]),
        FEB[8]: ([FS], [odds, box_feb8]),  # the feature store's history-roster fallback reads the day's box scores
        FEB[9]: ([PSZA, PCF, PDC, FS], [odds, box_feb8, f"upcoming_team_game_context@{FEB[9]}"]),
        FEB[10]: ([PSZA, PCF, PDC, FS], [odds, box_feb8]),
        FEB[11]: ([PSZA, PCF, PDC, FS], [odds, box_feb8]),
        FEB[12]: ([PSZA, PCF, PDC, FS], [odds, box_feb8, box_feb12]),
        FEB[13]: ([PSZA, PCF, PDC, FS], [odds, box_feb8, box_feb12, f"nbac_injury_report@{FEB[13]}"]),
        FEB[14]: ([PSZA, PCF, PDC, FS], [odds, box_feb8, box_feb12, f"team_offense_game_summary@{FEB[13]}",
                                         f"upcoming_player_game_context@{FEB[14]}"]),
        FEB[15]: ([PSZA, PCF, PDC, FS], [odds, box_feb8, box_feb12, f"team_offense_game_summary@{FEB[13]}"]),
    }  # fmt: skip
    requests = {dt.date.fromisoformat(r.partition_key): r for r in result.run_requests}
    assert sorted(requests) == sorted(expected)
    for day, (assets, causes) in expected.items():
        request = requests[day]
        assert [k.to_user_string() for k in request.asset_selection] == assets, day
        assert request.tags["nba_features/trigger"] == "input_change", day
        assert sorted(request.tags["nba_features/changed_inputs"].split(", ")) == sorted(causes), day
