"""The contamination report (decision 14): tiers from hand-made rows, and `nba-features report`
against a real DuckDB warehouse (exit 0 within 15% tier 1, 1 above it or without data, 2 on misuse)."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from nba_features import cli
from nba_features.quality.report import DailyTiers, build_report, render_report
from nba_features.warehouse import DuckDBWarehouse
from nba_features_tests.quality.contract_rows import contract_frame, contract_row

TABLE = "nba_predictions.ml_feature_store_v2"
PROJECT_ROOT = Path(__file__).resolve().parents[2]
PLAYER_NUMBERS = itertools.count()


def report_rows(n: int, day: str, *, required: int = 0, defaults: list[int] | None = None, source: str = "phase4") -> list[dict]:
    """n rows as REPORT_SQL selects them; `defaults` are the defaulted indices (required ones counted in `required`)."""
    defaults = defaults or []
    return [{
        "game_date": pd.Timestamp(day), "data_source": source, "required_default_count": required,
        "default_feature_count": len(defaults), "is_quality_ready": required == 0,
        "feature_quality_score": 60.0 if required else 90.0, "default_feature_indices": defaults,
    } for _ in range(n)]  # fmt: skip


def window(*groups: list[dict]) -> pd.DataFrame:
    return pd.DataFrame([row for group in groups for row in group])


@pytest.fixture
def season_rows() -> pd.DataFrame:
    return window(
        report_rows(19, "2025-11-10"),
        report_rows(1, "2025-11-12", required=1, defaults=[0]),  # 5.0%: no flag
        report_rows(849, "2025-12-05"),
        report_rows(51, "2025-12-06", required=1, defaults=[13]),  # 5.1%: !
        report_rows(100, "2025-12-07", defaults=[25, 40]),  # optional-only: tier 2
        report_rows(17, "2026-01-02"),
        report_rows(3, "2026-01-03", required=1, defaults=[13, 47]),  # 15.0%: !
        report_rows(849, "2026-02-05"),
        report_rows(151, "2026-02-06", required=4, defaults=[5, 6, 7, 8]),  # 15.1%: !!!
        report_rows(50, "2025-10-25", required=30, defaults=list(range(30)), source="early_season"),  # not counted
    )


def test_tiers_monthly_flags_and_top_features(season_rows):
    report = build_report(season_rows, dt.date(2025, 10, 21), dt.date(2026, 2, 28))
    assert (report.total_rows, report.bootstrap_placeholder_rows) == (2040, 50)
    assert (report.tier1_rows, report.tier1_pct, report.clean_rows, report.clean_pct) == (206, 10.1, 1834, 89.9)
    assert (report.avg_required_defaults, report.quality_ready_rows, report.quality_ready_pct) == (0.32, 1834, 89.9)
    assert (report.tier2_rows, report.tier2_pct, report.avg_quality_score) == (100, 4.9, 86.97)
    assert not report.alert
    assert [(m["month"], m["total"], m["required_contaminated"], m["required_pct"], m["flag"]) for m in report.monthly] == [
        ("2025-11", 20, 1, 5.0, ""), ("2025-12", 1000, 51, 5.1, "!"), ("2026-01", 20, 3, 15.0, "!"), ("2026-02", 1000, 151, 15.1, "!!!"),
    ]  # fmt: skip
    assert report.monthly[1] == {
        "month": "2025-12", "total": 1000, "clean": 949, "required_contaminated": 51, "required_pct": 5.1,
        "quality_ready": 949, "ready_pct": 94.9, "flag": "!",
    }  # fmt: skip
    top = [(f["index"], f["name"], f["gate"], f["rows"], f["pct_of_rows"]) for f in report.top_defaulted_features]
    assert top == [
        (5, "fatigue_score", "REQUIRED", 151, 7.4), (6, "shot_zone_mismatch_score", "REQUIRED", 151, 7.4),
        (7, "pace_score", "REQUIRED", 151, 7.4), (8, "usage_spike_score", "REQUIRED", 151, 7.4),
        (25, "vegas_points_line", "optional", 100, 4.9), (40, "minutes_load_last_7d", "optional", 100, 4.9),
        (13, "opponent_def_rating", "REQUIRED", 54, 2.6), (47, "teammate_usage_available", "optional", 3, 0.1),
        (0, "points_avg_last_5", "REQUIRED", 1, 0.0),
    ]  # fmt: skip


@pytest.mark.parametrize("first, last", [
    ("2025-10-21", "2026-02-28"), ("2025-12-05", "2025-12-07"), ("2025-12-06", "2026-01-04"), ("2026-02-06", "2026-02-06"),
    ("2025-11-11", "2025-11-11"), ("2024-01-01", "2024-12-31"), ("2025-10-25", "2025-11-12"),
])  # fmt: skip
def test_daily_tiers_summed_over_a_window_equal_the_report(season_rows, first, last):
    """The trailing-window check sums per-day tiers; for any window they must be the report's numbers."""
    start, end = dt.date.fromisoformat(first), dt.date.fromisoformat(last)
    inside = season_rows[(season_rows["game_date"] >= pd.Timestamp(start)) & (season_rows["game_date"] <= pd.Timestamp(end))]
    report = build_report(inside, start, end)
    summed = DailyTiers.of(season_rows).window(start, end)
    assert summed == {
        "total_rows": report.total_rows, "tier1_pct": report.tier1_pct, "tier2_pct": report.tier2_pct,
        "top_defaulted_features": report.top_defaulted_features,
    }  # fmt: skip


