"""ml_feature_store_v2: features against hand-computed values, fallbacks, modes, point in time, range runs.

Inputs are small hand-built frames with exactly the columns of each extract's SELECT. The default
scenario is one healthy player (alpha, BOS, at home against NYK on D) with every upstream Phase 4
row present, so each test changes only what it checks.
"""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pandas as pd
import pytest
import sqlglot

from nba_features.contracts import contract
from nba_features.contracts.features import FEATURE_NAMES, FEATURES, feature
from nba_features.phase4 import ml_feature_store_v2 as mlfs
from nba_features.phase4.ml_features.quality_scorer import score_feature_sources
from nba_features.phase4.spec import RunInfo
from nba_features.phase4.validation import InputContractError
from nba_features.warehouse import DuckDBWarehouse
from nba_features.warehouse.base import prepare_frame

SEASON_START = dt.date(2023, 10, 24)
D = dt.date(2024, 1, 20)
TIPOFF = pd.Timestamp("2024-01-21 00:30:00", tz="UTC")
PROCESSED = pd.Timestamp("2024-01-20 15:00:00", tz="UTC")
UPDATED = pd.Timestamp("2024-01-20 10:00:00", tz="UTC")
ALL_UPSTREAM = frozenset(mlfs.UPSTREAM_ASSETS)


def before(days: int, on: dt.date = D) -> dt.date:
    return on - dt.timedelta(days=days)


def run_info(dates=(D,), materialized=ALL_UPSTREAM) -> RunInfo:
    return RunInfo(processed_at=PROCESSED, upstream_materialized={d: frozenset(materialized) for d in dates})


# --- frames with exactly the extract columns ----------------------------------------------------
EXTRACTS = {e.name: e for e in mlfs.SPEC.extracts}
DATE_COLUMNS = {"game_date", "cache_date", "analysis_date", "report_date"}
TIMESTAMP_COLUMNS = {"tipoff_time", "snapshot_timestamp", "created_at", "report_time", "processed_at"}
INT_COLUMNS = {
    "season_year", "game_status", "points", "ft_makes", "ft_attempts", "fg_makes", "fg_attempts", "paint_attempts",
    "mid_range_attempts", "three_pt_attempts", "days_rest", "opponent_days_rest", "games_in_last_7_days",
    "minutes_in_last_7_days", "star_teammates_out", "prop_over_streak", "prop_under_streak", "minutes_before_tipoff",
    "margin_of_victory", "fatigue_score",
}  # fmt: skip
BOOL_COLUMNS = {"is_dnp", "home_game", "back_to_back", "win_flag", "is_production_ready"}
STRING_COLUMNS = {
    "player_lookup", "universal_player_id", "game_id", "team_abbr", "opponent_team_abbr", "season_type",
    "home_team_tricode", "away_team_tricode", "season_phase", "player_status", "bookmaker", "team",
    "injury_status", "recommendation", "data_hash",
}  # fmt: skip


def extract_columns(name: str) -> list[str]:
    select = sqlglot.parse_one(EXTRACTS[name].sql, read="bigquery")
    return [e.alias_or_name for e in select.expressions]


def frame(name: str, rows: list[dict]) -> pd.DataFrame:
    columns = extract_columns(name)
    for row in rows:
        unknown = set(row) - set(columns)
        assert not unknown, f"{name}: columns {unknown} are not selected by the extract"
    out = pd.DataFrame({c: [row.get(c) for row in rows] for c in columns}, columns=columns)
    for c in columns:
        if c in DATE_COLUMNS:
            out[c] = pd.to_datetime(out[c]).astype("datetime64[ns]")
        elif c in TIMESTAMP_COLUMNS:
            out[c] = pd.to_datetime(out[c], utc=True).astype("datetime64[ns, UTC]")
        elif c in INT_COLUMNS:
            out[c] = pd.array(out[c].tolist(), dtype="Int64")
        elif c in BOOL_COLUMNS:
            out[c] = pd.array(out[c].tolist(), dtype="boolean")
        elif c in STRING_COLUMNS:
            out[c] = out[c].astype(object)
        else:
            out[c] = pd.to_numeric(out[c]).astype("float64")
    return out


def game_id(day: dt.date, away: str, home: str) -> str:
    return f"{day:%Y%m%d}_{away}_{home}"


def game(player, day, team="BOS", opp="NYK", points=10, minutes=30.0, **kw) -> dict:
    row = {
        "player_lookup": player, "game_id": game_id(day, opp, team), "game_date": day, "team_abbr": team,
        "opponent_team_abbr": opp, "points": points, "minutes_played": minutes, "ft_makes": 0, "ft_attempts": 0,
        "fg_makes": 4, "fg_attempts": 10, "paint_attempts": 4, "mid_range_attempts": 2, "three_pt_attempts": 4,
        "usage_rate": 20.0, "is_dnp": False,
    }  # fmt: skip
    row.update(kw)
    return row


def dnp(player, day, team="BOS", opp="NYK") -> dict:
    return game(player, day, team, opp, points=None, minutes=None, ft_makes=None, ft_attempts=None, fg_makes=None,
                fg_attempts=None, paint_attempts=None, mid_range_attempts=None, three_pt_attempts=None,
                usage_rate=None, is_dnp=True)  # fmt: skip


def context(player, day=D, team="BOS", opp="NYK", **kw) -> dict:
    home = kw.pop("home_game", True)
    row = {
        "player_lookup": player, "universal_player_id": f"{player}_001",
        "game_id": game_id(day, opp, team) if home else game_id(day, team, opp), "game_date": day,
        "team_abbr": team, "opponent_team_abbr": opp, "home_game": home, "back_to_back": False,
        "season_phase": "regular_season", "days_rest": 2, "opponent_days_rest": 2, "player_status": "available",
        "games_in_last_7_days": 3, "minutes_in_last_7_days": 90, "star_teammates_out": 0, "game_total": 225.0,
        "game_spread": -4.0, "prop_over_streak": 1, "prop_under_streak": 0,
    }  # fmt: skip
    row.update(kw)
    return row


def cache(player, day=D, **kw) -> dict:
    row = {
        "cache_date": day, "player_lookup": player, "points_avg_last_5": 20.0, "points_avg_last_10": 19.0,
        "points_avg_season": 18.0, "points_std_last_10": 4.0, "games_in_last_7_days": 3, "team_pace_last_10": 100.5,
        "team_off_rating_last_10": 115.5, "minutes_avg_last_10": 32.0, "is_production_ready": True,
        "data_hash": f"pdc-{player}", "processed_at": UPDATED,
    }  # fmt: skip
    row.update(kw)
    return row


def composite(player, day=D, **kw) -> dict:
    row = {
        "game_date": day, "player_lookup": player, "fatigue_score": 90, "shot_zone_mismatch_score": 1.5,
        "pace_score": 0.5, "usage_spike_score": 0.2, "is_production_ready": True, "data_hash": f"pcf-{player}",
        "processed_at": UPDATED,
    }  # fmt: skip
    row.update(kw)
    return row


def shot_zone(player, day=D, **kw) -> dict:
    row = {
        "analysis_date": day, "player_lookup": player, "paint_rate_last_10": 40.0, "mid_range_rate_last_10": 20.0,
        "three_pt_rate_last_10": 40.0, "is_production_ready": True, "data_hash": f"psza-{player}",
        "processed_at": UPDATED,
    }  # fmt: skip
    row.update(kw)
    return row


