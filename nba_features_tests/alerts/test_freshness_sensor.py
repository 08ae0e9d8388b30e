"""The freshness sensor ticked by the daemon's own sensor loop under a frozen clock, on a seeded demo season (a
real DuckDB file), a real Dagster instance and a local HTTP server standing in for Slack's Web API.

A game day's partition turns late at the pregame deadline (one CRITICAL event and one Slack post per asset),
stays folded while late, resolves with a note once materialized; a day without games is never late; an event
open for more than a day is reminded once."""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

import dagster as dg
import pandas as pd
from dagster._core.remote_origin import InProcessCodeLocationOrigin
from dagster._core.test_utils import InProcessTestWorkspaceLoadTarget, freeze_time
from dagster._core.types.loadable_target_origin import LoadableTargetOrigin
from dagster._core.workspace.context import WorkspaceProcessContext
from dagster._daemon.sensor import execute_sensor_iteration

from nba_features.alerts.freshness import EASTERN
from nba_features.pipeline.registry import PHASE4_TABLES
from nba_features.quality.events import EVENTS_TABLE
from nba_features_tests.automation.conftest import instance_config, materialize, phase4_definitions
from nba_features_tests.fake_slack import FakeSlack

LOCATION = Path(__file__).with_name("freshness_location.py")


def texts(slack: FakeSlack) -> list[str]:
    return [request["body"]["text"] for request in slack.requests]


def tick(instance, at: dt.datetime) -> None:
    """One iteration of the daemon's sensor loop at the frozen time `at`."""
    origin = InProcessCodeLocationOrigin(LoadableTargetOrigin(python_file=str(LOCATION), attribute="defs"))
    with freeze_time(at), WorkspaceProcessContext(instance, InProcessTestWorkspaceLoadTarget(origin)) as context:
        list(execute_sensor_iteration(context, logging.getLogger("test"), None, None))


def events(warehouse) -> pd.DataFrame:
    return warehouse.query(
        f"SELECT * FROM {EVENTS_TABLE} WHERE DATE(event_timestamp) >= @since ORDER BY event_timestamp, table_name",
        {"since": dt.date(2000, 1, 1)},
    )


def eastern(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=EASTERN)


def test_a_late_partition_posts_once_folds_resolves_and_is_reminded_when_overdue(league, tmp_path, slack, monkeypatch):
    monkeypatch.setenv("NBA_FEATURES_WAREHOUSE", str(league.path))
    schedule = league.query(
        "SELECT game_date, MIN(tipoff_time) AS first FROM nba_reference.nba_schedule "
        "WHERE game_date BETWEEN @a AND @b GROUP BY game_date ORDER BY game_date",
        {"a": dt.date(2023, 12, 1), "b": dt.date(2024, 1, 31)},
    )
    # a game day whose day before has games too, first tip-off after 11:00 ET (the deadline is then 10:00 ET)
    days = {pd.Timestamp(d).date(): pd.Timestamp(t) for d, t in zip(schedule["game_date"], schedule["first"])}
    day = next(d for d in sorted(days) if d - dt.timedelta(days=1) in days and days[d].tz_convert(EASTERN).hour >= 11)
    home = tmp_path / "home"
    home.mkdir()
    with dg.instance_for_test(overrides=instance_config(home)) as instance:
        tick(instance, eastern(day, 9, 55))  # before every deadline: nothing is late yet
        assert texts(slack) == [] and events(league).empty

        tick(instance, eastern(day, 10, 5))  # today's partition missed 10:00 ET
        opened = events(league)
        assert sorted(opened["table_name"]) == sorted(t.table for t in PHASE4_TABLES.values())
        assert set(opened["severity"]) == {"CRITICAL"} and set(opened["processor_name"]) == {"latest_partition_fresh"}
        assert set(pd.to_datetime(opened["game_date"]).dt.date) == {day}
        assert len(texts(slack)) == 5
        assert all(f"{day} late since {day} 10:00 ET" in t and "no run has targeted this partition" in t for t in texts(slack))

        tick(instance, eastern(day, 10, 10))  # still late: folded, nothing new
        assert len(events(league)) == 5 and len(texts(slack)) == 5

        definitions = phase4_definitions(league)
        assert materialize(definitions, instance, list(PHASE4_TABLES), day).success
        tick(instance, eastern(day, 10, 30))
        assert set(events(league)["resolution_status"]) == {"RESOLVED"}
        notes = texts(slack)[5:]
        assert len(notes) == 5 and all("resolved" in n and f"`latest_partition_fresh` {day}" in n for n in notes)

        # yesterday's rerun never came: late at 11:00 ET (the day before's partition was never materialized)
        tick(instance, eastern(day, 11, 5))
        late_yesterday = texts(slack)[10:]
        assert len(late_yesterday) == 5 and all(f"{day - dt.timedelta(days=1)} late since" in t for t in late_yesterday)
        # a day later those five events are overdue: one reminder, once
        posted = len(texts(slack))
        tick(instance, eastern(day + dt.timedelta(days=1), 11, 10))
        reminders = [t for t in texts(slack)[posted:] if "open for more than 24 h" in t]
        assert len(reminders) == 1 and reminders[0].count("`latest_partition_fresh`") == 5
        tick(instance, eastern(day + dt.timedelta(days=1), 11, 20))
        assert sum("open for more than 24 h" in t for t in texts(slack)) == 1


def test_a_day_without_games_is_never_late(league, tmp_path, slack, monkeypatch):
    monkeypatch.setenv("NBA_FEATURES_WAREHOUSE", str(league.path))
    summer = dt.date(2024, 8, 15)  # between two seasons of the demo league
    assert (
        league.query(
            "SELECT COUNT(*) AS n FROM nba_reference.nba_schedule WHERE game_date BETWEEN @a AND @b",
            {"a": summer - dt.timedelta(days=1), "b": summer},
        )["n"].iloc[0]
        == 0
    )
    home = tmp_path / "home"
    home.mkdir()
    with dg.instance_for_test(overrides=instance_config(home)) as instance:
        tick(instance, eastern(summer, 23, 0))
        assert texts(slack) == [] and events(league).empty
        ticks = instance.get_ticks(
            next(
                s for s in instance.all_instigator_state() if s.instigator_name == "phase4_freshness_sensor"
            ).instigator_origin_id,
            next(s for s in instance.all_instigator_state() if s.instigator_name == "phase4_freshness_sensor").selector_id,
        )
        assert "every due partition is fresh" in (ticks[0].skip_reason or "")
