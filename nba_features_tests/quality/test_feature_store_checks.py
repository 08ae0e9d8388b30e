"""The feature-store gates (decision 12, blocking ERROR) and canaries (decision 13-14, WARN).

Each check is violated once and passed once, at its threshold: the threshold itself passes and the
next value (one decimal further, or one more row) fails. Checks that read the warehouse (upcoming
context players, the trailing feature-store window) read a real DuckDB file.
"""

from __future__ import annotations

import datetime as dt
import itertools

import pandas as pd
import pytest

from nba_features.contracts.features import FEATURES, feature
from nba_features.quality.feature_store_checks import UPSTREAM_PHASE4, feature_store_checks
from nba_features.quality.outcomes import CheckInputs, CheckOutcome
from nba_features.warehouse import DuckDBWarehouse
from nba_features_tests.quality.contract_rows import contract_frame, contract_row

TABLE = "nba_predictions.ml_feature_store_v2"
CONTEXT = "nba_analytics.upcoming_player_game_context"
SEASON_START = dt.date(2025, 10, 21)
D = dt.date(2026, 2, 6)
ALL_UPSTREAM = frozenset(UPSTREAM_PHASE4)
CHECKS = {c.name: c for c in feature_store_checks()}
PLAYER_NUMBERS = itertools.count()  # unique player keys, so groups of rows for one date never collide

# dates of the module's warehouse, far enough apart that their trailing windows do not overlap
COVERAGE_10 = dt.date(2026, 1, 5)  # 10 upcoming-context players
COVERAGE_1000 = dt.date(2026, 1, 6)  # 1000 upcoming-context players
DRIFT_DAY = dt.date(2025, 12, 15)  # 50 baseline rows 5 days before, noise outside the window
SMALL_BASELINE_DAY = dt.date(2025, 10, 30)  # 49 baseline rows
TIER1_AT_LIMIT = dt.date(2026, 3, 20)  # 15.0% over the window with D's own rows
TIER1_OVER_LIMIT = dt.date(2026, 5, 10)  # 15.1%


def rows(n: int, day: dt.date = D, **values) -> list[dict]:
    """n healthy feature-store rows (green, quality-ready, no defaults) for `day`."""
    healthy = dict(
        game_date=day, data_source="phase4", feature_count=60, feature_quality_score=90.0, quality_alert_level="green",
        is_quality_ready=True, required_default_count=0, default_feature_count=0, default_feature_indices=[],
        cache_miss_fallback_used=False,
    )  # fmt: skip
    return [contract_row(TABLE, **{**healthy, "player_lookup": f"player_{next(PLAYER_NUMBERS)}", **values}) for _ in range(n)]


def frame(*groups: list[dict]) -> pd.DataFrame:
    return contract_frame(TABLE, [row for group in groups for row in group])


def day_info(dates, *, bootstrap=False, games=7) -> pd.DataFrame:
    return pd.DataFrame({
        "date": pd.to_datetime(list(dates)), "season_year": 2025, "days_into_season": [(d - SEASON_START).days for d in dates],
        "is_bootstrap": bootstrap, "games_scheduled": games,
    })  # fmt: skip


def evaluate(name: str, data: pd.DataFrame, dates=(D,), *, warehouse=None, upstream=None, info=None) -> list[CheckOutcome]:
    dates = list(dates)
    inputs = CheckInputs(
        table=TABLE, dates=dates, frame=data, day_info=info if info is not None else day_info(dates),
        upstream_materialized=upstream if upstream is not None else {d: ALL_UPSTREAM for d in dates}, warehouse=warehouse,
    )  # fmt: skip
    return CHECKS[name].evaluate(inputs)


def one(outcomes: list[CheckOutcome]) -> CheckOutcome:
    (outcome,) = outcomes
    return outcome