def defense(team, day=D, **kw) -> dict:
    row = {
        "analysis_date": day, "team_abbr": team, "defensive_rating_last_15": 112.5, "opponent_pace": 99.0,
        "is_production_ready": True, "data_hash": f"tdza-{team}", "processed_at": UPDATED,
    }  # fmt: skip
    row.update(kw)
    return row


def team_game(team, day, win=True, margin=5, pace=100.0, rating=115.0) -> dict:
    return {"team_abbr": team, "game_date": day, "pace": pace, "offensive_rating": rating, "win_flag": win,
            "margin_of_victory": margin}  # fmt: skip


def snapshot(player, book, line, minutes_before, day=D, **kw) -> dict:
    row = {
        "player_lookup": player, "game_date": day, "bookmaker": book, "points_line": line,
        "snapshot_timestamp": TIPOFF - pd.Timedelta(minutes=minutes_before), "minutes_before_tipoff": minutes_before,
    }  # fmt: skip
    row.update(kw)
    return row


def bp_line(player, book, line, created, opening=None, day=D) -> dict:
    return {"player_lookup": player, "game_date": day, "bookmaker": book, "points_line": line,
            "opening_line": opening, "created_at": created}  # fmt: skip


def injury(player, team, status, day=D, at="2024-01-20 17:00") -> dict:
    return {"report_date": day, "report_time": pd.Timestamp(at, tz="UTC"), "team": team, "player_lookup": player,
            "injury_status": status}  # fmt: skip


def schedule_row(day, away, home, status=3, tipoff=None) -> dict:
    return {
        "game_id": game_id(day, away, home), "game_date": day, "season_year": 2023 if day >= SEASON_START else 2022,
        "home_team_tricode": home, "away_team_tricode": away, "game_status": status,
        "tipoff_time": tipoff if tipoff is not None else pd.Timestamp(day, tz="UTC") + pd.Timedelta(hours=24, minutes=30),
    }  # fmt: skip


def healthy_games(player="alpha", team="BOS", opp="NYK", n=10, every=2, on=D) -> list[dict]:
    """n games of 20 points in 30 minutes, every `every` days before `on`."""
    return [game(player, before(every * (k + 1), on), team, opp, points=20, minutes=30.0) for k in range(n)]


def inputs(
    *,
    players=("alpha",),
    dates=(D,),
    games=None,
    contexts=None,
    caches=None,
    composites=None,
    shot_zones=None,
    defenses=None,
    team_games=(),
    odds=(),
    bettingpros=(),
    injuries=(),
    graded=None,
    schedule=(),
) -> dict[str, pd.DataFrame]:
    """Every extract as a frame; None = the healthy default for each player and date.

    The schedule holds the season opener, a game of every context row on its date (status 1) and a
    final game for every distinct game of `games` (so completeness sees the team's games).
    """
    games = [g for p in players for g in healthy_games(p)] if games is None else list(games)
    contexts = [context(p, d) for d in dates for p in players] if contexts is None else list(contexts)
    caches = [cache(p, d) for d in dates for p in players] if caches is None else list(caches)
    composites = [composite(p, d) for d in dates for p in players] if composites is None else list(composites)
    shot_zones = [shot_zone(p, d) for d in dates for p in players] if shot_zones is None else list(shot_zones)
    if defenses is None:
        defenses = [defense(team, d) for d in dates for team in sorted({c["opponent_team_abbr"] for c in contexts})]
    rows = {schedule_row(SEASON_START, "NYK", "BOS")["game_id"]: schedule_row(SEASON_START, "NYK", "BOS")}
    for c in contexts:
        home, away = (c["team_abbr"], c["opponent_team_abbr"]) if c["home_game"] else (c["opponent_team_abbr"], c["team_abbr"])
        rows.setdefault(game_id(c["game_date"], away, home), schedule_row(c["game_date"], away, home, status=1, tipoff=TIPOFF))
    for g in games:
        key = game_id(g["game_date"], g["opponent_team_abbr"], g["team_abbr"])
        rows.setdefault(key, schedule_row(g["game_date"], g["opponent_team_abbr"], g["team_abbr"]))
    for s in schedule:
        rows[s["game_id"]] = s
    return {
        "schedule": frame("schedule", list(rows.values())),
        "player_games": frame("player_games", games),
        "team_offense": frame("team_offense", list(team_games)),
        "player_context": frame("player_context", contexts),
        "box_score_roster": frame("box_score_roster", []),  # D's box scores: read only without context
        "player_daily_cache": frame("player_daily_cache", caches),
        "player_composite_factors": frame("player_composite_factors", composites),
        "player_shot_zone_analysis": frame("player_shot_zone_analysis", shot_zones),
        "team_defense_zone_analysis": frame("team_defense_zone_analysis", defenses),
        "odds_api": frame("odds_api", list(odds)),
        "bettingpros": frame("bettingpros", list(bettingpros)),
        "injury_report": frame("injury_report", list(injuries)),
        "prediction_accuracy": None if graded is None else frame("prediction_accuracy", list(graded)),
    }


def compute(data: dict, dates=(D,), run: RunInfo | None = None) -> pd.DataFrame:
    return mlfs.transform(data, list(dates), run or run_info(dates))


def row(out: pd.DataFrame, player="alpha", day=D) -> pd.Series:
    match = out[(out["player_lookup"] == player) & (out["game_date"] == pd.Timestamp(day))]
    assert len(match) == 1, f"expected one row for {player} on {day}, got {len(match)}"
    return match.iloc[0]


def value(out, name, player="alpha", day=D) -> float:
    return row(out, player, day)["features"][feature(name).index]


def tag(out, name, player="alpha", day=D) -> str:
    return json.loads(row(out, player, day)["feature_sources_json"])[str(feature(name).index)]


# --- the healthy default -------------------------------------------------------------------------
def test_healthy_row_shape_and_quality():
    out = compute(inputs())
    assert list(out.columns) == contract(mlfs.TABLE).column_names
    r = row(out)
    assert len(r["features"]) == r["feature_count"] == 60 == len(r["feature_names"])
    assert r["feature_names"] == list(FEATURE_NAMES)
    assert r["feature_version"] == "v2_60features"
    assert r["is_home"] and r["days_rest"] == 2 and r["opponent_team_abbr"] == "NYK"
    assert r["game_id"] == "20240120_NYK_BOS"
    assert r["required_default_count"] == 0 and r["is_quality_ready"]
    assert r["data_source"] == r["primary_data_source"] == "mixed"
    assert r["vegas_line_source"] == "none" and not r["has_vegas_line"]
    assert not r["cache_miss_fallback_used"]
    assert r["is_production_ready"]
    assert r["data_quality_issues"] == []
    assert r["upstream_processors_ran"] == ",".join(mlfs.UPSTREAM_ASSETS) and r["missing_processors"] == ""
    assert r["quality_computed_at"] == PROCESSED and r["created_at"] == PROCESSED and r["updated_at"] == PROCESSED
    # PDC / PCF / PSZA / TDZA values, phase4
    assert [value(out, n) for n in ("points_avg_last_5", "points_avg_last_10", "points_avg_season")] == [20.0, 19.0, 18.0]
    assert [value(out, n) for n in ("fatigue_score", "shot_zone_mismatch_score", "pace_score", "usage_spike_score")] == [
        90,
        1.5,
        0.5,
        0.2,
    ]
    assert [value(out, n) for n in ("opponent_def_rating", "opponent_pace")] == [112.5, 99.0]
    assert [value(out, n) for n in ("pct_paint", "pct_mid_range", "pct_three")] == [0.4, 0.2, 0.4]
    assert [value(out, n) for n in ("team_pace", "team_off_rating")] == [100.5, 115.5]
    assert all(tag(out, n) == "phase4" for n in ("points_avg_last_5", "fatigue_score", "opponent_pace", "pct_paint", "team_pace"))
    # per-feature columns: value, canonical source and weight from the scorer
    assert r["feature_0_value"] == 20.0 and r["feature_0_source"] == "phase4" and r["feature_0_quality"] == 100.0
    assert np.isnan(r[feature("vegas_points_line").value_column])  # missing → NULL
    assert r[feature("vegas_points_line").source_column] == "default"
    expected = score_feature_sources(dict(enumerate(json.loads(r["feature_sources_json"]).values())))
    for key, scored in expected.items():
        if key not in ("primary_data_source",):
            assert r[key] == scored or (isinstance(scored, float) and np.isclose(r[key], scored)), key
    hc = r["historical_completeness"]
    assert hc["games_found"] == 10 and hc["games_expected"] == 10 and hc["is_complete"] and not hc["is_bootstrap"]
    assert hc["contributing_game_dates"] == sorted(before(2 * (k + 1)) for k in range(10))
    assert (r["expected_games_count"], r["actual_games_count"], r["completeness_percentage"]) == (10, 10, 100.0)


