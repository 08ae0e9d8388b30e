"""The checks every Phase 4 table carries (decision 15), each violated once and passed once.

The checks are the ones `registry.checks_for` wires to each asset. Row-count bounds come from the
real bounded queries of `expected_rows.py` against a DuckDB warehouse holding a hand-made schedule,
box-score summary and upcoming context; the schema check runs through the real asset in Dagster.
"""

from __future__ import annotations

import datetime as dt
import json

import dagster as dg
import duckdb
import pandas as pd
import pytest

from nba_features.defs.resources import WarehouseResource
from nba_features.phase4.seasons import SCHEDULE_SQL, season_frame
from nba_features.pipeline.registry import PHASE4_TABLES, checks_for
from nba_features.quality.events import EVENTS_TABLE
from nba_features.quality.expected_rows import VALUE_RANGES
from nba_features.quality.outcomes import CheckInputs, CheckOutcome
from nba_features.warehouse import DuckDBWarehouse
from nba_features_tests.quality.contract_rows import contract_frame, contract_row

SEASON_START = dt.date(2025, 10, 21)
D = dt.date(2026, 2, 6)  # 108 days into the season
BOOTSTRAP_DAY = SEASON_START + dt.timedelta(days=3)
NO_GAME_DAY = dt.date(2026, 2, 14)
TDZA, PSZA, PCF, PDC, MLFS = (
    "team_defense_zone_analysis", "player_shot_zone_analysis", "player_composite_factors", "player_daily_cache", "ml_feature_store_v2",
)  # fmt: skip


def check(asset: str, name: str):
    (found,) = [c for c in checks_for(PHASE4_TABLES[asset]) if c.name == name]
    return found


def partition_rows(asset: str, day: dt.date, keys: list[str], **values) -> pd.DataFrame:
    """One contract-valid row per key of `asset` for `day` (the frame a check sees after the write)."""
    table = PHASE4_TABLES[asset]
    key_column = "team_abbr" if asset == TDZA else "player_lookup"
    rows = [contract_row(table.table, **{table.partition_column: day, key_column: key}, **values) for key in keys]
    return contract_frame(table.table, rows)


def evaluate(
    asset: str, name: str, frame: pd.DataFrame, dates: list[dt.date], warehouse=None, day_info=None
) -> list[CheckOutcome]:
    if day_info is None:
        schedule = warehouse.query(SCHEDULE_SQL, {"start_date": min(dates), "end_date": max(dates)})
        day_info = season_frame(dates, schedule)
    inputs = CheckInputs(table=PHASE4_TABLES[asset].table, dates=dates, frame=frame, day_info=day_info, warehouse=warehouse)
    return check(asset, name).evaluate(inputs)


def one(outcomes: list[CheckOutcome]) -> CheckOutcome:
    (outcome,) = outcomes
    return outcome


def game_day_info(dates: list[dt.date]) -> pd.DataFrame:
    """Mid-season days with games (for checks that do not read the warehouse)."""
    return pd.DataFrame({
        "date": pd.to_datetime(dates), "season_year": 2025, "days_into_season": [(d - SEASON_START).days for d in dates],
        "is_bootstrap": False, "games_scheduled": 7,
    })  # fmt: skip


# --- primary_key_unique ---------------------------------------------------------------------------
def test_primary_key_unique_counts_every_row_of_a_shared_key():
    duplicated = partition_rows(TDZA, D, ["BOS", "BOS", "NYK"])
    outcome = one(evaluate(TDZA, "primary_key_unique", duplicated, [D], day_info=game_day_info([D])))
    assert not outcome.passed and outcome.severity == "ERROR"
    assert (outcome.metric_name, outcome.metric_value, outcome.threshold) == ("duplicate_key_rows", 2.0, "0")
    assert outcome.description == "2 rows share a primary key (analysis_date, team_abbr)"

    unique = partition_rows(TDZA, D, ["BOS", "NYK"])
    outcome = one(evaluate(TDZA, "primary_key_unique", unique, [D], day_info=game_day_info([D])))
    assert outcome.passed and outcome.metric_value == 0.0


