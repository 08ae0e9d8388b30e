"""player_shot_zone_analysis: formulas against hand-computed values, entities, point in time, range runs."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pandas as pd
import pytest

from nba_features.contracts import contract
from nba_features.demo.demo_league import generate_league
from nba_features.phase4 import player_shot_zone_analysis as psza
from nba_features.phase4.inputs import PLAYER_GAMES_TABLE, SCHEDULE_TABLE
from nba_features.phase4.seasons import SCHEDULE_SQL, season_frame
from nba_features.phase4.spec import RunInfo
from nba_features.phase4.validation import InputContractError
from nba_features.quality.expected_rows import shot_zone_bounds
from nba_features.quality.outcomes import CheckInputs
from nba_features.warehouse.base import prepare_frame
from nba_features_tests.quality.contract_rows import contract_frame, contract_row

SEASON_START = dt.date(2024, 10, 22)  # day 0 = the first scheduled game of season 2024
RUN = RunInfo(processed_at=pd.Timestamp("2025-01-01 12:00:00", tz="UTC"))
UPDATED = pd.Timestamp("2024-12-01 08:00:00", tz="UTC")
D44 = SEASON_START + dt.timedelta(days=44)


def day(n: int) -> dt.date:
    return SEASON_START + dt.timedelta(days=n)


def schedule_frame(last_day: int = 80, no_games: range = range(0)) -> pd.DataFrame:
    """BOS at NYK on even days, MIA at ORL on odd days, every game final; no games on `no_games` days."""
    rows = []
    for n in range(last_day + 1):
        if n in no_games:
            continue
        away, home = ("BOS", "NYK") if n % 2 == 0 else ("MIA", "ORL")
        rows.append(
            {
                "game_id": f"{day(n):%Y%m%d}_{away}_{home}",
                "game_date": pd.Timestamp(day(n)),
                "season_year": 2024,
                "season_type": "Regular Season",
                "home_team_tricode": home,
                "away_team_tricode": away,
                "game_status": 3,
            }
        )
    return pd.DataFrame(rows)


def team_days(team: str, count: int, first: int | None = None) -> list[int]:
    """The season days of a team's first `count` games (from `first`, default its first game)."""
    start = (0 if team in ("BOS", "NYK") else 1) if first is None else first
    return [start + 2 * k for k in range(count)]


def zone_line(i: int) -> dict:
    """Game i of a player: paint 6 attempts from game 12 on (3 or 4 made), 2 attempts (1 made) before;
    mid-range and three-point 2 attempts, 1 made; 3 assisted makes."""
    paint_attempts = 6 if i >= 12 else 2
    paint_makes = (4 if i % 2 else 3) if i >= 12 else 1
    fg_makes = paint_makes + 2
    return {
        "paint_attempts": paint_attempts, "paint_makes": paint_makes,
        "mid_range_attempts": 2, "mid_range_makes": 1,
        "three_pt_attempts": 2, "three_pt_makes": 1,
        "fg_attempts": paint_attempts + 4, "fg_makes": fg_makes,
        "assisted_fg_makes": 3, "unassisted_fg_makes": fg_makes - 3,
    }  # fmt: skip


def box_scores(
    player: str, team: str, days: list[int], line: Callable[[int], dict] = zone_line, **overrides: object
) -> list[dict]:
    rows = []
    for i, n in enumerate(days):
        away, home = ("BOS", "NYK") if n % 2 == 0 else ("MIA", "ORL")
        assert team in (away, home), f"{team} does not play on day {n}"
        rows.append(
            {
                "player_lookup": player,
                "universal_player_id": f"{player}_001",
                "game_id": f"{day(n):%Y%m%d}_{away}_{home}",
                "game_date": pd.Timestamp(day(n)),
                "team_abbr": team,
                "is_active": True,
                "minutes_played": 30.0,
                **line(i),
                "data_hash": f"{player}{i}",
                "processed_at": UPDATED + pd.Timedelta(hours=i),
                **overrides,
            }
        )
    return rows


def frame(rows: list[dict]) -> pd.DataFrame:
    games = pd.DataFrame(rows)
    games["processed_at"] = pd.to_datetime(games["processed_at"], utc=True)
    for column in ("minutes_played",):
        games[column] = games[column].astype("float64")
    return games


