"""The bad-input catalogue of docs/RELIABILITY.md, each case on a real league in a real DuckDB file.

Every case breaks one input with plain SQL and runs the real extracts and transforms of every Phase 4
table that reads it: each one must refuse with an InputContractError naming the table, the date of
the first offending row, the column and the rule (and the row's key where the rule is about keys),
or, where the catalogue says so, produce a documented, visible outcome. Nothing is dropped silently.
"""

from __future__ import annotations

import datetime as dt
import re

import pandas as pd
import pytest

from nba_features.phase4 import (
    ml_feature_store_v2,
    player_composite_factors,
    player_daily_cache,
    player_shot_zone_analysis,
    team_defense_zone_analysis,
)
from nba_features.phase4.ml_features.quality_scorer import DEFAULT_TAGS
from nba_features.phase4.ml_features.vegas import pre_tip_odds
from nba_features.phase4.spec import RunInfo, compute_partitions
from nba_features.phase4.validation import InputContractError, InputTableMissingError
from nba_features.pipeline.registry import PHASE4_TABLES, RUN_ORDER
from nba_features.quality.events import EVENTS_TABLE
from nba_features.warehouse import DuckDBWarehouse
from nba_features_tests.reliability.conftest import D1, D2, RUN, SCHEDULED, materialize, rows_of, step_failures

PGS = "nba_analytics.player_game_summary"
TOGS = "nba_analytics.team_offense_game_summary"
TDGS = "nba_analytics.team_defense_game_summary"
UPCG = "nba_analytics.upcoming_player_game_context"
UTGC = "nba_analytics.upcoming_team_game_context"
SCHEDULE = "nba_reference.nba_schedule"
ODDS = "nba_raw.odds_api_player_points_props"
BETTINGPROS = "nba_raw.bettingpros_player_points_props"
INJURIES = "nba_raw.nbac_injury_report"

TDZA, PSZA, PCF, PDC, MLFS = (t.SPEC.asset_name for t in (
    team_defense_zone_analysis, player_shot_zone_analysis, player_composite_factors, player_daily_cache, ml_feature_store_v2,
))  # fmt: skip
BAD_DAY = dt.date(2024, 1, 12)  # the broken box scores are dated here, within every history window of D1
# Columns a run stamps with its own clock: everything else must be equal between two runs on equal inputs.
RUN_CLOCK_COLUMNS = ["feature_generation_time_ms"]

# One played box score of BAD_DAY (a player with minutes, points and shots), by its key.
PLAYED_ROW = f"""
    (SELECT game_date, player_lookup FROM {PGS}
     WHERE game_date = DATE '{BAD_DAY}' AND minutes_played > 0 AND points > 0 AND fg_attempts > 0 AND fg_makes > 0
     ORDER BY player_lookup LIMIT 1)
"""
ONE_TEAM_GAME = f"(SELECT game_date, team_abbr FROM {TOGS} WHERE game_date = DATE '{BAD_DAY}' ORDER BY team_abbr LIMIT 1)"
ONE_DEFENSE_GAME = f"(SELECT game_date, defending_team_abbr FROM {TDGS} WHERE game_date = DATE '{BAD_DAY}' ORDER BY 2 LIMIT 1)"


def refusal(warehouse: DuckDBWarehouse, asset: str, dates: tuple[dt.date, ...] = (D1,)) -> str:
    """The InputContractError message of `asset` computed for `dates` (the test fails if it does not refuse)."""
    with pytest.raises(InputContractError) as error:
        compute_partitions(PHASE4_TABLES[asset], warehouse, list(dates), RUN)
    return str(error.value)


def played_key(warehouse: DuckDBWarehouse) -> tuple[str, str]:
    """(player_lookup, game_id) of the played box score PLAYED_ROW names."""
    row = warehouse.execute_native(
        f"SELECT player_lookup, game_id FROM {PGS} WHERE (game_date, player_lookup) IN {PLAYED_ROW}"
    ).iloc[0]
    return row["player_lookup"], row["game_id"]


