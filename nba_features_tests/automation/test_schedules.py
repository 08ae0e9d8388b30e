"""The daily schedules evaluated at chosen times (America/New_York) against a seeded warehouse."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import dagster as dg

from nba_features.defs.resources import WarehouseResource
from nba_features.defs.schedules import final_box_scores_schedule, pregame_features_schedule

ET = ZoneInfo("America/New_York")


def evaluate(schedule, when: dt.datetime, league):
    context = dg.build_schedule_context(
        scheduled_execution_time=when, resources={"warehouse": WarehouseResource(duckdb_path=str(league.path))}
    )
    return schedule(context)


def test_pregame_schedule_targets_todays_partition_in_new_york(league):
    # 08:00 ET on Jan 16 is 13:00 UTC: the partition is the New York date
    request = evaluate(pregame_features_schedule, dt.datetime(2024, 1, 16, 8, 0, tzinfo=ET), league)
    assert isinstance(request, dg.RunRequest)
    assert request.partition_key == "2024-01-16"
    assert request.tags["nba_features/trigger"] == "pregame"
    assert request.tags["nba_features/games"] == "3"
    assert request.run_key == "pregame-2024-01-16"


def test_final_box_scores_schedule_reruns_yesterday(league):
    request = evaluate(final_box_scores_schedule, dt.datetime(2024, 1, 17, 7, 0, tzinfo=ET), league)
    assert request.partition_key == "2024-01-16"
    assert request.tags["nba_features/trigger"] == "postgame"


def test_no_game_day_is_skipped_with_a_reason(league):
    # Christmas Eve 2023 and the All-Star break have no games
    skip = evaluate(pregame_features_schedule, dt.datetime(2023, 12, 24, 8, 0, tzinfo=ET), league)
    assert isinstance(skip, dg.SkipReason)
    assert "no games scheduled on 2023-12-24" in skip.skip_message
    skip = evaluate(final_box_scores_schedule, dt.datetime(2024, 2, 19, 7, 0, tzinfo=ET), league)
    assert "no games scheduled on 2024-02-18" in skip.skip_message


def test_schedules_are_daily_in_new_york_and_run_by_default():
    for schedule in (pregame_features_schedule, final_box_scores_schedule):
        assert schedule.execution_timezone == "America/New_York"
        assert schedule.default_status == dg.DefaultScheduleStatus.RUNNING
        assert schedule.job_name == "phase4_job"
    assert (pregame_features_schedule.cron_schedule, final_box_scores_schedule.cron_schedule) == ("0 8 * * *", "0 7 * * *")