def dnp(player: str, team: str, days: list[int]) -> list[dict]:
    """Rostered but did not play: active, minutes NULL, no attempts, no zone data."""
    empty = {c: None for c in psza.COUNT_COLUMNS} | {"fg_attempts": 0}
    return box_scores(player, team, days, line=lambda i: empty, minutes_played=None)


def run(games: pd.DataFrame, dates: list[dt.date], schedule: pd.DataFrame | None = None) -> pd.DataFrame:
    schedule = schedule_frame() if schedule is None else schedule
    return psza.transform({"schedule": schedule, "player_games": games}, dates, RUN)


def one_row(out: pd.DataFrame, player: str) -> pd.Series:
    rows = out[out["player_lookup"] == player]
    assert len(rows) == 1, rows
    return rows.iloc[0]


# --- formulas ---------------------------------------------------------------------------------


def test_ten_and_twenty_game_windows_hand_computed() -> None:
    # 22 BOS games on days 0..42; D = day 44: last 10 = games 12..21, last 20 = games 2..21.
    out = run(frame(box_scores("alpha", "BOS", team_days("BOS", 22))), [D44])
    row = one_row(out, "alpha")
    assert row["universal_player_id"] == "alpha_001"
    # last 10: paint 60 attempts (5 x 3 + 5 x 4 = 35 made), mid 20 (10), three 20 (10); total 100
    assert (row["paint_rate_last_10"], row["mid_range_rate_last_10"], row["three_pt_rate_last_10"]) == (60.0, 20.0, 20.0)
    assert row["total_shots_last_10"] == 100
    assert row["games_in_sample_10"] == 10 and row["sample_quality_10"] == "excellent"
    assert row["paint_pct_last_10"] == 0.583  # 35 / 60
    assert row["mid_range_pct_last_10"] == 0.5 and row["three_pt_pct_last_10"] == 0.5
    assert (row["paint_attempts_per_game"], row["mid_range_attempts_per_game"], row["three_pt_attempts_per_game"]) == (
        6.0,
        2.0,
        2.0,
    )
    # last 20: paint 10 x 2 + 60 = 80 of 160 attempts; paint makes 10 + 35 = 45
    assert row["paint_rate_last_20"] == 50.0
    assert row["paint_pct_last_20"] == 0.562  # 45 / 80 = 0.5625, half to even
    assert row["games_in_sample_20"] == 20 and row["sample_quality_20"] == "excellent"
    # made FGs 35 + 10 + 10 = 55; assisted 30 (54.55 %), unassisted 25 (45.45 %), percentages 0-100
    assert row["assisted_rate_last_10"] == 54.55
    assert row["unassisted_rate_last_10"] == 45.45
    assert row["player_position"] is None
    assert row["primary_scoring_zone"] == "paint"
    assert row["data_quality_tier"] == "high"
    assert row["calculation_notes"] is None
    assert row["source_player_game_rows_found"] == 20
    assert row["source_player_game_last_updated"] == UPDATED + pd.Timedelta(hours=21)
    # BOS has 22 final games before D: expected 10 (days 24..42), alpha has 10 box scores there
    assert (row["expected_games_count"], row["actual_games_count"], row["missing_games_count"]) == (10, 10, 0)
    assert row["completeness_percentage"] == 100.0 and row["is_production_ready"]
    assert row["data_quality_issues"] == []
    assert not row["early_season_flag"] and row["insufficient_data_reason"] is None
    assert not row["backfill_bootstrap_mode"]  # day 44 >= 30
    assert not row["season_boundary_detected"]  # day 44 = 2024-12-05
    assert row["processed_at"] == RUN.processed_at and len(row["data_hash"]) == 16


def test_output_matches_the_contract() -> None:
    out = run(frame(box_scores("alpha", "BOS", team_days("BOS", 22))), [day(43), D44])
    assert list(out.columns) == contract(psza.TABLE).column_names
    assert len(prepare_frame(contract(psza.TABLE), out, [day(43), D44])) == 2


