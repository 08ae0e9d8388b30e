"""The run-failure sensor, evaluated the way the daemon evaluates it, writes one RUN_FAILED row per
real failed run (single-partition and range runs), and a replayed tick writes nothing twice."""

from __future__ import annotations

import datetime as dt
import json

import dagster as dg
import pandas as pd

from nba_features.defs.resources import WarehouseResource
from nba_features.defs.sensors.run_failure import run_failure_event_sensor
from nba_features_tests.automation.conftest import materialize, phase4_definitions, table_missing

DAY = dt.date(2024, 1, 16)
EVENTS_SQL = """
SELECT event_type, severity, table_name, game_date, processor_name, session_id, description, details_json,
       threshold_breached, duration_seconds
FROM nba_orchestration.data_quality_events
WHERE DATE(event_timestamp) BETWEEN @start AND @end AND event_type = 'RUN_FAILED'
ORDER BY event_timestamp
"""


def failed_run_events(warehouse) -> pd.DataFrame:
    today = dt.datetime.now(dt.UTC).date()
    return warehouse.query(EVENTS_SQL, {"start": today - dt.timedelta(days=1), "end": today + dt.timedelta(days=1)})


def test_failed_runs_become_run_failed_events(league):
    definitions = phase4_definitions(league)
    repository = dg.Definitions.merge(definitions, dg.Definitions(sensors=[run_failure_event_sensor])).get_repository_def()
    resources = {"warehouse": WarehouseResource(duckdb_path=str(league.path))}
    with dg.instance_for_test() as instance:

        def tick(cursor):
            context = dg.build_sensor_context(instance=instance, repository_def=repository, cursor=cursor, resources=resources)
            return run_failure_event_sensor.evaluate_tick(context)

        start = tick(None)  # the first tick only places the cursor
        with table_missing(league, "nba_precompute.team_defense_zone_analysis"):
            single = materialize(definitions, instance, ["team_defense_zone_analysis"], DAY)
            ranged = materialize(definitions, instance, ["team_defense_zone_analysis"], DAY, DAY + dt.timedelta(days=2))
        assert not single.success and not ranged.success
        assert materialize(definitions, instance, ["team_defense_zone_analysis"], DAY).success  # not an event

        sensed = tick(start.cursor)
        tick(start.cursor)  # replayed tick
        assert not tick(sensed.cursor).run_requests

    events = failed_run_events(league)
    assert list(events["session_id"]) == [single.run_id, ranged.run_id]
    assert set(events["event_type"]) == {"RUN_FAILED"} and set(events["severity"]) == {"CRITICAL"}
    assert set(events["processor_name"]) == {"team_defense_zone_analysis"}
    assert set(events["table_name"]) == {"nba_precompute.team_defense_zone_analysis"}
    assert events["game_date"].iloc[0] == pd.Timestamp(DAY)
    assert pd.isna(events["game_date"].iloc[1])  # a range run names its range in the details instead
    assert json.loads(events["details_json"].iloc[1])["partition_range"] == ["2024-01-16", "2024-01-18"]
    assert "refusing to write" in events["description"].iloc[0]
    assert (events["duration_seconds"] >= 0).all()
