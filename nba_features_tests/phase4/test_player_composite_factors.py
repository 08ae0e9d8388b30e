"""player_composite_factors: every factor against hand-computed values, readiness, completeness,
point in time, range runs and the input contract."""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd
import pytest

from nba_features.contracts import contract
from nba_features.phase4 import player_composite_factors as pcf
from nba_features.phase4.output_rows import sha16
from nba_features.phase4.spec import RunInfo
from nba_features.phase4.validation import InputContractError
from nba_features.warehouse.base import prepare_frame
from nba_features.warehouse.sql import parameter_names

SEASON_START = dt.date(2023, 10, 24)  # season 2023; both games are played every other day from here
D = dt.date(2024, 1, 16)  # season day 84, a game day
RUN = RunInfo(processed_at=pd.Timestamp("2024-01-16 12:00:00", tz="UTC"))
UPDATED = pd.Timestamp("2024-01-16 06:00:00", tz="UTC")
MATCHUPS = (("BBB", "AAA"), ("DDD", "CCC"))  # (away, home)
OPPONENT = {"AAA": "BBB", "BBB": "AAA", "CCC": "DDD", "DDD": "CCC"}


def season_day(n: int) -> dt.date:
    return SEASON_START + dt.timedelta(days=n)


def schedule_frame(last: dt.date = dt.date(2024, 2, 28), final_before: dt.date = dt.date(2024, 2, 1)) -> pd.DataFrame:
    """Both matchups every other day from the season start; games before `final_before` are final."""
    rows = []
    day = SEASON_START
    while day <= last:
        for away, home in MATCHUPS:
            rows.append(
                {
                    "game_id": f"{day:%Y%m%d}_{away}_{home}",
                    "game_date": pd.Timestamp(day),
                    "season_year": 2023,
                    "season_type": "Regular Season",
                    "home_team_tricode": home,
                    "away_team_tricode": away,
                    "game_status": 3 if day < final_before else 1,
                }
            )
        day += dt.timedelta(days=2)
    return pd.DataFrame(rows)


def context_row(player: str, team: str = "AAA", day: dt.date = D, **overrides) -> dict:
    """A UPCG row whose inputs trigger no fatigue rule and no pace or usage adjustment."""
    row = {
        "player_lookup": player,
        "universal_player_id": f"{player}_001",
        "game_id": f"{day:%Y%m%d}_{OPPONENT[team]}_{team}",
        "game_date": pd.Timestamp(day),
        "team_abbr": team,
        "opponent_team_abbr": OPPONENT[team],
        "days_rest": 1,
        "back_to_back": False,
        "games_in_last_7_days": 3,
        "minutes_in_last_7_days": 100,
        "avg_minutes_per_game_last_7": 30.0,
        "back_to_backs_last_14_days": 0,
        "player_age": 25,
        "projected_usage_rate": 25.0,
        "avg_usage_rate_last_7_games": 25.0,
        "star_teammates_out": 0,
        "pace_differential": 0.0,
        "opponent_pace_last_10": 100.0,
        "is_production_ready": True,
        "data_hash": f"ctx_{player}",
        "processed_at": UPDATED,
    }
    row.update(overrides)
    return row


def shot_row(player: str, day: dt.date = D, zone: str | None = "paint", paint=50.0, mid=20.0, three=30.0, **overrides) -> dict:
    row = {
        "player_lookup": player,
        "analysis_date": pd.Timestamp(day),
        "primary_scoring_zone": zone,
        "paint_rate_last_10": paint,
        "mid_range_rate_last_10": mid,
        "three_pt_rate_last_10": three,
        "is_production_ready": True,
        "early_season_flag": False,
        "data_hash": f"psza_{player}",
        "processed_at": UPDATED,
    }
    row.update(overrides)
    return row