@pytest.mark.parametrize(
    ("rates", "zone"),
    [
        ((40.0, 30.0, 30.0), "paint"),
        ((39.99, 20.0, 40.01), "perimeter"),
        ((30.0, 35.0, 35.0), "mid_range"),
        ((34.0, 34.99, 31.01), "balanced"),
        ((0.0, 0.0, 0.0), None),
        ((None, None, None), None),
    ],
)
def test_primary_scoring_zone_thresholds(rates: tuple, zone: str | None) -> None:
    paint, mid, three = (pd.Series([r], dtype="float64") for r in rates)
    assert psza.primary_zone(paint, mid, three)[0] == zone


def test_zero_attempts_and_missing_zone_data() -> None:
    def no_three_line(i: int) -> dict:
        line = zone_line(i) | {"three_pt_attempts": 0, "three_pt_makes": 0}
        fg_makes, assisted = line["paint_makes"] + 1, 3 if i >= 12 else 1
        return line | {
            "fg_attempts": line["paint_attempts"] + 2, "fg_makes": fg_makes,
            "assisted_fg_makes": assisted, "unassisted_fg_makes": fg_makes - assisted,
        }  # fmt: skip

    no_threes = box_scores("golf", "BOS", team_days("BOS", 22), line=no_three_line)
    unknown_threes = box_scores(
        "hotel", "NYK", team_days("NYK", 22), line=lambda i: zone_line(i) | {"three_pt_attempts": None, "three_pt_makes": None}
    )
    # qualifies through minutes only: no attempts, no makes at all
    silent = box_scores(
        "india", "BOS", team_days("BOS", 22), line=lambda i: {c: 0 for c in psza.COUNT_COLUMNS} | {"fg_attempts": 0}
    )
    out = run(frame(no_threes + unknown_threes + silent), [D44])

    golf = one_row(out, "golf")  # paint 60, mid 20, three 0 of 80 attempts
    assert (golf["paint_rate_last_10"], golf["mid_range_rate_last_10"], golf["three_pt_rate_last_10"]) == (75.0, 25.0, 0.0)
    assert pd.isna(golf["three_pt_pct_last_10"])
    assert golf["three_pt_attempts_per_game"] == 0.0
    assert golf["assisted_rate_last_10"] == 66.67  # 30 of 35 + 10 = 45 made
    assert golf["unassisted_rate_last_10"] == 33.33
    assert golf["primary_scoring_zone"] == "paint"

    hotel = one_row(out, "hotel")  # three-point attempts never recorded: the zone data is incomplete
    assert pd.isna(hotel["paint_rate_last_10"]) and pd.isna(hotel["three_pt_rate_last_10"])
    assert pd.isna(hotel["assisted_rate_last_10"]) and pd.isna(hotel["unassisted_rate_last_10"])
    assert hotel["paint_pct_last_10"] == 0.583  # per-zone FG% does not need the other zones
    assert hotel["total_shots_last_10"] == 80
    assert hotel["primary_scoring_zone"] is None
    assert hotel["calculation_notes"] == psza.INCOMPLETE_ZONES_NOTE
    assert hotel["data_quality_issues"] == ["incomplete_zone_data"]
    assert pd.isna(hotel["paint_rate_last_20"])

    india = one_row(out, "india")
    assert pd.isna(india["paint_rate_last_10"]) and pd.isna(india["total_shots_last_10"])
    assert pd.isna(india["paint_pct_last_10"]) and pd.isna(india["assisted_rate_last_10"])
    assert india["paint_attempts_per_game"] == 0.0
    assert india["primary_scoring_zone"] is None


def test_last_twenty_metrics_need_fifteen_games() -> None:
    out = run(
        frame(box_scores("alpha", "BOS", team_days("BOS", 14)) + box_scores("bravo", "NYK", team_days("NYK", 15))), [day(30)]
    )
    alpha, bravo = one_row(out, "alpha"), one_row(out, "bravo")
    assert alpha["games_in_sample_20"] == 14 and alpha["sample_quality_20"] == "good"
    assert pd.isna(alpha["paint_rate_last_20"]) and pd.isna(alpha["paint_pct_last_20"])
    # bravo: 15 games, last 20 = all: paint 12 x 2 + 3 x 6 = 42 of 42 + 60 = 102; made 12 + (3 + 4 + 3) = 22
    assert bravo["games_in_sample_20"] == 15 and bravo["sample_quality_20"] == "good"
    assert bravo["paint_rate_last_20"] == 41.18  # 100 x 42 / 102 = 41.176
    assert bravo["paint_pct_last_20"] == 0.524  # 22 / 42 = 0.5238