def test_output_passes_the_contract_and_round_trips_through_duckdb(tmp_path):
    out = compute(inputs(players=("alpha", "beta")))
    prepare_frame(contract(mlfs.TABLE), out, [D])
    warehouse = DuckDBWarehouse(tmp_path / "w.duckdb")
    warehouse.apply_schemas([mlfs.TABLE])
    warehouse.replace_partitions(mlfs.TABLE, [D], out)
    back = warehouse.query(
        "SELECT player_lookup, features, historical_completeness, default_feature_indices, data_quality_issues "
        "FROM nba_predictions.ml_feature_store_v2 WHERE game_date BETWEEN @start_date AND @end_date ORDER BY player_lookup",
        {"start_date": D, "end_date": D},
    )
    assert back["player_lookup"].tolist() == ["alpha", "beta"]
    assert back["features"].iloc[0] == out["features"].iloc[0]
    assert back["historical_completeness"].iloc[0]["games_found"] == 10
    assert len(back["historical_completeness"].iloc[0]["contributing_game_dates"]) == 10


def test_ddl_has_every_scorer_field_with_its_type():
    ddl = contract(mlfs.TABLE)
    types = {bool: "BOOL", int: "INT64", float: "FLOAT64", str: "STRING"}
    for sources in ({i: "phase4" for i in range(60)}, {i: "default" for i in range(60)}):
        for key, scored in score_feature_sources(sources).items():
            column = ddl.column(key)
            if isinstance(scored, list):
                assert column.base_type == "ARRAY", key
            else:
                assert column.bq_type == types[type(scored)], key
    for f in FEATURES:
        assert ddl.column(f.value_column).bq_type == "FLOAT64"


# --- game context ----------------------------------------------------------------------------------
def test_recent_trend_from_the_last_five_rows_newest_first():
    points = [30, 24, 20, 18, 16]  # (30 + 24)/2 - (20 + 18 + 16)/3 = 27 - 18 = 9 → +2
    out = compute(inputs(games=[game("alpha", before(k + 1), points=p) for k, p in enumerate(points)]))
    assert value(out, "recent_trend") == 2.0 and tag(out, "recent_trend") == "calculated"
    # a DNP counts as 0 points: (20 + 0)/2 - (14 + 16 + 12)/3 = 10 - 14 = -4 → -1
    rows = [game("alpha", before(1), points=20), dnp("alpha", before(2)), game("alpha", before(3), points=14),
            game("alpha", before(4), points=16), game("alpha", before(5), points=12)]  # fmt: skip
    assert value(compute(inputs(games=rows)), "recent_trend") == -1.0
    # four rows are not enough → 0, still calculated
    short = compute(inputs(games=[game("alpha", before(k + 1), points=p) for k, p in enumerate(points[:4])]))
    assert value(short, "recent_trend") == 0.0 and tag(short, "recent_trend") == "calculated"


def test_minutes_change_against_the_season_average():
    season = [game("alpha", before(20 + k), minutes=m) for k, m in enumerate([30.0, 30.0, 24.0, 36.0])]  # mean 30
    # PDC minutes 34.5: (34.5 - 30)/30 = 0.15 → +1
    out = compute(inputs(games=season, caches=[cache("alpha", minutes_avg_last_10=34.5)]))
    assert value(out, "minutes_change") == 1.0
    out = compute(inputs(games=season, caches=[cache("alpha", minutes_avg_last_10=22.5)]))  # -0.25 → -2
    assert value(out, "minutes_change") == -2.0
    # no PDC row: recent = the played games of the last-10 list (same games, mean 30) → 0
    out = compute(inputs(games=season, caches=[]))
    assert value(out, "minutes_change") == 0.0


def test_pct_free_throw_needs_five_games_and_is_clamped():
    fts, pts = [4, 2, 0, 6, 3], [20, 10, 8, 30, 12]  # 15 / 80
    rows = [game("alpha", before(k + 1), points=p, ft_makes=f, ft_attempts=f) for k, (f, p) in enumerate(zip(fts, pts))]
    assert value(compute(inputs(games=rows)), "pct_free_throw") == pytest.approx(0.1875)
    assert value(compute(inputs(games=rows[:4])), "pct_free_throw") == 0.15
    heavy = [game("alpha", before(k + 1), points=8, ft_makes=6, ft_attempts=6) for k in range(5)]  # 0.75 → 0.5
    assert value(compute(inputs(games=heavy)), "pct_free_throw") == 0.5
    zero = [game("alpha", before(k + 1), points=0) for k in range(5)]  # no points → 0.15
    assert value(compute(inputs(games=zero)), "pct_free_throw") == 0.15


def test_rest_advantage_injury_risk_and_upcg_flags():
    ctx = context("alpha", days_rest=4, opponent_days_rest=1, player_status="Questionable", back_to_back=True,
                  season_phase="Playoffs", star_teammates_out=2)  # fmt: skip
    out = compute(inputs(contexts=[ctx]))
    assert value(out, "rest_advantage") == 2.0  # 3 clamped to 2
    assert value(out, "injury_risk") == 2.0
    assert value(out, "back_to_back") == 1.0 and value(out, "playoff_game") == 1.0 and value(out, "home_away") == 1.0
    assert tag(out, "home_away") == "phase3" and tag(out, "injury_risk") == "calculated"
    assert value(out, "star_teammates_out") == 2.0 and tag(out, "star_teammates_out") == "phase3"
    out = compute(inputs(contexts=[context("alpha", days_rest=None, player_status="probable")]))
    assert value(out, "rest_advantage") == 0.0 and value(out, "injury_risk") == 1.0
    assert tag(out, "days_rest") == "missing" and np.isnan(row(out)[feature("days_rest").value_column])


def test_implied_team_total_and_spread():
    # total 230, spread -6 (the home side's): home (230 + 6)/2 = 118, away (230 - 6)/2 = 112
    home = compute(inputs(contexts=[context("alpha", game_total=230.0, game_spread=-6.0)]))
    assert value(home, "implied_team_total") == 118.0 and value(home, "spread_magnitude") == 6.0
    assert value(home, "game_total_line") == 230.0 and tag(home, "implied_team_total") == "phase3"
    away = compute(inputs(contexts=[context("alpha", home_game=False, game_total=230.0, game_spread=-6.0)]))
    assert value(away, "implied_team_total") == 112.0 and value(away, "home_away") == 0.0
    none = compute(inputs(contexts=[context("alpha", game_total=None)]))
    assert tag(none, "implied_team_total") == "missing" and tag(none, "game_total_line") == "missing"