def test_primary_key_unique_judges_each_date_of_a_range_separately():
    other = D + dt.timedelta(days=1)
    frame = pd.concat([partition_rows(PDC, D, ["alpha"]), partition_rows(PDC, other, ["alpha", "alpha"])], ignore_index=True)
    outcomes = evaluate(PDC, "primary_key_unique", frame, [D, other], day_info=game_day_info([D, other]))
    assert [(o.game_date, o.passed, o.metric_value) for o in outcomes] == [(D, True, 0.0), (other, False, 2.0)]
    assert outcomes[1].description == "2 rows share a primary key (cache_date, player_lookup)"


# --- values_in_range ------------------------------------------------------------------------------
def test_values_in_range_names_each_column_and_its_count():
    frame = partition_rows(PCF, D, ["alpha", "beta", "gamma"])
    frame["fatigue_score"] = [50, 101, -1]  # both ends of [0, 100]
    frame["pace_score"] = [8.0, -8.0, 8.5]  # the bounds themselves pass
    frame["usage_spike_score"] = [0.0, None, 0.0]  # NULL is not a violation
    outcome = one(evaluate(PCF, "values_in_range", frame, [D], day_info=game_day_info([D])))
    assert not outcome.passed and outcome.severity == "WARN"
    assert (outcome.metric_name, outcome.metric_value) == ("out_of_range_values", 3.0)
    assert outcome.description == "out of range: fatigue_score (2), pace_score (1)"
    assert outcome.details == {"violations": "{'fatigue_score': 2, 'pace_score': 1}"}
    assert outcome.threshold == "; ".join(f"{c} in [{lo}, {hi}]" for c, (lo, hi) in VALUE_RANGES[PCF].items())

    frame["fatigue_score"] = [0, 100, 50]
    frame["pace_score"] = [8.0, -8.0, 0.0]
    outcome = one(evaluate(PCF, "values_in_range", frame, [D], day_info=game_day_info([D])))
    assert outcome.passed and outcome.metric_value == 0.0 and outcome.description == "all values in range"


def test_every_table_has_the_four_standard_checks_with_their_severity():
    for asset in PHASE4_TABLES:
        standard = {c.name: (c.severity, c.blocking) for c in checks_for(PHASE4_TABLES[asset])[:4]}
        assert standard == {
            "schema_matches_contract": ("ERROR", True), "primary_key_unique": ("ERROR", True),
            "row_count_expected": ("WARN", False), "values_in_range": ("WARN", False),
        }, asset  # fmt: skip


# --- row_count_expected: the bounds of expected_rows.py against a real warehouse ----------------------
def schedule_row(day: dt.date, home: str, away: str, status: int = 3) -> dict:
    return contract_row(
        "nba_reference.nba_schedule", game_id=f"{day:%Y%m%d}_{away}_{home}", game_date=day, season_year=2025,
        season_type="Regular Season", home_team_tricode=home, away_team_tricode=away, game_status=status,
    )  # fmt: skip


def context_row(player: str, day: dt.date, status: str = "available") -> dict:
    return contract_row(
        "nba_analytics.upcoming_player_game_context", player_lookup=player, game_id=f"{day:%Y%m%d}_NYK_BOS", game_date=day,
        season_year=2025, team_abbr="BOS", opponent_team_abbr="NYK", player_status=status,
    )  # fmt: skip


def box_row(player: str, day: dt.date, active: bool = True) -> dict:
    return contract_row(
        "nba_analytics.player_game_summary", player_lookup=player, game_id=f"{day:%Y%m%d}_NYK_BOS", game_date=day,
        team_abbr="BOS", opponent_team_abbr="NYK", season_year=2025, is_active=active,
    )  # fmt: skip