# --- who gets a row, and when ---------------------------------------------------------------------


def shot_line(paint: tuple[int, int], mid_range: tuple[int, int], three_pt: tuple[int, int], assisted: int) -> dict:
    """One game's (attempts, made) per zone; every FG is a zone attempt, `assisted` of the makes assisted."""
    made = paint[1] + mid_range[1] + three_pt[1]
    return {
        "paint_attempts": paint[0], "paint_makes": paint[1],
        "mid_range_attempts": mid_range[0], "mid_range_makes": mid_range[1],
        "three_pt_attempts": three_pt[0], "three_pt_makes": three_pt[1],
        "fg_attempts": paint[0] + mid_range[0] + three_pt[0], "fg_makes": made,
        "assisted_fg_makes": assisted, "unassisted_fg_makes": made - assisted,
    }  # fmt: skip


THREE_GAMES = [
    shot_line((5, 3), (2, 1), (3, 1), assisted=2),
    shot_line((4, 2), (1, 0), (5, 2), assisted=3),
    shot_line((6, 4), (3, 2), (2, 0), assisted=4),
]


def test_a_row_from_the_third_game_with_the_sample_size_and_tier() -> None:
    # D = day 30 (a BOS-NYK day, past the 14-day bootstrap). Qualifying games before D per player:
    # two 2, three 3, six 6, seven 7, ten 10, fifteen 15 (every BOS game, days 0..28).
    games = frame(
        box_scores("two", "BOS", [26, 28])
        + box_scores("three", "NYK", [24, 26, 28], line=lambda i: THREE_GAMES[i])
        + box_scores("six", "ORL", team_days("ORL", 6, first=19))
        + box_scores("seven", "MIA", team_days("MIA", 7, first=17))
        + box_scores("ten", "NYK", team_days("NYK", 10, first=10))
        + box_scores("fifteen", "BOS", team_days("BOS", 15))
    )
    out = run(games, [day(30)])
    sample = dict(zip(out["player_lookup"], out["games_in_sample_10"]))
    tier = dict(zip(out["player_lookup"], out["data_quality_tier"]))
    early = dict(zip(out["player_lookup"], out["early_season_flag"]))
    # two (2 games) has no row; every other player has one with min(n, 10) games in the last-10 sample.
    assert sample == {"three": 3, "six": 6, "seven": 7, "ten": 10, "fifteen": 10}
    assert tier == {"three": "low", "six": "low", "seven": "medium", "ten": "high", "fifteen": "high"}
    assert early == {"three": True, "six": True, "seven": True, "ten": False, "fifteen": False}

    three = one_row(out, "three")  # all three games: paint 15 (9 made), mid 6 (3), three 10 (3) of 31 attempts
    assert (three["paint_rate_last_10"], three["mid_range_rate_last_10"], three["three_pt_rate_last_10"]) == (48.39, 19.35, 32.26)
    assert three["total_shots_last_10"] == 31
    assert (three["paint_pct_last_10"], three["mid_range_pct_last_10"], three["three_pt_pct_last_10"]) == (0.6, 0.5, 0.3)
    assert (three["paint_attempts_per_game"], three["mid_range_attempts_per_game"], three["three_pt_attempts_per_game"]) == (
        5.0,
        2.0,
        3.3,
    )
    assert (three["assisted_rate_last_10"], three["unassisted_rate_last_10"]) == (60.0, 40.0)  # 9 of 15 made FGs
    assert three["primary_scoring_zone"] == "paint"
    assert three["sample_quality_10"] == "insufficient"  # 3 < int(0.5 x 10)
    assert three["games_in_sample_20"] == 3 and three["sample_quality_20"] == "insufficient"
    assert pd.isna(three["paint_rate_last_20"]) and pd.isna(three["paint_pct_last_20"])  # fewer than 15 games
    assert three["insufficient_data_reason"] == "3 of 10 games in the last-10 sample"
    assert three["source_player_game_rows_found"] == 3
    assert three["source_player_game_last_updated"] == UPDATED + pd.Timedelta(hours=2)
    # NYK's last 10 final games are days 10..28; three has box scores on 3 of them
    assert (three["expected_games_count"], three["actual_games_count"], three["missing_games_count"]) == (10, 3, 7)
    assert three["processing_decision_reason"] == "processed_successfully"

    seven = one_row(out, "seven")
    assert seven["sample_quality_10"] == "good"
    assert seven["insufficient_data_reason"] == "7 of 10 games in the last-10 sample"
    assert one_row(out, "six")["sample_quality_10"] == "limited"

    ten = one_row(out, "ten")  # exactly 10: the last-10 sample is all of them, the last-20 metrics stay NULL
    assert ten["sample_quality_10"] == "excellent" and ten["insufficient_data_reason"] is None
    assert ten["games_in_sample_20"] == 10 and pd.isna(ten["paint_rate_last_20"])

    fifteen = one_row(out, "fifteen")  # 15 games: the last-10 sample is games 5..14, games 0..4 are out of it
    # paint 7 x 2 + 3 x 6 = 32 attempts (7 + 3 + 4 + 3 = 17 made), mid 20, three 20; total 72
    assert (fifteen["paint_rate_last_10"], fifteen["mid_range_rate_last_10"], fifteen["three_pt_rate_last_10"]) == (
        44.44,
        27.78,
        27.78,
    )
    assert fifteen["total_shots_last_10"] == 72
    assert fifteen["paint_pct_last_10"] == 0.531  # 17 / 32
    assert fifteen["paint_attempts_per_game"] == 3.2
    assert fifteen["sample_quality_10"] == "excellent" and fifteen["insufficient_data_reason"] is None
    # the last-20 window holds all 15 games: paint 12 x 2 + 3 x 6 = 42 of 102 attempts, 12 + 10 = 22 made
    assert fifteen["games_in_sample_20"] == 15
    assert (fifteen["paint_rate_last_20"], fifteen["paint_pct_last_20"]) == (41.18, 0.524)