def defense_row(team: str, day: dt.date = D, paint=2.0, mid=0.0, three=0.0, weakest="paint", **overrides) -> dict:
    row = {
        "team_abbr": team,
        "analysis_date": pd.Timestamp(day),
        "paint_defense_vs_league_avg": paint,
        "mid_range_defense_vs_league_avg": mid,
        "three_pt_defense_vs_league_avg": three,
        "weakest_zone": weakest,
        "is_production_ready": True,
        "early_season_flag": False,
        "data_hash": f"tdza_{team}",
        "processed_at": UPDATED,
    }
    row.update(overrides)
    return row


def team_context_row(team: str, day: dt.date = D) -> dict:
    return {"team_abbr": team, "game_date": pd.Timestamp(day), "data_hash": f"utgc_{team}", "processed_at": UPDATED}


def full_game_history(context: pd.DataFrame, schedule: pd.DataFrame) -> pd.DataFrame:
    """A player_game_summary row for every final game of the player's team before his date."""
    finals = schedule[schedule["game_status"] == 3]
    rows = []
    for player, team, day in context[["player_lookup", "team_abbr", "game_date"]].drop_duplicates().itertuples(index=False):
        plays = (finals["home_team_tricode"] == team) | (finals["away_team_tricode"] == team)
        played = finals[plays & (finals["game_date"] < day)]
        rows += [{"player_lookup": player, "game_date": game_day, "team_abbr": team} for game_day in played["game_date"]]
    return pd.DataFrame(
        rows, columns=["player_lookup", "game_date", "team_abbr"]
    ).drop_duplicates()  # one row per (game_date, player_lookup)


def frame(rows: list[dict], columns: list[str]) -> pd.DataFrame:
    out = pd.DataFrame(rows, columns=columns)
    if "processed_at" in out:
        out["processed_at"] = pd.to_datetime(out["processed_at"], utc=True)
    return out


CONTEXT_COLUMNS = list(context_row("x").keys())
SHOT_COLUMNS = list(shot_row("x").keys())
DEFENSE_COLUMNS = list(defense_row("AAA").keys())
TEAM_CONTEXT_COLUMNS = list(team_context_row("AAA").keys())


def make_inputs(
    contexts: list[dict],
    shots: list[dict] | None = None,
    defenses: list[dict] | None = None,
    team_contexts: list[dict] | None = None,
    games: pd.DataFrame | None = None,
    schedule: pd.DataFrame | None = None,
) -> dict[str, pd.DataFrame]:
    """Inputs for the context rows; by default every player has a shot-zone row, every team a
    team-defence and a team-context row for each context date, and every game in player_game_summary."""
    schedule = schedule_frame() if schedule is None else schedule
    context = frame(contexts, CONTEXT_COLUMNS)
    days = sorted({row["game_date"].date() for row in contexts})
    if shots is None:
        shots = [shot_row(row["player_lookup"], row["game_date"].date()) for row in contexts]
    if defenses is None:
        defenses = [defense_row(team, day) for day in days for team in OPPONENT]
    if team_contexts is None:
        team_contexts = [team_context_row(team, day) for day in days for team in OPPONENT]
    return {
        "player_context": context,
        "team_context": frame(team_contexts, TEAM_CONTEXT_COLUMNS),
        "shot_zones": frame(shots, SHOT_COLUMNS),
        "team_defense": frame(defenses, DEFENSE_COLUMNS),
        "player_games": full_game_history(context, schedule) if games is None else games,
        "schedule": schedule,
    }


def run(inputs: dict[str, pd.DataFrame], dates: list[dt.date] | None = None) -> pd.DataFrame:
    return pcf.transform(inputs, dates or [D], RUN)


def row_of(out: pd.DataFrame, player: str, day: dt.date = D) -> pd.Series:
    rows = out[(out["player_lookup"] == player) & (out["game_date"] == pd.Timestamp(day))]
    assert len(rows) == 1, f"expected one row for {player} on {day}, got {len(rows)}"
    return rows.iloc[0]