# (case, SQL breaking the league, assets that read the broken column, regex every message must match)
CONTRACT_BREAKS = [
    (
        "duplicate_player_box_score",
        f"INSERT INTO {PGS} SELECT * FROM {PGS} WHERE (game_date, player_lookup) IN {PLAYED_ROW}",
        (PSZA, PCF, PDC, MLFS),
        rf"{PGS}: 2 row\(s\) break the rule 'one row per \(.*player_lookup.*\)'.*game_date={BAD_DAY}.*player_lookup='\w+'",
    ),
    (
        "duplicate_team_offense_row",
        f"INSERT INTO {TOGS} SELECT * FROM {TOGS} WHERE (game_date, team_abbr) IN {ONE_TEAM_GAME}",
        (PDC, MLFS),
        rf"{TOGS}: 2 row\(s\) break the rule 'one row per \(game_date, team_abbr\)'.*game_date={BAD_DAY}.*team_abbr='\w+'",
    ),
    (
        "duplicate_team_defense_row",
        f"INSERT INTO {TDGS} SELECT * FROM {TDGS} WHERE (game_date, defending_team_abbr) IN {ONE_DEFENSE_GAME}",
        (TDZA,),
        rf"{TDGS}: 2 row\(s\) break the rule 'one row per \(defending_team_abbr, game_id\)'.*game_date={BAD_DAY}.*game_id='\w+'",
    ),
    (
        "null_minutes_on_a_played_game",
        f"UPDATE {PGS} SET minutes_played = NULL WHERE (game_date, player_lookup) IN {PLAYED_ROW}",
        (PSZA, PDC, MLFS),
        rf"{PGS}: 1 row\(s\) break the rule 'minutes_played is known when .*' on column minutes_played; "
        rf"first on game_date={BAD_DAY} .*player_lookup='\w+'",
    ),
    (
        "negative_minutes",
        f"UPDATE {PGS} SET minutes_played = -4.0 WHERE (game_date, player_lookup) IN {PLAYED_ROW}",
        (PSZA, PDC, MLFS),
        rf"{PGS}: 1 row\(s\) break the rule 'minutes_played >= 0' on column minutes_played; first on game_date={BAD_DAY}",
    ),
    (
        "field_goal_makes_above_attempts",
        f"UPDATE {PGS} SET fg_makes = fg_attempts + 1 WHERE (game_date, player_lookup) IN {PLAYED_ROW}",
        (PSZA, MLFS),
        rf"{PGS}: 1 row\(s\) break the rule 'fg_makes <= fg_attempts' on column fg_makes; first on game_date={BAD_DAY}",
    ),
    (
        "three_point_makes_above_attempts",
        f"UPDATE {PGS} SET three_pt_makes = three_pt_attempts + 1 WHERE (game_date, player_lookup) IN {PLAYED_ROW}",
        (PSZA,),
        rf"{PGS}: .*'three_pt_makes <= three_pt_attempts'.*game_date={BAD_DAY}",
    ),
    (
        "free_throw_makes_above_attempts",
        f"UPDATE {PGS} SET ft_makes = ft_attempts + 1 WHERE (game_date, player_lookup) IN {PLAYED_ROW}",
        (MLFS,),
        rf"{PGS}: .*'ft_makes <= ft_attempts'.*game_date={BAD_DAY}",
    ),
    (
        "assisted_makes_above_makes",
        f"UPDATE {PGS} SET assisted_fg_makes = fg_makes + 1 WHERE (game_date, player_lookup) IN {PLAYED_ROW}",
        (PSZA, PDC),
        rf"{PGS}: .*'assisted_fg_makes <= fg_makes'.*game_date={BAD_DAY}",
    ),
    (
        "opponent_paint_makes_above_attempts",
        f"UPDATE {TDGS} SET opp_paint_makes = opp_paint_attempts + 1 WHERE (game_date, defending_team_abbr) IN {ONE_DEFENSE_GAME}",
        (TDZA,),
        rf"{TDGS}: .*'opp_paint_makes <= opp_paint_attempts'.*game_date={BAD_DAY}",
    ),
    (
        "unknown_team_in_box_scores",
        f"UPDATE {PGS} SET team_abbr = 'XXX' WHERE (game_date, player_lookup) IN {PLAYED_ROW}",
        (PSZA, PCF, PDC, MLFS),
        rf"{PGS}: 1 row\(s\) break the rule 'a team of {SCHEDULE}' on column team_abbr; first on game_date={BAD_DAY} \(team_abbr='XXX'\)",
    ),
    (
        "unknown_team_in_team_offense",
        f"UPDATE {TOGS} SET team_abbr = 'XXX' WHERE (game_date, team_abbr) IN {ONE_TEAM_GAME}",
        (PDC, MLFS),
        rf"{TOGS}: .*'a team of {SCHEDULE}' on column team_abbr; first on game_date={BAD_DAY}",
    ),
    (
        "unknown_team_in_team_defense",
        f"UPDATE {TDGS} SET defending_team_abbr = 'XXX' WHERE (game_date, defending_team_abbr) IN {ONE_DEFENSE_GAME}",
        (TDZA,),
        rf"{TDGS}: .*'a team of {SCHEDULE}' on column defending_team_abbr; first on game_date={BAD_DAY}",
    ),
    (
        "unknown_opponent_in_upcoming_context",
        f"UPDATE {UPCG} SET opponent_team_abbr = 'XXX' WHERE game_date = DATE '{D1}'",
        (PCF, MLFS),
        rf"{UPCG}: .*'a team of {SCHEDULE}' on column opponent_team_abbr; first on game_date={D1}",
    ),
    (
        "unknown_team_in_upcoming_team_context",
        f"UPDATE {UTGC} SET team_abbr = 'XXX' WHERE game_date = DATE '{D1}'",
        (PCF,),
        rf"{UTGC}: .*'a team of {SCHEDULE}' on column team_abbr; first on game_date={D1}",
    ),
    (
        "unknown_team_in_injury_report",
        f"UPDATE {INJURIES} SET team = 'XXX' WHERE report_date = DATE '{D1}'",
        (MLFS,),
        rf"{INJURIES}: .*'a team of {SCHEDULE}' on column team; first on report_date={D1}",
    ),
    (
        "box_score_of_a_game_the_schedule_lists_as_not_played",
        f"UPDATE {SCHEDULE} SET game_status = 1 WHERE game_date = DATE '{BAD_DAY}'",
        (TDZA, PSZA, PCF, PDC, MLFS),
        rf"break the rule '\w+ played a final game of {SCHEDULE} on game_date \(game_status 3\)'.*first on game_date={BAD_DAY}",
    ),
]


