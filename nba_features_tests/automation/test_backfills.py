"""Backfills on a real test instance: created like the CLI creates them, executed by the real backfill
and run-queue daemons (iterated in this process) through the project's workspace.yaml code location
(a gRPC code server and run workers in subprocesses), finishing with per-date check results."""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import dagster as dg
import pytest
from dagster._core.test_utils import create_test_daemon_workspace_context
from dagster._core.workspace.load_target import WorkspaceFileTarget
from dagster._daemon.backfill import execute_backfill_iteration
from dagster._daemon.run_coordinator.queued_run_coordinator_daemon import QueuedRunCoordinatorDaemon

from nba_features import cli
from nba_features.lib.backfills import BackfillError, backfill_status, launch_backfill, retry_failed_backfill
from nba_features_tests.automation.conftest import ROOT, instance_config, rows_on

DATES = [dt.date(2024, 1, 16), dt.date(2024, 1, 17), dt.date(2024, 1, 18)]
ASSETS = ["team_defense_zone_analysis", "player_shot_zone_analysis"]
TIMEOUT_SECONDS = 120


@contextmanager
def daemon_workspace(tmp_path, warehouse_path, monkeypatch) -> Iterator[tuple[dg.DagsterInstance, object]]:
    monkeypatch.setenv("NBA_FEATURES_WAREHOUSE", str(warehouse_path))  # inherited by the code server
    home = tmp_path / "dagster_home"
    home.mkdir()
    with dg.instance_for_test(overrides=instance_config(home), temp_dir=str(home)) as instance:
        target = WorkspaceFileTarget(paths=[str(ROOT / "workspace.yaml")])
        with create_test_daemon_workspace_context(target, instance) as workspace:
            yield instance, workspace


def run_daemons_until(instance, workspace, done: Callable[[], bool]) -> None:
    """Iterate the backfill and run-queue daemons until `done()` (runs execute in run workers)."""
    logger = logging.getLogger("test_backfills")
    with QueuedRunCoordinatorDaemon(interval_seconds=1) as queue:
        deadline = time.monotonic() + TIMEOUT_SECONDS
        while not done():
            assert time.monotonic() < deadline, "backfill did not finish in time"
            list(execute_backfill_iteration(workspace, logger))
            list(queue.run_iteration(workspace))
            time.sleep(0.5)


def backfill_finished(instance, asset_graph, backfill_id):
    return lambda: backfill_status(instance, asset_graph, backfill_id).finished


def check_results_per_date(instance, defs, asset: str) -> dict[str, dict[str, str]]:
    """check name → partition → status of its latest execution."""
    results = {}
    for spec in defs.resolve_assets_def(asset).check_specs:
        history = instance.event_log_storage.get_asset_check_execution_history(spec.key, limit=50)
        per_date: dict[str, str] = {}
        for record in history:  # newest first
            if record.partition is not None:
                per_date.setdefault(record.partition, record.status.value)
        results[spec.key.name] = per_date
    return results