def test_null_default_arrays_count_nothing_in_report_and_daily_tiers():
    rows = window(report_rows(3, "2026-01-10", required=1, defaults=[2]), report_rows(2, "2026-01-10"))
    rows.loc[3, "default_feature_indices"] = None
    rows.at[0, "default_feature_indices"] = [2, None]
    report = build_report(rows, dt.date(2026, 1, 10), dt.date(2026, 1, 10))
    assert [(f["index"], f["rows"]) for f in report.top_defaulted_features] == [(2, 3)]
    assert (
        DailyTiers.of(rows).window(dt.date(2026, 1, 10), dt.date(2026, 1, 10))["top_defaulted_features"]
        == report.top_defaulted_features
    )


def test_only_the_top_15_features_are_listed():
    rows = window(*[report_rows(60 - i, "2026-01-10", defaults=[37 + i]) for i in range(20)])
    report = build_report(rows, dt.date(2026, 1, 1), dt.date(2026, 1, 31))
    assert [f["index"] for f in report.top_defaulted_features] == list(range(37, 52))
    assert report.top_defaulted_features[-1]["name"] == "prop_over_streak"  # index 51


def test_tier1_alert_is_strictly_above_15_pct_and_no_data_alerts():
    at_limit = window(report_rows(17, "2026-01-02"), report_rows(3, "2026-01-02", required=2))
    assert build_report(at_limit, dt.date(2026, 1, 1), dt.date(2026, 1, 31)).tier1_pct == 15.0
    assert not build_report(at_limit, dt.date(2026, 1, 1), dt.date(2026, 1, 31)).alert
    above = window(report_rows(849, "2026-01-02"), report_rows(151, "2026-01-02", required=1))
    assert build_report(above, dt.date(2026, 1, 1), dt.date(2026, 1, 31)).alert
    only_placeholders = window(report_rows(5, "2025-10-25", required=30, source="early_season"))
    empty = build_report(only_placeholders, dt.date(2025, 10, 21), dt.date(2025, 10, 31))
    assert empty.total_rows == 0 and empty.bootstrap_placeholder_rows == 5 and empty.alert


def test_rendered_report(season_rows):
    text = render_report(build_report(season_rows, dt.date(2025, 10, 21), dt.date(2026, 2, 28)))
    lines = text.splitlines()
    assert lines[0] == (
        "Contamination report for nba_predictions.ml_feature_store_v2, 2025-10-21 .. 2026-02-28: "
        "2,040 rows (50 bootstrap placeholder rows not counted)"
    )
    assert "  2026-02    1,000     849     151   15.1     849    84.9 !!!" in lines
    assert "  2025-12    1,000     949      51    5.1     949    94.9 !" in lines
    assert "  2025-11       20      19       1    5.0      19    95.0 " in lines
    assert "   47 teammate_usage_available         optional         3     0.1" in lines
    assert lines[-1] == "OK: tier 1 contamination 10.1% is within 15%"
    no_data = render_report(build_report(season_rows.iloc[:0], dt.date(2025, 6, 1), dt.date(2025, 6, 30)))
    assert no_data.splitlines()[-1] == "NO DATA in the window"


# --- the command, against a real warehouse --------------------------------------------------------------
def store_rows(n: int, day: dt.date, required: int = 0, defaults: list[int] | None = None) -> list[dict]:
    return [
        contract_row(
            TABLE,
            player_lookup=f"player_{next(PLAYER_NUMBERS)}",
            game_date=day,
            feature_count=60,
            data_source="phase4",
            required_default_count=required,
            default_feature_count=len(defaults or []),
            default_feature_indices=defaults or [],
            is_quality_ready=required == 0,
            feature_quality_score=90.0,
        )  # fmt: skip
        for _ in range(n)
    ]