@pytest.mark.parametrize(("case", "sql", "assets", "message"), CONTRACT_BREAKS, ids=[c[0] for c in CONTRACT_BREAKS])
def test_a_broken_input_is_refused_by_every_table_that_reads_it(league, case, sql, assets, message):
    league.execute_native(sql)
    for asset in assets:
        refused = refusal(league, asset)
        assert re.search(message, refused), (asset, refused)


def test_the_refusal_names_the_broken_box_score(league):
    player, game_id = played_key(league)
    league.execute_native(f"UPDATE {PGS} SET minutes_played = NULL WHERE (game_date, player_lookup) IN {PLAYED_ROW}")
    message = refusal(league, MLFS)
    assert f"player_lookup={player!r}, game_id={game_id!r}" in message and f"game_date={BAD_DAY}" in message


def test_input_rows_dated_d_or_later_do_not_change_d(league):
    """Point in time, through the real extracts: rewriting every outcome row dated D1 or later, adding
    box scores of games in the future and post-tip-off odds leaves every table's rows for D1 unchanged."""
    before = {t.asset_name: compute_partitions(t, league, [D1], RUN) for t in RUN_ORDER}
    for sql in (
        f"UPDATE {PGS} SET points = points + 30, minutes_played = 48 WHERE game_date >= DATE '{D1}' AND points IS NOT NULL",
        f"DELETE FROM {TOGS} WHERE game_date >= DATE '{D1}'",
        f"UPDATE {TDGS} SET opp_paint_makes = 0 WHERE game_date >= DATE '{D1}'",
        f"INSERT INTO {PGS} SELECT * REPLACE (DATE '2030-01-05' AS game_date) FROM {PGS} WHERE game_date = DATE '{D2}'",
        f"UPDATE {ODDS} SET points_line = 99.5 WHERE game_date >= DATE '{D1}' AND minutes_before_tipoff < 0",
    ):
        league.execute_native(sql)
    for table in RUN_ORDER:
        after = compute_partitions(table, league, [D1], RUN)
        columns = [c for c in after.columns if c not in RUN_CLOCK_COLUMNS]
        pd.testing.assert_frame_equal(before[table.asset_name][columns], after[columns], check_exact=True, obj=table.asset_name)