@pytest.fixture(scope="module")
def league(tmp_path_factory) -> DuckDBWarehouse:
    """Read-only for the tests of this module. Final games before D: AAA 15 (AAA-BBB x14 + AAA-CCC), BBB 14 (its 15th game was postponed),
    CCC 1. Games on D, on the bootstrap day; none on NO_GAME_DAY. Context for D: four players, one
    OUT and one Doubtful. Box scores: two players active before D, one only from D, one never active."""
    warehouse = DuckDBWarehouse(tmp_path_factory.mktemp("league") / "warehouse.duckdb")
    warehouse.apply_schemas()
    games = [schedule_row(SEASON_START, "AAA", "BBB")]
    games += [schedule_row(SEASON_START + dt.timedelta(days=2 * i), "AAA", "BBB") for i in range(2, 15)]
    games += [schedule_row(dt.date(2026, 1, 10), "AAA", "CCC"), schedule_row(dt.date(2026, 1, 12), "BBB", "CCC", status=1)]
    games += [schedule_row(BOOTSTRAP_DAY, "CCC", "DDD", status=3), schedule_row(D, "AAA", "BBB", status=1)]
    warehouse.append("nba_reference.nba_schedule", contract_frame("nba_reference.nba_schedule", games))
    context = [
        context_row("alpha", D),
        context_row("beta", D),
        context_row("gamma", D, "OUT"),
        context_row("delta", D, "Doubtful"),
    ]
    context += [context_row("alpha", BOOTSTRAP_DAY), context_row("beta", BOOTSTRAP_DAY)]
    warehouse.append(
        "nba_analytics.upcoming_player_game_context", contract_frame("nba_analytics.upcoming_player_game_context", context)
    )
    boxes = [box_row("alpha", dt.date(2026, 1, 3)), box_row("beta", dt.date(2026, 1, 5)), box_row("alpha", dt.date(2026, 1, 5))]
    boxes += [box_row("gamma", D), box_row("delta", dt.date(2026, 1, 5), active=False)]
    warehouse.append("nba_analytics.player_game_summary", contract_frame("nba_analytics.player_game_summary", boxes))
    return warehouse


@pytest.mark.parametrize(
    ("asset", "bounds", "keys_inside", "keys_outside"),
    [
        (TDZA, (2, 2), ["AAA", "BBB"], ["AAA", "BBB", "CCC"]),  # exactly the teams with >= 5 final games before D
        (PSZA, (1, 2), ["alpha", "beta"], ["alpha", "beta", "gamma"]),  # 1 .. players active this season before D
        (PCF, (4, 4), ["alpha", "beta", "gamma", "delta"], ["alpha", "beta", "gamma"]),  # every context player
        (PDC, (2, 64), ["alpha", "beta"], ["alpha"]),  # half the context players .. context + 60
        (MLFS, (2, 2), ["alpha", "beta"], ["alpha", "beta", "gamma"]),  # context players not out/doubtful
    ],
)
def test_row_count_expected_per_table(league, asset, bounds, keys_inside, keys_outside):
    threshold = f"[{bounds[0]}, {bounds[1]}]"
    outcome = one(evaluate(asset, "row_count_expected", partition_rows(asset, D, keys_inside), [D], league))
    assert outcome.passed and outcome.severity == "WARN"
    assert (outcome.metric_name, outcome.metric_value, outcome.threshold) == ("row_count", float(len(keys_inside)), threshold)
    assert outcome.description == f"{len(keys_inside)} rows, expected {threshold} from the roster/teams for the date"

    outcome = one(evaluate(asset, "row_count_expected", partition_rows(asset, D, keys_outside), [D], league))
    assert not outcome.passed and outcome.metric_value == float(len(keys_outside)) and outcome.threshold == threshold


def test_row_count_expected_fails_an_empty_partition_on_a_game_date(league):
    empty = partition_rows(PCF, D, [])
    outcome = one(evaluate(PCF, "row_count_expected", empty, [D], league))
    assert not outcome.passed and outcome.metric_value == 0.0
    assert outcome.description == "0 rows, expected [4, 4] from the roster/teams for the date"


@pytest.mark.parametrize("asset", [TDZA, PSZA, PCF, PDC])
def test_bootstrap_and_no_game_days_expect_no_rows_for_the_upstream_tables(league, asset):
    key = "AAA" if asset == TDZA else "alpha"
    for day, reason in ((BOOTSTRAP_DAY, "bootstrap day (first 14 days of the season)"), (NO_GAME_DAY, "no games scheduled")):
        outcome = one(evaluate(asset, "row_count_expected", partition_rows(asset, day, []), [day], league))
        assert outcome.passed and outcome.threshold == "0"
        assert outcome.description == f"0 rows; {reason}: none expected"
        outcome = one(evaluate(asset, "row_count_expected", partition_rows(asset, day, [key]), [day], league))
        assert not outcome.passed and outcome.description == f"1 rows; {reason}: none expected"