def value_column(name: str) -> str:
    return feature(name).value_column


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> DuckDBWarehouse:
    """Upcoming context and trailing feature-store rows for the dates above (read-only)."""
    warehouse = DuckDBWarehouse(tmp_path_factory.mktemp("store") / "warehouse.duckdb")
    warehouse.apply_schemas()
    context = [contract_row(CONTEXT, player_lookup=f"c{i}", game_date=COVERAGE_10, player_status="available") for i in range(10)]
    context += [contract_row(CONTEXT, player_lookup=f"c{i}", game_date=COVERAGE_1000) for i in range(1000)]
    warehouse.append(CONTEXT, contract_frame(CONTEXT, context))

    baseline_day = DRIFT_DAY - dt.timedelta(days=5)
    history = [
        # drift: 50 baseline rows, points_avg_last_5 alternating 10 / 20 (mean 15, sd 5.0508)
        rows(25, baseline_day, **{value_column("points_avg_last_5"): 10.0}),
        rows(25, baseline_day - dt.timedelta(days=1), **{value_column("points_avg_last_5"): 20.0}),
        # outside the 28-day baseline (29 days before) and bootstrap placeholders: never part of it
        rows(50, DRIFT_DAY - dt.timedelta(days=29), **{value_column("points_avg_last_5"): 500.0}),
        rows(50, baseline_day, data_source="early_season", **{value_column("points_avg_last_5"): 500.0}),
        rows(49, SMALL_BASELINE_DAY - dt.timedelta(days=3), **{value_column("points_avg_last_5"): 10.0}),
        # tier 1 at the limit: the window's first day has 100 rows, 10 with required defaults
        rows(90, TIER1_AT_LIMIT - dt.timedelta(days=29)),
        rows(
            10,
            TIER1_AT_LIMIT - dt.timedelta(days=29),
            required_default_count=4,
            default_feature_count=4,
            default_feature_indices=[5, 6, 7, 8],
        ),
        # the day before the window and bootstrap placeholders inside it: both outside the tier-1 count
        rows(
            100,
            TIER1_AT_LIMIT - dt.timedelta(days=30),
            required_default_count=1,
            default_feature_count=1,
            default_feature_indices=[13],
        ),
        rows(100, TIER1_AT_LIMIT - dt.timedelta(days=3), data_source="early_season", required_default_count=60),
        # tier 1 over the limit: 1000 rows, 151 with a required default, 100 with an optional-only default
        rows(749, TIER1_OVER_LIMIT - dt.timedelta(days=10)),
        rows(
            151,
            TIER1_OVER_LIMIT - dt.timedelta(days=10),
            required_default_count=1,
            default_feature_count=2,
            default_feature_indices=[13, 47],
        ),
        rows(100, TIER1_OVER_LIMIT - dt.timedelta(days=10), default_feature_count=1, default_feature_indices=[47]),
    ]
    data = frame(*history)
    warehouse.replace_partitions(TABLE, sorted(data["game_date"].dt.date.unique()), data)
    return warehouse


def test_severities_and_blocking():
    assert {n: (c.severity, c.blocking) for n, c in CHECKS.items()} == {
        "required_default_rate": ("ERROR", True), "quality_ready_rate": ("ERROR", True),
        "clean_player_coverage": ("ERROR", True), "upstream_phase4_complete": ("ERROR", True),
        "red_alert_rows": ("WARN", False), "average_quality_score": ("WARN", False), "quality_ready_canary": ("WARN", False),
        "cache_miss_rate": ("WARN", False), "feature_variance_and_ranges": ("WARN", False),
        "feature_distribution_drift": ("WARN", False), "contamination_tier1_trailing": ("WARN", False),
        "vegas_line_coverage": ("WARN", False), "schedule_covers_context": ("WARN", False),
        "historical_completeness_rate": ("WARN", False),
    }  # fmt: skip


# --- decision 12: blocking gates ------------------------------------------------------------------------
def test_required_default_rate_30_pct_passes_and_30_1_pct_fails():
    outcome = one(evaluate("required_default_rate", frame(rows(7), rows(3, required_default_count=1))))
    assert outcome.passed and outcome.severity == "ERROR"
    assert (outcome.metric_name, outcome.metric_value, outcome.threshold) == ("pct_rows_required_defaults", 30.0, "<= 30.0%")
    assert outcome.description == "30.0% of 10 rows have required defaults"

    outcome = one(evaluate("required_default_rate", frame(rows(699), rows(301, required_default_count=2))))
    assert not outcome.passed and outcome.metric_value == 30.1
    assert outcome.description == "30.1% of 1000 rows have required defaults"