# --- player history ------------------------------------------------------------------------------
def test_pts_slope_dnp_rate_and_zscore():
    oldest_first = [10, 12, 14, 13, 16]  # x 0..4, mean 2 / 13: Sxy = 6+1+0+0+6 = 13, Sxx = 10 → 1.3
    rows = [game("alpha", before(5 - k), points=p) for k, p in enumerate(oldest_first)]
    out = compute(inputs(games=rows))
    assert value(out, "pts_slope_10g") == pytest.approx(1.3)
    rows = [*rows, dnp("alpha", before(6)), dnp("alpha", before(7)), *healthy_games(n=3, every=1, on=before(7))]
    assert value(compute(inputs(games=rows)), "dnp_rate") == pytest.approx(0.2)  # 2 of 10
    # z-score and breakout from features 0, 2, 3 (PDC): (20 - 15)/4 = 1.25; 20 > 15 + 6? no
    out = compute(inputs(caches=[cache("alpha", points_avg_last_5=20.0, points_avg_season=15.0, points_std_last_10=4.0)]))
    assert value(out, "pts_vs_season_zscore") == 1.25 and value(out, "breakout_flag") == 0.0
    out = compute(inputs(caches=[cache("alpha", points_avg_last_5=22.0, points_avg_season=15.0, points_std_last_10=4.0)]))
    assert value(out, "pts_vs_season_zscore") == 1.75 and value(out, "breakout_flag") == 1.0
    out = compute(inputs(caches=[cache("alpha", points_avg_last_5=40.0, points_avg_season=15.0, points_std_last_10=4.0)]))
    assert value(out, "pts_vs_season_zscore") == 3.0


def test_opponent_history_and_its_season_fallback():
    rows = [game("alpha", before(200), opp="NYK", points=30), game("alpha", before(10), opp="NYK", points=20),
            game("alpha", before(400), opp="NYK", points=50),  # outside the 1-year window
            game("alpha", before(5), opp="MIA", points=8)]  # fmt: skip
    out = compute(inputs(games=rows))
    assert value(out, "avg_points_vs_opponent") == 25.0 and value(out, "games_vs_opponent") == 2.0
    assert tag(out, "avg_points_vs_opponent") == "opponent_history"
    out = compute(inputs(games=[game("alpha", before(5), opp="MIA", points=8)]))
    assert value(out, "avg_points_vs_opponent") == 18.0  # PDC season average
    assert tag(out, "avg_points_vs_opponent") == "calculated" and value(out, "games_vs_opponent") == 0.0


def test_minutes_and_points_per_minute_over_30_days():
    rows = [game("alpha", before(3), points=15, minutes=30.0), game("alpha", before(10), points=12, minutes=20.0),
            game("alpha", before(40), points=40, minutes=10.0),  # outside 30 days
            dnp("alpha", before(5))]  # fmt: skip
    out = compute(inputs(games=rows))
    assert value(out, "minutes_avg_last_10") == 25.0 and tag(out, "minutes_avg_last_10") == "minutes_ppm"
    assert value(out, "ppm_avg_last_10") == pytest.approx(0.55)  # mean(0.5, 0.6)
    # no game in 30 days: PDC minutes (phase4); PPM has no PDC field → default
    out = compute(inputs(games=[game("alpha", before(40))]))
    assert value(out, "minutes_avg_last_10") == 32.0 and tag(out, "minutes_avg_last_10") == "phase4"
    assert value(out, "ppm_avg_last_10") == 0.4 and tag(out, "ppm_avg_last_10") == "default"


def test_rolling_set_features():
    # rolling set (minutes > 0, points present, 60 days), newest first: 30, 10, 20, 12, 8; mean 16
    newest_first = [30, 10, 20, 12, 8]
    rows = [game("alpha", before(k + 1), points=p, usage_rate=u)
            for k, (p, u) in enumerate(zip(newest_first, [30.0, None, 20.0, 10.0, 40.0]))]  # fmt: skip
    rows.append(dnp("alpha", before(6)))
    out = compute(inputs(games=rows))
    assert value(out, "points_avg_last_3") == 20.0
    # slope over the 5 games, x = 1..5 oldest → newest, y 8,12,20,10,30 (means 3, 16):
    # Sxy = (-2)(-8) + (-1)(-4) + 0(4) + 1(-6) + 2(14) = 42, Sxx = 10 → 4.2
    assert value(out, "scoring_trend_slope") == pytest.approx(4.2)
    sd = np.std(newest_first, ddof=1)
    assert value(out, "deviation_from_avg_last3") == pytest.approx((20 - 16) / sd)
    assert value(out, "consecutive_games_below_avg") == 0.0  # newest (30) is above the mean
    assert value(out, "usage_rate_last_5") == pytest.approx(25.0)  # 30, 20, 10, 40 (NULL skipped)
    assert value(out, "games_since_structural_change") == 5.0
    # three games only: slope 0, usage from < 3 values → 20.0, one run below the mean
    rows = [game("alpha", before(1), points=5, usage_rate=None), game("alpha", before(2), points=6, usage_rate=None),
            game("alpha", before(3), points=19, usage_rate=33.0)]  # fmt: skip
    out = compute(inputs(games=rows))
    assert value(out, "scoring_trend_slope") == 0.0 and value(out, "usage_rate_last_5") == 20.0
    assert value(out, "consecutive_games_below_avg") == 2.0  # mean 10: 5 and 6 below, 19 not
    # one game: sd 5.0 → (7 - 7)/5 = 0
    out = compute(inputs(games=[game("alpha", before(1), points=7)]))
    assert value(out, "deviation_from_avg_last3") == 0.0 and tag(out, "deviation_from_avg_last3") == "calculated"


def test_games_since_structural_change_for_a_traded_player():
    old_team = [game("alpha", before(30 - k), team="LAL", opp="MIA") for k in range(6)]  # days 30..25 before D
    new_team = [game("alpha", before(k + 1), team="BOS", opp="MIA") for k in range(3)]
    out = compute(inputs(games=[*old_team, *new_team]))
    assert value(out, "games_since_structural_change") == 3.0
    # same team, but a 20-day gap: the 2 games after it
    gap = [game("alpha", before(40 - k)) for k in range(4)] + [game("alpha", before(k + 1)) for k in range(2)]
    assert value(compute(inputs(games=gap)), "games_since_structural_change") == 2.0
    # a 7-day All-Star break is not a structural change (gap <= 14 days)
    all_star = [game("alpha", before(12 - k)) for k in range(3)] + [game("alpha", before(k + 1)) for k in range(3)]
    assert value(compute(inputs(games=all_star)), "games_since_structural_change") == 6.0


def test_minutes_volatility_and_blowout_risk():
    minutes = [30.0, 20.0, 25.0]  # sample std 5
    rows = [game("alpha", before(k + 1), minutes=m) for k, m in enumerate(minutes)]
    margins = [20, -16, 5, -3, 15, 2, -8, 30, 1, 4, 40]  # newest first; the 11th is outside the last 10
    teams = [team_game("BOS", before(k + 1), margin=m) for k, m in enumerate(margins)]
    out = compute(inputs(games=rows, team_games=teams))
    assert value(out, "minutes_volatility_last_10") == pytest.approx(5.0)
    assert value(out, "blowout_minutes_risk") == pytest.approx(0.4)  # 20, -16, 15, 30
    # fewer than 3 minute-games: both missing; team without games in 60 days: 0.2
    out = compute(inputs(games=rows[:2], team_games=teams))
    assert tag(out, "blowout_minutes_risk") == "missing" and tag(out, "minutes_volatility_last_10") == "missing"
    assert value(compute(inputs(games=rows)), "blowout_minutes_risk") == 0.2


