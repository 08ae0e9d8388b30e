"""`nba-features validate --date D` on a real demo warehouse: ready exits 0, not ready exits 1 with each reason
on its own line (missing inputs, Phase 4 rows off their expected counts, failed gates, open events), usage 2."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest

from nba_features.cli import main
from nba_features_tests.cli.conftest import GREEN, RED, RED_GATES

NOT_RUN = dt.date(2024, 1, 19)  # a game date of the league no Phase 4 table was computed for


def reasons(out: str) -> list[str]:
    lines = out.splitlines()
    return [line.strip() for line in lines[lines.index("not ready because:") + 1 :]] if "not ready because:" in lines else []


def test_a_ready_date_exits_0_with_every_section(cli):
    code, out, _ = cli("validate", "--date", GREEN.isoformat())
    assert code == 0, out
    assert out.splitlines()[0] == f"{GREEN}: READY"
    assert "schedule: 3 game(s); season started 2023-10-24" in out
    for table in ("upcoming_player_game_context", "upcoming_team_game_context", "player_game_summary", "nbac_injury_report"):
        assert any(line.strip().startswith("ok") and table in line for line in out.splitlines()), table
    (passed, total) = re.search(r"^checks: (\d+) of (\d+) passed$", out, re.M).groups()
    assert passed == total and int(total) > 20  # every check of the five tables
    assert "contamination: 85 rows" in out and "historical_completeness: 100.0% of 85 rows complete" in out
    assert reasons(out) == []


def test_json_has_the_same_answer(cli):
    code, out, _ = cli("validate", "--date", GREEN.isoformat(), "--format", "json")
    result = json.loads(out)
    assert code == 0 and result["ready"] is True and result["reasons"] == []
    assert [t["table"] for t in result["tables"]][-1] == "nba_predictions.ml_feature_store_v2"
    assert all(t["ok"] for t in result["tables"]) and all(i["complete"] for i in result["inputs"])
    assert result["tables"][-1]["rows"] == 85 and result["tables"][-1]["expected"] == "[85, 85]"
    assert result["contamination"]["rows"] == 85 and result["historical_completeness"]["rows"] == 85


def test_the_red_date_names_the_empty_table_the_failed_gates_and_the_open_events(cli):
    code, out, _ = cli("validate", "--date", RED.isoformat())
    assert code == 1
    found = reasons(out)
    assert any(r.startswith("nba_precompute.player_composite_factors: 0 rows, expected [") for r in found), found
    for gate in RED_GATES:
        assert any(f"check {gate} failed" in r for r in found), gate
        assert any(r.startswith("open CRITICAL event: nba_predictions.ml_feature_store_v2 " + gate) for r in found), gate
    assert out.splitlines()[0] == f"{RED}: NOT READY ({len(found)} reason(s))"


def test_missing_and_incomplete_inputs_are_each_a_reason(cli, materialized):
    materialized.execute(
        "DELETE FROM nba_analytics.upcoming_team_game_context WHERE game_date = @d AND team_abbr = 'DEN'", {"d": GREEN}
    )
    materialized.execute("DELETE FROM nba_raw.nbac_injury_report WHERE report_date = @d", {"d": GREEN})
    materialized.execute(
        "DELETE FROM nba_analytics.team_offense_game_summary WHERE game_id = '20240115_BOS_TOR' AND team_abbr = 'TOR'", {}
    )
    code, out, _ = cli("validate", "--date", GREEN.isoformat())
    assert code == 1
    found = reasons(out)
    assert f"nba_analytics.upcoming_team_game_context: no rows for 1 team(s) playing on {GREEN}: DEN" in found
    assert f"nba_raw.nbac_injury_report: no rows for {GREEN}, which has 3 scheduled game(s)" in found
    assert (
        f"nba_analytics.team_offense_game_summary: 1 team-game(s) of final games before {GREEN} have no rows: 20240115_BOS_TOR TOR"
        in found
    )
    assert "  MISSING nba_raw.nbac_injury_report" in out


def test_a_date_not_computed_yet_lists_every_table_short_of_its_rows(cli):
    code, out, _ = cli("validate", "--date", NOT_RUN.isoformat())
    assert code == 1
    found = reasons(out)
    for table in ("team_defense_zone_analysis", "player_shot_zone_analysis", "player_composite_factors", "player_daily_cache"):
        assert any(r.startswith(f"nba_precompute.{table}: 0 rows, expected [") for r in found), table
    assert any(r.startswith("nba_predictions.ml_feature_store_v2: 0 rows, expected [") for r in found)


def test_a_day_without_games_is_ready_with_nothing_to_do(cli):
    code, out, _ = cli("validate", "--date", "2024-07-15")
    assert code == 0, out
    assert "schedule: 0 game(s); season started 2023-10-24; no games scheduled" in out


def test_usage_errors_exit_2():
    with pytest.raises(SystemExit) as exited:
        main(["validate", "--date", "tomorrow"])
    assert exited.value.code == 2