def test_required_default_rate_fails_a_game_date_without_rows():
    outcome = one(evaluate("required_default_rate", frame()))
    assert not outcome.passed and outcome.metric_value is None
    assert outcome.description == "no feature-store rows on a game date"


def test_quality_ready_rate_40_pct_passes_and_39_9_pct_fails():
    outcome = one(evaluate("quality_ready_rate", frame(rows(4), rows(6, is_quality_ready=False))))
    assert outcome.passed and (outcome.metric_name, outcome.metric_value, outcome.threshold) == (
        "pct_quality_ready",
        40.0,
        ">= 40.0%",
    )
    assert outcome.description == "40.0% of 10 rows are quality-ready"

    outcome = one(evaluate("quality_ready_rate", frame(rows(399), rows(601, is_quality_ready=False))))
    assert not outcome.passed and outcome.metric_value == 39.9
    assert not one(evaluate("quality_ready_rate", frame())).passed


def test_clean_player_coverage_60_pct_passes_and_59_9_pct_fails(store):
    data = frame(rows(6, COVERAGE_10), rows(2, COVERAGE_10, required_default_count=1))
    outcome = one(evaluate("clean_player_coverage", data, [COVERAGE_10], warehouse=store))
    assert outcome.passed and outcome.severity == "ERROR"
    assert (outcome.metric_name, outcome.metric_value, outcome.threshold) == ("pct_clean_player_coverage", 60.0, ">= 60.0%")
    assert outcome.description == "6 clean players of 10 in the upcoming context (60.0%)"
    assert outcome.details == {"clean": 6, "expected": 10}

    data = frame(rows(599, COVERAGE_1000), rows(300, COVERAGE_1000, required_default_count=1))
    outcome = one(evaluate("clean_player_coverage", data, [COVERAGE_1000], warehouse=store))
    assert not outcome.passed and outcome.metric_value == 59.9
    assert outcome.description == "599 clean players of 1000 in the upcoming context (59.9%)"


def test_clean_player_coverage_without_context_players_is_full(store):
    outcome = one(evaluate("clean_player_coverage", frame(rows(3)), [D], warehouse=store))
    assert outcome.passed and outcome.metric_value == 100.0
    assert outcome.description == "3 clean players of 0 in the upcoming context (100.0%)"


def test_upstream_phase4_complete_names_the_missing_tables():
    outcome = one(evaluate("upstream_phase4_complete", frame(rows(3))))
    assert outcome.passed and (outcome.metric_name, outcome.metric_value, outcome.threshold) == (
        "missing_upstream_tables",
        0.0,
        "0 missing",
    )
    assert outcome.description == "all four upstream Phase 4 tables have rows"

    upstream = {D: ALL_UPSTREAM - {"player_composite_factors"}}
    outcome = one(evaluate("upstream_phase4_complete", frame(rows(3)), upstream=upstream))
    assert not outcome.passed and outcome.severity == "ERROR" and outcome.metric_value == 1.0
    assert outcome.description == "no rows for 2026-02-06 in: player_composite_factors"
    assert outcome.details == {"missing_processors": "player_composite_factors"}

    outcome = one(evaluate("upstream_phase4_complete", frame(rows(3)), upstream={}))
    assert not outcome.passed and outcome.metric_value == 4.0
    assert outcome.details == {"missing_processors": ",".join(UPSTREAM_PHASE4)}