def single(**overrides) -> pd.Series:
    return row_of(run(make_inputs([context_row("p1", **overrides)])), "p1")


# --- fatigue ------------------------------------------------------------------------------------


def test_neutral_player_gets_fresh_score_and_only_the_matchup() -> None:
    row = single()
    assert row["fatigue_score"] == 100
    # paint is the primary zone, rate 50 % -> weight min(50/50, 1) = 1; opponent allows +2.0 points
    assert row["shot_zone_mismatch_score"] == 2.0
    assert row["pace_score"] == 0.0
    assert row["usage_spike_score"] == 0.0
    for factor in pcf.DEFERRED_FACTORS:
        assert row[factor] == 0.0
    assert row["total_composite_adjustment"] == 2.0  # (100 - 100) / 20 + 2.0
    assert row["calculation_version"] == "v1_4factors"
    assert row["data_completeness_pct"] == 100.0
    assert row["missing_data_fields"] is None
    assert not row["has_warnings"] and row["warning_details"] is None
    assert row["analysis_date"] == pd.Timestamp(D)
    assert row["game_id"] == "20240116_BBB_AAA"


def test_back_to_back_heavy_load_veteran_hand_computed() -> None:
    row = single(
        back_to_back=True, days_rest=0, games_in_last_7_days=4, minutes_in_last_7_days=250,
        avg_minutes_per_game_last_7=36.0, back_to_backs_last_14_days=2, player_age=36,
    )  # fmt: skip
    # 100 - 15 (b2b) - 10 (4 games) - 10 (> 240 min) - 8 (> 35 mpg) - 12 (2 b2bs) - 10 (age >= 35) = 35
    assert row["fatigue_score"] == 35
    assert row["total_composite_adjustment"] == -1.25  # (35 - 100) / 20 + 2.0
    assert row["has_warnings"]
    assert row["warning_details"] == "EXTREME_FATIGUE: Player showing severe fatigue"
    assert json.loads(row["fatigue_context_json"]) == {
        "avg_minutes_pg_last_7": 36.0,
        "back_to_back": True,
        "back_to_backs_last_14": 2,
        "bonuses_applied": [],
        "days_rest": 0,
        "final_score": 35,
        "games_last_7": 4,
        "minutes_last_7": 250.0,
        "penalties_applied": [
            "back_to_back: -15",
            "frequent_games: -10",
            "heavy_minutes: -10",
            "long_minutes_per_game: -8",
            "multiple_recent_back_to_backs: -12",
            "veteran_age_35_plus: -10",
        ],
        "player_age": 36,
    }


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"days_rest": 3, "player_age": 31, "back_to_backs_last_14_days": 1}, 95),  # 100 + 5 - 5 - 5
        ({"days_rest": 4}, 100),  # 105 clamped to 100
        ({"days_rest": 3, "back_to_back": True}, 85),  # a back-to-back takes the place of the rest bonus
        ({"player_age": 35}, 90),
        ({"player_age": 34}, 95),
        ({"player_age": 30}, 95),
        ({"player_age": 29}, 100),
        ({"back_to_backs_last_14_days": 2}, 88),
        ({"back_to_backs_last_14_days": 1}, 95),
        ({"games_in_last_7_days": 3, "minutes_in_last_7_days": 240, "avg_minutes_per_game_last_7": 35.0}, 100),
    ],
)
def test_fatigue_rules(overrides: dict, expected: int) -> None:
    assert single(**overrides)["fatigue_score"] == expected


def test_rest_bonus_listed_in_context() -> None:
    context = json.loads(single(days_rest=3, player_age=31)["fatigue_context_json"])
    assert context["bonuses_applied"] == ["extra_rest: +5"]
    assert context["penalties_applied"] == ["age_30_plus: -5"]
    assert context["final_score"] == 100


