"""Property-based tests: small random leagues through the five Phase 4 tables keep their invariants.

Each example copies the small real league, damages it at random in ways real inputs are damaged
(teams' games missing from the box scores, players who did not play, missing odds, missing pre-game
context and injury reports), then runs the real extracts and transforms of the five tables in run
order for one or two dates, writing each through the warehouse (contract validation included).
Whatever the damage: no exception, unique primary keys, values inside their ranges, feature arrays of
the contract's length without NaN, and quality fields that follow from the feature sources.
"""

from __future__ import annotations

import json
import shutil

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nba_features.contracts import contract
from nba_features.contracts.features import FEATURE_COUNT, FEATURE_NAMES, FEATURES
from nba_features.phase4.ml_features.quality_scorer import DEFAULT_TAGS, score_feature_sources
from nba_features.phase4.spec import compute_partitions
from nba_features.pipeline.registry import RUN_ORDER
from nba_features.quality.expected_rows import VALUE_RANGES
from nba_features.warehouse import DuckDBWarehouse
from nba_features_tests.reliability.conftest import D1, D2, RUN

PERCENT = st.integers(min_value=0, max_value=60)
SEED = st.integers(min_value=0, max_value=2**16)


def chosen(expression: str, seed: int, percent: int) -> str:
    """A SQL predicate true for about `percent`% of rows, decided by a hash of `expression` and `seed`."""
    return f"(hash({expression}, {seed}) % 100) < {percent}"