# --- decision 13: canaries -------------------------------------------------------------------------------
def test_red_alert_rows_30_pass_and_31_fail():
    outcome = one(evaluate("red_alert_rows", frame(rows(30, quality_alert_level="red"), rows(5, quality_alert_level="yellow"))))
    assert outcome.passed and outcome.severity == "WARN"
    assert (outcome.metric_name, outcome.metric_value, outcome.threshold, outcome.description) == (
        "red_rows",
        30.0,
        "<= 30",
        "30 red rows",
    )
    outcome = one(evaluate("red_alert_rows", frame(rows(31, quality_alert_level="red"))))
    assert not outcome.passed and outcome.metric_value == 31.0


def test_average_quality_score_70_passes_and_69_99_fails():
    outcome = one(
        evaluate("average_quality_score", frame(rows(1, feature_quality_score=60.0), rows(1, feature_quality_score=80.0)))
    )
    assert outcome.passed and (outcome.metric_name, outcome.metric_value, outcome.threshold) == (
        "avg_feature_quality_score",
        70.0,
        ">= 70.0",
    )
    assert outcome.description == "average feature_quality_score 70.0"
    outcome = one(
        evaluate("average_quality_score", frame(rows(1, feature_quality_score=69.98), rows(1, feature_quality_score=70.0)))
    )
    assert not outcome.passed and outcome.metric_value == 69.99
    assert one(evaluate("average_quality_score", frame())).description == "no rows"


def test_quality_ready_canary_60_pct_passes_and_59_9_pct_fails():
    outcome = one(evaluate("quality_ready_canary", frame(rows(6), rows(4, is_quality_ready=False))))
    assert outcome.passed and outcome.severity == "WARN" and (outcome.metric_value, outcome.threshold) == (60.0, ">= 60.0%")
    outcome = one(evaluate("quality_ready_canary", frame(rows(599), rows(401, is_quality_ready=False))))
    assert not outcome.passed and outcome.metric_value == 59.9


def test_cache_miss_rate_5_pct_passes_and_5_1_pct_fails():
    outcome = one(evaluate("cache_miss_rate", frame(rows(95), rows(5, cache_miss_fallback_used=True))))
    assert outcome.passed and (outcome.metric_name, outcome.metric_value, outcome.threshold) == ("pct_cache_miss", 5.0, "<= 5.0%")
    assert outcome.description == "5.0% of rows used the cache-miss fallback"
    outcome = one(evaluate("cache_miss_rate", frame(rows(949), rows(51, cache_miss_fallback_used=True))))
    assert not outcome.passed and outcome.metric_value == 5.1


def test_feature_variance_zero_variance_fails_from_50_rows_and_25_values():
    constant = {value_column("points_avg_last_5"): 12.0}
    outcome = one(evaluate("feature_variance_and_ranges", frame(rows(50, **constant))))
    assert not outcome.passed and outcome.severity == "WARN"
    assert (outcome.metric_name, outcome.metric_value, outcome.threshold) == ("feature_problems", 1.0, "0 problems")
    assert outcome.description == "points_avg_last_5: ZERO_VARIANCE"
    # below the minimum batch (49 rows) or the minimum non-NULL values (24 of 50): not judged
    assert one(evaluate("feature_variance_and_ranges", frame(rows(49, **constant)))).passed
    outcome = one(evaluate("feature_variance_and_ranges", frame(rows(24, **constant), rows(26))))
    assert outcome.passed and outcome.description == "no zero variance, all values in range"


def test_feature_variance_low_variance_is_a_note_not_a_failure():
    spread = [{**r, value_column("points_avg_last_5"): 10.0 + (i % 2)} for i, r in enumerate(rows(50))]
    outcome = one(evaluate("feature_variance_and_ranges", frame(spread)))
    assert outcome.passed and outcome.details == {"problems": 0, "low_variance": 1}
    assert (
        outcome.description
        == "no zero variance, all values in range (notes: points_avg_last_5: LOW_VARIANCE (std 0.505, 2 distinct))"
    )