def test_box_scores_of_unplayed_games_refuse_the_dates_that_would_read_them(league):
    """A box score for a game the schedule still lists as scheduled (not yet played): no partition up
    to its date reads it; the first partition after it refuses with the rule, before any write."""
    game = league.query(f"SELECT game_id, home_team_tricode FROM {SCHEDULE} WHERE game_date = @day", {"day": SCHEDULED}).iloc[0]
    league.execute_native(
        f"INSERT INTO {PGS} SELECT * REPLACE (DATE '{SCHEDULED}' AS game_date, ? AS game_id) FROM {PGS} "
        f"WHERE team_abbr = ? AND game_date = (SELECT MAX(game_date) FROM {PGS} WHERE team_abbr = ?)",
        [game["game_id"], game["home_team_tricode"], game["home_team_tricode"]],
    )
    stored = rows_of(league, "nba_precompute.player_shot_zone_analysis", [D2])
    again = compute_partitions(PHASE4_TABLES[PSZA], league, [D2], RUN)
    assert len(again) == len(stored)
    day_after = SCHEDULED + dt.timedelta(days=1)
    for asset in (PSZA, PDC):
        message = refusal(league, asset, (day_after,))
        assert f"played a final game of {SCHEDULE}" in message and f"game_date={SCHEDULED}" in message


def test_every_outcome_extract_reads_strictly_before_the_last_date():
    """Rows dated after today can reach no partition: the last partition is today (end_offset=1) and
    every extract of an outcome table reads game_date < @end_date."""
    outcome_tables = {PGS, TOGS, TDGS, "nba_predictions.prediction_accuracy"}
    checked = 0
    for table in RUN_ORDER:
        for extract in table.extracts:
            # the feature store's box-score roster reads D's own box scores: the documented exception for past
            # dates without pre-game context (docs/LEGACY.md#history-without-pre-game-context)
            if extract.source_table in outcome_tables and extract.name != "box_score_roster":
                assert re.search(r"game_date\s*<\s*@end_date", extract.sql), (table.asset_name, extract.name)
                checked += 1
    assert checked == 8  # TDZA 1, PSZA 1, PCF 1, PDC 2, MLFS 3


def test_a_box_score_of_a_game_missing_from_the_schedule_is_still_used(league):
    """The game happened (it has a box score): the schedule cannot say otherwise, so its rows keep
    feeding the player's windows; completeness is counted against the schedule's final games."""
    player, game_id = played_key(league)
    window = ["games_in_sample_10", "total_shots_last_10", "paint_rate_last_10", "paint_pct_last_10"]
    stored = rows_of(league, "nba_precompute.player_shot_zone_analysis", [D1]).set_index("player_lookup").loc[player, window]
    league.execute_native(f"DELETE FROM {SCHEDULE} WHERE game_id = ?", [game_id])
    again = compute_partitions(PHASE4_TABLES[PSZA], league, [D1], RUN).set_index("player_lookup").loc[player, window]
    pd.testing.assert_series_equal(again, stored, check_dtype=False)


