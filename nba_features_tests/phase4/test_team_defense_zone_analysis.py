"""team_defense_zone_analysis: formulas against hand-computed values, windows, point in time, range runs."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from nba_features.contracts import contract
from nba_features.demo.demo_league import generate_league
from nba_features.phase4 import team_defense_zone_analysis as tdza
from nba_features.phase4.completeness import completeness_block
from nba_features.phase4.inputs import SCHEDULE_TABLE, TEAM_DEFENSE_GAMES_TABLE
from nba_features.phase4.seasons import SCHEDULE_SQL, season_frame
from nba_features.phase4.spec import RunInfo
from nba_features.phase4.validation import InputContractError
from nba_features.quality.expected_rows import team_defense_bounds
from nba_features.quality.outcomes import CheckInputs
from nba_features.warehouse.base import prepare_frame
from nba_features_tests.quality.contract_rows import contract_frame, contract_row

SEASON_START = dt.date(2024, 10, 22)  # day 0 = the first scheduled game of season 2024
RUN = RunInfo(processed_at=pd.Timestamp("2025-01-01 12:00:00", tz="UTC"))
UPDATED = pd.Timestamp("2024-12-01 08:00:00", tz="UTC")


def day(n: int) -> dt.date:
    return SEASON_START + dt.timedelta(days=n)


def schedule_frame(games: list[tuple[int, str, str]], status: int = 3) -> pd.DataFrame:
    """Schedule rows for (season day, away, home) games, all with the same game_status."""
    rows = []
    for n, away, home in games:
        date = day(n)
        rows.append(
            {
                "game_id": f"{date:%Y%m%d}_{away}_{home}",
                "game_date": pd.Timestamp(date),
                "season_year": 2024,
                "season_type": "Regular Season",
                "home_team_tricode": home,
                "away_team_tricode": away,
                "game_status": status,
            }
        )
    return pd.DataFrame(rows)


def defense_row(game_day: int, game_id: str, team: str, index: int) -> dict:
    """One team_defense_game_summary row; values vary with the team's game index so sums are checkable.

    Game index 0 allows 40/40 in the paint so a test sees whether it is inside the 15-game sample.
    """
    return {
        "defending_team_abbr": team,
        "game_id": game_id,
        "game_date": pd.Timestamp(day(game_day)),
        "opp_paint_makes": 40 if index == 0 else 20,
        "opp_paint_attempts": 40,
        "opp_mid_range_makes": 8,
        "opp_mid_range_attempts": 20,
        "opp_three_pt_makes": 12,
        "opp_three_pt_attempts": 33,
        "points_in_paint_allowed": 42 if index % 2 else 40,
        "blocks_paint": 4 if index % 2 else 3,
        "blocks_mid_range": 1,
        "blocks_three_pt": 0,
        "points_allowed": 100 + index,
        "defensive_rating": 100.0 + index,
        "opponent_pace": None if index == 5 else 95.0 + index % 3,
        "data_hash": f"{team}{index}",
        "processed_at": UPDATED + pd.Timedelta(hours=index),
    }


def defense_frame(schedule: pd.DataFrame) -> pd.DataFrame:
    """Both teams' rows for every final game of the schedule, indexed per team in date order."""
    rows, played = [], {}
    finals = schedule[schedule["game_status"] == 3].sort_values("game_date")
    for game in finals.itertuples():
        for team in (game.away_team_tricode, game.home_team_tricode):
            index = played.get(team, 0)
            played[team] = index + 1
            rows.append(defense_row((game.game_date.date() - SEASON_START).days, game.game_id, team, index))
    frame = pd.DataFrame(rows)
    frame["processed_at"] = pd.to_datetime(frame["processed_at"], utc=True)
    frame["opponent_pace"] = frame["opponent_pace"].astype("float64")
    return frame


def every_other_day(games: int, away: str = "BOS", home: str = "NYK", first_day: int = 0) -> list[tuple[int, str, str]]:
    return [(first_day + 2 * k, away, home) for k in range(games)]