def test_feature_ranges_from_the_registry_boundaries_pass():
    opponent = value_column("opponent_def_rating")
    outcome = one(evaluate("feature_variance_and_ranges", frame(rows(1, **{opponent: 90.0}), rows(1, **{opponent: 130.0}))))
    assert outcome.passed
    star = value_column("star_teammates_out")  # an optional feature (index >= 37) is range-checked too
    outcome = one(evaluate("feature_variance_and_ranges", frame(rows(2, **{opponent: 130.01}), rows(1, **{star: -1.0}))))
    assert not outcome.passed and outcome.metric_value == 2.0
    assert (
        outcome.description
        == "opponent_def_rating: 2 values outside [90.0, 130.0]; star_teammates_out: 1 values outside [0.0, 10.0]"
    )


def test_feature_distribution_drift_beyond_3_sd_of_the_4_week_baseline(store):
    column = value_column("points_avg_last_5")
    # baseline: mean 15, sd 5.0508 (ddof 1); 30.0 is 2.97 sd away, 30.5 is 3.07 sd away
    outcome = one(
        evaluate("feature_distribution_drift", frame(rows(2, DRIFT_DAY, **{column: 30.0})), [DRIFT_DAY], warehouse=store)
    )
    assert outcome.passed and outcome.severity == "WARN"
    assert (outcome.metric_name, outcome.metric_value, outcome.threshold) == ("drifted_features", 0.0, "<= 3.0 sd")
    assert outcome.description == "no drift against the 4-week baseline"

    outcome = one(
        evaluate("feature_distribution_drift", frame(rows(2, DRIFT_DAY, **{column: 30.5})), [DRIFT_DAY], warehouse=store)
    )
    assert not outcome.passed and outcome.metric_value == 1.0
    assert outcome.description == "drifted: points_avg_last_5"

    outcome = one(evaluate("feature_distribution_drift", frame(), [DRIFT_DAY], warehouse=store))
    assert outcome.passed and outcome.description == "passed: no rows to compare with the baseline"


def test_feature_distribution_drift_needs_a_baseline_of_50_rows(store):
    column = value_column("points_avg_last_5")
    data = frame(rows(2, SMALL_BASELINE_DAY, **{column: 60.0}))
    outcome = one(evaluate("feature_distribution_drift", data, [SMALL_BASELINE_DAY], warehouse=store))
    assert outcome.passed and outcome.description == "passed: baseline too small (49 rows) to judge drift"


def test_feature_distribution_drift_in_a_range_uses_the_runs_earlier_dates(store):
    column = value_column("points_avg_last_5")
    first, second = dt.date(2024, 3, 1), dt.date(2024, 3, 2)  # nothing in the warehouse before them
    data = frame(rows(25, first, **{column: 10.0}), rows(25, first, **{column: 20.0}), rows(2, second, **{column: 40.0}))
    outcomes = evaluate("feature_distribution_drift", data, [first, second], warehouse=store)
    assert [(o.passed, o.description) for o in outcomes] == [
        (True, "passed: baseline too small (0 rows) to judge drift"), (False, "drifted: points_avg_last_5"),
    ]  # fmt: skip


def test_contamination_tier1_trailing_15_pct_passes_and_15_1_pct_fails(store):
    own = frame(
        rows(80, TIER1_AT_LIMIT),
        rows(20, TIER1_AT_LIMIT, required_default_count=1, default_feature_count=1, default_feature_indices=[13]),
    )
    outcome = one(evaluate("contamination_tier1_trailing", own, [TIER1_AT_LIMIT], warehouse=store))
    assert outcome.passed and outcome.severity == "WARN"
    assert (outcome.metric_name, outcome.metric_value, outcome.threshold) == ("tier1_pct", 15.0, "<= 15.0%")
    window = f"{TIER1_AT_LIMIT - dt.timedelta(days=29)}..{TIER1_AT_LIMIT}"
    assert outcome.description == (
        f"tier 1 15.0% / tier 2 0.0% over {window}; top defaulted: "
        "opponent_def_rating 10.0%, fatigue_score 5.0%, shot_zone_mismatch_score 5.0%"
    )
    assert outcome.details == {"tier2_pct": 0.0, "rows": 200}

    outcome = one(evaluate("contamination_tier1_trailing", frame(rows(1, TIER1_OVER_LIMIT)), [TIER1_OVER_LIMIT], warehouse=store))
    assert not outcome.passed and outcome.metric_value == 15.1
    assert outcome.description.startswith("tier 1 15.1% / tier 2 10.0% over ")
    assert outcome.description.endswith("top defaulted: teammate_usage_available 25.1%, opponent_def_rating 15.1%")