def test_null_inputs_take_the_defaults() -> None:
    nulls = dict.fromkeys(
        ["days_rest", "back_to_back", "games_in_last_7_days", "minutes_in_last_7_days", "avg_minutes_per_game_last_7",
         "back_to_backs_last_14_days", "player_age", "projected_usage_rate", "avg_usage_rate_last_7_games",
         "star_teammates_out", "pace_differential", "opponent_pace_last_10"],
    )  # fmt: skip
    row = single(**nulls)
    # defaults: rest 1, 3 games, 200 min, 30 mpg, no b2b, age 25 -> no rule fires
    assert row["fatigue_score"] == 100
    assert row["pace_score"] == 0.0 and row["usage_spike_score"] == 0.0
    assert row["data_completeness_pct"] == 40.0  # only the two zone rows are present
    assert row["missing_data_fields"] == "days_rest, projected_usage_rate, pace_differential"
    assert json.loads(row["pace_context_json"])["opponent_pace_last_10"] == 100.0
    usage = json.loads(row["usage_context_json"])
    assert usage["projected_usage_rate"] == 25.0 and usage["avg_usage_last_7"] == 25.0


# --- shot-zone mismatch -------------------------------------------------------------------------


def mismatch(shot: dict, defence: dict) -> pd.Series:
    defenses = [defence] + [defense_row(team) for team in ("AAA", "CCC", "DDD")]
    return row_of(run(make_inputs([context_row("p1")], shots=[shot], defenses=defenses)), "p1")


@pytest.mark.parametrize(
    ("shot", "defence", "expected"),
    [
        (shot_row("p1", paint=30.0), defense_row("BBB", paint=4.0), 2.4),  # 4.0 x 30/50
        (shot_row("p1", zone="balanced", paint=30.0), defense_row("BBB", paint=4.0), 2.4),  # balanced -> paint
        (shot_row("p1", zone=None, paint=30.0), defense_row("BBB", paint=4.0), 2.4),  # NULL -> paint
        (shot_row("p1", zone="perimeter", three=60.0), defense_row("BBB", paint=1.0, three=6.0), 7.2),  # 6 x 1 > 5 -> x 1.2
        (shot_row("p1", zone="mid_range", mid=40.0), defense_row("BBB", mid=-7.5), -7.2),  # -7.5 x 0.8 = -6 -> x 1.2
        (shot_row("p1", paint=80.0), defense_row("BBB", paint=9.0), 10.0),  # 9 x 1 x 1.2 = 10.8, clamped
        (shot_row("p1", paint=80.0), defense_row("BBB", paint=-9.0), -10.0),
        (shot_row("p1", paint=None), defense_row("BBB", paint=3.0), 3.0),  # unknown rate -> 50 -> weight 1
        (shot_row("p1"), defense_row("BBB", paint=None), 0.0),  # unknown defence -> 0
    ],
)
def test_shot_zone_mismatch(shot: dict, defence: dict, expected: float) -> None:
    assert mismatch(shot, defence)["shot_zone_mismatch_score"] == expected


def test_shot_zone_context_json() -> None:
    row = mismatch(shot_row("p1", zone="perimeter", three=60.0), defense_row("BBB", paint=1.0, three=6.0, weakest="perimeter"))
    assert json.loads(row["shot_zone_context_json"]) == {
        "final_score": 7.2,
        "mismatch_type": "favorable",
        "opponent_defense_vs_league": 6.0,
        "opponent_weak_zone": "perimeter",
        "player_primary_zone": "perimeter",
        "primary_zone_frequency": 60.0,
    }
    # JSON text has sorted keys
    assert list(json.loads(row["shot_zone_context_json"])) == sorted(json.loads(row["shot_zone_context_json"]))


