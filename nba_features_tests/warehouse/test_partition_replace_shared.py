"""One partition-replace test for both warehouses: embedded DuckDB and BigQuery (the offline emulator).

A multi-date replace of non-adjacent dates must leave each replaced date holding exactly the new rows
(none at all for a listed date without new rows), every other date untouched, and report the exact
number of rows it deleted and wrote. The DuckDB variant runs without the emulator; the BigQuery one
is marked `bigquery` like the other emulator tests of this directory.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from nba_features.warehouse import Warehouse
from nba_features_tests.quality.contract_rows import contract_frame, contract_row

TABLE = "nba_precompute.player_daily_cache"  # a Phase 4 output, written by replace_partitions in production
JAN = {day: dt.date(2024, 1, day) for day in range(10, 21)}
OLD_RUN = pd.Timestamp("2024-01-16 12:00", tz="UTC")
NEW_RUN = pd.Timestamp("2024-01-21 12:00", tz="UTC")

# Rows per date before the replace: a different count on every date, so rows_deleted names the dates deleted.
SEEDED_PLAYERS = {
    JAN[10]: ["curry", "james"],
    JAN[11]: ["curry", "james", "tatum"],
    JAN[12]: ["curry", "james", "tatum", "jokic"],
    JAN[13]: ["curry"],
    JAN[14]: ["curry", "james", "tatum", "jokic", "doncic"],
    JAN[15]: ["curry", "james"],
}
# The replace: three non-adjacent dates that hold rows (Jan 12 gets no new rows, so it is emptied) and
# one date that held none (Jan 20), listed out of order.
REPLACED = [JAN[14], JAN[10], JAN[20], JAN[12]]
NEW_ROWS = [(JAN[10], "curry", 40.0), (JAN[10], "embiid", 41.0), (JAN[14], "james", 42.0), (JAN[20], "tatum", 43.0)]


@pytest.fixture(params=["duckdb", pytest.param("bigquery", marks=pytest.mark.bigquery)])
def any_warehouse(request: pytest.FixtureRequest) -> Warehouse:
    """The table created from schemas/ on an empty DuckDB file, or on the emulator under its own dataset prefix."""
    if request.param == "duckdb":
        return request.getfixturevalue("warehouse")  # nba_features_tests/conftest.py: every table of schemas/
    warehouse = request.getfixturevalue("bigquery_warehouse")  # warehouse/conftest.py: the session's emulator
    warehouse.apply_schemas([TABLE])
    return warehouse


def frame_of(rows: list[tuple[dt.date, str, float]], processed_at: pd.Timestamp) -> pd.DataFrame:
    return contract_frame(
        TABLE,
        [contract_row(TABLE, cache_date=day, player_lookup=player, points_avg_last_5=points, processed_at=processed_at)
         for day, player, points in rows],
    )  # fmt: skip


def stored_rows(warehouse: Warehouse) -> list[tuple[dt.date, str, float, pd.Timestamp]]:
    """Every row of the table in January 2024 as (date, player, points, processed_at), duplicates kept."""
    frame = warehouse.query(
        f"SELECT cache_date, player_lookup, points_avg_last_5, processed_at FROM {TABLE} "
        "WHERE cache_date BETWEEN @first AND @last",
        {"first": dt.date(2024, 1, 1), "last": dt.date(2024, 1, 31)},
    )
    return sorted(
        (pd.Timestamp(row.cache_date).date(), row.player_lookup, float(row.points_avg_last_5), pd.Timestamp(row.processed_at))
        for row in frame.itertuples()
    )


def seeded_rows() -> list[tuple[dt.date, str, float]]:
    return [
        (day, player, float(day.day * 100 + i)) for day, players in SEEDED_PLAYERS.items() for i, player in enumerate(players)
    ]


def test_a_multi_date_replace_of_non_adjacent_dates_replaces_exactly_those_dates(any_warehouse):
    seeded = any_warehouse.replace_partitions(TABLE, list(SEEDED_PLAYERS), frame_of(seeded_rows(), OLD_RUN))
    assert (seeded.rows_written, seeded.rows_deleted) == (17, 0)
    before = stored_rows(any_warehouse)
    assert before == sorted((day, player, points, OLD_RUN) for day, player, points in seeded_rows())

    result = any_warehouse.replace_partitions(TABLE, REPLACED, frame_of(NEW_ROWS, NEW_RUN))

    # Jan 10 (2 rows), Jan 12 (4) and Jan 14 (5) deleted; Jan 20 held none.
    assert (result.rows_written, result.rows_deleted) == (4, 2 + 4 + 5)
    assert result.table == TABLE and result.dates == [JAN[10], JAN[12], JAN[14], JAN[20]]
    untouched = [row for row in before if row[0] not in REPLACED]
    assert {row[0] for row in untouched} == {JAN[11], JAN[13], JAN[15]}
    assert stored_rows(any_warehouse) == sorted(untouched + [(day, player, points, NEW_RUN) for day, player, points in NEW_ROWS])
    on = {day: [row[1] for row in stored_rows(any_warehouse) if row[0] == day] for day in REPLACED}
    assert on == {JAN[10]: ["curry", "embiid"], JAN[12]: [], JAN[14]: ["james"], JAN[20]: ["tatum"]}