def test_feature_store_writes_placeholders_on_bootstrap_days_and_nothing_without_games(league):
    outcome = one(
        evaluate(MLFS, "row_count_expected", partition_rows(MLFS, BOOTSTRAP_DAY, ["alpha", "beta"]), [BOOTSTRAP_DAY], league)
    )
    assert outcome.passed and outcome.threshold == "[2, 2]"
    outcome = one(evaluate(MLFS, "row_count_expected", partition_rows(MLFS, BOOTSTRAP_DAY, []), [BOOTSTRAP_DAY], league))
    assert not outcome.passed
    outcome = one(evaluate(MLFS, "row_count_expected", partition_rows(MLFS, NO_GAME_DAY, []), [NO_GAME_DAY], league))
    assert outcome.passed and outcome.description == "0 rows; no games scheduled: none expected"


def test_row_counts_of_a_range_are_judged_per_date(league):
    frame = pd.concat(
        [partition_rows(PCF, D, ["alpha", "beta", "gamma", "delta"]), partition_rows(PCF, BOOTSTRAP_DAY, ["alpha"])]
    )
    outcomes = evaluate(PCF, "row_count_expected", frame, [BOOTSTRAP_DAY, NO_GAME_DAY, D], league)
    assert [(o.game_date, o.passed, o.metric_value) for o in outcomes] == [
        (BOOTSTRAP_DAY, False, 1.0),
        (NO_GAME_DAY, True, 0.0),
        (D, True, 4.0),
    ]


# --- schema_matches_contract: through the real asset -------------------------------------------------
def test_a_live_table_missing_a_column_refuses_the_write_records_an_event_and_keeps_the_partition(warehouse):
    from nba_features.defs.phase4_assets import PHASE4_ASSETS

    table = PHASE4_TABLES[TDZA].table
    previous = partition_rows(TDZA, D, ["AAA", "BBB"], defensive_rating_last_15=108.5)
    warehouse.replace_partitions(table, [D], previous)
    with duckdb.connect(str(warehouse.path)) as connection:  # an out-of-band change to the live table
        connection.execute(f"ALTER TABLE {table} DROP COLUMN opponent_pace")
    (asset,) = [a for a in PHASE4_ASSETS if a.key == dg.AssetKey(TDZA)]

    with dg.instance_for_test() as instance:
        result = dg.materialize(
            [asset], partition_key=D.isoformat(), instance=instance, raise_on_error=False,
            resources={"warehouse": WarehouseResource(duckdb_path=str(warehouse.path))},
        )  # fmt: skip
        assert not result.success
        (failure,) = [e for e in result.all_events if e.event_type_value == "STEP_FAILURE"]
        error, message = failure.event_specific_data.error, ""
        while error is not None:  # Dagster wraps the asset's exception; the ContractError is the cause
            message, error = message + error.message, error.cause
        assert "refusing to write: nba_precompute.team_defense_zone_analysis: opponent_pace missing" in message
        assert "nba-features schema apply" in message
        assert not result.get_asset_materialization_events()

    kept = warehouse.query(
        f"SELECT team_abbr, defensive_rating_last_15 FROM {table} WHERE analysis_date = @d ORDER BY 1", {"d": D}
    )
    assert kept.to_dict("list") == {"team_abbr": ["AAA", "BBB"], "defensive_rating_last_15": [108.5, 108.5]}
    events = warehouse.query(f"SELECT * FROM {EVENTS_TABLE} WHERE DATE(event_timestamp) >= @d", {"d": dt.date(2000, 1, 1)})
    assert len(events) == 1 and pd.isna(events.iloc[0]["game_date"])  # one event about the refused write
    event = events.iloc[0]
    assert (event["table_name"], event["metric_name"], event["severity"], event["processor_name"]) == (
        table, "schema_drift", "CRITICAL", "schema_matches_contract",
    )  # fmt: skip
    assert "opponent_pace missing" in event["description"] and event["session_id"] == result.run_id
    assert json.loads(event["details_json"])["dates"] == f"{D}..{D}"


def test_schema_check_passes_once_the_write_went_through():
    outcome = one(evaluate(TDZA, "schema_matches_contract", partition_rows(TDZA, D, ["AAA"]), [D], day_info=game_day_info([D])))
    assert outcome.passed and outcome.description == "live table matched schemas/ before the write"