# --- days with nothing to judge ---------------------------------------------------------------------------
# schedule_covers_context judges no-game days by design (test_schedule_covers_context_...)
@pytest.mark.parametrize("name", sorted(set(CHECKS) - {"schedule_covers_context"}))
def test_no_game_and_bootstrap_days_pass_with_their_reason(store, name):
    placeholders = frame(rows(40, D, data_source="early_season", required_default_count=30, is_quality_ready=False,
                              quality_alert_level="red", feature_quality_score=0.0))  # fmt: skip
    for info, reason in (
        (day_info([D], bootstrap=True), "bootstrap day (first 14 days of the season)"),
        (day_info([D], games=0), "no games scheduled"),
    ):
        outcome = one(evaluate(name, placeholders, [D], warehouse=store, upstream={}, info=info))
        assert outcome.passed and outcome.metric_value is None and outcome.threshold == "n/a"
        assert outcome.description == f"passed: {reason}"
        assert outcome.severity == CHECKS[name].severity


def test_a_range_is_judged_per_date():
    other = D + dt.timedelta(days=1)
    data = frame(rows(10), rows(4, other), rows(6, other, required_default_count=1))
    outcomes = evaluate("required_default_rate", data, [D, other, other + dt.timedelta(days=1)],
                        info=day_info([D, other, other + dt.timedelta(days=1)], games=[7, 7, 0]))  # fmt: skip
    assert [(o.game_date, o.passed, o.metric_value) for o in outcomes] == [
        (D, True, 0.0), (other, False, 60.0), (other + dt.timedelta(days=1), True, None),
    ]  # fmt: skip


def test_every_registry_range_is_enforced():
    """A value just above each feature's upper bound is reported under the feature's name."""
    ranged = [f for f in FEATURES if f.valid_range is not None]
    data = frame(*[rows(1, **{f.value_column: f.valid_range[1] + 1.0}) for f in ranged])
    outcome = one(evaluate("feature_variance_and_ranges", data))
    assert outcome.metric_value == float(len(ranged)) and outcome.details["problems"] == len(ranged)


def test_vegas_line_coverage_25_pct_passes_and_24_9_pct_fails():
    line, no_line = {"feature_25_source": "phase4"}, {"feature_25_source": "default"}
    outcome = one(evaluate("vegas_line_coverage", frame(rows(25, **line), rows(75, **no_line))))
    assert outcome.passed and (outcome.metric_name, outcome.metric_value, outcome.threshold) == (
        "pct_rows_with_line",
        25.0,
        ">= 25.0%",
    )
    assert outcome.description == "25.0% of rows have a pre-tip-off points line (feature 25)"
    outcome = one(evaluate("vegas_line_coverage", frame(rows(249, **line), rows(751, **no_line))))
    assert not outcome.passed and outcome.severity == "WARN" and outcome.metric_value == 24.9


def test_schedule_covers_context_flags_a_no_game_date_with_context_players(store):
    # COVERAGE_10 has 10 upcoming-context players: with no games scheduled it is flagged
    outcome = one(
        evaluate("schedule_covers_context", frame(), [COVERAGE_10], warehouse=store, info=day_info([COVERAGE_10], games=0))
    )
    assert not outcome.passed and outcome.severity == "WARN" and outcome.metric_value == 10.0
    assert "no games scheduled on 2026-01-05 but 10 players" in outcome.description
    # with games scheduled, or no context rows on a no-game date, it passes
    assert one(evaluate("schedule_covers_context", frame(), [COVERAGE_10], warehouse=store)).passed
    empty_day = dt.date(2026, 7, 15)
    assert one(
        evaluate("schedule_covers_context", frame(), [empty_day], warehouse=store, info=day_info([empty_day], games=0))
    ).passed
