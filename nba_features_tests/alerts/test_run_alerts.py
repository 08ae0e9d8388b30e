"""Failed and canceled Phase 4 runs reach Slack (a local HTTP server) with the run, its assets, its dates and the
root cause; the failed-run post goes out once, with the RUN_FAILED event, however often the tick is replayed."""

from __future__ import annotations

import datetime as dt

import dagster as dg

from nba_features.defs.resources import WarehouseResource
from nba_features.defs.sensors.run_failure import run_canceled_alert_sensor, run_failure_event_sensor
from nba_features_tests.automation.conftest import materialize, phase4_definitions, table_missing

DAY = dt.date(2024, 1, 16)


def test_a_failed_run_is_posted_once_with_its_root_cause(league, slack):
    definitions = phase4_definitions(league)
    repository = dg.Definitions.merge(definitions, dg.Definitions(sensors=[run_failure_event_sensor])).get_repository_def()
    resources = {"warehouse": WarehouseResource(duckdb_path=str(league.path))}
    with dg.instance_for_test() as instance:

        def tick(cursor):
            context = dg.build_sensor_context(instance=instance, repository_def=repository, cursor=cursor, resources=resources)
            return run_failure_event_sensor.evaluate_tick(context)

        start = tick(None)
        with table_missing(league, "nba_precompute.team_defense_zone_analysis"):
            failed = materialize(definitions, instance, ["team_defense_zone_analysis"], DAY)
        assert not failed.success
        tick(start.cursor)
        tick(start.cursor)  # replayed: the event exists, nothing is posted again
    texts = [r["body"]["text"] for r in slack.requests]
    assert any(t.startswith("*1 data-quality check(s) failed") for t in texts)  # the refused write's check event
    (post,) = [t for t in texts if t.startswith("*Phase 4 run")]
    assert post.startswith(f"*Phase 4 run failed*: `{failed.run_id}`")
    assert "• assets: team_defense_zone_analysis" in post and f"• dates: {DAY}" in post
    assert "schema drift (write refused)" in post and "nba_precompute.team_defense_zone_analysis" in post


def test_a_canceled_run_is_posted(slack):
    @dg.asset(name="player_daily_cache")
    def stand_in() -> None: ...

    with dg.instance_for_test() as instance:
        job = dg.Definitions(assets=[stand_in]).resolve_implicit_global_asset_job_def()
        run = instance.create_run_for_job(
            job, asset_selection=frozenset({dg.AssetKey("player_daily_cache")}), tags={"dagster/partition": DAY.isoformat()}
        )
        instance.report_run_canceling(run)
        instance.report_run_canceled(run, message="canceled by an operator from the UI")
        run = instance.get_run_by_id(run.run_id)
        (record,) = instance.get_records_for_run(run.run_id, of_type=dg.DagsterEventType.RUN_CANCELED).records
        context = dg.build_run_status_sensor_context(
            sensor_name="phase4_run_canceled_sensor", dagster_instance=instance, dagster_run=run,
            dagster_event=record.event_log_entry.dagster_event,
        )  # fmt: skip
        run_canceled_alert_sensor(context)
    (post,) = [r["body"]["text"] for r in slack.requests]
    assert post.startswith(f"*Phase 4 run canceled*: `{run.run_id}`")
    assert "• assets: player_daily_cache" in post and f"• dates: {DAY}" in post
    assert "run status CANCELED" in post and "canceled by an operator from the UI" in post