def test_extreme_matchup_and_adjustment_warnings() -> None:
    inputs = make_inputs(
        [context_row("p1", pace_differential=8.0, projected_usage_rate=40.0)],
        shots=[shot_row("p1", paint=80.0)],
        defenses=[defense_row("BBB", paint=9.0)],
    )
    row = row_of(run(inputs), "p1")
    assert row["shot_zone_mismatch_score"] == 10.0
    assert row["pace_score"] == 3.0  # 8 / 2 = 4, clamped
    assert row["usage_spike_score"] == 3.0  # 0.3 x 15 = 4.5, clamped
    assert row["total_composite_adjustment"] == 16.0
    assert row["warning_details"] == (
        "EXTREME_MATCHUP: Unusual zone mismatch; EXTREME_ADJUSTMENT: Very large composite adjustment"
    )


def test_missing_shot_zone_row() -> None:
    row = row_of(run(make_inputs([context_row("p1")], shots=[])), "p1")
    assert row["shot_zone_mismatch_score"] == 0.0
    assert json.loads(row["shot_zone_context_json"]) == {"missing_data": True}
    assert row["data_completeness_pct"] == 80.0
    assert row["missing_data_fields"] == "player_shot_zone"
    assert not row["upstream_player_shot_ready"] and not row["all_upstreams_ready"]
    assert row["data_quality_issues"] == ["upstream_player_shot_zone_incomplete"]
    assert not row["is_production_ready"]
    assert row["total_composite_adjustment"] == 0.0


def test_missing_team_defense_row_for_the_opponent() -> None:
    defenses = [defense_row(team) for team in ("AAA", "CCC", "DDD")]  # none for BBB, p1's opponent
    row = row_of(run(make_inputs([context_row("p1")], defenses=defenses)), "p1")
    assert row["shot_zone_mismatch_score"] == 0.0
    assert json.loads(row["shot_zone_context_json"]) == {"missing_data": True}
    assert row["missing_data_fields"] == "team_defense_zone"
    assert row["data_quality_issues"] == ["upstream_team_defense_zone_incomplete"]
    assert not row["is_production_ready"]


# --- pace and usage -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("differential", "expected", "environment"),
    [(3.0, 1.5, "fast"), (8.0, 3.0, "fast"), (-7.0, -3.0, "slow"), (1.0, 0.5, "normal")],
)
def test_pace(differential: float, expected: float, environment: str) -> None:
    row = single(pace_differential=differential, opponent_pace_last_10=103.5)
    assert row["pace_score"] == expected
    assert json.loads(row["pace_context_json"]) == {
        "final_score": expected,
        "league_avg_pace": 100.0,
        "opponent_pace_last_10": 103.5,
        "pace_differential": differential,
        "pace_environment": environment,
    }


@pytest.mark.parametrize(
    ("projected", "baseline", "stars_out", "expected"),
    [
        (29.0, 25.0, 0, 1.2),  # 0.3 x 4
        (29.0, 25.0, 1, 1.4),  # 1.2 x 1.15 = 1.38
        (29.0, 25.0, 2, 1.6),  # 1.2 x 1.30 = 1.56
        (29.0, 25.0, 3, 1.6),
        (21.0, 25.0, 2, -1.2),  # stars only amplify positive spikes
        (40.0, 25.0, 0, 3.0),  # 4.5 clamped
        (10.0, 25.0, 0, -3.0),  # -4.5 clamped
        (20.0, 0.0, 0, 0.0),  # no baseline usage
    ],
)
def test_usage_spike(projected: float, baseline: float, stars_out: int, expected: float) -> None:
    row = single(projected_usage_rate=projected, avg_usage_rate_last_7_games=baseline, star_teammates_out=stars_out)
    assert row["usage_spike_score"] == expected


def test_usage_context_json() -> None:
    row = single(projected_usage_rate=29.0, avg_usage_rate_last_7_games=25.0, star_teammates_out=2)
    assert json.loads(row["usage_context_json"]) == {
        "avg_usage_last_7": 25.0,
        "final_score": 1.6,
        "projected_usage_rate": 29.0,
        "star_teammates_out": 2,
        "usage_differential": 4.0,
        "usage_trend": "spike",
    }


