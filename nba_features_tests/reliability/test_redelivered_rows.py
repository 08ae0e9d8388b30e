"""A Phase 3 re-delivery: a second row for an input row's key, with a new processed_at and data_hash.

The duplicate-row rule of the input validation is about the key, never about the whole row: a
re-delivered box score or context row that differs only in its audit columns (processed_at, data_hash)
would count a game twice or give a player two contexts. Every Phase 4 table that reads the keyed input
table must refuse it through Dagster with an InputContractError naming the table, the date, the key
columns and the rule, before anything is written: the partition it had stays as it was.
(The bad-input catalogue's duplicate cases copy rows with SELECT *; these copies carry new audit columns.)
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re

import pandas as pd
import pytest

from nba_features.pipeline.registry import PHASE4_TABLES, RUN_ORDER
from nba_features.warehouse import DuckDBWarehouse
from nba_features_tests.reliability.conftest import D1, materialize, rows_of, step_failures

PGS = "nba_analytics.player_game_summary"
TOGS = "nba_analytics.team_offense_game_summary"
TDGS = "nba_analytics.team_defense_game_summary"
UPCG = "nba_analytics.upcoming_player_game_context"
UTGC = "nba_analytics.upcoming_team_game_context"
TDZA, PSZA, PCF, PDC, MLFS = (
    "team_defense_zone_analysis", "player_shot_zone_analysis", "player_composite_factors", "player_daily_cache", "ml_feature_store_v2",
)  # fmt: skip
BOX_SCORE_DAY = dt.date(2024, 1, 12)  # within every history window of D1
REDELIVERED_AT = "TIMESTAMPTZ '2024-01-18 09:30:00+00'"  # after the league's rows were processed


@dataclasses.dataclass(frozen=True)
class Redelivery:
    table: str
    day: dt.date  # the date of the re-delivered row, read by partition D1
    key: tuple[str, ...]  # the input table's key columns naming one row of `day`
    readers: dict[str, tuple[str, ...]]  # asset → the key of its duplicate-row rule on this table


REDELIVERIES = [
    Redelivery(PGS, BOX_SCORE_DAY, ("game_date", "player_lookup"), {
        PSZA: ("player_lookup", "game_id"), PCF: ("game_date", "player_lookup"),
        PDC: ("game_date", "player_lookup"), MLFS: ("game_date", "player_lookup"),
    }),
    Redelivery(TOGS, BOX_SCORE_DAY, ("game_date", "team_abbr"), {
        PDC: ("game_date", "team_abbr"), MLFS: ("game_date", "team_abbr"),
    }),
    Redelivery(TDGS, BOX_SCORE_DAY, ("game_date", "defending_team_abbr"), {TDZA: ("defending_team_abbr", "game_id")}),
    Redelivery(UPCG, D1, ("game_date", "player_lookup"), {
        PCF: ("game_date", "player_lookup"), PDC: ("game_date", "player_lookup"), MLFS: ("game_date", "player_lookup"),
    }),
    Redelivery(UTGC, D1, ("game_date", "team_abbr"), {PCF: ("game_date", "team_abbr")}),
]  # fmt: skip


def redeliver_one_row(league: DuckDBWarehouse, case: Redelivery) -> pd.Series:
    """Insert a second copy of the first row of `case.day` (by key) with a new processed_at and data_hash;
    returns the original row."""
    last = case.key[-1]
    original = league.execute_native(f"SELECT * FROM {case.table} WHERE game_date = ? ORDER BY {last} LIMIT 1", [case.day]).iloc[
        0
    ]
    league.execute_native(
        f"INSERT INTO {case.table} SELECT * REPLACE ({REDELIVERED_AT} AS processed_at, "
        f"substr(md5(coalesce(data_hash, '') || 'redelivered'), 1, 16) AS data_hash) "
        f"FROM {case.table} WHERE game_date = ? AND {last} = ?",
        [case.day, original[last]],
    )
    copies = league.execute_native(
        f"SELECT processed_at, data_hash FROM {case.table} WHERE game_date = ? AND {last} = ?", [case.day, original[last]]
    )
    # The setup is what it claims: two rows of one key, differing in both audit columns.
    assert len(copies) == 2 and copies["processed_at"].nunique() == 2 and copies["data_hash"].nunique() == 2, copies
    return original


def test_the_readers_listed_are_every_phase4_table_reading_each_keyed_input():
    for case in REDELIVERIES:
        readers = {t.asset_name for t in RUN_ORDER if case.table in {e.source_table for e in t.extracts}}
        assert set(case.readers) == readers, case.table


@pytest.mark.parametrize("case", REDELIVERIES, ids=[c.table.split(".")[1] for c in REDELIVERIES])
def test_a_redelivered_row_with_new_audit_columns_is_refused_by_every_reader_and_writes_nothing(league, case):
    before = {asset: rows_of(league, PHASE4_TABLES[asset].table, [D1]) for asset in case.readers}
    assert all(len(rows) > 0 for rows in before.values())
    original = redeliver_one_row(league, case)

    for asset, key in case.readers.items():
        result = materialize(league, asset, D1.isoformat())
        assert not result.success, asset
        (failure,) = step_failures(result)
        column = key[-1]
        expected = (
            rf"InputContractError: {re.escape(case.table)}: 2 row\(s\) break the rule 'one row per \({', '.join(key)}\)' "
            rf"on column {column}; first on game_date={case.day} \({column}={re.escape(repr(original[column]))}\)"
        )
        assert re.search(expected, failure), (asset, failure)
        pd.testing.assert_frame_equal(
            rows_of(league, PHASE4_TABLES[asset].table, [D1]), before[asset], check_exact=True, obj=asset
        )
