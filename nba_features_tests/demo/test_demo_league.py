"""The demo league: shapes, invariants, determinism, point in time, NBA-like distributions, DDL agreement."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import sqlglot
from sqlglot import exp

from nba_features.contracts import load_contracts
from nba_features.demo import demo_league
from nba_features.demo._tables import TABLE_COLUMNS, pandas_dtype
from nba_features.demo.demo_league import (
    DEFAULT_SEED,
    generate_league,
    generate_prediction_accuracy,
    season_start_dates,
)
from nba_features.warehouse import prepare_frame

SCHEMAS = Path(__file__).resolve().parents[2] / "schemas"
PGS = "nba_analytics.player_game_summary"
TOGS = "nba_analytics.team_offense_game_summary"
TDGS = "nba_analytics.team_defense_game_summary"
UPCG = "nba_analytics.upcoming_player_game_context"
UTGC = "nba_analytics.upcoming_team_game_context"
SCHEDULE = "nba_reference.nba_schedule"
ODDS = "nba_raw.odds_api_player_points_props"
BP = "nba_raw.bettingpros_player_points_props"
INJURY = "nba_raw.nbac_injury_report"
ACCURACY = "nba_predictions.prediction_accuracy"

ZONE_COUNTS = [
    "points", "fg_attempts", "fg_makes", "three_pt_attempts", "three_pt_makes", "paint_attempts", "paint_makes",
    "mid_range_attempts", "mid_range_makes", "ft_attempts", "ft_makes", "turnovers",
]  # fmt: skip


@pytest.fixture(scope="module")
def league() -> dict[str, pd.DataFrame]:
    """Two seasons: 2021-22 (synthetic) and 2022-23 (real isapy-data results)."""
    return generate_league(seasons=2, start_season=2021)


@pytest.fixture(scope="module")
def one_season() -> dict[str, pd.DataFrame]:
    return generate_league(seasons=1, start_season=2021)


def _ddl_columns(table: str) -> list[tuple[str, str, bool]]:
    dataset, name = table.split(".")
    create = sqlglot.parse_one((SCHEMAS / dataset / f"{name}.sql").read_text(), read="bigquery")
    out = []
    for col in create.find_all(exp.ColumnDef):
        not_null = any(isinstance(c.kind, exp.NotNullColumnConstraint) for c in col.args.get("constraints") or [])
        out.append((col.name, col.args["kind"].sql("bigquery"), not_null))
    return out


# ----------------------------------------------------------------------------------------------------- schemas
@pytest.mark.parametrize("table", sorted(TABLE_COLUMNS))
def test_ddl_matches_generator_columns(table):
    ddl = _ddl_columns(table)
    assert [(n, nn) for n, _, nn in ddl] == [(n, nn) for n, _, nn in TABLE_COLUMNS[table]]
    assert [t for _, t, _ in ddl] == [t for _, t, _ in TABLE_COLUMNS[table]]


def test_frames_have_ddl_columns_and_conventional_dtypes(league):
    assert set(league) == set(demo_league.TABLES)
    accuracy = generate_prediction_accuracy(league)
    for table, frame in {**league, ACCURACY: accuracy}.items():
        ddl = _ddl_columns(table)
        assert list(frame.columns) == [n for n, _, _ in ddl], table
        for name, bq_type, not_null in TABLE_COLUMNS[table]:
            assert str(frame[name].dtype) == pandas_dtype(bq_type, not_null), (table, name, frame[name].dtype)
            if not_null:
                assert not frame[name].isna().any(), (table, name)
        assert len(frame) > 0, table


def test_frames_pass_the_project_contracts(league):
    contracts = load_contracts()
    for table, frame in league.items():
        assert [c.name for c in contracts[table].columns] == list(frame.columns)
        sample = frame.head(20_000)
        prepare_frame(contracts[table], sample, None)


@pytest.mark.parametrize(
    "table,key",
    [
        (SCHEDULE, ["game_id"]),
        (PGS, ["game_date", "player_lookup"]),
        (TOGS, ["game_date", "team_abbr"]),
        (TDGS, ["game_date", "defending_team_abbr"]),
        (UPCG, ["game_date", "player_lookup"]),
        (UTGC, ["game_date", "team_abbr"]),
        (ODDS, ["game_date", "player_lookup", "bookmaker", "snapshot_timestamp"]),
        (BP, ["game_date", "player_lookup", "market_type", "bookmaker"]),
        (INJURY, ["report_date", "player_lookup"]),
    ],
)
def test_primary_keys_are_unique(league, table, key):
    assert not league[table].duplicated(key).any()


# ------------------------------------------------------------------------------------------------- box scores
def test_player_rows_add_up_to_team_totals(league):
    pgs, togs = league[PGS], league[TOGS]
    sums = pgs.groupby(["game_date", "team_abbr"])[ZONE_COUNTS].sum().reset_index()
    merged = togs.merge(sums, on=["game_date", "team_abbr"], suffixes=("", "_players"), validate="1:1")
    assert len(merged) == len(togs)
    assert (merged["points_scored"] == merged["points"]).all()
    for col in ZONE_COUNTS[1:]:
        assert (merged[col] == merged[f"{col}_players"]).all(), col
    minutes = pgs.groupby(["game_date", "team_abbr"])["minutes_played"].sum().round(1)
    assert set(minutes.unique()) <= {240.0, 265.0, 290.0, 315.0, 340.0}


def test_team_defense_mirrors_the_opponent_offense(league):
    togs, tdgs = league[TOGS], league[TDGS]
    m = tdgs.merge(togs, left_on=["game_date", "opponent_team_abbr"], right_on=["game_date", "team_abbr"], validate="1:1")
    assert len(m) == len(tdgs)
    for d, o in [
        ("points_allowed", "points_scored"),
        ("opp_fg_makes", "fg_makes"),
        ("opp_fg_attempts", "fg_attempts"),
        ("opp_three_pt_makes", "three_pt_makes"),
        ("opp_three_pt_attempts", "three_pt_attempts"),
        ("opp_paint_makes", "paint_makes"),
        ("opp_paint_attempts", "paint_attempts"),
        ("opp_mid_range_makes", "mid_range_makes"),
        ("opp_mid_range_attempts", "mid_range_attempts"),
        ("opp_ft_makes", "ft_makes"),
        ("opp_ft_attempts", "ft_attempts"),
        ("turnovers_forced", "turnovers"),
        ("opponent_pace", "pace"),
        ("defensive_rating", "offensive_rating"),
    ]:
        assert np.allclose(m[d].to_numpy(dtype=float), m[o].to_numpy(dtype=float)), d
    assert (m["points_in_paint_allowed"] == 2 * m["opp_paint_makes"]).all()
    assert (m["mid_range_points_allowed"] == 2 * m["opp_mid_range_makes"]).all()
    assert (m["three_pt_points_allowed"] == 3 * m["opp_three_pt_makes"]).all()
    assert (m["blocks_paint"] <= m["opp_paint_attempts"] - m["opp_paint_makes"]).all()
    assert (m["blocks_three_pt"] <= m["opp_three_pt_attempts"] - m["opp_three_pt_makes"]).all()
    own = tdgs.merge(togs, left_on=["game_date", "defending_team_abbr"], right_on=["game_date", "team_abbr"])
    assert (own["win_flag"] == (own["points_scored"] > own["points_allowed"])).all()
    assert (own["margin_of_victory"] == own["points_scored"] - own["points_allowed"]).all()


def test_zone_sums_and_makes_within_attempts(league):
    pgs = league[PGS]
    played = pgs[pgs["minutes_played"].notna()]
    assert (played["fg_attempts"] == played["paint_attempts"] + played["mid_range_attempts"] + played["three_pt_attempts"]).all()
    assert (played["fg_makes"] == played["paint_makes"] + played["mid_range_makes"] + played["three_pt_makes"]).all()
    points = 2 * (played["paint_makes"] + played["mid_range_makes"]) + 3 * played["three_pt_makes"] + played["ft_makes"]
    assert (played["points"] == points).all()
    for made, att in [
        ("fg_makes", "fg_attempts"),
        ("three_pt_makes", "three_pt_attempts"),
        ("paint_makes", "paint_attempts"),
        ("mid_range_makes", "mid_range_attempts"),
        ("ft_makes", "ft_attempts"),
    ]:
        assert (played[made] <= played[att]).all() and (played[made] >= 0).all()
    assert (played["assisted_fg_makes"] + played["unassisted_fg_makes"] == played["fg_makes"]).all()
    assert (played["unassisted_fg_makes"] >= 0).all()
    assert (played["minutes_played"] > 0).all()
    togs = league[TOGS]
    assert (togs["fg_attempts"] == togs["paint_attempts"] + togs["mid_range_attempts"] + togs["three_pt_attempts"]).all()


def test_dnp_and_inactive_rows(league):
    pgs, injury = league[PGS], league[INJURY]
    dnp = pgs[pgs["is_dnp"]]
    assert len(dnp) > 0.05 * len(pgs)
    assert dnp["minutes_played"].isna().all()
    assert dnp[ZONE_COUNTS].isna().all().all()
    coach = dnp[dnp["is_active"]]
    assert len(coach) > 0 and coach["dnp_reason"].eq("DNP - Coach's Decision").all()
    inactive = pgs[~pgs["is_active"]]
    assert len(inactive) > 0 and inactive["is_dnp"].all()
    listed = inactive.merge(injury, left_on=["game_date", "player_lookup"], right_on=["report_date", "player_lookup"], how="left")
    assert listed["injury_status"].notna().all()
    assert listed["injury_status"].isin(["Out", "Doubtful", "Questionable"]).all()
    assert (listed["injury_status"] == "Out").mean() > 0.6
    # multi-game absences
    spells = inactive.sort_values(["player_lookup", "game_date"]).groupby("player_lookup").size()
    assert (spells >= 5).sum() > 20


# ---------------------------------------------------------------------------------------------------- schedule
def test_season_start_dates():
    starts = season_start_dates(6, 2021)
    assert starts == {
        2021: dt.date(2021, 10, 19),
        2022: dt.date(2022, 10, 18),
        2023: dt.date(2023, 10, 24),
        2024: dt.date(2024, 10, 22),
        2025: dt.date(2025, 10, 21),
        2026: dt.date(2026, 10, 20),
    }


def test_schedule_shape(league):
    sched = league[SCHEDULE]
    assert set(sched["game_status"]) == {3}
    assert sched["game_date"].dt.month.isin([7, 8, 9]).sum() == 0
    assert (
        sched["tipoff_time"].dt.tz_convert("America/New_York").dt.normalize().dt.tz_localize(None) == sched["game_date"]
    ).all()
    ids = sched["game_date"].dt.strftime("%Y%m%d") + "_" + sched["away_team_tricode"] + "_" + sched["home_team_tricode"]
    assert (ids == sched["game_id"]).all()
    starts = season_start_dates(2, 2021)
    for season, frame in sched.groupby("season_year"):
        regular = frame[frame["season_type"] == "Regular Season"]
        assert regular["game_date"].min().date() == starts[season]
        assert len(regular) == 1230
        per_team = pd.concat([regular["home_team_tricode"], regular["away_team_tricode"]]).value_counts()
        assert len(per_team) == 30 and per_team.between(80, 84).all()
        assert regular["game_date"].max().month == 4
        days = regular["game_date"].drop_duplicates().sort_values()
        gaps = days.diff().dt.days
        feb = gaps[days.dt.month == 2]
        assert feb.max() >= 5  # All-Star break: at least four days without games
        playoffs = frame[frame["season_type"] == "Playoffs"]
        assert 60 <= len(playoffs) <= 105
        assert playoffs["game_date"].min() > regular["game_date"].max()
        assert playoffs["game_date"].max() <= pd.Timestamp(season + 1, 6, 20)
        assert set(playoffs["playoff_round"].dropna().astype(int)) == {1, 2, 3, 4}
        # each team plays at most once a day
        team_days = pd.concat(
            [
                frame[["game_date", "home_team_tricode"]].set_axis(["d", "t"], axis=1),
                frame[["game_date", "away_team_tricode"]].set_axis(["d", "t"], axis=1),
            ]
        )
        assert not team_days.duplicated().any()
    real = sched[(sched["season_year"] == 2022) & (sched["season_type"] == "Regular Season")]
    assert real["data_source"].eq("isapy_data:nba_games_2023").all()
    assert sched.loc[sched["season_year"] == 2021, "data_source"].eq("synthetic").all()


def test_real_season_uses_isapy_data(league):
    from nba_features.demo._real_seasons import real_season_games

    real = real_season_games(2022)
    togs = league[TOGS]
    home = togs[togs["home_game"] & (togs["season_year"] == 2022)]
    m = real.merge(home, left_on=["game_date", "home"], right_on=["game_date", "team_abbr"], validate="1:1")
    assert len(m) == 1230
    assert (m["h_pts"] == m["points_scored"]).all()
    assert (m["h_fg3a"] == m["three_pt_attempts"]).all()
    assert np.allclose(m["h_pace"], m["pace"]) and np.allclose(m["h_off_rating"], m["offensive_rating"])
    assert (m["away"] == m["opponent_team_abbr"]).all()


# ------------------------------------------------------------------------------------------------- determinism
def test_same_seed_same_frames(one_season):
    again = generate_league(seasons=1, start_season=2021)
    for table in one_season:
        pd.testing.assert_frame_equal(one_season[table], again[table])


def test_seasons_are_prefix_stable(one_season, league):
    """The first season does not depend on how many seasons follow it."""
    end = pd.Timestamp(2022, 8, 1)
    for table, frame in one_season.items():
        date_col = "report_date" if table == INJURY else "game_date"
        longer = league[table]
        pd.testing.assert_frame_equal(frame, longer[longer[date_col] < end].reset_index(drop=True), obj=table)


def test_other_seed_other_league(one_season):
    players = demo_league._simulate(1, 2021, DEFAULT_SEED)[0]
    others = demo_league._simulate(1, 2021, DEFAULT_SEED + 1)[0]
    assert set(players["player_lookup"]) == set(one_season[PGS]["player_lookup"])
    assert set(players["player_lookup"]) != set(others["player_lookup"])


# ------------------------------------------------------------------------------------------------ point in time
def test_through_cutoff(one_season):
    through = dt.date(2022, 1, 15)
    cut = generate_league(seasons=1, start_season=2021, through=through)
    limit = pd.Timestamp(through)
    sched = cut[SCHEDULE]
    assert (sched.loc[sched["game_date"] <= limit, "game_status"] == 3).all()
    assert (sched.loc[sched["game_date"] > limit, "game_status"] == 1).all()
    assert sched.loc[sched["game_date"] > limit, "home_team_score"].isna().all()
    assert (sched["season_type"] == "Regular Season").all()  # bracket unknown before the season ends
    for table in (PGS, TOGS, TDGS):
        assert cut[table]["game_date"].max() <= limit
    odds = cut[ODDS]
    assert not ((odds["game_date"] > limit) & (odds["minutes_before_tipoff"] < 0)).any()
    assert (odds["game_date"] > limit).any() and (cut[UPCG]["game_date"] > limit).any()
    # everything up to the cut-off (pre-game rows: up to the day after) is the same as without a cut-off
    for table, frame in cut.items():
        date_col = "report_date" if table == INJURY else "game_date"
        pregame = table in (UPCG, UTGC, INJURY)
        last = limit + pd.Timedelta(days=1 if pregame else 0)
        a = frame[frame[date_col] <= last].reset_index(drop=True)
        full = one_season[table]
        b = full[full[date_col] <= last].reset_index(drop=True)
        if table == SCHEDULE:
            a, b = a[a["game_date"] <= limit], b[b["game_date"] <= limit]
        pd.testing.assert_frame_equal(a, b, obj=table)


def test_through_during_playoffs_keeps_next_games_only():
    through = dt.date(2022, 4, 20)
    cut = generate_league(seasons=1, start_season=2021, through=through, upcoming_days=2)
    sched = cut[SCHEDULE]
    scheduled = sched[sched["game_status"] == 1]
    assert len(scheduled) > 0 and (scheduled["season_type"] == "Playoffs").all()
    assert (scheduled["playoff_round"] == 1).all()
    assert len(scheduled) <= 8  # at most the next game of each first-round series
    assert cut[UPCG]["game_date"].max() <= pd.Timestamp(through) + pd.Timedelta(days=2)


def test_upcoming_context_is_pre_game(league):
    """Rolling context values recomputed from strictly earlier box scores."""
    pgs, upcg = league[PGS], league[UPCG]
    assert len(upcg) == len(pgs)  # every rostered player of every team game, injured ones included
    played = pgs[pgs["minutes_played"] > 0][["player_lookup", "game_date", "minutes_played"]]
    sample = upcg.sample(150, random_state=1)
    for _, row in sample.iterrows():
        mine = played[(played["player_lookup"] == row["player_lookup"])]
        window = mine[(mine["game_date"] < row["game_date"]) & (mine["game_date"] >= row["game_date"] - pd.Timedelta(days=7))]
        assert row["games_in_last_7_days"] == len(window)
        assert row["minutes_in_last_7_days"] == round(window["minutes_played"].sum())
    statuses = set(upcg["player_status"])
    assert statuses <= {"out", "doubtful", "questionable", "probable", "available"} and "out" in statuses
    assert set(upcg["season_phase"]) == {"regular_season", "playoffs"}
    assert (upcg["back_to_back"] == (upcg["days_rest"] == 0)).fillna(True).all()


def test_current_line_is_the_pre_tip_draftkings_first_line(league):
    odds, upcg = league[ODDS], league[UPCG]
    pre = odds[odds["minutes_before_tipoff"] >= 0]
    dk = pre[pre["bookmaker"] == "draftkings"].sort_values("snapshot_timestamp").groupby(["game_date", "player_lookup"]).tail(1)
    m = dk.merge(upcg, on=["game_date", "player_lookup"])
    assert len(m) > 1000
    assert (m["points_line"] == m["current_points_line"]).all()
    with_line = upcg[upcg["has_prop_line"]]
    assert with_line["current_points_line"].notna().all()
    assert upcg.loc[~upcg["has_prop_line"], "current_points_line"].isna().all()


# ------------------------------------------------------------------------------------------------------ markets
def test_odds_have_books_snapshots_and_post_tipoff_rows(league):
    odds = league[ODDS]
    assert {"draftkings", "fanduel", "betmgm", "bovada"} <= set(odds["bookmaker"])
    post = odds[odds["minutes_before_tipoff"] < 0]
    assert len(post) > 0.05 * len(odds)
    assert (post["snapshot_timestamp"] > post["game_start_time"]).all()
    pre = odds[odds["minutes_before_tipoff"] >= 0]
    assert (pre["snapshot_timestamp"] <= pre["game_start_time"]).all()
    per_book = pre.groupby(["game_date", "player_lookup", "bookmaker"]).size()
    assert per_book.max() >= 3 and (per_book > 1).mean() > 0.5
    # the live line is clearly different from the closing line and tracks the actual result
    close = pre.sort_values("snapshot_timestamp").groupby(["game_date", "player_lookup", "bookmaker"]).tail(1)
    m = post.merge(close, on=["game_date", "player_lookup", "bookmaker"], suffixes=("_live", "_close"))
    assert ((m["points_line_live"] - m["points_line_close"]).abs() >= 2.5).all()
    # some player games lack DraftKings; bench players mostly have no props
    keyed = pre.groupby(["game_date", "player_lookup"])["bookmaker"].agg(lambda b: "draftkings" in set(b))
    assert 0.02 < (~keyed).mean() < 0.3
    pgs = league[PGS]
    merged = pgs.merge(league[UPCG][["game_date", "player_lookup", "has_prop_line"]], on=["game_date", "player_lookup"])
    rotation = merged[merged["minutes_played"] >= 15]
    assert 0.55 <= rotation["has_prop_line"].mean() <= 0.85
    assert merged.loc[merged["minutes_played"].fillna(0) < 8, "has_prop_line"].mean() < 0.05


def test_bettingpros_markets_and_coverage(league):
    bp, odds = league[BP], league[ODDS]
    assert {"points", "rebounds"} <= set(bp["market_type"])
    assert {"prizepicks", "underdog"} <= set(bp["bookmaker"])
    points = bp[bp["market_type"] == "points"][["game_date", "player_lookup"]].drop_duplicates()
    covered = odds[["game_date", "player_lookup"]].drop_duplicates()
    only_bp = points.merge(covered, how="left", indicator=True)["_merge"].eq("left_only").sum()
    assert only_bp > 100
    assert (bp["points_line"] > 0).all()


def test_game_lines(league):
    utgc = league[UTGC]
    assert utgc["game_total"].between(190, 260).all()
    assert 210 < utgc["game_total"].mean() < 235
    pair = utgc.merge(utgc, on=["game_date", "game_id"], suffixes=("", "_other"))
    pair = pair[pair["team_abbr"] != pair["team_abbr_other"]]
    assert (pair["game_spread"] == -pair["game_spread_other"]).all()
    upcg = league[UPCG].merge(utgc[utgc["home_game"]][["game_id", "game_spread"]], on="game_id", suffixes=("", "_home"))
    assert (upcg["game_spread"] == upcg["game_spread_home"]).all()  # UPCG spreads are the home team's


# ------------------------------------------------------------------------------------------------ distributions
def test_nba_like_distributions(league):
    togs, pgs, upcg = league[TOGS], league[PGS], league[UPCG]
    assert 95 <= togs["pace"].mean() <= 105
    assert 105 <= togs["offensive_rating"].mean() <= 120
    assert 100 <= togs["points_scored"].mean() <= 120
    assert 0.52 <= togs["win_flag"][togs["home_game"]].mean() <= 0.62
    played = pgs[pgs["minutes_played"] > 0]
    season = played.groupby(["season_year", "player_lookup"]).agg(
        points=("points", "mean"), minutes=("minutes_played", "mean"), usage=("usage_rate", "mean"), games=("points", "size")
    )
    rotation = season[(season["minutes"] >= 15) & (season["games"] >= 20)]
    assert 9 <= rotation["points"].mean() <= 15
    assert rotation["points"].max() >= 25
    assert 15 <= rotation["usage"].median() <= 25
    assert rotation["usage"].quantile(0.95) <= 36
    starters = played[played["starter_flag"]]
    assert 29 <= starters["minutes_played"].mean() <= 36
    shooting = played.groupby(["season_year", "player_lookup"])[["points", "fg_attempts", "ft_attempts"]].sum()
    shooting = shooting[shooting["fg_attempts"] >= 200]
    ts = shooting["points"] / (2 * (shooting["fg_attempts"] + 0.44 * shooting["ft_attempts"]))
    assert ts.between(0.42, 0.72).all() and 0.54 <= ts.median() <= 0.60
    three_rate = togs["three_pt_attempts"].sum() / togs["fg_attempts"].sum()
    assert 0.33 <= three_rate <= 0.46
    ages = upcg.drop_duplicates(["season_year", "player_lookup"])["player_age"]
    assert ages.min() >= 19 and ages.max() <= 40 and (ages > 35).sum() > 0
    rosters = upcg.groupby(["game_date", "team_abbr"]).size()
    assert rosters.between(14, 16).all()


def test_trades_and_roster_carry_over(league):
    pgs = league[PGS]
    teams = pgs.groupby(["season_year", "player_lookup"])["team_abbr"].nunique()
    moved = teams[teams > 1]
    for season in (2021, 2022):
        assert 8 <= moved.loc[season].size <= 12  # five one-for-one trades
    traded = pgs[pgs["player_lookup"].isin(moved.loc[2021].index) & (pgs["season_year"] == 2021)]
    switch = traded.sort_values("game_date").groupby("player_lookup")["game_date"].apply(lambda d: d.iloc[-1])
    assert (switch.dt.month.isin([2, 3, 4, 5, 6])).all()
    players = pgs.groupby("season_year")["player_lookup"].apply(set)
    kept = len(players[2021] & players[2022]) / len(players[2021])
    assert 0.6 <= kept <= 0.95


def test_prediction_accuracy_is_separate(league):
    assert ACCURACY not in league
    acc = generate_prediction_accuracy(league)
    assert set(acc["recommendation"]) == {"OVER", "UNDER", "PASS"}
    assert (acc["line_value"] > 0).all()
    pgs = league[PGS].set_index(["game_date", "player_lookup"])
    actual = pgs.loc[list(zip(acc["game_date"], acc["player_lookup"])), "points"].to_numpy()
    assert (acc["actual_points"].to_numpy() == actual).all()
    decided = acc[acc["recommendation"] != "PASS"]
    over = decided["recommendation"] == "OVER"
    expected = np.where(over, decided["actual_points"] > decided["line_value"], decided["actual_points"] < decided["line_value"])
    assert (decided["prediction_correct"].to_numpy(dtype=bool) == expected).all()