def run(schedule: pd.DataFrame, defense: pd.DataFrame, dates: list[dt.date]) -> pd.DataFrame:
    return tdza.transform({"schedule": schedule, "team_defense": defense}, dates, RUN)


def one_row(out: pd.DataFrame, team: str) -> pd.Series:
    rows = out[out["team_abbr"] == team]
    assert len(rows) == 1
    return rows.iloc[0]


# --- formulas ---------------------------------------------------------------------------------


def test_fifteen_game_sample_hand_computed() -> None:
    # 17 games every other day (days 0..32); D = day 32 (the 17th game is on D): the sample is the
    # team's games 1..15 (day 2..30); game 0 (40/40 paint) is the 16th most recent and falls out.
    schedule = schedule_frame(every_other_day(17))
    out = run(schedule, defense_frame(schedule), [day(32)])
    assert sorted(out["team_abbr"]) == ["BOS", "NYK"]
    row = one_row(out, "BOS")
    assert row["games_in_sample"] == 15
    assert row["paint_pct_allowed_last_15"] == 0.5  # 300 / 600
    assert row["paint_attempts_allowed_per_game"] == 40.0
    assert row["paint_points_allowed_per_game"] == 41.1  # (8 x 42 + 7 x 40) / 15 = 41.067
    assert row["paint_blocks_per_game"] == 3.5  # (8 x 4 + 7 x 3) / 15 = 3.533
    assert row["mid_range_pct_allowed_last_15"] == 0.4
    assert row["mid_range_attempts_allowed_per_game"] == 20.0
    assert row["mid_range_blocks_per_game"] == 1.0
    assert row["three_pt_pct_allowed_last_15"] == 0.364  # 180 / 495 = 0.3636
    assert row["three_pt_attempts_allowed_per_game"] == 33.0
    assert row["three_pt_blocks_per_game"] == 0.0
    # two teams only: fewer than 10 in the league window, so the defaults 0.580 / 0.410 / 0.355
    assert row["paint_defense_vs_league_avg"] == -8.0  # (0.5 - 0.58) x 100
    assert row["mid_range_defense_vs_league_avg"] == -1.0  # (0.4 - 0.41) x 100
    assert row["three_pt_defense_vs_league_avg"] == 0.86  # (0.363636 - 0.355) x 100 = 0.8636
    assert row["defensive_rating_last_15"] == 108.0  # mean of 101..115
    assert row["opponent_points_per_game"] == 108.0
    assert row["opponent_pace"] == 95.9  # game 5 NULL: (5 x 95 + 5 x 96 + 4 x 97) / 14 = 95.93
    assert row["strongest_zone"] == "paint"
    assert row["weakest_zone"] == "perimeter"
    assert row["data_quality_tier"] == "high"
    assert row["calculation_notes"] is None
    assert row["source_team_defense_rows_found"] == 15
    assert row["source_team_defense_last_updated"] == UPDATED + pd.Timedelta(hours=15)
    assert row["expected_games_count"] == 15  # 16 final games before D, capped at 15
    assert row["actual_games_count"] == 15
    assert row["completeness_percentage"] == 100.0
    assert row["missing_games_count"] == 0
    assert bool(row["is_production_ready"])
    assert row["data_quality_issues"] == ["league_average_defaults"]
    assert not row["early_season_flag"]  # 15 games in the sample
    assert row["insufficient_data_reason"] is None
    assert bool(row["season_boundary_detected"])  # November
    assert not row["backfill_bootstrap_mode"]  # day 32 >= 30
    assert row["processing_decision_reason"] == "processed_successfully"
    assert row["processed_at"] == RUN.processed_at and row["created_at"] == RUN.processed_at
    assert len(row["data_hash"]) == 16


def test_output_matches_the_contract() -> None:
    schedule = schedule_frame(every_other_day(17))
    out = run(schedule, defense_frame(schedule), [day(30), day(32)])
    assert list(out.columns) == contract(tdza.TABLE).column_names
    prepared = prepare_frame(contract(tdza.TABLE), out, [day(30), day(32)])
    assert len(prepared) == len(out) == 4