def test_each_player_from_his_own_third_game() -> None:
    # mike plays every MIA game from day 1; late, his teammate, sat out (DNP) through day 23 and played
    # days 25, 27 and 29; three (NYK) played days 14, 16 and 18 only. No day-of-season ramp either way.
    games = frame(
        box_scores("mike", "MIA", team_days("MIA", 20))
        + dnp("late", "MIA", team_days("MIA", 12))
        + box_scores("late", "MIA", [25, 27, 29], line=lambda i: THREE_GAMES[i])
        + box_scores("three", "NYK", [14, 16, 18], line=lambda i: THREE_GAMES[i])
    )
    dates = [day(n) for n in range(12, 34)]
    out = run(games, dates)
    rows = {
        n: dict(zip(r["player_lookup"], r["games_in_sample_10"]))
        for n in range(12, 34)
        for r in [out[out["analysis_date"] == pd.Timestamp(day(n))]]
    }
    assert rows[12] == {} and rows[13] == {}  # bootstrap (first 14 days of the season), though mike has 6 games
    assert rows[14] == {"mike": 7}  # days 1..13
    assert rows[18] == {"mike": 9}  # three's 3rd game is on D: not before it
    assert rows[19] == {"mike": 9, "three": 3}  # his 3rd game was on day 18
    assert rows[29] == {"mike": 10, "three": 3}  # late: 2 games before D (his 3rd is on D)
    assert rows[30] == {"mike": 10, "three": 3, "late": 3}  # from his own 3rd game, DNP rows do not count
    for n in range(14, 34):
        assert set(rows[n]) == {"mike"} | ({"three"} if n >= 19 else set()) | ({"late"} if n >= 30 else set()), n
    late = one_row(out[out["analysis_date"] == pd.Timestamp(day(30))], "late")
    assert (late["paint_rate_last_10"], late["mid_range_rate_last_10"], late["three_pt_rate_last_10"]) == (48.39, 19.35, 32.26)
    assert late["data_quality_tier"] == "low" and late["early_season_flag"]
    assert (late["expected_games_count"], late["actual_games_count"]) == (10, 10)  # his DNP rows are box scores
    mike = one_row(out[out["analysis_date"] == pd.Timestamp(day(14))], "mike")
    assert mike["data_quality_tier"] == "medium" and mike["early_season_flag"] and mike["backfill_bootstrap_mode"]
    mike = one_row(out[out["analysis_date"] == pd.Timestamp(day(22))], "mike")
    assert mike["data_quality_tier"] == "high" and not mike["early_season_flag"]  # 11 games, the last 10 in the sample


