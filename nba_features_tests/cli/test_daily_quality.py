"""nba_orchestration.daily_quality: written by the feature store's run for each of its dates, with the same
numbers as the contamination report and the tables themselves; and `report --html / --png` drawn from it."""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pandas as pd

from nba_features.contracts.features import FEATURES
from nba_features.pipeline.registry import RUN_ORDER
from nba_features.quality.charts import quality_figures, top_defaulted
from nba_features.quality.daily_quality import daily_quality_rows, read_daily_quality
from nba_features.quality.outcomes import CheckOutcome
from nba_features.quality.report import build_report
from nba_features_tests.cli.conftest import DATES, GREEN, RED, RED_GATES

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def test_each_feature_store_date_has_its_figures_matching_the_tables_and_the_report(materialized):
    days = read_daily_quality(materialized, DATES[0], DATES[-1])
    assert [d.date() for d in days["game_date"]] == DATES
    for day, figures in zip(DATES, days.to_dict("records")):
        rows = materialized.query("SELECT * FROM nba_predictions.ml_feature_store_v2 WHERE game_date = @d", {"d": day})
        report = build_report(rows[rows["feature_count"] >= 37], day, day)
        assert (figures["scored_rows"], figures["tier1_pct"], figures["quality_ready_pct"]) == (
            report.total_rows, report.tier1_pct, report.quality_ready_pct,
        )  # fmt: skip
        for table in RUN_ORDER:
            count = materialized.query(
                f"SELECT COUNT(*) AS n FROM {table.table} WHERE {table.partition_column} = @d", {"d": day}
            )["n"].iloc[0]
            assert figures[f"rows_{table.asset_name}"] == count, (day, table.asset_name)
        defaults = np.bincount(
            np.concatenate([np.asarray(v, dtype=int) for v in rows["default_feature_indices"]] + [np.array([], dtype=int)]),
            minlength=60,
        )
        assert figures["default_counts"] == defaults.tolist()
        assert (figures["tier1_alert_pct"], figures["quality_ready_min_pct"]) == (15.0, 40.0)
    red = days.set_index(days["game_date"].dt.date).loc[RED]
    assert bool(red["red"]) and sorted(red["red_checks"]) == sorted(RED_GATES)
    assert red["rows_player_composite_factors"] == 0 and red["run_id"] == "incident"
    green = days.set_index(days["game_date"].dt.date).loc[GREEN]
    assert not bool(green["red"]) and list(green["red_checks"]) == [] and green["run_id"] == "chain"