def test_total_uses_unrounded_factors() -> None:
    inputs = make_inputs(
        [
            context_row(
                "p1", back_to_back=True, days_rest=0, pace_differential=3.0, projected_usage_rate=29.0, star_teammates_out=1
            )
        ],
        shots=[shot_row("p1", paint=30.0)],
        defenses=[defense_row("BBB", paint=4.0)],
    )
    row = row_of(run(inputs), "p1")
    factors = ("fatigue_score", "shot_zone_mismatch_score", "pace_score", "usage_spike_score")
    assert tuple(row[f] for f in factors) == (85, 2.4, 1.5, 1.4)
    # -0.75 + 2.4 + 1.5 + 1.38 (unrounded usage) = 4.53; the stored scores would give 4.55
    assert row["total_composite_adjustment"] == 4.53


def test_range_issues_report_out_of_range_factors() -> None:
    scores = pd.DataFrame(
        {
            "shot_zone_mismatch_score": [16.0, 0.0],
            "pace_score": [0.0, -8.5],
            "usage_spike_score": [0.0, 0.0],
            "total_composite_adjustment": [31.0, 0.0],
        }
    )
    assert pcf.range_issues(scores) == [
        ["shot_zone_mismatch_score 16.0 outside [-15, 15]", "total_composite_adjustment 31.0 outside [-30, 30]"],
        ["pace_score -8.5 outside [-8, 8]"],
    ]


# --- readiness and completeness -----------------------------------------------------------------


def test_upstream_flags_and_issues() -> None:
    inputs = make_inputs(
        [context_row("p1", is_production_ready=None)],
        shots=[shot_row("p1", is_production_ready=False)],
        defenses=[defense_row("BBB", is_production_ready=False)],
        team_contexts=[team_context_row(team) for team in ("AAA", "CCC", "DDD")],
    )
    row = row_of(run(inputs), "p1")
    assert row["shot_zone_mismatch_score"] == 2.0  # rows present: the factor is computed
    flags = (
        "upstream_player_shot_ready",
        "upstream_team_defense_ready",
        "upstream_player_context_ready",
        "upstream_team_context_ready",
    )
    assert not any(row[f] for f in flags)
    assert row["data_quality_issues"] == [
        "upstream_player_shot_zone_incomplete",
        "upstream_team_defense_zone_incomplete",
        "upstream_player_context_incomplete",
        "upstream_team_context_incomplete",
    ]
    assert not row["is_production_ready"]
    assert row["expected_games_count"] == 10 and row["actual_games_count"] == 10


def test_own_completeness_over_the_teams_last_ten_games() -> None:
    schedule = schedule_frame()
    contexts = [context_row("p1"), context_row("p2"), context_row("p3")]
    history = full_game_history(frame(contexts, CONTEXT_COLUMNS), schedule)
    last_ten = sorted(history["game_date"].unique())[-10:]
    # p2 misses 4 of the team's last 10 games, p3 misses 3; games before the window do not count
    history = history[
        ~((history["player_lookup"] == "p2") & history["game_date"].isin(last_ten[:4]))
        & ~((history["player_lookup"] == "p3") & history["game_date"].isin(last_ten[:3]))
    ]
    out = run(make_inputs(contexts, games=history, schedule=schedule))
    p1, p2, p3 = (row_of(out, p) for p in ("p1", "p2", "p3"))
    assert (p1["expected_games_count"], p1["actual_games_count"], p1["completeness_percentage"]) == (10, 10, 100.0)
    block = ("expected_games_count", "actual_games_count", "completeness_percentage", "missing_games_count")
    assert tuple(p2[c] for c in block) == (10, 6, 60.0, 4)
    assert p2["data_quality_issues"] == ["own_data_incomplete"] and not p2["is_production_ready"]
    assert p2["insufficient_data_reason"] == "player_game_summary has 6 of the team's last 10 games"
    assert (p3["actual_games_count"], p3["completeness_percentage"]) == (7, 70.0)
    assert p3["is_production_ready"] and p3["data_quality_issues"] == []