def test_rows_lie_within_the_expected_row_bounds(warehouse) -> None:
    # row_count_expected (players active this season before D, at least 1) holds on every date past the
    # bootstrap, including the dates of a player's 2nd and 3rd game.
    schedule = schedule_frame(last_day=40)
    games = frame(
        box_scores("mike", "MIA", team_days("MIA", 20))
        + dnp("late", "MIA", team_days("MIA", 12))
        + box_scores("late", "MIA", [25, 27, 29])
        + box_scores("three", "NYK", [14, 16, 18])
        + box_scores("inactive", "BOS", team_days("BOS", 20), is_active=False)
    )

    def rows_of(table: str, records: pd.DataFrame, **extra: object) -> pd.DataFrame:
        columns = set(contract(table).column_names)
        return contract_frame(table, [
            contract_row(table, **{k: v for k, v in {**r, "game_date": r["game_date"].date(), **extra}.items() if k in columns})
            for r in records.to_dict("records")
        ])  # fmt: skip

    warehouse.append(SCHEDULE_TABLE, rows_of(SCHEDULE_TABLE, schedule))
    warehouse.append(PLAYER_GAMES_TABLE, rows_of(PLAYER_GAMES_TABLE, games, season_year=2024))
    dates = [day(n) for n in range(14, 41)]
    out = run(games, dates, schedule)
    day_info = season_frame(dates, warehouse.query(SCHEDULE_SQL, {"start_date": dates[0], "end_date": dates[-1]}))
    bounds = shot_zone_bounds(CheckInputs(table=psza.TABLE, dates=dates, frame=out, day_info=day_info, warehouse=warehouse))
    written = out.groupby(out["analysis_date"].dt.date).size()
    for d in dates:
        assert bounds[d][0] <= written.get(d, 0) <= bounds[d][1], (d, bounds[d], written.get(d, 0))
    assert written[day(30)] == 3 and bounds[day(30)] == (1, 3)  # mike, late (DNPs are active rows), three


def test_first_post_bootstrap_date_of_a_real_demo_season() -> None:
    # Season 2023-24, first game 2023-10-24: the bootstrap ends on 2023-11-07 (no games that day), so
    # 2023-11-08 is the first date with rows. Every player with 3 qualifying games before D has one.
    tables = generate_league(seasons=1, start_season=2023)
    schedule, games = tables[SCHEDULE_TABLE], tables[PLAYER_GAMES_TABLE]
    dates = [dt.date(2023, 11, 7) + dt.timedelta(days=k) for k in range(8)]  # day 14 .. day 21
    out = run(games, dates, schedule)
    assert pd.Timestamp("2023-11-07") not in set(out["analysis_date"])  # no games that day
    qualifying = games[psza.is_qualifying(games)]
    for d in dates[1:]:
        rows = out[out["analysis_date"] == pd.Timestamp(d)]
        if not (schedule["game_date"] == pd.Timestamp(d)).any():
            assert rows.empty
            continue
        played = qualifying[qualifying["game_date"] < pd.Timestamp(d)].groupby("player_lookup").size()
        assert dict(zip(rows["player_lookup"], rows["games_in_sample_10"])) == played[played >= 3].clip(upper=10).to_dict()
    # The feature store's players of that date (context players not out/doubtful) need this row for their
    # required shot-zone features, and its gate allows at most 30% of rows with a required default. Here 385
    # rows cover 352 of the 407 available players; the legacy day-of-season ramp (8 games on day 15) left 40
    # rows on the five-season demo league.
    context = tables["nba_analytics.upcoming_player_game_context"]
    context = context[context["game_date"] == pd.Timestamp("2023-11-08")]
    available = set(context.loc[~context["player_status"].fillna("").str.lower().isin(["out", "doubtful"]), "player_lookup"])
    covered = set(out.loc[out["analysis_date"] == pd.Timestamp("2023-11-08"), "player_lookup"]) & available
    assert len(covered) >= 0.8 * len(available)


