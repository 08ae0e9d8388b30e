"""`nba-features backfill`: --dry-run, --dates and the input preflight (refused without --force), on a real
demo warehouse and a real instance (backfills requested, never executed here: no daemon runs)."""

from __future__ import annotations

import dagster as dg
from dagster._core.execution.backfill import BulkActionStatus

from nba_features.pipeline.registry import PHASE4_ASSET_NAMES
from nba_features_tests.cli.conftest import GREEN, LATER, RED

MISSING = "2024-01-19"  # its injury report is deleted in the tests that need a date without inputs


def backfills() -> list:
    with dg.DagsterInstance.get() as instance:
        return instance.get_backfills()


def targeted(backfill) -> dict[str, list[str]]:
    """asset → partition keys the backfill targets."""
    from nba_features.definitions import defs

    subset = backfill.get_asset_backfill_data(defs.resolve_asset_graph()).target_subset
    return {key.to_user_string(): sorted(subset.get_partitions_subset(key).get_partition_keys()) for key in subset.asset_keys}


def test_dry_run_lists_partitions_and_assets_and_requests_nothing(cli):
    code, out, _ = cli("backfill", "--dates", f"{LATER},{GREEN},{RED}", "--dry-run")
    assert code == 0, out
    assert out.splitlines()[0] == f"dry run: a backfill of 3 partition(s): {GREEN} .. {LATER}"
    assert f"  assets, in run order: {', '.join(PHASE4_ASSET_NAMES)}" in out
    assert "  15 asset partitions; nothing requested" in out
    assert "preflight: 3 of 3 date(s) have every Phase 3 input" in out
    assert backfills() == []


def test_dry_run_names_each_date_without_its_inputs(cli, materialized):
    materialized.execute("DELETE FROM nba_raw.nbac_injury_report WHERE report_date = @d", {"d": MISSING})
    materialized.execute("DELETE FROM nba_analytics.upcoming_player_game_context WHERE game_date = @d", {"d": MISSING})
    code, out, _ = cli("backfill", "--from", str(LATER), "--to", MISSING, "--select", "ml_feature_store_v2", "--dry-run")
    assert code == 1
    assert "preflight: 1 of 2 date(s) have every Phase 3 input" in out
    (line,) = [line for line in out.splitlines() if line.startswith(f"  {MISSING}: inputs missing or incomplete: ")]
    assert "nba_analytics.upcoming_player_game_context: no rows for 14 team(s) playing on 2024-01-19" in line
    assert line.endswith(f"; nba_raw.nbac_injury_report: no rows for {MISSING}, which has 7 scheduled game(s)")
    assert backfills() == []


def test_a_backfill_is_refused_on_dates_without_inputs_unless_forced(cli, materialized):
    materialized.execute("DELETE FROM nba_raw.nbac_injury_report WHERE report_date = @d", {"d": MISSING})
    code, out, _ = cli("backfill", "--dates", f"{GREEN},{MISSING}")
    assert code == 1
    assert out.splitlines()[0] == "refused: 1 of 2 date(s) lack Phase 3 inputs:"
    assert (
        f"  {MISSING}: inputs missing or incomplete: nba_raw.nbac_injury_report: no rows for {MISSING}, which has 7 scheduled game(s)"
        in out
    )
    assert backfills() == []

    code, out, _ = cli("backfill", "--dates", f"{GREEN},{MISSING}", "--select", "team_defense_zone_analysis", "--force")
    assert code == 0, out
    (backfill,) = backfills()
    assert out.splitlines()[0] == backfill.backfill_id
    assert "forced: 1 date(s) lack Phase 3 inputs and are computed without them" in out
    assert targeted(backfill) == {"team_defense_zone_analysis": [str(GREEN), MISSING]}


def test_dates_target_exactly_the_listed_partitions(cli):
    code, out, _ = cli(
        "backfill", "--dates", f"{LATER},{GREEN}", "--select", "player_shot_zone_analysis,team_defense_zone_analysis"
    )
    assert code == 0, out
    (backfill,) = backfills()
    assert targeted(backfill) == {
        "player_shot_zone_analysis": [str(GREEN), str(LATER)],
        "team_defense_zone_analysis": [str(GREEN), str(LATER)],
    }
    assert f"requested: {GREEN}, {LATER}, player_shot_zone_analysis, team_defense_zone_analysis" in out


def test_watch_prints_progress_per_asset_on_stderr(cli):
    code, out, _ = cli("backfill", "--dates", str(GREEN), "--select", "team_defense_zone_analysis")
    backfill_id = out.splitlines()[0]
    with dg.DagsterInstance.get() as instance:
        instance.update_backfill(instance.get_backfill(backfill_id).with_status(BulkActionStatus.CANCELED))
    code, out, err = cli("backfill", "status", backfill_id, "--watch")  # canceled: finished at once
    assert code == 1  # finished, but not a partition materialized: not green
    progress = err.splitlines()
    assert any(line.endswith("team_defense_zone_analysis: 0/1 materialized, 0 failed, 0 in progress") for line in progress), err
    assert any(line.endswith("backfill canceled: runs no runs yet") for line in progress), err
    assert all(line.startswith("[") and "s] " in line for line in progress)
    assert out.startswith(f"backfill {backfill_id}: CANCELED")  # the report itself stays on stdout
    assert "finished with 1 targeted partition(s) not materialized" in out


def test_usage_errors_exit_2(cli):
    assert cli("backfill", "--dates", "2024-01-16,soon")[0] == 2
    assert cli("backfill", "--dates", str(GREEN), "--from", str(GREEN), "--to", str(GREEN))[0] == 2
    assert cli("backfill", "--dates", "2019-01-01")[0] == 2
    assert cli("backfill", "status", "some-id", "--dry-run")[0] == 2


def test_a_warehouse_without_the_input_tables_is_refused_and_not_ready(tmp_path, monkeypatch, capsys):
    from nba_features.cli import main
    from nba_features_tests.automation.conftest import write_instance_home

    monkeypatch.setenv("DAGSTER_HOME", str(write_instance_home(tmp_path / "home")))
    monkeypatch.setenv("NBA_FEATURES_WAREHOUSE", str(tmp_path / "empty.duckdb"))
    assert main(["backfill", "--from", "2023-11-01", "--to", "2023-11-02", "--select", "team_defense_zone_analysis"]) == 1
    out = capsys.readouterr().out
    assert out.startswith("refused: 2 of 2 date(s) lack Phase 3 inputs:")
    assert "  2023-11-01: inputs missing or incomplete: nba_reference.nba_schedule: input table does not exist;" in out
    assert backfills() == []
    assert main(["validate", "--date", "2023-11-01"]) == 1
    assert (
        "  nba_raw.nbac_injury_report: input table does not exist (`nba-features schema apply`, then load it)"
        in capsys.readouterr().out
    )