def test_team_win_pct_needs_five_season_games():
    games_ = [team_game("BOS", before(k + 1), win=k % 3 != 0) for k in range(6)]  # 4 wins of 6
    games_.append(team_game("BOS", SEASON_START - dt.timedelta(days=30), win=False))  # last season
    assert value(compute(inputs(team_games=games_)), "team_win_pct") == pytest.approx(4 / 6)
    assert value(compute(inputs(team_games=games_[:4])), "team_win_pct") == 0.5


def test_over_rate_and_margin_from_graded_lines():
    points = [24, 16, 22, 20, 25, 18]  # newest first
    lines = [20.5, 18.5, 22.5, 15.5, 19.5, 21.5]
    rows = [game("alpha", before(k + 1), points=p) for k, p in enumerate(points)]
    graded = [{"player_lookup": "alpha", "game_date": before(k + 1), "line_value": line, "recommendation": "OVER"}
              for k, line in enumerate(lines)]  # fmt: skip
    graded.append({"player_lookup": "alpha", "game_date": before(1), "line_value": 10.5, "recommendation": "UNDER"})
    out = compute(inputs(games=rows, graded=graded))
    assert value(out, "over_rate_last_10") == pytest.approx(0.5)  # 24>20.5, 20>15.5, 25>19.5
    assert value(out, "margin_vs_line_avg_last_5") == pytest.approx(2.1)  # (3.5-2.5-0.5+4.5+5.5)/5
    out = compute(inputs(games=rows, graded=graded[:4]))  # 4 graded games: over-rate needs 5
    assert tag(out, "over_rate_last_10") == "missing" and tag(out, "margin_vs_line_avg_last_5") == "calculated"
    out = compute(inputs(games=rows, graded=None))  # the table does not exist
    assert tag(out, "over_rate_last_10") == "missing" and tag(out, "margin_vs_line_avg_last_5") == "missing"


def test_teammate_usage_available_from_the_injury_report():
    rows = [*healthy_games("alpha"),
            game("gamma", before(2), usage_rate=25.0, minutes=30.0), game("gamma", before(4), usage_rate=30.0, minutes=32.0),
            game("gamma", before(6), usage_rate=40.0, minutes=8.0),  # 10 minutes or less: not counted
            game("gamma", before(40), usage_rate=90.0),  # outside 30 days
            game("delta", before(3), usage_rate=20.0), game("epsilon", before(3), usage_rate=50.0),
            game("kappa", before(3), team="NYK", opp="BOS", usage_rate=15.0)]  # fmt: skip
    contexts = [context("alpha"), context("beta", team="NYK", opp="BOS", home_game=False), context("eta")]
    report = [injury("gamma", "BOS", "Out"), injury("delta", "BOS", "doubtful"), injury("eta", "BOS", "Questionable"),
              injury("epsilon", "BOS", "out", at="2024-01-20 11:00"), injury("epsilon", "BOS", "available", at="2024-01-20 18:00"),
              injury("kappa", "NYK", "out")]  # fmt: skip
    out = compute(inputs(players=("alpha", "beta", "eta"), games=rows, contexts=contexts, injuries=report))
    assert value(out, "teammate_usage_available") == pytest.approx(47.5)  # 27.5 + 20
    assert value(out, "teammate_usage_available", "eta") == pytest.approx(47.5)
    assert value(out, "teammate_usage_available", "beta") == pytest.approx(15.0)
    assert tag(out, "teammate_usage_available") == "calculated"
    out = compute(inputs(games=rows))  # no report for D
    assert tag(out, "teammate_usage_available") == "missing"


# --- vegas -------------------------------------------------------------------------------------------
def test_vegas_lines_draftkings_first_post_tip_snapshots_ignored():
    odds = [snapshot("alpha", "FanDuel", 22.5, 400), snapshot("alpha", "FanDuel", 23.5, 10),
            snapshot("alpha", "DraftKings", 21.5, 300), snapshot("alpha", "draftkings", 22.5, 30),
            snapshot("alpha", "DraftKings", 30.5, -20)]  # post tip-off: never used  # fmt: skip
    out = compute(inputs(odds=odds))
    assert value(out, "vegas_points_line") == 22.5 and value(out, "vegas_opening_line") == 21.5
    assert value(out, "vegas_line_move") == 1.0 and value(out, "has_vegas_line") == 1.0
    assert tag(out, "vegas_points_line") == "vegas" and row(out)["feature_25_source"] == "phase4"
    assert row(out)["vegas_line_source"] == "odds_api" and row(out)["has_vegas_line"]
    assert value(out, "line_vs_season_avg") == pytest.approx(22.5 - 18.0)
    # without DraftKings: the latest / earliest snapshot of any book
    out = compute(inputs(odds=odds[:2]))
    assert value(out, "vegas_points_line") == 23.5 and value(out, "vegas_opening_line") == 22.5


def test_bettingpros_fallback_before_tipoff_only():
    lines = [bp_line("alpha", "Caesars", 19.5, TIPOFF - pd.Timedelta(hours=8), opening=19.0),
             bp_line("alpha", "BetMGM", 20.5, TIPOFF - pd.Timedelta(hours=2), opening=18.5),
             bp_line("alpha", "BetMGM", 26.5, TIPOFF + pd.Timedelta(minutes=30), opening=18.5)]  # after tip-off  # fmt: skip
    out = compute(inputs(bettingpros=lines))
    assert value(out, "vegas_points_line") == 20.5 and value(out, "vegas_opening_line") == 18.5
    assert value(out, "vegas_line_move") == 2.0 and tag(out, "vegas_points_line") == "bettingpros"
    assert row(out)["vegas_line_source"] == "bettingpros"
    both = compute(inputs(bettingpros=lines, odds=[snapshot("alpha", "DraftKings", 22.5, 30)]))
    assert value(both, "vegas_points_line") == 22.5 and row(both)["vegas_line_source"] == "both"


def test_multi_book_line_std_excludes_bovada_and_falls_back_to_bettingpros():
    odds = [snapshot("alpha", "DraftKings", 21.5, 200), snapshot("alpha", "DraftKings", 22.5, 30),
            snapshot("alpha", "FanDuel", 23.5, 30), snapshot("alpha", "BetMGM", 24.5, 30),
            snapshot("alpha", "Bovada", 30.5, 30)]  # fmt: skip
    out = compute(inputs(odds=odds))
    assert value(out, "multi_book_line_std") == pytest.approx(1.0) and tag(out, "multi_book_line_std") == "vegas"
    # a date where odds_api books all agree (max std 0 < 0.3): players without an odds_api std take
    # BettingPros' (DFS books excluded); alpha keeps its odds_api std
    flat = [snapshot("alpha", "DraftKings", 22.5, 30), snapshot("alpha", "FanDuel", 22.5, 30)]
    created = TIPOFF - pd.Timedelta(hours=1)
    bp = [bp_line("beta", "BetMGM", 20.5, created), bp_line("beta", "Caesars", 21.5, created),
          bp_line("beta", "PrizePicks", 30.5, created)]  # fmt: skip
    out = compute(inputs(players=("alpha", "beta"), odds=flat, bettingpros=bp))
    assert value(out, "multi_book_line_std") == 0.0 and tag(out, "multi_book_line_std") == "vegas"
    assert value(out, "multi_book_line_std", "beta") == pytest.approx(np.std([20.5, 21.5], ddof=1))
    assert tag(out, "multi_book_line_std", "beta") == "bettingpros"
    # one book only: missing
    assert tag(compute(inputs(odds=odds[:2])), "multi_book_line_std") == "missing"