def test_league_average_over_the_thirty_days_before_d() -> None:
    # Teams T0..T9 play 10 games on D-30, D-27, ..., D-3 with paint FG% (20 + i) / 40. Excluded:
    # games on D itself and on D-31, team T10 (9 games in the window), team T11 (no mid-range attempts).
    target = pd.Timestamp("2025-01-31")
    rows = []

    def game(team: str, when: pd.Timestamp, paint_makes: int, mid_attempts: int = 20) -> None:
        rows.append(
            {
                "defending_team_abbr": team, "game_id": f"{when:%Y%m%d}_{team}", "game_date": when,
                "opp_paint_makes": paint_makes, "opp_paint_attempts": 40,
                "opp_mid_range_makes": 8 if mid_attempts else 0, "opp_mid_range_attempts": mid_attempts,
                "opp_three_pt_makes": 10, "opp_three_pt_attempts": 25,
            }
        )  # fmt: skip

    for i in range(10):
        for j in range(10):
            game(f"T{i}", target - pd.Timedelta(days=30 - 3 * j), 20 + i)
        game(f"T{i}", target, 40)
        game(f"T{i}", target - pd.Timedelta(days=31), 40)
    for j in range(9):
        game("T10", target - pd.Timedelta(days=30 - 3 * j), 40)
    for j in range(10):
        game("T11", target - pd.Timedelta(days=30 - 3 * j), 40, mid_attempts=0)
    league = tdza.league_averages(pd.DataFrame(rows), pd.DataFrame({"date": [target]})).iloc[0]
    assert league["teams_in_sample"] == 10
    assert not league["league_defaults"]
    assert league["league_paint_pct"] == pytest.approx(24.5 / 40)  # mean of (20..29) / 40 = 0.6125
    assert league["league_mid_range_pct"] == pytest.approx(0.4)
    assert league["league_three_pt_pct"] == pytest.approx(0.4)

    # All-Star break: T9's last game moves from D-3 to before the window, leaving 9 qualifying teams.
    rows = [r for r in rows if not (r["defending_team_abbr"] == "T9" and r["game_date"] == target - pd.Timedelta(days=3))]
    game("T9", target - pd.Timedelta(days=35), 29)
    league = tdza.league_averages(pd.DataFrame(rows), pd.DataFrame({"date": [target]})).iloc[0]
    assert league["teams_in_sample"] == 9
    assert league["league_defaults"]
    assert (league["league_paint_pct"], league["league_mid_range_pct"], league["league_three_pt_pct"]) == (0.58, 0.41, 0.355)


def test_zero_attempts_in_a_zone() -> None:
    schedule = schedule_frame(every_other_day(17))
    defense = defense_frame(schedule)
    bos = defense["defending_team_abbr"] == "BOS"
    defense.loc[bos, ["opp_three_pt_makes", "opp_three_pt_attempts"]] = 0
    defense.loc[bos & (defense["game_date"] < pd.Timestamp(day(10))), "opp_three_pt_attempts"] = None
    defense.loc[bos & (defense["game_date"] < pd.Timestamp(day(10))), "opp_three_pt_makes"] = None
    row = one_row(run(schedule, defense, [day(32)]), "BOS")
    assert pd.isna(row["three_pt_pct_allowed_last_15"])
    assert pd.isna(row["three_pt_defense_vs_league_avg"])
    assert row["three_pt_attempts_allowed_per_game"] == 0.0
    assert row["calculation_notes"] == "No three-point attempts"
    assert row["strongest_zone"] == "paint" and row["weakest_zone"] == "mid_range"  # -8.0 vs -1.0
    assert "no_three_pt_attempts" in row["data_quality_issues"]


# --- who gets a row, and when ---------------------------------------------------------------------


