"""bench/run.py runs end to end on a tiny league and reports every metric (timings are not judged here)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parents[2]
ASSETS = (
    "team_defense_zone_analysis",
    "player_shot_zone_analysis",
    "player_composite_factors",
    "player_daily_cache",
    "ml_feature_store_v2",
)
STAGES = ("upstream", "extract", "transform", "write", "checks", "total")


@pytest.mark.slow
def test_bench_reports_every_metric_on_a_tiny_league(tmp_path):
    results_path = tmp_path / "results.json"
    completed = subprocess.run(
        [
            sys.executable,
            "bench/run.py",
            "--seasons",
            "1",
            "--days",
            "16",
            "--sample-dates",
            "1",
            "--no-game-samples",
            "0",
            "--json",
            str(results_path),
            "--workdir",
            str(tmp_path / "work"),
        ],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    results = json.loads(results_path.read_text())

    assert results["seasons"] == 1 and results["days_per_season"] == 16
    assert results["seed"]["seconds"] > 0
    rng = results["range_mode"]
    assert rng["dates"] == 16 and rng["season_seconds"] > 0 and rng["season_cpu_seconds"] > 0
    assert set(rng["per_asset"]) == set(ASSETS)
    assert all(rng["per_asset"][a]["rows"] > 0 for a in ("player_composite_factors", "ml_feature_store_v2"))
    per_date = results["per_date_mode"]
    assert per_date["sampled_game_dates"] == 1
    assert per_date["season_seconds_estimated"] > 0 and per_date["per_date_over_range_ratio"] > 0
    growth = results["history_growth"]
    assert growth["first_season_median_seconds"] > 0 and growth["last_over_first_ratio"] > 0
    assert set(results["per_asset_median_seconds"]) == set(ASSETS)
    assert all(set(stats) == set(STAGES) for stats in results["per_asset_median_seconds"].values())
    floor = results["floor"]
    assert floor["seconds"] > 0 and floor["chain_over_floor_ratio"] > 0
    assert {"nba_analytics.player_game_summary", "nba_precompute.player_daily_cache"} <= set(floor["tables"])
    daily = results["dagster_daily"]
    assert daily["success"] and daily["seconds"] > 0 and daily["check_evaluations"] > 0
    assert results["dagster_range"] is None  # only with --dagster-range
    assert results["peak_rss_mb"]["max"] >= results["peak_rss_mb"]["bench_process"] > 0
    assert [t["name"] for t in results["targets"]] == [
        "range_season_seconds",
        "chain_over_floor_ratio",
        "last_over_first_season_per_date_ratio",
        "dagster_daily_seconds",
        "peak_rss_mb",
    ]
    # the markdown table names each of the seven measurements
    rows = [line for line in completed.stdout.splitlines() if line.startswith("| ")]
    assert {row.split("|")[1].strip() for row in rows[1:]} == {"1", "2", "3", "4", "5", "6", "7"}  # rows[0] is the header