def test_prop_line_delta_against_the_previous_consensus():
    previous = before(3)
    odds = [snapshot("alpha", "DraftKings", 20.5, 30, day=previous), snapshot("alpha", "FanDuel", 21.5, 30, day=previous),
            snapshot("alpha", "BetMGM", 25.5, 30, day=previous),  # median 21.5
            snapshot("alpha", "DraftKings", 23.5, 30), snapshot("alpha", "FanDuel", 22.5, 30)]  # median 23.0  # fmt: skip
    out = compute(inputs(odds=odds))
    assert value(out, "prop_line_delta") == 1.5 and tag(out, "prop_line_delta") == "vegas"
    stale = [snapshot("alpha", "DraftKings", 20.5, 30, day=before(20)), *odds[3:]]  # older than 14 days
    assert tag(compute(inputs(odds=stale)), "prop_line_delta") == "missing"


# --- fallbacks, modes, incidents -----------------------------------------------------------------
def test_cache_miss_recomputes_from_the_last_ten_list():
    rows = [game("alpha", before(1), points=30, minutes=36.0, paint_attempts=6, mid_range_attempts=2, three_pt_attempts=4, fg_attempts=12),
            dnp("alpha", before(2)),
            game("alpha", before(3), points=20, minutes=30.0, paint_attempts=6, mid_range_attempts=2, three_pt_attempts=4, fg_attempts=12),
            game("alpha", before(9), points=10, minutes=24.0, paint_attempts=6, mid_range_attempts=2, three_pt_attempts=4, fg_attempts=12),
            *[game("alpha", before(20 + k), points=12, minutes=20.0, paint_attempts=6, mid_range_attempts=2,
                   three_pt_attempts=4, fg_attempts=12) for k in range(4)]]  # fmt: skip
    out = compute(inputs(games=rows, caches=[], shot_zones=[]))
    r = row(out)
    assert r["cache_miss_fallback_used"]
    # played games newest first: 30, 20, 10, 12, 12 | 12, 12
    assert value(out, "points_avg_last_5") == pytest.approx(84 / 5)
    assert value(out, "points_avg_last_10") == pytest.approx(108 / 7)
    assert value(out, "points_std_last_10") == pytest.approx(np.std([30, 20, 10, 12, 12, 12, 12], ddof=1))
    assert value(out, "games_in_last_7_days") == 2.0  # D-1 and D-3 (the DNP does not count)
    assert value(out, "points_avg_season") == pytest.approx(108 / 7)
    for name in ("points_avg_last_5", "points_avg_last_10", "points_avg_season", "points_std_last_10", "games_in_last_7_days"):
        assert tag(out, name) == "phase4"
    # shot-zone shares are fractions of FG attempts, 0-1 (docs/RULES.md#units)
    assert [value(out, n) for n in ("pct_paint", "pct_mid_range", "pct_three")] == pytest.approx([0.5, 2 / 12, 4 / 12])
    assert tag(out, "pct_paint") == "phase4"
    # PSZA present: its percentages / 100 win
    out = compute(inputs(games=rows, caches=[]))
    assert [value(out, n) for n in ("pct_paint", "pct_mid_range", "pct_three")] == [0.4, 0.2, 0.4]
    assert "upstream_player_daily_cache_incomplete" in row(out)["data_quality_issues"]
    assert not row(out)["is_production_ready"]


def test_cache_miss_with_zero_field_goal_attempts_leaves_shot_zones_missing():
    rows = [game("alpha", before(k + 1), fg_makes=0, fg_attempts=0, paint_attempts=0, mid_range_attempts=0,
                 three_pt_attempts=0, points=4, ft_makes=4, ft_attempts=4) for k in range(3)]  # fmt: skip
    out = compute(inputs(games=rows, caches=[], shot_zones=[]))
    assert row(out)["cache_miss_fallback_used"] and tag(out, "points_avg_last_5") == "phase4"
    for name in ("pct_paint", "pct_mid_range", "pct_three"):
        assert tag(out, name) == "missing" and value(out, name) == 0.0
    assert "upstream_player_shot_zone_incomplete" in row(out)["data_quality_issues"]


def test_cache_miss_team_pace_from_team_games():
    teams = [team_game("BOS", before(k + 1), pace=96.0 + k, rating=110.0 + k) for k in range(12)]
    out = compute(inputs(caches=[], team_games=teams))
    assert value(out, "team_pace") == pytest.approx(np.mean([96.0 + k for k in range(10)]))
    assert value(out, "team_off_rating") == pytest.approx(np.mean([110.0 + k for k in range(10)]))
    assert tag(out, "team_pace") == "phase4"
    assert value(out, "opponent_pace_mismatch") == pytest.approx(value(out, "team_pace") - 99.0)


def test_player_without_a_game_in_60_days_keeps_a_row_with_defaults():
    rows = [game("zeta", before(70), points=14), *healthy_games("alpha")]
    out = compute(inputs(players=("alpha", "zeta"), games=rows, caches=[cache("alpha")]))
    r = row(out, "zeta")
    for name in ("points_avg_last_5", "points_avg_last_10", "points_std_last_10", "fatigue_score"):
        expected_tag = "default" if name != "fatigue_score" else "phase4"
        assert tag(out, name, "zeta") == expected_tag, name
    assert value(out, "points_avg_last_5", "zeta") == feature("points_avg_last_5").default_value
    assert np.isnan(r[feature("points_avg_last_5").value_column])
    assert value(out, "points_avg_season", "zeta") == 14.0 and tag(out, "points_avg_season", "zeta") == "phase3"
    assert tag(out, "games_in_last_7_days", "zeta") == "phase3"  # UPCG
    assert tag(out, "points_avg_last_3", "zeta") == "missing"
    assert not r["cache_miss_fallback_used"]
    assert r["historical_completeness"]["games_found"] == 0 and r["historical_completeness"]["contributing_game_dates"] == []
    assert r["required_default_count"] > 0 and not r["is_quality_ready"]
    assert r["insufficient_data_reason"].startswith("no player_game_summary row")
    # no game at all: the season average defaults too, and so does its opponent-history fallback
    out = compute(inputs(players=("alpha", "omega"), games=healthy_games("alpha"), caches=[cache("alpha")]))
    assert tag(out, "points_avg_season", "omega") == "default" and tag(out, "avg_points_vs_opponent", "omega") == "default"
    # nothing upstream at all (empty extracts): still one row, every history feature unavailable
    out = compute(inputs(games=[], caches=[], composites=[], shot_zones=[], defenses=[]))
    r = row(out)
    assert r["required_default_count"] > 0 and r["quality_alert_level"] == "red"
    assert r["data_quality_issues"][:4] == [u.issue for u in mlfs.UPSTREAMS]