def test_early_season_window_counts_only_this_seasons_games() -> None:
    day16 = season_day(16)  # 8 team games before it (days 0..14); first non-bootstrap game day
    inputs = make_inputs(
        [context_row("p1", day=day16)],
        shots=[shot_row("p1", day=day16, early_season_flag=True)],
    )
    row = row_of(run(inputs, [day16]), "p1", day16)
    assert (row["expected_games_count"], row["actual_games_count"], row["completeness_percentage"]) == (8, 8, 100.0)
    assert row["early_season_flag"]
    assert row["insufficient_data_reason"] == "player shot-zone sample is early-season"
    assert row["season_boundary_detected"]  # November
    assert row["backfill_bootstrap_mode"]  # day 16 < 30


def test_regular_season_flags() -> None:
    row = single()
    assert not row["early_season_flag"] and row["insufficient_data_reason"] is None
    assert not row["season_boundary_detected"] and not row["backfill_bootstrap_mode"]
    assert row["processing_decision_reason"] == "processed_successfully"
    assert row["processed_at"] == RUN.processed_at and row["created_at"] == RUN.processed_at


# --- dates and rows -----------------------------------------------------------------------------


def test_no_rows_on_bootstrap_or_no_game_days_or_without_context() -> None:
    bootstrap = season_day(10)
    no_games = D + dt.timedelta(days=1)
    inputs = make_inputs([context_row("p1", day=bootstrap), context_row("p1", day=no_games)])
    assert run(inputs, [bootstrap, no_games]).empty
    # a game day without upcoming context: nothing is made up
    assert run(make_inputs([context_row("p1")]), [D + dt.timedelta(days=2)]).empty


def test_range_run_equals_one_run_per_date() -> None:
    days = [D - dt.timedelta(days=2), D - dt.timedelta(days=1), D]
    contexts = [
        context_row(player, team=team, day=day, days_rest=k % 3, pace_differential=k - 2.0)
        for k, (player, team) in enumerate([("p1", "AAA"), ("p2", "BBB"), ("p3", "CCC")])
        for day in (days[0], days[2])
    ]
    inputs = make_inputs(contexts)
    inputs["team_defense"] = inputs["team_defense"][
        ~((inputs["team_defense"]["team_abbr"] == "DDD") & (inputs["team_defense"]["analysis_date"] == pd.Timestamp(D)))
    ]
    whole = run(inputs, days)
    singles = [run(inputs, [d]) for d in days]
    assert singles[1].empty  # no games on D - 1
    per_date = pd.concat([out for out in singles if not out.empty], ignore_index=True)
    assert len(whole) == 6
    pd.testing.assert_frame_equal(whole.reset_index(drop=True), per_date.reset_index(drop=True))


def test_point_in_time_rows_dated_d_or_later_do_not_matter() -> None:
    contexts = [context_row("p1"), context_row("p2", team="CCC")]
    inputs = make_inputs(contexts)
    before = run(inputs)
    later = D + dt.timedelta(days=2)
    changed = dict(inputs)
    games = inputs["player_games"]
    # box scores of D and later appear or vanish; other dates' pre-game rows change
    changed["player_games"] = pd.concat(
        [
            games[games["game_date"] < pd.Timestamp(D)],
            pd.DataFrame(
                {"player_lookup": ["p1", "p2"], "game_date": [pd.Timestamp(D), pd.Timestamp(later)], "team_abbr": ["CCC", "AAA"]}
            ),
        ]
    )
    changed["player_context"] = pd.concat(
        [inputs["player_context"], frame([context_row("p1", day=later, back_to_back=True)], CONTEXT_COLUMNS)]
    )
    changed["shot_zones"] = pd.concat([inputs["shot_zones"], frame([shot_row("p1", day=later, paint=99.0)], SHOT_COLUMNS)])
    changed["team_defense"] = pd.concat(
        [inputs["team_defense"], frame([defense_row("BBB", day=later, paint=9.0)], DEFENSE_COLUMNS)]
    )
    after = run(changed)
    pd.testing.assert_frame_equal(before, after)