def test_rows_for_a_no_game_day_a_bootstrap_day_and_failed_checks_pure():
    day_info = pd.DataFrame({
        "date": pd.to_datetime(["2023-10-24", "2023-10-25", "2024-01-16"]),
        "games_scheduled": [2, 0, 1],
        "is_bootstrap": [True, False, False],
    })  # fmt: skip
    placeholder = {"data_source": "early_season", "feature_count": 60}
    scored = {"data_source": "phase4", "feature_count": 60, "feature_quality_score": 90.0}
    frame = pd.DataFrame([
        {**placeholder, "game_date": pd.Timestamp("2023-10-24"), "required_default_count": 30, "default_feature_count": 40,
         "default_feature_indices": [0, 1], "is_quality_ready": False, "feature_quality_score": 40.0, "historical_completeness": None},
        {**scored, "game_date": pd.Timestamp("2024-01-16"), "required_default_count": 1, "default_feature_count": 2,
         "default_feature_indices": [5, 25], "is_quality_ready": False, "historical_completeness": {"is_complete": True}},
        {**scored, "game_date": pd.Timestamp("2024-01-16"), "required_default_count": 0, "default_feature_count": 1,
         "default_feature_indices": [25], "is_quality_ready": True, "historical_completeness": {"is_complete": False}},
    ])  # fmt: skip
    outcomes = [
        CheckOutcome("quality_ready_rate", dt.date(2024, 1, 16), False, "ERROR", "m", 50.0, ">= 40", "x"),
        CheckOutcome("red_alert_rows", dt.date(2024, 1, 16), False, "WARN", "m", 31.0, "<= 30", "x"),
        CheckOutcome("red_alert_rows", dt.date(2023, 10, 24), True, "WARN", "m", 0.0, "<= 30", "x"),
    ]
    dates = [dt.date(2023, 10, 24), dt.date(2023, 10, 25), dt.date(2024, 1, 16)]
    rows = daily_quality_rows(
        frame, dates, day_info, outcomes, {"quality_ready_rate"}, {"player_daily_cache": {dt.date(2024, 1, 16): 7}},
        computed_at=pd.Timestamp("2024-01-16 12:00", tz="UTC"), run_id="r",
    ).set_index("game_date")  # fmt: skip
    boot, empty, day = (rows.loc[pd.Timestamp(d)] for d in dates)
    assert (boot["feature_store_rows"], boot["placeholder_rows"], boot["scored_rows"]) == (1, 1, 0)
    assert boot["skip_reason"].startswith("bootstrap day") and pd.isna(boot["avg_quality_score"])
    assert (
        empty["skip_reason"] == "no games scheduled" and empty["feature_store_rows"] == 0 and empty["default_counts"] == [0] * 60
    )
    assert (day["scored_rows"], day["tier1_rows"], day["tier1_pct"], day["tier2_rows"]) == (2, 1, 50.0, 1)
    assert (day["quality_ready_pct"], day["avg_quality_score"], day["history_complete_pct"]) == (50.0, 90.0, 50.0)
    assert bool(day["red"]) and day["red_checks"] == ["quality_ready_rate"]
    assert day["failed_checks"] == ["quality_ready_rate", "red_alert_rows"]
    assert day["default_counts"][5] == 1 and day["default_counts"][25] == 2 and sum(day["default_counts"]) == 3
    assert (day["rows_player_daily_cache"], empty["rows_player_daily_cache"]) == (7, 0)


def test_report_html_and_png_draw_the_window_from_daily_quality(cli, tmp_path):
    page, pictures = tmp_path / "out" / "quality.html", tmp_path / "png"
    code, out, err = cli(
        "report", "--from", DATES[0].isoformat(), "--to", DATES[-1].isoformat(), "--format", "json",
        "--html", str(page), "--png", str(pictures),
    )  # fmt: skip
    assert code == 1, err  # the exit code stays the report's verdict: the red date puts tier 1 above 15%
    assert json.loads(out)["alert"] is True  # stdout stays the report's JSON
    assert f"wrote {page}" in err
    names = sorted(p.name for p in pictures.iterdir())
    assert names == ["quality_contamination.png", "quality_defaults.png", "quality_rows.png"]
    assert all((pictures / name).read_bytes().startswith(PNG_MAGIC) for name in names)
    text = page.read_text()
    assert text.count('src="data:image/png;base64,') == 3
    assert f"<td>{RED}</td>" in text and "upstream_phase4_complete" in text and f"<td>{GREEN}</td>" not in text


def test_report_charts_without_daily_quality_rows_exit_1_saying_why(cli, tmp_path):
    code, _, err = cli("report", "--from", "2023-07-01", "--to", "2023-07-31", "--png", str(tmp_path / "png"))
    assert code == 1
    assert "no nba_orchestration.daily_quality rows for 2023-07-01 .. 2023-07-31" in err
    assert not (tmp_path / "png").exists()


def test_top_defaulted_features_sum_the_days_and_every_figure_is_drawn(materialized):
    days = read_daily_quality(materialized, DATES[0], DATES[-1])
    top = top_defaulted(days)
    totals = np.sum([np.asarray(c) for c in days["default_counts"]], axis=0)
    first = int(np.argmax(totals))
    assert top[0] == (FEATURES[first].name, round(100.0 * totals[first] / days["scored_rows"].sum(), 1))
    assert [share for _, share in top] == sorted((share for _, share in top), reverse=True)
    figures = quality_figures(days)
    assert sorted(figures) == ["contamination", "defaults", "rows"]
    contamination = figures["contamination"].axes[0]
    assert {line.get_label() for line in contamination.get_lines()} >= {"tier 1 contamination %", "quality-ready %"}
    assert any(c.get_label() == "red dates (1)" for c in contamination.collections)
    assert len(figures["rows"].axes[0].get_lines()) == 5
