"""Season-bounded extracts (`game_date >= @season_start`) read less and change nothing.

TDZA, PSZA and PDC take their windows within a season, so their extracts start at the first game of
the run's first date's season instead of 400 days back. Property, on a real two-season demo league in
DuckDB: for dates across both seasons (first game, bootstrap edge, mid-season, playoffs, the summer
between seasons) and for a range that crosses the season boundary, every season-bounded table computes
exactly the same frame as with the old 400-day bound, while reading fewer rows late in a season.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from nba_features.demo.demo_league import generate_league
from nba_features.phase4 import spec as spec_module
from nba_features.phase4.seasons import SEASON_LOOKBACK_DAYS, season_start_of
from nba_features.phase4.spec import RunInfo, compute_partitions, extract_inputs
from nba_features.pipeline.registry import PHASE4_TABLES, RUN_ORDER
from nba_features.warehouse import DuckDBWarehouse

RUN = RunInfo(processed_at=pd.Timestamp("2025-07-01 12:00", tz="UTC"))
SEASON_BOUNDED = [table for table in RUN_ORDER if any(extract.season_bounded for extract in table.extracts)]


@pytest.fixture(scope="module")
def league(tmp_path_factory) -> tuple[DuckDBWarehouse, list[dt.date]]:
    warehouse = DuckDBWarehouse(tmp_path_factory.mktemp("seasons") / "warehouse.duckdb")
    warehouse.apply_schemas()
    for table, rows in generate_league(seasons=2, start_season=2023, seed=11).items():
        warehouse.append(table, rows)
    schedule = warehouse.query(
        "SELECT season_year, game_date FROM nba_reference.nba_schedule WHERE game_date BETWEEN @start_date AND @end_date",
        {"start_date": dt.date(2023, 1, 1), "end_date": dt.date(2025, 12, 31)},
    )
    first = schedule.groupby("season_year")["game_date"].min().dt.date
    last = schedule.groupby("season_year")["game_date"].max().dt.date
    second = first[2024]
    dates = [
        first[2023],  # no season before it in the window
        first[2023] + dt.timedelta(days=40),
        last[2023],  # playoffs
        last[2023] + dt.timedelta(days=60),  # summer: still the 2023 season
        second,
        second + dt.timedelta(days=1),
        second + dt.timedelta(days=14),  # the first day after the bootstrap
        second + dt.timedelta(days=35),  # TDZA's league window reaches before the season start
        second + dt.timedelta(days=120),
        last[2024],
    ]
    # PDC reads the shot-zone rows of its own dates
    psza = PHASE4_TABLES["player_shot_zone_analysis"]
    warehouse.replace_partitions(psza.table, dates, compute_partitions(psza, warehouse, dates, RUN))
    return warehouse, dates


def _with_400_day_bound(monkeypatch) -> None:
    monkeypatch.setattr(spec_module, "season_start_of", lambda warehouse, day: day - dt.timedelta(days=SEASON_LOOKBACK_DAYS))


def test_the_season_bounded_tables_are_the_season_scoped_ones():
    assert [t.asset_name for t in SEASON_BOUNDED] == [
        "team_defense_zone_analysis", "player_shot_zone_analysis", "player_daily_cache",
    ]  # fmt: skip


def test_season_start_is_the_first_game_of_the_dates_season(league):
    warehouse, dates = league
    first_2023, summer, first_2024 = dates[0], dates[3], dates[4]
    assert season_start_of(warehouse, first_2023) == first_2023
    assert season_start_of(warehouse, summer) == first_2023
    assert season_start_of(warehouse, first_2024) == first_2024
    assert season_start_of(warehouse, first_2024 + dt.timedelta(days=100)) == first_2024
    before_any = first_2023 - dt.timedelta(days=30)
    assert season_start_of(warehouse, before_any) == before_any - dt.timedelta(days=SEASON_LOOKBACK_DAYS)


@pytest.mark.parametrize("table", SEASON_BOUNDED, ids=lambda t: t.asset_name)
def test_each_date_computes_the_same_rows_as_with_the_400_day_bound(league, table, monkeypatch):
    warehouse, dates = league
    bounded = {day: compute_partitions(table, warehouse, [day], RUN) for day in dates}
    _with_400_day_bound(monkeypatch)
    for day in dates:
        pd.testing.assert_frame_equal(
            bounded[day], compute_partitions(table, warehouse, [day], RUN), check_exact=True, obj=f"{table.asset_name} {day}"
        )
    assert sum(len(frame) for frame in bounded.values()) > 0


@pytest.mark.parametrize("table", SEASON_BOUNDED, ids=lambda t: t.asset_name)
def test_a_range_across_the_season_boundary_computes_the_same_rows(league, table, monkeypatch):
    warehouse, dates = league
    crossing = [day for day in dates if dates[2] <= day <= dates[7]]  # 2023 playoffs .. 2024 day 35
    bounded = compute_partitions(table, warehouse, crossing, RUN)
    _with_400_day_bound(monkeypatch)
    pd.testing.assert_frame_equal(bounded, compute_partitions(table, warehouse, crossing, RUN), check_exact=True)


def test_late_season_dates_read_only_their_season(league, monkeypatch):
    warehouse, dates = league
    late = [dates[-1]]
    for table in SEASON_BOUNDED:
        read = {
            e.name: len(frame)
            for e, frame in zip(table.extracts, extract_inputs(table, warehouse, late).values())
            if e.season_bounded
        }
        with monkeypatch.context() as patched:
            _with_400_day_bound(patched)
            wide = {
                e.name: len(frame)
                for e, frame in zip(table.extracts, extract_inputs(table, warehouse, late).values())
                if e.season_bounded
            }
        assert read and all(read[name] < wide[name] for name in read), (table.asset_name, read, wide)