def test_every_player_with_a_game_this_season_not_only_d_slate() -> None:
    # D = day 44 is a BOS-NYK day; delta (MIA) is not playing on D but still gets a row.
    games = frame(
        box_scores("alpha", "BOS", team_days("BOS", 22))
        + box_scores("delta", "MIA", team_days("MIA", 12))
        + box_scores("bench", "BOS", team_days("BOS", 2, first=40))  # 2 games: too few
        + box_scores("inactive", "NYK", team_days("NYK", 22), is_active=False)
    )
    assert sorted(run(games, [D44])["player_lookup"]) == ["alpha", "delta"]


def test_dnp_games_are_skipped_by_the_windows_but_count_as_box_scores() -> None:
    days = team_days("BOS", 22)
    played = [n for n in days if n not in (36, 38, 40)]
    games = frame(box_scores("echo", "BOS", played) + dnp("echo", "BOS", [36, 38, 40]))
    row = one_row(run(games, [D44]), "echo")
    # 19 games played: last 10 = played games 9..18 (zone_line index), i.e. paint 3 x 2 + 7 x 6 = 48
    assert row["games_in_sample_10"] == 10 and row["games_in_sample_20"] == 19
    assert row["total_shots_last_10"] == 48 + 20 + 20
    assert (row["expected_games_count"], row["actual_games_count"]) == (10, 10)  # DNP rows are box scores


def test_missing_box_scores_lower_completeness() -> None:
    days = [n for n in team_days("BOS", 22) if n not in (30, 32, 34, 36)]
    row = one_row(run(frame(box_scores("kilo", "BOS", days)), [D44]), "kilo")
    # BOS's last 10 final games are days 24..42; kilo has box scores on 6 of them
    assert (row["expected_games_count"], row["actual_games_count"], row["missing_games_count"]) == (10, 6, 4)
    assert row["completeness_percentage"] == 60.0
    assert not row["is_production_ready"]
    assert row["source_player_game_completeness_pct"] == 60.0
    assert row["data_quality_issues"] == ["missing_upstream_games"]


def test_traded_player_windows_span_both_teams() -> None:
    # foxtrot: 12 MIA games (days 1..23), traded, then 9 BOS games (days 26..42).
    line = lambda i: zone_line(0) | ({"three_pt_attempts": 6, "three_pt_makes": 2} if i >= 12 else {})  # noqa: E731
    mia = box_scores("foxtrot", "MIA", team_days("MIA", 12), line=line)
    bos = box_scores("foxtrot", "BOS", team_days("BOS", 9, first=26), line=line)
    for i, row in enumerate(bos):
        row.update(line(12 + i), data_hash=f"foxtrot{12 + i}", processed_at=UPDATED + pd.Timedelta(hours=12 + i))
    row = one_row(run(frame(mia + bos), [D44]), "foxtrot")
    # last 10 = MIA day 23 (three 2 attempts) + 9 BOS games (three 6): paint 20, mid 20, three 56
    assert row["games_in_sample_10"] == 10
    assert row["total_shots_last_10"] == 96
    assert row["three_pt_rate_last_10"] == 58.33  # 100 x 56 / 96 = 58.333
    assert row["primary_scoring_zone"] == "perimeter"
    # completeness follows the new team: BOS's last 10 finals (days 24..42), 9 box scores there
    assert (row["expected_games_count"], row["actual_games_count"], row["missing_games_count"]) == (10, 9, 1)
    assert row["completeness_percentage"] == 90.0