def test_a_row_from_the_fifth_game_with_the_sample_size_and_tier() -> None:
    # D = day 20 (a game day, past the 14-day bootstrap). Final games before D per pair of teams:
    # ATL/BKN 4, BOS/NYK 5, CHI/CLE 9, DAL/DEN 10, GSW/HOU 14, LAL/LAC 15, MIA/ORL 20 (their 21st is on D).
    games = (
        [(n, "ATL", "BKN") for n in (0, 2, 4, 6)]
        + [(n, "BOS", "NYK") for n in (0, 3, 6, 9, 12)]
        + [(2 * k, "CHI", "CLE") for k in range(9)]
        + [(n, "DAL", "DEN") for n in range(10)]
        + [(n, "GSW", "HOU") for n in range(14)]
        + [(n, "LAL", "LAC") for n in range(15)]
        + [(n, "MIA", "ORL") for n in range(21)]
    )
    schedule = schedule_frame(games)
    out = run(schedule, defense_frame(schedule), [day(20)])
    sample = dict(zip(out["team_abbr"], out["games_in_sample"]))
    tier = dict(zip(out["team_abbr"], out["data_quality_tier"]))
    # ATL and BKN (4 games each) have no row; every other team has one with min(n, 15) games.
    assert sample == {
        "BOS": 5, "NYK": 5, "CHI": 9, "CLE": 9, "DAL": 10, "DEN": 10,
        "GSW": 14, "HOU": 14, "LAL": 15, "LAC": 15, "MIA": 15, "ORL": 15,
    }  # fmt: skip
    assert tier == {
        "BOS": "low", "NYK": "low", "CHI": "low", "CLE": "low", "DAL": "medium", "DEN": "medium",
        "GSW": "medium", "HOU": "medium", "LAL": "high", "LAC": "high", "MIA": "high", "ORL": "high",
    }  # fmt: skip

    five = one_row(out, "BOS")  # its games 0..4: all of them are the sample
    assert five["paint_pct_allowed_last_15"] == 0.6  # (40 + 4 x 20) / 200
    assert five["paint_attempts_allowed_per_game"] == 40.0
    assert five["paint_points_allowed_per_game"] == 40.8  # (3 x 40 + 2 x 42) / 5
    assert five["paint_blocks_per_game"] == 3.4  # (3 x 3 + 2 x 4) / 5
    assert five["defensive_rating_last_15"] == 102.0  # mean of 100..104
    assert five["opponent_points_per_game"] == 102.0
    assert five["opponent_pace"] == 95.8  # (95 + 96 + 97 + 95 + 96) / 5
    assert five["source_team_defense_rows_found"] == 5
    assert (five["expected_games_count"], five["actual_games_count"], five["completeness_percentage"]) == (5, 5, 100.0)
    assert five["early_season_flag"]
    assert five["insufficient_data_reason"] == "5 of 15 games in the sample"

    ten = one_row(out, "DAL")
    assert ten["defensive_rating_last_15"] == 104.5  # mean of 100..109
    assert ten["insufficient_data_reason"] == "10 of 15 games in the sample"

    fifteen = one_row(out, "LAL")  # exactly 15: game 0 (40/40 in the paint) is still in the sample
    assert fifteen["paint_pct_allowed_last_15"] == 0.533  # (40 + 14 x 20) / 600
    assert not fifteen["early_season_flag"] and fifteen["insufficient_data_reason"] is None

    twenty = one_row(out, "MIA")  # 20 games: the sample is the last 15 (games 5..19), the game on D is not in it
    assert twenty["paint_pct_allowed_last_15"] == 0.5  # game 0 is out
    assert twenty["defensive_rating_last_15"] == 112.0  # mean of 105..119
    assert twenty["opponent_points_per_game"] == 112.0
    assert twenty["expected_games_count"] == 15 and twenty["actual_games_count"] == 15
    assert not twenty["early_season_flag"] and twenty["insufficient_data_reason"] is None