def test_odds_snapshots_without_tipoff_timing_are_never_counted(league):
    """minutes_before_tipoff is NOT NULL in schemas/, but a legacy live table may not enforce it: a
    snapshot without it cannot be shown to be pre-tip-off, so the point-in-time rule excludes it from
    every line feature (25-27, 50, 54), in the extract and again in the transform."""
    stored = compute_partitions(PHASE4_TABLES[MLFS], league, [D1], RUN)
    league.execute_native(f"ALTER TABLE {ODDS} ALTER COLUMN minutes_before_tipoff DROP NOT NULL")
    league.execute_native(
        f"INSERT INTO {ODDS} SELECT * REPLACE (NULL AS minutes_before_tipoff, 99.5 AS points_line, "
        f"snapshot_timestamp + INTERVAL 1 HOUR AS snapshot_timestamp, 'untimedbook' AS bookmaker) "
        f"FROM {ODDS} WHERE game_date = DATE '{D1}'"
    )
    league.execute_native(
        f"INSERT INTO {ODDS} SELECT * REPLACE (NULL AS minutes_before_tipoff, 1.5 AS points_line, "
        f"snapshot_timestamp + INTERVAL 2 HOUR AS snapshot_timestamp) FROM {ODDS} WHERE game_date = DATE '{D1}'"
    )
    again = compute_partitions(PHASE4_TABLES[MLFS], league, [D1], RUN)
    columns = [c for c in again.columns if c not in RUN_CLOCK_COLUMNS]
    pd.testing.assert_frame_equal(stored[columns], again[columns], check_exact=True)

    snapshots = league.query(f"SELECT * FROM {ODDS} WHERE game_date = @day", {"day": D1})
    untimed = snapshots["minutes_before_tipoff"].isna()
    assert untimed.sum() > 0 and not pre_tip_odds(snapshots)["minutes_before_tipoff"].isna().any()


# --- missing and empty input tables --------------------------------------------------------------
READERS = {
    SCHEDULE: (TDZA, PSZA, PCF, PDC, MLFS),
    PGS: (PSZA, PCF, PDC, MLFS),
    TOGS: (PDC, MLFS),
    TDGS: (TDZA,),
    UPCG: (PCF, PDC, MLFS),
    UTGC: (PCF,),
    ODDS: (MLFS,),
    BETTINGPROS: (MLFS,),
    INJURIES: (MLFS,),
}


@pytest.mark.parametrize("table", sorted(READERS))
def test_a_missing_input_table_is_named_before_anything_is_written(league, table):
    league.execute_native(f"DROP TABLE {table}")
    for asset in READERS[table]:
        with pytest.raises(
            InputTableMissingError, match=rf"^{re.escape(table)}: input table does not exist \(extract '\w+' of {asset}\)"
        ):
            compute_partitions(PHASE4_TABLES[asset], league, [D1], RUN)


def test_every_phase4_input_table_has_its_readers_listed():
    read = {e.source_table for t in RUN_ORDER for e in t.extracts if not e.optional} - {t.table for t in RUN_ORDER}
    assert read == set(READERS)
    for table, assets in READERS.items():
        assert {t.asset_name for t in RUN_ORDER if table in {e.source_table for e in t.extracts}} == set(assets)


def test_an_empty_schedule_is_refused(league):
    league.execute_native(f"DELETE FROM {SCHEDULE}")
    for asset in READERS[SCHEDULE]:
        assert f"break the rule 'a team of {SCHEDULE}'" in refusal(league, asset)


