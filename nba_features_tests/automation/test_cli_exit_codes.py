"""The exit codes and messages of the commands that run assets, through `nba-features` main()
(docs/RULES.md#exit-codes): 0 only when every partition is green; 1 when a date is red or a step
failed, naming the dates, the failed checks and the root cause; 2 on usage errors.

Real parts: a copy of the seeded 2023-24 demo season in a DuckDB file, a Dagster instance configured
like the project's dagster.yaml under the test's directory, the CLI's in-process runs.
"""

from __future__ import annotations

import datetime as dt

import pytest

from nba_features.cli import main
from nba_features.lib.run_outcome import step_failure
from nba_features_tests.automation.conftest import rows_on, write_instance_home

D1, D2 = dt.date(2024, 1, 16), dt.date(2024, 1, 17)
GATES = ("required_default_rate", "quality_ready_rate", "clean_player_coverage", "upstream_phase4_complete")


@pytest.fixture
def cli(league, tmp_path, monkeypatch, capsys):
    """Run `nba-features ARGS` against the league and a private instance: (exit code, stdout, stderr)."""
    monkeypatch.setenv("DAGSTER_HOME", str(write_instance_home(tmp_path / "home")))
    monkeypatch.setenv("NBA_FEATURES_WAREHOUSE", str(league.path))

    def run(*args: str) -> tuple[int, str, str]:
        code = main(list(args))
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return run


def test_a_green_range_exits_0(cli):
    code, out, _ = cli("materialize", "--from", D1.isoformat(), "--to", D2.isoformat())
    assert code == 0, out
    assert f"{D1} .. {D2}: ok" in out


def test_a_red_date_exits_1_naming_the_date_and_the_failed_gates_single_and_range(cli, league):
    """The composite-factors incident replayed: PCF rows of D2 deleted, the feature store rerun alone."""
    assert cli("materialize", "--from", D1.isoformat(), "--to", D2.isoformat())[0] == 0
    league.execute("DELETE FROM nba_precompute.player_composite_factors WHERE game_date = @d", {"d": D2})

    code, out, _ = cli("materialize", "--from", D2.isoformat(), "--to", D2.isoformat(), "--select", "ml_feature_store_v2")
    assert code == 1, out
    assert f"{D2} .. {D2}: RED (1 date(s))" in out
    (line,) = [line.strip() for line in out.splitlines() if line.strip().startswith("red ml_feature_store_v2")]
    assert line.startswith(f"red ml_feature_store_v2: 1 date(s): {D2} (") and all(gate in line for gate in GATES), line

    code, out, _ = cli("materialize", "--from", D1.isoformat(), "--to", D2.isoformat(), "--select", "ml_feature_store_v2")
    assert code == 1, out
    (line,) = [line.strip() for line in out.splitlines() if line.strip().startswith("red ml_feature_store_v2")]
    assert f"1 date(s): {D2} (" in line and str(D1) not in line  # the healthy date is not red


def test_a_bad_input_exits_1_with_the_table_date_column_and_rule(cli, league):
    bad_day = dt.date(2024, 1, 10)
    box_scores = rows_on(league, "nba_analytics.player_game_summary", bad_day)
    box_scores.loc[box_scores.index[0], "paint_makes"] = box_scores.loc[box_scores.index[0], "paint_attempts"] + 3
    league.replace_partitions("nba_analytics.player_game_summary", [bad_day], box_scores)

    code, out, _ = cli("materialize", "--from", D1.isoformat(), "--to", D1.isoformat(), "--select", "player_shot_zone_analysis")
    assert code == 1, out
    (line,) = [line.strip() for line in out.splitlines() if line.strip().startswith("failed ")]
    assert line.startswith("failed player_shot_zone_analysis: bad input: InputContractError: nba_analytics.player_game_summary: ")
    assert "paint_makes" in line and f"game_date={bad_day}" in line and "rule '" in line
    assert "DagsterExecutionStepExecutionError" not in out


def test_usage_errors_exit_2(cli):
    assert cli("materialize", "--from", D2.isoformat(), "--to", D1.isoformat())[0] == 2
    assert cli("materialize", "--from", "2019-01-01", "--to", "2019-01-02")[0] == 2
    code, _, err = cli("materialize", "--from", D1.isoformat(), "--to", D1.isoformat(), "--select", "no_such_asset")
    assert code == 2 and "unknown asset(s) ['no_such_asset']" in err
    with pytest.raises(SystemExit) as exited:  # argparse: a date that is not a date
        main(["materialize", "--from", "yesterday", "--to", "2024-01-01"])
    assert exited.value.code == 2


class _Error:
    """The shape of Dagster's SerializableErrorInfo: class name, message, cause."""

    def __init__(self, cls_name: str, message: str, cause=None):
        self.cls_name, self.message, self.cause, self.context = cls_name, message, cause, None


def test_a_transient_warehouse_error_is_named_as_such_after_its_retries():
    locked = _Error("TransientWarehouseError", "warehouse.duckdb: Could not set lock on file")
    wrapped = _Error(
        "DagsterExecutionStepExecutionError", 'Error occurred while executing op "x":', _Error("RetryRequested", "", locked)
    )
    failure = step_failure("player_daily_cache", wrapped)
    assert failure.line() == (
        "player_daily_cache: transient warehouse error (retries exhausted): TransientWarehouseError: "
        "warehouse.duckdb: Could not set lock on file"
    )
    unknown = step_failure("x", _Error("DagsterExecutionStepExecutionError", "wrapper", _Error("KeyError", "'points'")))
    assert (unknown.kind, unknown.error_class, unknown.message) == ("error", "KeyError", "'points'")