def test_schedule_imbalance_each_team_from_its_own_fifth_game() -> None:
    # BOS-NYK play daily (every date is a game day); MIA-ORL play on days 0, 5, 10, 15, 22 and 26.
    games = [(n, "BOS", "NYK") for n in range(40)] + [(n, "MIA", "ORL") for n in (0, 5, 10, 15, 22, 26)]
    schedule = schedule_frame(games)
    dates = [day(n) for n in range(13, 31)]
    out = run(schedule, defense_frame(schedule), dates)
    sample = {
        n: dict(zip(rows["team_abbr"], rows["games_in_sample"]))
        for n in range(13, 31)
        for rows in [out[out["analysis_date"] == pd.Timestamp(day(n))]]
    }
    assert sample[13] == {}  # bootstrap (first 14 days of the season), though BOS has 13 games
    assert sample[14] == {"BOS": 14, "NYK": 14}  # MIA / ORL: 3 games
    assert sample[16] == {"BOS": 15, "NYK": 15}  # MIA / ORL: 4 games (days 0, 5, 10, 15)
    assert sample[22] == {"BOS": 15, "NYK": 15}  # their 5th game is on D: not before it
    assert sample[23] == {"BOS": 15, "NYK": 15, "MIA": 5, "ORL": 5}  # a row from their own 5th game
    assert sample[26] == {"BOS": 15, "NYK": 15, "MIA": 5, "ORL": 5}
    assert sample[27] == {"BOS": 15, "NYK": 15, "MIA": 6, "ORL": 6}
    for n in range(13, 31):
        assert set(sample[n]) == ({"BOS", "NYK"} if n >= 14 else set()) | ({"MIA", "ORL"} if n >= 23 else set())
    mia = out[out["team_abbr"] == "MIA"]
    assert set(mia["data_quality_tier"]) == {"low"} and mia["early_season_flag"].all()
    bos = one_row(out[out["analysis_date"] == pd.Timestamp(day(14))], "BOS")
    assert bos["data_quality_tier"] == "medium" and bos["early_season_flag"]
    assert bos["backfill_bootstrap_mode"]  # day 14 < 30
    assert bos["insufficient_data_reason"] == "14 of 15 games in the sample"


def test_fifth_game_counts_the_team_defense_rows_found() -> None:
    # BOS-NYK play on days 0, 3, 6, 9, 12 and on D = day 16; BOS's row of day 6 is missing upstream.
    schedule = schedule_frame([(n, "BOS", "NYK") for n in (0, 3, 6, 9, 12, 16)])
    defense = defense_frame(schedule)
    assert list(run(schedule, defense, [day(16)])["team_abbr"]) == ["BOS", "NYK"]
    defense = defense[~((defense["defending_team_abbr"] == "BOS") & (defense["game_date"] == pd.Timestamp(day(6))))]
    out = run(schedule, defense, [day(16)])
    assert list(out["team_abbr"]) == ["NYK"]  # BOS: 4 rows before D
    assert one_row(out, "NYK")["games_in_sample"] == 5


def test_expected_row_count_matches_the_rows_written(warehouse) -> None:
    # The row_count_expected bound (final scheduled games before D) and the transform agree on who
    # has a row, on every date from the bootstrap on, including the dates of a team's 4th and 5th game.
    games = [(n, "BOS", "NYK") for n in range(40)] + [(n, "MIA", "ORL") for n in (0, 5, 10, 15, 22, 26)]
    games += [(n, "ATL", "BKN") for n in (0, 2, 4, 6)]
    schedule = schedule_frame(games)
    rows = [
        contract_row(SCHEDULE_TABLE, **{**record, "game_date": record["game_date"].date()})
        for record in schedule.to_dict("records")
    ]
    warehouse.append(SCHEDULE_TABLE, contract_frame(SCHEDULE_TABLE, rows))
    dates = [day(n) for n in range(10, 31)]
    out = run(schedule, defense_frame(schedule), dates)
    day_info = season_frame(dates, warehouse.query(SCHEDULE_SQL, {"start_date": dates[0], "end_date": dates[-1]}))
    inputs = CheckInputs(table=tdza.TABLE, dates=dates, frame=out, day_info=day_info, warehouse=warehouse)
    bounds = team_defense_bounds(inputs)
    written = out.groupby(out["analysis_date"].dt.date).size()
    for d in dates[4:]:  # day 14 on: past the bootstrap
        assert bounds[d] == (written.get(d, 0), written.get(d, 0)), d
    assert bounds[day(22)] == (2, 2) and bounds[day(23)] == (4, 4)  # ATL / BKN never reach 5 games