@pytest.fixture(scope="module")
def warehouse_path(tmp_path_factory) -> Path:
    """January 2026: 100 rows, 15.0% tier 1. February 10: 1000 rows, 15.1% tier 1."""
    warehouse = DuckDBWarehouse(tmp_path_factory.mktemp("report") / "warehouse.duckdb")
    warehouse.apply_schemas()
    january, february = dt.date(2026, 1, 10), dt.date(2026, 2, 10)
    rows = store_rows(85, january) + store_rows(15, january, required=1, defaults=[13])
    rows += store_rows(849, february) + store_rows(151, february, required=2, defaults=[5, 47])
    warehouse.replace_partitions(TABLE, [january, february], contract_frame(TABLE, rows))
    return warehouse.path


@pytest.fixture
def report_cli(warehouse_path, monkeypatch, capsys):
    monkeypatch.setenv("NBA_FEATURES_ENV", "local")
    monkeypatch.setenv("NBA_FEATURES_WAREHOUSE", str(warehouse_path))

    def run(*args: str) -> tuple[int, str, str]:
        code = cli.main(["report", *args])
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return run


def test_exit_0_when_tier1_is_within_15_pct(report_cli):
    code, out, _ = report_cli("--from", "2026-01-01", "--to", "2026-01-31", "--format", "json")
    report = json.loads(out)
    assert code == 0
    assert (report["start"], report["end"], report["total_rows"], report["tier1_rows"], report["tier1_pct"]) == (
        "2026-01-01",
        "2026-01-31",
        100,
        15,
        15.0,
    )
    assert report["alert"] is False
    assert report["monthly"] == [{
        "month": "2026-01", "total": 100, "clean": 85, "required_contaminated": 15, "required_pct": 15.0,
        "quality_ready": 85, "ready_pct": 85.0, "flag": "!",
    }]  # fmt: skip
    assert report["top_defaulted_features"] == [
        {"index": 13, "name": "opponent_def_rating", "category": "matchup", "gate": "REQUIRED", "rows": 15, "pct_of_rows": 15.0},
    ]


def test_exit_1_above_15_pct_and_the_default_window_is_all_data(report_cli):
    code, out, _ = report_cli("--from", "2026-02-01", "--to", "2026-02-28", "--format", "json")
    assert code == 1 and json.loads(out)["tier1_pct"] == 15.1 and json.loads(out)["alert"] is True
    code, out, _ = report_cli()
    assert code == 1
    assert out.splitlines()[0].endswith("2026-01-10 .. 2026-02-10: 1,100 rows")
    assert out.splitlines()[-1] == "ALERT: tier 1 contamination 15.1% exceeds 15%"  # 166 / 1100


def test_exit_1_without_data(report_cli):
    code, out, _ = report_cli("--from", "2025-06-01", "--to", "2025-06-30")
    assert code == 1 and out.splitlines()[-1] == "NO DATA in the window"
    code, out, _ = report_cli("--from", "2026-03-01", "--format", "json")  # after the last date with rows
    assert code == 1 and (json.loads(out)["start"], json.loads(out)["end"], json.loads(out)["total_rows"]) == (
        "2026-03-01",
        "2026-03-01",
        0,
    )


def test_recent_is_the_14_days_ending_on_the_latest_date(report_cli):
    code, out, _ = report_cli("--recent", "--format", "json")
    report = json.loads(out)
    assert code == 1 and (report["start"], report["end"], report["total_rows"]) == ("2026-01-28", "2026-02-10", 1000)


def test_usage_errors_exit_2(report_cli):
    code, _, err = report_cli("--recent", "--from", "2026-01-01")
    assert code == 2 and err == "nba-features: error: --recent cannot be combined with --from/--to\n"
    code, _, err = report_cli("--from", "2026-02-01", "--to", "2026-01-01")
    assert code == 2 and err == "nba-features: error: --to 2026-01-01 is before --from 2026-02-01\n"


def test_the_installed_command_exits_with_the_report_status(warehouse_path, tmp_path):
    env = {
        **os.environ,
        "NBA_FEATURES_ENV": "local",
        "NBA_FEATURES_WAREHOUSE": str(warehouse_path),
        "DAGSTER_HOME": str(tmp_path),
    }
    command = [
        sys.executable,
        "-m",
        "nba_features.cli",
        "report",
        "--from",
        "2026-02-01",
        "--to",
        "2026-02-28",
        "--format",
        "json",
    ]
    done = subprocess.run(command, env=env, cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 1, done.stderr
    assert json.loads(done.stdout)["tier1_rows"] == 151
