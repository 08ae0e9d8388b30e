"""History without pre-game context: the box-score roster of a past date, and only there.

A small real league (the reliability tests' demo season cut at 2024-01-18, Phase 4 computed for 01-17 and
01-18) loses its upcoming_player_game_context rows of 01-17; the feature store for 01-17 then takes the players
who played that day, with pre-game fields from the schedule, every row marked, and history features equal to
those of the run with context. With any context row on the date, or for the run's own date, no fallback.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from nba_features.phase4.ml_features.history_roster import QUALITY_ALERT, ROSTER_SOURCE
from nba_features.phase4.spec import RunInfo, compute_partitions
from nba_features.phase4.validation import InputContractError
from nba_features.pipeline.registry import PHASE4_TABLES
from nba_features_tests.reliability.conftest import D1, RUN

MLFS = PHASE4_TABLES["ml_feature_store_v2"]
UPCG = "nba_analytics.upcoming_player_game_context"
# features that read only history, the Phase 4 rows of D and the schedule: equal with or without context
HISTORY_INDICES = [0, 1, 2, 3, 5, 6, 7, 8, 13, 14, 22, 23, 24, 29, 30, 31, 32, 33, 34, 35, 36, 43, 44, 45, 46, 48, 49, 57, 58]


def test_a_past_date_without_context_takes_the_players_of_its_box_scores(league):
    with_context = compute_partitions(MLFS, league, [D1], RUN).set_index("player_lookup")
    league.execute_native(f"DELETE FROM {UPCG} WHERE game_date = ?", [D1])
    rows = compute_partitions(MLFS, league, [D1], RUN).set_index("player_lookup")

    played = league.execute_native(
        "SELECT player_lookup, home_game, team_abbr FROM nba_analytics.player_game_summary WHERE game_date = ? AND minutes_played > 0",
        [D1],
    ).set_index("player_lookup")
    assert sorted(rows.index) == sorted(played.index)
    assert set(rows["data_source"]) == {ROSTER_SOURCE}
    assert all(QUALITY_ALERT in alerts for alerts in rows["quality_alerts"])
    assert not rows["is_production_ready"].any()
    assert (rows["is_home"] == played.loc[rows.index, "home_game"]).all()

    shared = rows.index.intersection(with_context.index)
    assert len(shared) > 0.8 * len(rows)
    # who got a row came from D's box scores; what the features say did not
    new = np.array(rows.loc[shared, "features"].tolist())[:, HISTORY_INDICES]
    old = np.array(with_context.loc[shared, "features"].tolist())[:, HISTORY_INDICES]
    np.testing.assert_array_equal(new, old)
    # rest days: the days since the team's previous scheduled game of the season, minus one (schedule only)
    previous = league.execute_native(
        "SELECT team, MAX(game_date) AS last FROM (SELECT home_team_tricode AS team, game_date FROM nba_reference.nba_schedule "
        "WHERE season_year = 2023 UNION ALL SELECT away_team_tricode, game_date FROM nba_reference.nba_schedule "
        "WHERE season_year = 2023) WHERE game_date < ? GROUP BY team",
        [D1],
    ).set_index("team")["last"]
    expected = (pd.Timestamp(D1) - played.loc[rows.index, "team_abbr"].map(previous)).dt.days - 1
    assert rows["days_rest"].tolist() == expected.tolist()
    assert (rows["days_rest"] == 0).tolist() == [f == 1.0 for f in np.array(rows["features"].tolist())[:, 16]]  # back_to_back


def test_no_fallback_on_a_date_with_context_rows(league):
    kept = league.execute_native(f"SELECT player_lookup FROM {UPCG} WHERE game_date = ? ORDER BY player_lookup LIMIT 5", [D1])
    league.execute_native(
        f"DELETE FROM {UPCG} WHERE game_date = ? AND player_lookup NOT IN (SELECT UNNEST(?))",
        [D1, kept["player_lookup"].tolist()],
    )
    rows = compute_partitions(MLFS, league, [D1], RUN)
    assert sorted(rows["player_lookup"]) == sorted(kept["player_lookup"])
    assert ROSTER_SOURCE not in set(rows["data_source"])


def test_no_fallback_for_the_run_s_own_date(league):
    league.execute_native(f"DELETE FROM {UPCG} WHERE game_date = ?", [D1])
    same_day = RunInfo(processed_at=pd.Timestamp(f"{D1} 23:30", tz="America/New_York").tz_convert("UTC"))
    with pytest.raises(InputContractError, match=f"{UPCG}: no rows on column game_date={D1}"):
        compute_partitions(MLFS, league, [D1], same_day)