@pytest.mark.slow
def test_backfill_completes_with_check_results_per_date_and_retry_failed_resumes_it(league, tmp_path, monkeypatch):
    """A season-style backfill of two assets over three game dates, as the CLI and the UI create it.

    A bad box score (Phase 3 error) fails player_shot_zone_analysis for the whole range (one range
    run); team_defense_zone_analysis materializes every date with its checks per date. After the
    upstream fix, "retry failed" targets exactly what did not materialize and completes.
    """
    from nba_features.definitions import defs

    asset_graph = defs.resolve_asset_graph()
    bad_day = dt.date(2024, 1, 10)
    box_scores = rows_on(league, "nba_analytics.player_game_summary", bad_day)
    broken = box_scores.copy()
    broken.loc[broken.index[0], "paint_makes"] = broken.loc[broken.index[0], "paint_attempts"] + 3
    league.replace_partitions("nba_analytics.player_game_summary", [bad_day], broken)
    dates = {d.isoformat() for d in DATES}

    with daemon_workspace(tmp_path, league.path, monkeypatch) as (instance, workspace):
        first = launch_backfill(instance, asset_graph, DATES[0], DATES[-1], ASSETS)
        assert instance.get_backfill(first).status.value == "REQUESTED"
        run_daemons_until(instance, workspace, backfill_finished(instance, asset_graph, first))

        report = backfill_status(instance, asset_graph, first)
        assert report.status == "COMPLETED_FAILED", report.render()
        assert {(a.asset, a.targeted, a.materialized, a.failed, a.in_progress) for a in report.assets} == {
            ("team_defense_zone_analysis", 3, 3, 0, 0),
            ("player_shot_zone_analysis", 3, 0, 3, 0),
        }
        runs = instance.get_runs(filters=dg.RunsFilter.for_backfill(first))
        assert len(runs) == 1, "single_run backfill policy: one range run for the whole backfill"
        assert (runs[0].tags["dagster/asset_partition_range_start"], runs[0].tags["dagster/asset_partition_range_end"]) == (
            DATES[0].isoformat(),
            DATES[-1].isoformat(),
        )
        for check, per_date in check_results_per_date(instance, defs, "team_defense_zone_analysis").items():
            assert set(per_date) == dates, check
            assert set(per_date.values()) <= {"SUCCEEDED", "FAILED"}, check
        for day in DATES:
            assert len(rows_on(league, "nba_precompute.team_defense_zone_analysis", day)) == 30

        league.replace_partitions("nba_analytics.player_game_summary", [bad_day], box_scores)  # the Phase 3 fix
        retry = retry_failed_backfill(instance, asset_graph, first)
        retried = instance.get_backfill(retry)
        assert retried.tags["dagster/parent_backfill_id"] == first
        assert {k.to_user_string() for k in retried.asset_selection} == {"player_shot_zone_analysis"}
        run_daemons_until(instance, workspace, backfill_finished(instance, asset_graph, retry))

        report = backfill_status(instance, asset_graph, retry)
        assert report.status == "COMPLETED_SUCCESS", report.render()
        assert [(a.asset, a.targeted, a.materialized) for a in report.assets] == [("player_shot_zone_analysis", 3, 3)]
        for check, per_date in check_results_per_date(instance, defs, "player_shot_zone_analysis").items():
            assert set(per_date) == dates, check
        assert all(len(rows_on(league, "nba_precompute.player_shot_zone_analysis", d)) > 0 for d in DATES)
        with pytest.raises(BackfillError, match="nothing left to retry"):
            retry_failed_backfill(instance, asset_graph, retry)


def test_backfill_cli_launches_on_the_instance_and_reports_status(tmp_path, monkeypatch, capsys):
    """`nba-features backfill` creates the backfill on the instance at DAGSTER_HOME and prints its id;
    `backfill status ID` reads it back (the daemon has not run: everything is still requested, so the
    status exits 1: not every partition is green). The warehouse is empty, so the launch needs `--force`
    past the input preflight."""
    from nba_features_tests.automation.conftest import write_instance_home

    home = write_instance_home(tmp_path / "home")
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    monkeypatch.chdir(tmp_path)
    launch = ["backfill", "--from", "2023-11-01", "--to", "2023-11-30", "--select", "team_defense_zone_analysis", "--force"]
    assert cli.main(launch) == 0
    backfill_id = capsys.readouterr().out.splitlines()[0].strip()
    with dg.DagsterInstance.from_config(str(home)) as instance:
        backfill = instance.get_backfill(backfill_id)
        assert backfill is not None and backfill.status.value == "REQUESTED"
        assert [k.to_user_string() for k in backfill.asset_selection] == ["team_defense_zone_analysis"]
    assert cli.main(["backfill", "status", backfill_id]) == 1  # not every partition is green yet
    out = capsys.readouterr().out
    assert f"backfill {backfill_id}: REQUESTED" in out and "not finished" in out
    assert "team_defense_zone_analysis" in out and " 30 " in out  # 30 targeted partitions

    assert cli.main(["backfill", "status", "nosuchid"]) == 2
    assert "no backfill 'nosuchid'" in capsys.readouterr().err
    assert cli.main(["backfill", "--from", "2023-11-30", "--to", "2023-11-01"]) == 2
    assert cli.main(["backfill", "--from", "2019-01-01", "--to", "2019-01-02"]) == 2
    assert cli.main(["backfill", "retry", backfill_id]) == 2  # still requested: nothing to retry yet