def test_output_matches_the_contract_and_hashes_are_stable() -> None:
    out = run(make_inputs([context_row("p1"), context_row("p2", team="DDD")]))
    prepared = prepare_frame(contract(pcf.TABLE), out, [D])
    assert len(prepared) == 2
    assert all(len(h) == 16 for h in out["data_hash"])
    inputs = make_inputs([context_row("p1"), context_row("p2", team="DDD")])
    later_run = pcf.transform(inputs, [D], RunInfo(processed_at=pd.Timestamp("2024-02-01", tz="UTC")))
    assert list(later_run["data_hash"]) == list(out["data_hash"])
    assert out["data_hash"].nunique() == 2


def test_source_tracking_per_date() -> None:
    inputs = make_inputs(
        [context_row("p1"), context_row("p2"), context_row("p3", team="CCC")],
        shots=[shot_row("p1"), shot_row("p2")],
        team_contexts=[team_context_row(team) for team in ("AAA", "BBB", "CCC")],
    )
    row = row_of(run(inputs), "p1")
    assert row["source_player_context_rows_found"] == 3
    assert row["source_player_context_completeness_pct"] == 50.0  # AAA and CCC of the 4 teams playing
    assert row["source_team_context_rows_found"] == 3
    assert row["source_team_context_completeness_pct"] == 75.0
    assert row["source_player_shot_rows_found"] == 2
    assert row["source_player_shot_completeness_pct"] == 66.67  # 2 of 3 context players
    assert row["source_team_defense_completeness_pct"] == 100.0
    assert row["source_player_shot_last_updated"] == UPDATED
    expected = sha16("p1:psza_p1|p2:psza_p2")
    assert row["source_player_shot_hash"] == expected


# --- input contract and lineage -----------------------------------------------------------------


def test_unknown_team_is_an_input_contract_error() -> None:
    inputs = make_inputs([context_row("p1")])
    inputs["player_context"].loc[0, "opponent_team_abbr"] = "ZZZ"
    with pytest.raises(InputContractError, match=r"upcoming_player_game_context.*opponent_team_abbr.*2024-01-16"):
        run(inputs)


@pytest.mark.parametrize(
    ("table", "column", "value", "message"),
    [
        ("shot_zones", "paint_rate_last_10", 145.0, "paint_rate_last_10 is a percentage"),
        ("player_context", "minutes_in_last_7_days", -5, "minutes_in_last_7_days >= 0"),
        ("player_context", "games_in_last_7_days", 8, "0 <= games_in_last_7_days <= 7"),
    ],
)
def test_contract_breaking_values_raise(table: str, column: str, value: object, message: str) -> None:
    inputs = make_inputs([context_row("p1")])
    inputs[table].loc[0, column] = value
    with pytest.raises(InputContractError, match=message):
        run(inputs)


def test_spec_lineage_and_extract_parameters() -> None:
    spec = pcf.SPEC
    assert spec.asset_name == "player_composite_factors"
    assert spec.upstream_assets == ("player_shot_zone_analysis", "team_defense_zone_analysis")
    assert spec.source_tables == (
        "nba_analytics.upcoming_player_game_context",
        "nba_analytics.upcoming_team_game_context",
        "nba_analytics.player_game_summary",
        "nba_reference.nba_schedule",
    )
    for extract in spec.extracts:
        assert parameter_names(extract.sql) == {"start_date", "end_date"}