def test_first_post_bootstrap_date_of_a_real_demo_season() -> None:
    # Season 2023-24 (real schedule and results), first game 2023-10-24: the 14-day bootstrap ends on
    # 2023-11-07, a day without games, so 2023-11-08 is the first date with rows. Every team has played
    # 6 to 8 games by then, so all 30 have a row.
    tables = generate_league(seasons=1, start_season=2023)
    schedule = tables[SCHEDULE_TABLE]
    defense = tables[TEAM_DEFENSE_GAMES_TABLE]
    assert schedule["game_date"].min() == pd.Timestamp("2023-10-24")
    dates = [dt.date(2023, 11, 7) + dt.timedelta(days=k) for k in range(8)]  # day 14 .. day 21
    out = run(schedule, defense, dates)
    assert pd.Timestamp("2023-11-07") not in set(out["analysis_date"])  # no games that day
    for d in dates[1:]:
        played = defense[defense["game_date"] < pd.Timestamp(d)].groupby("defending_team_abbr").size()
        rows = out[out["analysis_date"] == pd.Timestamp(d)]
        if not (schedule["game_date"] == pd.Timestamp(d)).any():
            assert rows.empty
            continue
        assert dict(zip(rows["team_abbr"], rows["games_in_sample"])) == played[played >= 5].clip(upper=15).to_dict()
    first = out[out["analysis_date"] == pd.Timestamp("2023-11-08")]
    assert len(first) == 30
    assert first["games_in_sample"].between(6, 8).all() and set(first["data_quality_tier"]) == {"low"}


def test_no_rows_on_days_without_games() -> None:
    schedule = schedule_frame(every_other_day(17))
    out = run(schedule, defense_frame(schedule), [day(31), day(33), day(40)])
    assert out.empty
    assert list(out.columns) == contract(tdza.TABLE).column_names


def test_all_star_break_sample_counts_games_not_days() -> None:
    # 10 games on days 0..18, a 13-day break, then games every other day from day 32.
    games = every_other_day(10) + every_other_day(8, first_day=32)
    schedule = schedule_frame(games)
    row = one_row(run(schedule, defense_frame(schedule), [day(46)]), "BOS")
    # before day 46: 10 + 7 = 17 games; the sample is the last 15 (game indices 2..16), across the break
    assert row["games_in_sample"] == 15
    assert row["paint_pct_allowed_last_15"] == 0.5  # game 0 (40/40) is outside
    assert row["defensive_rating_last_15"] == 109.0  # mean of 102..116
    assert row["expected_games_count"] == 15 and row["actual_games_count"] == 15


def test_missing_upstream_game_lowers_completeness() -> None:
    schedule = schedule_frame(every_other_day(17))
    defense = defense_frame(schedule)
    defense = defense[~((defense["defending_team_abbr"] == "BOS") & (defense["game_date"] == pd.Timestamp(day(20))))]
    row = one_row(run(schedule, defense, [day(32)]), "BOS")
    # 15 rows left before D, so the sample reaches back to game 0 (40/40 in the paint)
    assert row["games_in_sample"] == 15
    assert row["paint_pct_allowed_last_15"] == 0.533  # (14 x 20 + 40) / 600
    # expected: the last 15 final games (days 2..30); found in that span: 14
    assert row["expected_games_count"] == 15
    assert row["actual_games_count"] == 14
    assert row["missing_games_count"] == 1
    assert row["completeness_percentage"] == pytest.approx(100 * 14 / 15)
    assert bool(row["is_production_ready"])
    assert row["source_team_defense_completeness_pct"] == pytest.approx(100 * 14 / 15)
    assert row["data_quality_issues"] == ["missing_upstream_games", "league_average_defaults"]