def test_an_empty_upcoming_context_is_refused_for_the_runs_own_date_and_falls_back_in_history(league):
    """Today's partition without pre-game context is refused; a past date takes its box scores as the roster,
    every row saying so (docs/RULES.md#feature-store-player-set)."""
    league.execute_native(f"DELETE FROM {UPCG} WHERE game_date = DATE '{D1}'")
    same_day = RunInfo(processed_at=pd.Timestamp(f"{D1} 17:00", tz="UTC"))  # noon in New York on D1
    with pytest.raises(InputContractError) as error:
        compute_partitions(PHASE4_TABLES[MLFS], league, [D1], same_day)
    assert f"{UPCG}: no rows on column game_date={D1}, a date with scheduled games" in str(error.value)
    history = compute_partitions(PHASE4_TABLES[MLFS], league, [D1], RUN)
    assert len(history) > 0 and (history["data_source"] == "box_score_roster").all()


def test_an_empty_team_context_is_flagged_on_every_composite_row(league):
    league.execute_native(f"DELETE FROM {UTGC}")
    out = compute_partitions(PHASE4_TABLES[PCF], league, [D1], RUN)
    assert len(out) == len(rows_of(league, "nba_precompute.player_composite_factors", [D1])) > 0
    assert out["data_quality_issues"].map(lambda issues: "upstream_team_context_incomplete" in issues).all()
    assert not out["is_production_ready"].any()


def test_empty_line_and_injury_tables_leave_optional_features_missing_and_visible(league):
    for table in (ODDS, BETTINGPROS, INJURIES):
        league.execute_native(f"DELETE FROM {table}")
    out = compute_partitions(PHASE4_TABLES[MLFS], league, [D1], RUN)
    assert len(out) == len(rows_of(league, "nba_predictions.ml_feature_store_v2", [D1])) > 0
    assert (out["vegas_line_source"] == "none").all() and not out["has_vegas_line"].any()
    for index in (25, 26, 47):  # vegas_points_line, vegas_opening_line, teammate_usage_available (no injury report)
        assert out[f"feature_{index}_value"].isna().all() and out[f"feature_{index}_source"].isin(DEFAULT_TAGS).all()


EMPTY_OUTCOME_TABLES = [
    (PGS, [PSZA, MLFS], {(PSZA, "row_count_expected", "WARNING"), (MLFS, "required_default_rate", "CRITICAL"),
                         (MLFS, "clean_player_coverage", "CRITICAL"), (MLFS, "upstream_phase4_complete", "CRITICAL")}),
    (TDGS, [TDZA, MLFS], {(TDZA, "row_count_expected", "WARNING"), (MLFS, "upstream_phase4_complete", "CRITICAL")}),
    (TOGS, [PDC, MLFS], {(MLFS, "required_default_rate", "CRITICAL"), (MLFS, "clean_player_coverage", "CRITICAL")}),
]  # fmt: skip


@pytest.mark.parametrize(("table", "assets", "expected"), EMPTY_OUTCOME_TABLES, ids=[t[0] for t in EMPTY_OUTCOME_TABLES])
def test_an_empty_box_score_table_turns_the_partitions_red_with_events(league, table, assets, expected):
    """Without box scores nothing is made up: a table that needs them writes no rows (row-count check
    fails, WARN) and the feature-store rows carry history defaults, which its blocking gates stop;
    each failure is a row of nba_orchestration.data_quality_events and the run fails."""
    league.execute_native(f"DELETE FROM {table}")
    result = materialize(league, assets, D1.isoformat())
    assert not result.success
    (failure,) = step_failures(result)
    assert "blocking asset checks failed with ERROR severity" in failure and MLFS in failure
    events = league.execute_native(f"SELECT table_name, processor_name, severity FROM {EVENTS_TABLE} WHERE game_date = ?", [D1])
    recorded = {(PHASE4_BY_TABLE[t], check, severity) for t, check, severity in events.values.tolist()}
    assert expected <= recorded


PHASE4_BY_TABLE = {t.table: t.asset_name for t in RUN_ORDER}