@st.composite
def damage(draw) -> list[str]:
    """SQL statements that damage the league; every damaged table stays valid by its input contract."""
    before = f"game_date < DATE '{D1}'"
    statements = []
    seed, percent = draw(SEED), draw(PERCENT)
    missing_games = chosen("team_abbr, game_date", seed, percent // 3)
    statements += [
        f"DELETE FROM nba_analytics.player_game_summary WHERE {before} AND {missing_games}",
        f"DELETE FROM nba_analytics.team_offense_game_summary WHERE {before} AND {missing_games}",
        f"DELETE FROM nba_analytics.team_defense_game_summary WHERE {before} AND "
        + chosen("defending_team_abbr, game_date", seed, percent // 3),
    ]
    dnp = chosen("player_lookup, game_date", draw(SEED), draw(PERCENT))
    counts = ", ".join(
        f"{c} = NULL" for c in (
            "points", "fg_attempts", "fg_makes", "three_pt_attempts", "three_pt_makes", "paint_attempts", "paint_makes",
            "mid_range_attempts", "mid_range_makes", "ft_attempts", "ft_makes", "assisted_fg_makes", "unassisted_fg_makes",
            "turnovers", "usage_rate", "ts_pct",
        )
    )  # fmt: skip
    statements.append(
        f"UPDATE nba_analytics.player_game_summary SET minutes_played = NULL, is_dnp = TRUE, dnp_reason = 'coach', "
        f"{counts} WHERE {before} AND {dnp}"
    )
    odds = chosen("player_lookup, game_date", draw(SEED), draw(st.integers(0, 100)))
    statements += [
        f"DELETE FROM nba_raw.odds_api_player_points_props WHERE {odds}",
        f"DELETE FROM nba_raw.bettingpros_player_points_props WHERE {odds}",
        f"DELETE FROM nba_raw.nbac_injury_report WHERE {chosen('player_lookup', draw(SEED), draw(st.integers(0, 100)))}",
    ]
    # some players lose their pre-game context (at least one stays per team and date)
    context = chosen("player_lookup, game_date", draw(SEED), draw(PERCENT))
    statements.append(
        f"DELETE FROM nba_analytics.upcoming_player_game_context AS c WHERE {context} AND player_lookup <> "
        f"(SELECT MIN(player_lookup) FROM nba_analytics.upcoming_player_game_context AS k "
        f"WHERE k.game_date = c.game_date AND k.team_abbr = c.team_abbr)"
    )
    return statements


def check_invariants(asset: str, table: str, frame: pd.DataFrame) -> None:
    spec = contract(table)
    assert list(frame.columns) == spec.column_names
    assert not frame.duplicated(list(spec.primary_key)).any(), f"{table}: primary key not unique"
    for column, (low, high) in VALUE_RANGES_ALWAYS[asset].items():
        values = pd.to_numeric(frame[column], errors="coerce").dropna()
        assert values.between(low, high).all(), (
            f"{table}.{column} outside [{low}, {high}]: {values[~values.between(low, high)].head().tolist()}"
        )
    for column in [c for c in frame.columns if c.endswith("completeness_pct") or c == "completeness_percentage"]:
        assert pd.to_numeric(frame[column]).dropna().between(0, 100).all(), f"{table}.{column}"


def check_feature_store(frame: pd.DataFrame) -> None:
    matrix = np.array(frame["features"].tolist(), dtype="float64")
    assert matrix.shape == (len(frame), FEATURE_COUNT) and np.isfinite(matrix).all()
    assert (frame["feature_count"] == FEATURE_COUNT).all()
    assert frame["feature_names"].map(lambda names: list(names) == list(FEATURE_NAMES)).all()
    scored_columns = None
    for row in frame.itertuples(index=False):
        sources = {int(k): v for k, v in json.loads(row.feature_sources_json).items()}
        scored = score_feature_sources(sources)
        scored_columns = scored_columns or [k for k in scored if k in frame.columns and k not in BOOTSTRAP_OVERRIDES]
        assert {k: getattr(row, k) for k in scored_columns} == {k: scored[k] for k in scored_columns}, row.player_lookup
        for f in FEATURES:
            value = getattr(row, f.value_column)
            if sources[f.index] in DEFAULT_TAGS:
                assert pd.isna(value), (row.player_lookup, f.name)
            else:
                assert value == row.features[f.index], (row.player_lookup, f.name)
        assert row.has_vegas_line == (sources[25] not in DEFAULT_TAGS)


# Ranges that hold for any inputs (the transforms clip or derive them); the WARN-level ranges of
# VALUE_RANGES (e.g. defensive rating 70-140) describe a healthy league and are checks, not invariants.
VALUE_RANGES_ALWAYS = {
    asset: {c: r for c, r in ranges.items() if "_pct" in c or "_rate" in c or c in ("fatigue_score", "feature_quality_score")}
    for asset, ranges in VALUE_RANGES.items()
}
BOOTSTRAP_OVERRIDES = {"data_source", "primary_data_source"}  # scored, then replaced on bootstrap rows


@settings(
    max_examples=8, deadline=None, derandomize=True, database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)  # fmt: skip
@given(statements=damage(), dates=st.sampled_from([[D1], [D2], [D1, D2]]))
def test_random_leagues_keep_every_invariant(league_file, tmp_path, statements, dates):
    path = tmp_path / f"league_{abs(hash((tuple(statements), tuple(dates))))}.duckdb"
    shutil.copyfile(league_file, path)
    warehouse = DuckDBWarehouse(path)
    for statement in statements:
        warehouse.execute_native(statement)
    for table in RUN_ORDER:
        frame = compute_partitions(table, warehouse, dates, RUN)
        warehouse.replace_partitions(table.table, dates, frame)  # contract validation: types, NOT NULL, keys
        check_invariants(table.asset_name, table.table, frame)
    assert len(frame) > 0
    check_feature_store(frame)
    context = warehouse.query(
        "SELECT game_date, player_status FROM nba_analytics.upcoming_player_game_context WHERE game_date IN UNNEST(@dates)",
        {"dates": dates},
    )
    available = ~context["player_status"].fillna("").str.lower().isin(["out", "doubtful"])
    assert frame.groupby("game_date").size().to_dict() == context[available].groupby("game_date").size().to_dict()
    path.unlink()