def test_incident_2026_02_06_composite_factors_never_computed():
    day = dt.date(2026, 2, 6)
    players = ("alpha", "beta")
    games = [g for p in players for g in healthy_games(p, on=day)]
    data = inputs(players=players, dates=(day,), games=games, composites=[])
    out = compute(data, dates=(day,), run=run_info((day,), ALL_UPSTREAM - {"player_composite_factors"}))
    assert len(out) == 2
    for player in players:
        r = row(out, player, day)
        for name in ("fatigue_score", "shot_zone_mismatch_score", "pace_score", "usage_spike_score"):
            f = feature(name)
            assert r["features"][f.index] == f.default_value
            assert tag(out, name, player, day) == "default"
            assert np.isnan(r[f.value_column]) and r[f.source_column] == "default"
        assert tag(out, "opponent_def_rating", player, day) == "phase4"
        assert r["required_default_count"] == 4 and r["feature_quality_score"] <= 69.0
        assert r["quality_alert_level"] == "yellow" and not r["is_quality_ready"]
        assert "composite_factors_missing" in r["quality_alerts"]
        assert "all_matchup_features_defaulted" not in r["quality_alerts"]
        assert not r["has_composite_factors"] and r["has_opponent_defense"]
        assert r["matchup_data_status"] == "MATCHUP_UNAVAILABLE"
        assert json.loads(r["feature_fallback_reasons_json"])["5"] == "composite_factors_missing"
        assert r["missing_processors"] == "player_composite_factors"
        assert r["upstream_processors_ran"] == "team_defense_zone_analysis,player_shot_zone_analysis,player_daily_cache"
        assert "upstream_player_composite_factors_incomplete" in r["data_quality_issues"]
        assert not r["is_production_ready"]
        assert r["source_composite_rows_found"] == 0 and r["source_composite_completeness_pct"] == 0.0


def test_bootstrap_days_write_placeholder_rows():
    day = SEASON_START + dt.timedelta(days=3)
    odds = [snapshot("alpha", "DraftKings", 18.5, 30, day=day)]
    data = inputs(dates=(day,), games=healthy_games(on=day, n=2, every=1), odds=odds)
    out = compute(data, dates=(day,))
    r = row(out, day=day)
    assert r["data_source"] == r["primary_data_source"] == "early_season"
    assert r["early_season_flag"] and r["processing_decision_reason"] == "early_season_placeholder"
    assert not r["is_production_ready"] and not r["cache_miss_fallback_used"]
    assert r["data_quality_issues"] == [] and r["missing_processors"] == ""
    sources = json.loads(r["feature_sources_json"])
    for f in FEATURES:
        if f.name in mlfs.PREGAME_FEATURES:
            continue
        assert sources[str(f.index)] == ("missing" if f.default_value is None else "default"), f.name
        assert np.isnan(r[f.value_column])
        assert r["features"][f.index] == (0.0 if f.default_value is None else f.default_value)
    assert value(out, "home_away", day=day) == 1.0 and tag(out, "home_away", day=day) == "phase3"
    assert value(out, "vegas_points_line", day=day) == 18.5 and tag(out, "vegas_points_line", day=day) == "vegas"
    expected = score_feature_sources({int(k): v for k, v in sources.items()})
    assert r["feature_quality_score"] == expected["feature_quality_score"]
    assert r["required_default_count"] == expected["required_default_count"]


def test_player_set_excludes_out_and_doubtful_case_insensitively():
    contexts = [context("alpha", player_status="OUT"), context("beta", player_status="Doubtful"),
                context("gamma", player_status="questionable"), context("delta", player_status=None)]  # fmt: skip
    out = compute(inputs(players=("alpha", "beta", "gamma", "delta"), contexts=contexts))
    assert sorted(out["player_lookup"]) == ["delta", "gamma"]


def test_no_rows_on_days_without_games_and_an_error_when_context_is_missing():
    quiet = before(1)  # no game scheduled
    data = inputs(contexts=[], caches=[], composites=[], shot_zones=[], defenses=[])
    out = compute(data, dates=(quiet,))
    assert out.empty and list(out.columns) == contract(mlfs.TABLE).column_names
    data = inputs(contexts=[], schedule=[schedule_row(D, "NYK", "BOS", status=1, tipoff=TIPOFF)])
    with pytest.raises(InputContractError, match="upcoming_player_game_context.*2024-01-20"):
        compute(data)


def test_range_warnings_and_a_critical_fatigue_value_rejects_the_write():
    out = compute(inputs(caches=[cache("alpha", points_avg_last_5=75.0, team_pace_last_10=130.0)]))
    issues = row(out)["data_quality_issues"]
    assert "range_warning:points_avg_last_5=75 outside [0, 70]" in issues
    assert "range_warning:team_pace=130 outside [90, 115]" in issues
    with pytest.raises(InputContractError) as error:
        compute(inputs(composites=[composite("alpha", fatigue_score=120)]))
    message = str(error.value)
    assert "nba_precompute.player_composite_factors" in message and "fatigue_score" in message
    assert "2024-01-20" in message and "[0, 100]" in message


def test_input_contract_errors_name_table_date_and_column():
    bad = [*healthy_games(), game("alpha", before(30), minutes=-3.0)]
    with pytest.raises(InputContractError, match=r"player_game_summary.*minutes_played >= 0.*2023-12-21"):
        compute(inputs(games=bad))
    data = inputs(contexts=[context("alpha", opp="XXX")], defenses=[])
    data["schedule"] = data["schedule"][data["schedule"]["away_team_tricode"] != "XXX"]
    with pytest.raises(InputContractError, match="upcoming_player_game_context.*opponent_team_abbr"):
        compute(data)
    bad = [*healthy_games(), game("alpha", before(30), fg_makes=12, fg_attempts=10)]
    with pytest.raises(InputContractError, match="fg_makes <= fg_attempts"):
        compute(inputs(games=bad))


def test_upstream_trace_is_null_when_the_run_does_not_say():
    out = compute(inputs(), run=RunInfo(processed_at=PROCESSED))
    assert row(out)["upstream_processors_ran"] is None and row(out)["missing_processors"] is None
    r = row(compute(inputs()))
    assert r["source_daily_cache_rows_found"] == 1 and r["source_daily_cache_completeness_pct"] == 100.0
    assert r["source_daily_cache_hash"] == "pdc-alpha" and r["source_team_defense_hash"] == "tdza-NYK"
    assert r["source_shot_zones_last_updated"] == UPDATED


# --- range runs and point in time ------------------------------------------------------------------
def multi_date_inputs(dates):
    players = ("alpha", "beta")
    games = [g for p in players for g in healthy_games(p, n=20, every=2, on=max(dates))]
    games += [game("alpha", before(3, max(dates)), points=31, opp="MIA"), dnp("beta", before(1, max(dates)))]
    games = [g for g in {(g["player_lookup"], g["game_date"]): g for g in games}.values()]
    team_games = [
        team_game(t, before(k + 1, max(dates)), win=k % 2 == 0, margin=3 * k - 12) for t in ("BOS", "NYK") for k in range(30)
    ]
    odds = [snapshot(p, b, 20.5 + i + j, 30 + 10 * j, day=d) for p in players for d in dates
            for i, b in enumerate(("DraftKings", "FanDuel", "Bovada")) for j in range(2)]  # fmt: skip
    odds += [snapshot("alpha", "DraftKings", 40.5, -15, day=d) for d in dates]
    bp = [bp_line("beta", "BetMGM", 18.5, TIPOFF - pd.Timedelta(hours=3), day=d) for d in dates]
    report = [injury("gamma", "BOS", "out", day=d) for d in dates]
    graded = [{"player_lookup": p, "game_date": g["game_date"], "line_value": 19.5, "recommendation": "OVER"}
              for p in players for g in games if g["player_lookup"] == p]  # fmt: skip
    return inputs(players=players, dates=dates, games=games, team_games=team_games, odds=odds, bettingpros=bp,
                  injuries=report, graded=graded, caches=[cache("alpha", d) for d in dates])  # fmt: skip


AUDIT = ["feature_generation_time_ms"]


