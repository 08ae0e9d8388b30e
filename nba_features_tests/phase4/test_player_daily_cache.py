"""player_daily_cache: scoring windows, team context, roster expansion, skip rules and multi-window
completeness against hand-computed values; point in time, range runs, the input contract."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from nba_features.contracts import contract
from nba_features.phase4 import player_daily_cache as pdc
from nba_features.phase4.output_rows import sha16
from nba_features.phase4.spec import RunInfo
from nba_features.phase4.validation import InputContractError
from nba_features.warehouse.base import prepare_frame
from nba_features.warehouse.sql import parameter_names

SEASON_START = dt.date(2023, 10, 24)  # season 2023: both matchups are played every day from here
ALL_STAR_BREAK = [dt.date(2024, 2, 16) + dt.timedelta(days=k) for k in range(6)]  # Fri .. Wed, no games
RUN = RunInfo(processed_at=pd.Timestamp("2024-03-01 12:00:00", tz="UTC"))
UPDATED = pd.Timestamp("2024-01-01 06:00:00", tz="UTC")
MATCHUPS = (("BBB", "AAA"), ("DDD", "CCC"))  # (away, home)


def season_day(n: int) -> dt.date:
    return SEASON_START + dt.timedelta(days=n)


D20 = season_day(20)  # 2023-11-13: the 20 team games of days 0..19 are before it


def schedule_frame(last: dt.date = dt.date(2024, 3, 31), final_before: dt.date = dt.date(2024, 3, 1)) -> pd.DataFrame:
    """Both matchups every day of the season except the All-Star break; games before `final_before` are final."""
    rows = []
    day = SEASON_START
    while day <= last:
        if day not in ALL_STAR_BREAK:
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
        day += dt.timedelta(days=1)
    return pd.DataFrame(rows)


SCHEDULE = schedule_frame()


def game_id(day: dt.date, team: str) -> str:
    away, home = next(pair for pair in MATCHUPS if team in pair)
    return f"{day:%Y%m%d}_{away}_{home}"


def box(
    player: str, day: dt.date, team: str = "AAA", points=10, minutes=30.0, usage=20.0, ts=0.55, fg=4, assisted=3, **overrides
) -> dict:
    """A player_game_summary row of a played game."""
    row = {
        "player_lookup": player,
        "universal_player_id": f"{player}_001",
        "game_id": game_id(day, team),
        "game_date": pd.Timestamp(day),
        "team_abbr": team,
        "season_year": 2023,
        "points": points,
        "minutes_played": minutes,
        "usage_rate": usage,
        "ts_pct": ts,
        "fg_makes": fg,
        "assisted_fg_makes": assisted,
        "is_active": True,
        "is_dnp": False,
        "data_hash": f"pgs_{player}_{day:%m%d}",
        "processed_at": UPDATED,
    }
    row.update(overrides)
    return row


def dnp(player: str, day: dt.date, team: str = "AAA") -> dict:
    return box(player, day, team, points=None, minutes=None, usage=None, ts=None, fg=None, assisted=None, is_dnp=True)


def games_on(days: range | list[int], player: str, team: str = "AAA", **values) -> list[dict]:
    return [box(player, season_day(n), team, **values) for n in days]


def context_row(player: str, team: str = "AAA", day: dt.date = D20, **overrides) -> dict:
    row = {
        "player_lookup": player,
        "universal_player_id": f"{player}_001",
        "game_date": pd.Timestamp(day),
        "team_abbr": team,
        "games_in_last_7_days": 4,
        "games_in_last_14_days": 8,
        "minutes_in_last_7_days": 120,
        "minutes_in_last_14_days": 240,
        "back_to_backs_last_14_days": 1,
        "avg_minutes_per_game_last_7": 30.0,
        "fourth_quarter_minutes_last_7": 28,
        "player_age": 27,
        "data_hash": f"ctx_{player}",
        "processed_at": UPDATED,
    }
    row.update(overrides)
    return row


def shot_row(player: str, day: dt.date = D20, zone: str = "paint", paint=45.5, three=30.25) -> dict:
    return {
        "player_lookup": player,
        "analysis_date": pd.Timestamp(day),
        "primary_scoring_zone": zone,
        "paint_rate_last_10": paint,
        "three_pt_rate_last_10": three,
        "data_hash": f"psza_{player}",
        "processed_at": UPDATED,
    }


def offense_frame(pace_of=lambda team, n: 100.0, rating_of=lambda team, n: 110.0) -> pd.DataFrame:
    """team_offense_game_summary rows for every final game, values from the team and the season day."""
    rows = []
    for game in SCHEDULE[SCHEDULE["game_status"] == 3].itertuples():
        n = (game.game_date.date() - SEASON_START).days
        for team in (game.away_team_tricode, game.home_team_tricode):
            rows.append(
                {
                    "team_abbr": team, "game_id": game.game_id, "game_date": game.game_date, "season_year": 2023,
                    "pace": pace_of(team, n), "offensive_rating": rating_of(team, n),
                    "data_hash": f"togs_{team}_{n}", "processed_at": UPDATED,
                }
            )  # fmt: skip
    return frame(rows)


def frame(rows: list[dict], columns: list[str] | None = None) -> pd.DataFrame:
    out = pd.DataFrame(rows, columns=columns)
    if "processed_at" in out:
        out["processed_at"] = pd.to_datetime(out["processed_at"], utc=True)
    return out


BOX_COLUMNS = list(box("x", SEASON_START).keys())
CONTEXT_COLUMNS = list(context_row("x").keys())
SHOT_COLUMNS = list(shot_row("x").keys())
OFFENSE = offense_frame()


def make_inputs(
    games: list[dict], contexts: list[dict], shots: list[dict] | None = None, offense: pd.DataFrame | None = None
) -> dict[str, pd.DataFrame]:
    """Inputs for the box scores and context rows; by default each context player has a shot-zone row."""
    if shots is None:
        shots = [shot_row(c["player_lookup"], c["game_date"].date()) for c in contexts]
    games_frame = frame(games, BOX_COLUMNS)
    for column in ("points", "fg_makes", "assisted_fg_makes"):
        games_frame[column] = games_frame[column].astype("Int64")
    return {
        "player_games": games_frame,
        "team_offense": OFFENSE if offense is None else offense,
        "player_context": frame(contexts, CONTEXT_COLUMNS),
        "shot_zones": frame(shots, SHOT_COLUMNS),
        "schedule": SCHEDULE,
    }


def run(inputs: dict[str, pd.DataFrame], dates: list[dt.date] | None = None) -> pd.DataFrame:
    return pdc.transform(inputs, dates or [D20], RUN)


def row_of(out: pd.DataFrame, player: str, day: dt.date = D20) -> pd.Series:
    rows = out[(out["player_lookup"] == player) & (out["cache_date"] == pd.Timestamp(day))]
    assert len(rows) == 1, f"expected one row for {player} on {day}, got {len(rows)}"
    return rows.iloc[0]


# p1 at D20: DNP on days 0..7, then 12 played games on days 8..19 (oldest first).
P1_POINTS = [10, 12, 8, 20, 15, 5, 0, 30, 22, 18, 25, 11]
P1_MINUTES = [20.0, 22.0, 25.0, 30.0, 28.0, 15.0, 12.0, 35.0, 33.0, 31.0, 36.0, 29.0]


def p1_games() -> list[dict]:
    games = [dnp("p1", season_day(n)) for n in range(8)]
    for k, n in enumerate(range(8, 20)):
        games.append(
            box(
                "p1", season_day(n), points=P1_POINTS[k], minutes=P1_MINUTES[k],
                usage=None if n == 8 else (30.0 if n == 19 else 20.0), ts=0.65 if n == 18 else 0.55,
                fg=5 if n == 19 else 4, assisted=1 if n == 19 else 3,
            )
        )  # fmt: skip
    return games


# --- scoring and team context -------------------------------------------------------------------


def test_scoring_windows_hand_computed() -> None:
    offense = offense_frame(
        pace_of=lambda team, n: 80.0 if n < 10 else 95.0 + (n - 10),
        rating_of=lambda team, n: 100.0 if n < 10 else 110.0 + 0.5 * (n - 10),
    )
    row = row_of(run(make_inputs(p1_games(), [context_row("p1")], offense=offense)), "p1")
    assert row["games_played_season"] == 12  # the 8 DNP rows do not count
    assert row["points_avg_last_5"] == 21.2  # 11 + 25 + 18 + 22 + 30 = 106
    assert row["points_avg_last_10"] == 15.4  # 154 / 10
    assert row["points_avg_season"] == 14.6667  # 176 / 12
    assert row["points_std_last_10"] == 9.4069  # sqrt(796.4 / 9)
    assert row["minutes_avg_last_10"] == 27.4  # 274 / 10
    assert row["usage_rate_last_10"] == 21.0  # (9 x 20 + 30) / 10
    assert row["player_usage_rate_season"] == 20.9091  # (10 x 20 + 30) / 11: the NULL usage is skipped
    assert row["ts_pct_last_10"] == 0.56  # (9 x 0.55 + 0.65) / 10
    assert row["assisted_rate_last_10"] == 68.29  # 100 x 28 / 41: a percentage (docs/RULES.md#units)
    assert row["team_pace_last_10"] == 99.5  # days 10..19: 95 .. 104
    assert row["team_off_rating_last_10"] == 112.25  # 110 .. 114.5
    assert not row["early_season_flag"] and row["insufficient_data_reason"] is None


def test_context_and_shot_zone_fields_are_copied() -> None:
    row = row_of(run(make_inputs(p1_games(), [context_row("p1")])), "p1")
    assert (row["games_in_last_7_days"], row["games_in_last_14_days"]) == (4, 8)
    assert (row["minutes_in_last_7_days"], row["minutes_in_last_14_days"]) == (120, 240)
    assert row["back_to_backs_last_14_days"] == 1
    assert (row["avg_minutes_per_game_last_7"], row["fourth_quarter_minutes_last_7"]) == (30.0, 28)
    assert row["player_age"] == 27
    assert (row["primary_scoring_zone"], row["paint_rate_last_10"], row["three_pt_rate_last_10"]) == ("paint", 45.5, 30.25)
    assert row["shot_zone_data_available"]
    assert row["universal_player_id"] == "p1_001"
    assert row["cache_version"] == "v1"


def test_missing_shot_zone_row_leaves_nulls() -> None:
    row = row_of(run(make_inputs(p1_games(), [context_row("p1")], shots=[])), "p1")
    assert row["primary_scoring_zone"] is None
    assert pd.isna(row["paint_rate_last_10"]) and pd.isna(row["three_pt_rate_last_10"])
    assert not row["shot_zone_data_available"]
    assert "shot_zone_missing" in row["data_quality_issues"]


def test_zero_field_goals_and_single_game_windows() -> None:
    games = games_on(range(17, 20), "p1", fg=0, assisted=0, points=2)
    row = row_of(run(make_inputs(games, [context_row("p1")])), "p1")
    assert row["games_played_season"] == 3
    assert pd.isna(row["assisted_rate_last_10"])  # no field goals: no rate
    assert row["points_std_last_10"] == 0.0
    assert row["early_season_flag"]
    assert row["insufficient_data_reason"] == "Only 3 games played, need 10 minimum"


def test_previous_season_games_do_not_count() -> None:
    previous = [box("p1", dt.date(2023, 4, 1) + dt.timedelta(days=k), points=40, season_year=2022) for k in range(5)]
    row = row_of(run(make_inputs(previous + games_on(range(15, 20), "p1", points=10), [context_row("p1")])), "p1")
    assert row["games_played_season"] == 5
    assert row["points_avg_season"] == 10.0


def test_traded_player_gets_his_new_teams_pace() -> None:
    # p7 played days 0..14 for CCC, then days 15..19 for AAA; on D he is on AAA (UPCG)
    offense = offense_frame(pace_of=lambda team, n: {"AAA": 101.0, "CCC": 90.0}.get(team, 95.0))
    games = games_on(range(0, 15), "p7", team="CCC", points=10) + games_on(range(15, 20), "p7", team="AAA", points=20)
    row = row_of(run(make_inputs(games, [context_row("p7", team="AAA")], offense=offense)), "p7")
    assert row["team_pace_last_10"] == 101.0
    assert row["games_played_season"] == 20
    assert row["points_avg_last_10"] == 15.0  # 5 x 20 (AAA) + 5 x 10 (CCC)
    # completeness follows AAA's games: every one of its last 10 dates has a p7 row (either team)
    assert row["l10_completeness_pct"] == 100.0


# --- players: roster expansion and skip rules --------------------------------------------------


def test_roster_expansion_adds_recent_players_of_teams_playing() -> None:
    games = (
        p1_games()
        + games_on(range(10, 20), "p3", team="BBB", points=14)  # not in UPCG, BBB plays on D20
        + games_on(range(5, 12), "p9", team="CCC", points=6)  # not in UPCG, last game day 11
    )
    out = run(make_inputs(games, [context_row("p1")]))
    assert sorted(out["player_lookup"]) == ["p1", "p3", "p9"]
    p3 = row_of(out, "p3")
    assert p3["points_avg_last_10"] == 14.0
    assert p3["universal_player_id"] == "p3_001"
    for column in pdc.CONTEXT_FIELDS:
        assert pd.isna(p3[column])
    assert p3["data_quality_issues"] == ["upcoming_context_missing", "shot_zone_missing"]


def test_roster_expansion_needs_a_row_within_30_days_for_a_team_playing() -> None:
    d = dt.date(2024, 1, 16)
    games = (
        games_on(range(40, 45), "old", team="BBB")  # last row 2023-12-07, 40 days before d
        + [box("recent", d - dt.timedelta(days=30), team="BBB"), *games_on(range(30, 32), "recent", team="BBB")]
    )
    schedule = SCHEDULE[~((SCHEDULE["game_date"] == pd.Timestamp(d)) & (SCHEDULE["home_team_tricode"] == "CCC"))]
    inputs = make_inputs(games + games_on(range(60, 65), "idle", team="CCC"), [])
    inputs["schedule"] = schedule  # CCC and DDD do not play on d
    out = run(inputs, [d])
    # 'recent' played exactly 30 days before d (kept); 'old' is past the 30-day expansion window;
    # 'idle' played for CCC within 30 days but CCC does not play on d
    assert list(out["player_lookup"]) == ["recent"]


def test_fewer_than_three_games_or_stale_players_get_no_row() -> None:
    d = dt.date(2024, 1, 16)
    contexts = [context_row(p, day=d) for p in ("two_games", "stale", "fresh")]
    games = (
        games_on(range(60, 62), "two_games")
        + games_on(range(40, 48), "stale")  # last game 2023-12-10: 37 days before d
        + games_on(range(48, 55), "fresh")  # last game 2023-12-17: exactly 30 days before d
    )
    out = run(make_inputs(games, contexts), [d])
    assert list(out["player_lookup"]) == ["fresh"]


# --- completeness -------------------------------------------------------------------------------


def test_dnp_aware_windows_complete() -> None:
    row = row_of(run(make_inputs(p1_games(), [context_row("p1")])), "p1")
    # L14d = days 6..19: 14 team games, 2 of them p1's DNPs (days 6, 7) -> expected 12, played 12
    for window in ("l5", "l10", "l7d", "l14d"):
        assert row[f"{window}_completeness_pct"] == 100.0 and row[f"{window}_is_complete"]
    assert row["all_windows_complete"] and row["is_production_ready"]
    assert (row["expected_games_count"], row["actual_games_count"], row["missing_games_count"]) == (5, 5, 0)
    assert (row["cache_quality_score"], row["quality_tier"]) == (100.0, "gold")
    assert row["data_quality_issues"] == []


def test_missing_rows_lower_each_window() -> None:
    # p2 has rows for days 8..19 except days 17 and 18 (no row at all: a pipeline gap, not a DNP)
    games = games_on([n for n in range(8, 20) if n not in (17, 18)], "p2")
    row = row_of(run(make_inputs(games, [context_row("p2")])), "p2")
    assert row["l5_completeness_pct"] == 60.0  # days 15..19: 3 of 5
    assert row["l10_completeness_pct"] == 80.0  # days 10..19: 8 of 10
    assert row["l7d_completeness_pct"] == 71.43  # days 13..19: 5 of 7
    assert row["l14d_completeness_pct"] == 71.43  # days 6..19: 10 of 14
    assert [row[f"{w}_is_complete"] for w in ("l5", "l10", "l7d", "l14d")] == [False, True, True, True]
    assert not row["all_windows_complete"] and not row["is_production_ready"]
    assert (row["expected_games_count"], row["actual_games_count"], row["missing_games_count"]) == (5, 3, 2)
    assert (row["cache_quality_score"], row["quality_tier"]) == (60.0, "bronze")
    assert row["data_quality_issues"] == ["l5_incomplete"]


def test_all_star_break_lengthens_the_day_windows() -> None:
    # D = 2024-02-22, right after the six days without games (Feb 16-21): L7d covers [Feb 9, Feb 22)
    # = the 7 games of Feb 9..15, L14d [Feb 2, Feb 22) = 14 games. p1 lacks rows on Feb 9..13.
    d = dt.date(2024, 2, 22)
    missing = pd.date_range("2024-02-09", "2024-02-13").date
    days = [day for day in pd.date_range("2024-01-20", "2024-02-15").date if day not in missing]
    games = [box("p1", day) for day in days]
    row = row_of(run(make_inputs(games, [context_row("p1", day=d)]), [d]), "p1", d)
    assert row["l7d_completeness_pct"] == 28.57  # Feb 14, 15: 2 of 7 (an unlengthened window would hold 1 of 1)
    assert row["l14d_completeness_pct"] == 64.29  # 9 of 14
    assert row["l5_completeness_pct"] == 40.0  # games windows are not lengthened: Feb 11..15, 2 of 5


def test_quality_tiers() -> None:
    scores = pd.Series([100.0, 95.0, 94.99, 75.0, 60.0, 50.0, 25.0, 24.99, 0.0])
    assert pdc.quality_tiers(scores) == ["gold", "gold", "silver", "silver", "bronze", "bronze", "poor", "unusable", "unusable"]


# --- dates and rows -----------------------------------------------------------------------------


def test_no_rows_on_bootstrap_or_no_game_days() -> None:
    games = games_on(range(0, 10), "p1")
    inputs = make_inputs(games, [context_row("p1", day=season_day(10)), context_row("p1", day=dt.date(2024, 2, 18))])
    assert run(inputs, [season_day(10), dt.date(2024, 2, 18)]).empty


def test_range_run_equals_one_run_per_date() -> None:
    days = [season_day(20), season_day(21), dt.date(2024, 2, 18), dt.date(2024, 2, 22)]
    games = p1_games() + games_on(range(20, 90), "p1") + games_on(range(5, 100), "p3", team="CCC", points=9)
    games += games_on(range(10, 21), "p4", team="BBB") + [dnp("p4", season_day(n), "BBB") for n in range(21, 100)]
    contexts = [context_row(p, team=t, day=d) for d in days for p, t in (("p1", "AAA"), ("p4", "BBB"))]
    inputs = make_inputs(games, contexts, shots=[shot_row("p1", day=d) for d in days])
    whole = run(inputs, days)
    singles = [run(inputs, [d]) for d in days]
    assert singles[2].empty  # All-Star Sunday: no games
    per_date = pd.concat([out for out in singles if not out.empty], ignore_index=True)
    assert len(whole) == len(per_date) > 0
    pd.testing.assert_frame_equal(whole.reset_index(drop=True), per_date.reset_index(drop=True))


def test_point_in_time_rows_dated_d_or_later_do_not_matter() -> None:
    inputs = make_inputs(p1_games() + games_on(range(10, 20), "p3", team="BBB"), [context_row("p1")])
    before = run(inputs)
    changed = dict(inputs)
    later = games_on(range(20, 25), "p1", points=99) + games_on(range(20, 22), "p3", team="BBB", points=99)
    changed["player_games"] = pd.concat([inputs["player_games"], frame(later, BOX_COLUMNS)], ignore_index=True)
    offense = inputs["team_offense"].copy()
    offense.loc[offense["game_date"] >= pd.Timestamp(D20), "pace"] = 150.0
    changed["team_offense"] = offense
    changed["player_context"] = pd.concat(
        [inputs["player_context"], frame([context_row("p1", day=season_day(22), player_age=40)], CONTEXT_COLUMNS)]
    )
    after = run(changed)
    pd.testing.assert_frame_equal(before, after)


def test_output_matches_the_contract_and_hashes_are_stable() -> None:
    inputs = make_inputs(p1_games() + games_on(range(10, 20), "p3", team="BBB"), [context_row("p1")])
    out = run(inputs)
    assert len(prepare_frame(contract(pdc.TABLE), out, [D20])) == 2
    again = pdc.transform(inputs, [D20], RunInfo(processed_at=pd.Timestamp("2024-05-01", tz="UTC")))
    assert list(again["data_hash"]) == list(out["data_hash"])
    assert all(len(h) == 16 for h in out["data_hash"])


def test_source_tracking_per_date() -> None:
    games = p1_games() + games_on(range(10, 20), "p3", team="BBB")
    row = row_of(run(make_inputs(games, [context_row("p1")])), "p1")
    assert row["source_player_game_rows_found"] == 30  # every PGS row of the season before D
    assert row["source_player_game_last_updated"] == UPDATED
    assert row["source_player_game_completeness_pct"] == 50.0  # the AAA-BBB games, not CCC-DDD
    # teams playing on D: all 4, each with its 20 games so far -> the last 10 of each are used
    assert row["source_team_offense_rows_found"] == 40
    assert row["source_team_offense_completeness_pct"] == 100.0
    assert row["source_upcoming_context_rows_found"] == 1
    assert row["source_upcoming_context_completeness_pct"] == 25.0  # AAA of 4 teams
    assert (row["source_shot_zone_rows_found"], row["source_shot_zone_completeness_pct"]) == (1, 100.0)
    assert row["source_shot_zone_hash"] == sha16("p1:psza_p1")


# --- input contract and lineage -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("table", "column", "value", "message"),
    [
        ("player_games", "assisted_fg_makes", 9, "assisted_fg_makes <= fg_makes"),
        ("player_games", "minutes_played", -3.0, "minutes_played >= 0"),
        ("player_games", "team_abbr", "ZZZ", "team_abbr"),
        ("team_offense", "team_abbr", "ZZZ", "team_offense_game_summary"),
        ("shot_zones", "paint_rate_last_10", 0.455 * 1000, "paint_rate_last_10 is a percentage"),
    ],
)
def test_contract_breaking_values_raise(table: str, column: str, value: object, message: str) -> None:
    inputs = make_inputs(p1_games(), [context_row("p1")])
    target = inputs[table].copy()
    target.loc[target.index[-1] if table != "team_offense" else 0, column] = value
    inputs[table] = target
    with pytest.raises(InputContractError, match=message):
        run(inputs)


def test_contract_error_names_table_date_and_column() -> None:
    inputs = make_inputs(p1_games(), [context_row("p1")])
    inputs["player_games"].loc[inputs["player_games"]["game_date"] == pd.Timestamp(season_day(12)), "minutes_played"] = -1.0
    with pytest.raises(InputContractError, match=r"nba_analytics.player_game_summary.*minutes_played.*game_date=2023-11-05"):
        run(inputs)


def test_spec_lineage_and_extract_parameters() -> None:
    spec = pdc.SPEC
    assert spec.asset_name == "player_daily_cache"
    assert spec.upstream_assets == ("player_shot_zone_analysis",)
    assert spec.source_tables == (
        "nba_analytics.player_game_summary",
        "nba_analytics.team_offense_game_summary",
        "nba_analytics.upcoming_player_game_context",
        "nba_reference.nba_schedule",
    )
    season_scoped = {"player_games", "team_offense"}  # windows within D's season: read from its first game
    for extract in spec.extracts:
        lower = "season_start" if extract.name in season_scoped else "start_date"
        assert parameter_names(extract.sql) == {lower, "end_date"}, extract.name