def test_all_star_break_windows_count_games_not_days() -> None:
    # No games at all on days 28..39; lima plays every BOS game: 14 on days 0..26, 3 on days 40..44.
    schedule = schedule_frame(no_games=range(28, 40))
    days = team_days("BOS", 14) + [40, 42, 44]
    games = frame(box_scores("lima", "BOS", days))
    assert run(games, [day(30)], schedule).empty  # no games scheduled during the break
    row = one_row(run(games, [day(46)], schedule), "lima")
    assert row["games_in_sample_10"] == 10 and row["games_in_sample_20"] == 17
    # last 10 = games 7..16, across the break: paint 5 x 2 + 5 x 6 = 40 attempts
    assert row["paint_attempts_per_game"] == 4.0
    assert row["total_shots_last_10"] == 40 + 20 + 20
    # expected: BOS's last 10 final games (days 14..26 and 40..44), all found
    assert (row["expected_games_count"], row["actual_games_count"]) == (10, 10)


# --- point in time, range runs, determinism --------------------------------------------------------


def league_rows() -> list[dict]:
    return (
        box_scores("alpha", "BOS", team_days("BOS", 40))
        + box_scores("delta", "MIA", team_days("MIA", 30))
        + box_scores("nine", "NYK", team_days("NYK", 9))
        + dnp("nine", "NYK", team_days("NYK", 10, first=18))
        + box_scores("hotel", "ORL", team_days("ORL", 35), line=lambda i: zone_line(i) | {"three_pt_attempts": None})
    )


def test_rows_dated_d_or_later_do_not_change_d() -> None:
    games = frame(league_rows())
    before = run(games, [D44])
    later = games["game_date"] >= pd.Timestamp(D44)
    mutated = games.copy()
    mutated.loc[later, ["paint_makes", "assisted_fg_makes"]] = 0
    mutated.loc[later, "team_abbr"] = "NYK"
    mutated.loc[later, "universal_player_id"] = "changed"
    mutated = mutated.drop(mutated[later].index[::2])
    schedule = schedule_frame()
    schedule.loc[schedule["game_date"] > pd.Timestamp(D44), "game_status"] = 1
    after = run(mutated, [D44], schedule)
    assert len(before) == 4
    pd.testing.assert_frame_equal(before, after)


def test_range_run_equals_one_run_per_date() -> None:
    # plus a player whose 3rd game comes after the bootstrap (rows from day 30)
    games = frame(league_rows() + dnp("late", "MIA", team_days("MIA", 12)) + box_scores("late", "MIA", [25, 27, 29]))
    dates = [day(n) for n in range(10, 84)]  # bootstrap days, game days and days after the schedule
    together = run(games, dates)
    one_by_one = pd.concat([run(games, [d]) for d in dates], ignore_index=True)
    assert len(together) > 150
    assert together.loc[together["player_lookup"] == "late", "analysis_date"].min() == pd.Timestamp(day(30))
    pd.testing.assert_frame_equal(together, one_by_one)


def test_data_hash_tracks_metrics_not_run_time() -> None:
    games = frame(league_rows())
    first = run(games, [D44])
    rerun = psza.transform(
        {"schedule": schedule_frame(), "player_games": games}, [D44], RunInfo(processed_at=pd.Timestamp("2026-01-01", tz="UTC"))
    )
    assert list(first["data_hash"]) == list(rerun["data_hash"])
    changed = games.copy()
    changed.loc[(changed["player_lookup"] == "alpha") & (changed["game_date"] == pd.Timestamp(day(42))), "paint_makes"] = 6
    second = run(changed, [D44]).set_index("player_lookup")["data_hash"]
    assert second["alpha"] != first.set_index("player_lookup")["data_hash"]["alpha"]
    assert second["delta"] == first.set_index("player_lookup")["data_hash"]["delta"]


# --- input contract ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("column", "value", "rule"),
    [
        ("minutes_played", -3.0, "minutes_played >= 0"),
        ("paint_makes", 7, "paint_makes <= paint_attempts"),
        ("assisted_fg_makes", 9, "assisted_fg_makes <= fg_makes"),
        ("team_abbr", "XXX", "a team of nba_reference.nba_schedule"),
    ],
)
def test_bad_input_names_table_date_column_and_rule(column: str, value: object, rule: str) -> None:
    games = frame(league_rows())
    games.loc[(games["player_lookup"] == "alpha") & (games["game_date"] == pd.Timestamp(day(6))), column] = value
    with pytest.raises(InputContractError) as error:
        run(games, [D44])
    message = str(error.value)
    assert "nba_analytics.player_game_summary" in message
    assert day(6).isoformat() in message
    assert column in message and rule in message