def test_a_range_run_equals_one_run_per_date():
    dates = [before(4), before(3), before(2), before(1), D]  # D-2 has no scheduled game: no rows
    data = multi_date_inputs(dates)
    data["schedule"] = data["schedule"][data["schedule"]["game_date"] != pd.Timestamp(before(2))]
    data["schedule"].loc[data["schedule"]["game_date"] < pd.Timestamp(D), "game_status"] = 3  # box scores exist: played
    whole = compute(data, dates=dates).drop(columns=AUDIT)
    parts = pd.concat([compute(data, dates=[d]).drop(columns=AUDIT) for d in dates], ignore_index=True)
    assert len(whole) == 8
    pd.testing.assert_frame_equal(whole, parts, check_exact=True)


def test_point_in_time_rows_dated_d_or_later_do_not_change_the_row():
    data = multi_date_inputs([D])
    base = compute(data).drop(columns=AUDIT)
    mutated = {k: (v.copy() if v is not None else None) for k, v in data.items()}
    games = mutated["player_games"]
    later = pd.DataFrame([game("alpha", D, points=99, minutes=48.0), game("beta", dt.date(2024, 1, 25), opp="MIA", points=0)])
    later = frame("player_games", later.to_dict("records"))
    mutated["player_games"] = pd.concat([games, later], ignore_index=True)
    mutated["team_offense"] = pd.concat(
        [mutated["team_offense"], frame("team_offense", [team_game("BOS", D, win=False, margin=-40, pace=80.0)])],
        ignore_index=True,
    )
    mutated["odds_api"] = pd.concat(
        [
            mutated["odds_api"],
            frame("odds_api", [snapshot("alpha", "DraftKings", 55.5, -1), snapshot("beta", "FanDuel", 1.5, -90)]),
        ],
        ignore_index=True,
    )
    mutated["bettingpros"] = pd.concat(
        [mutated["bettingpros"], frame("bettingpros", [bp_line("beta", "BetMGM", 44.5, TIPOFF + pd.Timedelta(minutes=1))])],
        ignore_index=True,
    )
    mutated["prediction_accuracy"] = pd.concat(
        [mutated["prediction_accuracy"],
         frame("prediction_accuracy", [{"player_lookup": "alpha", "game_date": D, "line_value": 5.5, "recommendation": "OVER"}])],
        ignore_index=True,
    )  # fmt: skip
    pd.testing.assert_frame_equal(base, compute(mutated).drop(columns=AUDIT), check_exact=True)


def test_extracts_are_bounded_and_use_both_parameters():
    names = [e.name for e in mlfs.SPEC.extracts]
    assert len(names) == 13 and len(set(names)) == 13
    for extract in mlfs.SPEC.extracts:
        parameters = {p.name for p in sqlglot.parse_one(extract.sql, read="bigquery").find_all(sqlglot.exp.Parameter)}
        assert parameters == {"start_date", "end_date"}, extract.name
        assert "-- bound:" in extract.sql, extract.name
        assert f"INTERVAL {extract.lookback_days} DAY" in extract.sql or extract.lookback_days == 0, extract.name
    assert mlfs.SPEC.upstream_assets == (
        "team_defense_zone_analysis", "player_shot_zone_analysis", "player_composite_factors", "player_daily_cache"
    )  # fmt: skip
    assert EXTRACTS["prediction_accuracy"].optional


# --- smoke: a generated season through the warehouse and the real extract SQL ---------------------
SMOKE_DATES = [dt.date(2023, 10, 30), dt.date(2024, 1, 17), dt.date(2024, 1, 18)]  # a bootstrap day, two mid-season days


@pytest.fixture(scope="module")
def demo_warehouse(tmp_path_factory) -> DuckDBWarehouse:
    """One demo season (2023-24) in a DuckDB file with the four upstream Phase 4 tables computed for the smoke dates."""
    from nba_features.demo.demo_league import generate_league
    from nba_features.phase4 import (
        player_composite_factors,
        player_daily_cache,
        player_shot_zone_analysis,
        team_defense_zone_analysis,
    )
    from nba_features.phase4.spec import compute_partitions

    warehouse = DuckDBWarehouse(tmp_path_factory.mktemp("demo") / "warehouse.duckdb")
    warehouse.apply_schemas()
    for table, rows in generate_league(seasons=1, start_season=2023, seed=7).items():
        warehouse.append(table, rows)
    run = RunInfo(processed_at=PROCESSED)
    for spec in (
        team_defense_zone_analysis.SPEC,
        player_shot_zone_analysis.SPEC,
        player_composite_factors.SPEC,
        player_daily_cache.SPEC,
    ):
        warehouse.replace_partitions(spec.table, SMOKE_DATES, compute_partitions(spec, warehouse, SMOKE_DATES, run))
    return warehouse


@pytest.mark.slow
def test_smoke_on_a_generated_season(demo_warehouse):
    from nba_features.phase4.spec import compute_partitions

    run = run_info(SMOKE_DATES)
    out = compute_partitions(mlfs.SPEC, demo_warehouse, SMOKE_DATES, run)
    prepare_frame(contract(mlfs.TABLE), out, SMOKE_DATES)
    context = demo_warehouse.query(
        "SELECT game_date, player_status FROM nba_analytics.upcoming_player_game_context "
        "WHERE game_date BETWEEN @start_date AND @end_date",
        {"start_date": min(SMOKE_DATES), "end_date": max(SMOKE_DATES)},
    )
    playing = context[~context["player_status"].str.lower().isin(["out", "doubtful"])]
    expected = playing.groupby("game_date").size()
    assert out.groupby("game_date").size().to_dict() == {d: expected[d] for d in pd.to_datetime(SMOKE_DATES)}
    bootstrap = out[out["game_date"] == pd.Timestamp(SMOKE_DATES[0])]
    assert (bootstrap["data_source"] == "early_season").all()
    season = out[out["game_date"] > pd.Timestamp(SMOKE_DATES[0])]
    assert (season["required_default_count"] > 0).mean() <= 0.30  # docs/RULES.md#feature-store-gates on a healthy league
    assert season["is_quality_ready"].mean() >= 0.40
    assert season["cache_miss_fallback_used"].mean() <= 0.05
    shares = np.vstack(season["features"].to_numpy())[:, [feature(n).index for n in ("pct_paint", "pct_mid_range", "pct_three")]]
    assert shares.min() >= 0.0 and shares.max() <= 1.0

    # range run == one run per date, through the real extracts
    per_date = pd.concat([compute_partitions(mlfs.SPEC, demo_warehouse, [d], run) for d in SMOKE_DATES], ignore_index=True)
    pd.testing.assert_frame_equal(out.drop(columns=AUDIT), per_date.drop(columns=AUDIT), check_exact=True)

    # point in time: delete every outcome row dated D or later and every post-tip-off snapshot
    day = SMOKE_DATES[-1]
    before_delete = compute_partitions(mlfs.SPEC, demo_warehouse, [day], run).drop(columns=AUDIT)
    for statement in (
        "DELETE FROM nba_analytics.player_game_summary WHERE game_date >= ?",
        "DELETE FROM nba_analytics.team_offense_game_summary WHERE game_date >= ?",
        "DELETE FROM nba_raw.odds_api_player_points_props WHERE game_date >= ? AND minutes_before_tipoff < 0",
    ):
        demo_warehouse.execute_native(statement, [day])
    after_delete = compute_partitions(mlfs.SPEC, demo_warehouse, [day], run).drop(columns=AUDIT)
    pd.testing.assert_frame_equal(before_delete, after_delete, check_exact=True)