def test_season_start_bounds_the_sample() -> None:
    # Previous season (2023) games are not part of the 2024 sample.
    previous = schedule_frame(every_other_day(20)).assign(
        game_date=lambda f: f["game_date"] - pd.Timedelta(days=200), season_year=2023
    )
    previous["game_id"] = previous["game_date"].dt.strftime("%Y%m%d") + "_BOS_NYK"
    current = schedule_frame(every_other_day(17))
    schedule = pd.concat([previous, current], ignore_index=True)
    defense = pd.concat([defense_frame(previous), defense_frame(current)], ignore_index=True)
    row = one_row(run(schedule, defense, [day(32)]), "BOS")
    assert row["games_in_sample"] == 15 and row["paint_pct_allowed_last_15"] == 0.5
    assert not run(schedule, defense, [day(12)]).shape[0]  # bootstrap of the new season


# --- point in time, range runs, determinism --------------------------------------------------------


def test_rows_dated_d_or_later_do_not_change_d() -> None:
    schedule = schedule_frame(every_other_day(25))
    defense = defense_frame(schedule)
    target = day(32)
    before = run(schedule, defense, [target])
    later = defense["game_date"] >= pd.Timestamp(target)
    mutated = defense.copy()
    mutated.loc[later, ["opp_paint_makes", "points_allowed"]] = 0
    mutated.loc[later, "defensive_rating"] = 250.0
    mutated = mutated.drop(mutated[later].index[::3])
    future_schedule = schedule.copy()
    future_schedule.loc[future_schedule["game_date"] > pd.Timestamp(target), "game_status"] = 1
    after = run(future_schedule, mutated, [target])
    pd.testing.assert_frame_equal(before, after)


def test_range_run_equals_one_run_per_date() -> None:
    games = [(n, "BOS", "NYK") for n in range(0, 60, 2)] + [(n, "MIA", "ORL") for n in range(1, 40)]
    schedule = schedule_frame(games)
    defense = defense_frame(schedule)
    dates = [day(n) for n in range(10, 62)]
    together = run(schedule, defense, dates)
    one_by_one = pd.concat([run(schedule, defense, [d]) for d in dates], ignore_index=True)
    assert len(together) > 50
    pd.testing.assert_frame_equal(together, one_by_one)


def test_data_hash_tracks_metrics_not_run_time() -> None:
    schedule = schedule_frame(every_other_day(17))
    defense = defense_frame(schedule)
    first = run(schedule, defense, [day(32)])
    rerun = tdza.transform(
        {"schedule": schedule, "team_defense": defense}, [day(32)], RunInfo(processed_at=pd.Timestamp("2026-01-01", tz="UTC"))
    )
    assert list(first["data_hash"]) == list(rerun["data_hash"])
    changed = defense.copy()
    changed.loc[changed["game_date"] == pd.Timestamp(day(30)), "blocks_paint"] = 9
    assert (run(schedule, changed, [day(32)])["data_hash"] != first["data_hash"]).all()


# --- input contract ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("column", "value", "rule"),
    [
        ("opp_paint_makes", 41, "opp_paint_makes <= opp_paint_attempts"),
        ("blocks_mid_range", -1, "blocks_mid_range >= 0"),
        ("defending_team_abbr", "XXX", "a team of nba_reference.nba_schedule"),
    ],
)
def test_bad_input_names_table_date_column_and_rule(column: str, value: object, rule: str) -> None:
    schedule = schedule_frame(every_other_day(17))
    defense = defense_frame(schedule)
    defense.loc[(defense["game_date"] == pd.Timestamp(day(6))) & (defense["defending_team_abbr"] == "BOS"), column] = value
    with pytest.raises(InputContractError) as error:
        run(schedule, defense, [day(32)])
    message = str(error.value)
    assert "nba_analytics.team_defense_game_summary" in message
    assert day(6).isoformat() in message
    assert column in message and rule in message


def test_completeness_block_caps_found_rows_at_expected() -> None:
    block = completeness_block(pd.Series([15, 10, 0, 10]), pd.Series([14, 12, 0, 6]))
    assert block["actual_games_count"].tolist() == [14, 10, 0, 6]
    assert block["missing_games_count"].tolist() == [1, 0, 0, 4]
    assert block["completeness_percentage"].tolist() == pytest.approx([100 * 14 / 15, 100.0, 100.0, 60.0])
    assert block["is_production_ready"].tolist() == [True, True, True, False]
