"""The WARN check on historical_completeness: the share of non-bootstrap rows (placeholders aside) with
is_complete = FALSE, at most 10% (threshold measured on the demo league, docs/ALERTS.md#historical-completeness)."""

from __future__ import annotations

from nba_features.quality.feature_store_checks import THRESHOLDS
from nba_features_tests.quality.test_feature_store_checks import CHECKS, evaluate, frame, one, rows


def completeness(found: int, expected: int) -> dict:
    return {
        "games_found": found, "games_expected": expected, "is_complete": found >= expected,
        "is_bootstrap": expected < 10, "contributing_game_dates": [],
    }  # fmt: skip


def test_it_is_a_warning_at_ten_percent():
    assert THRESHOLDS["historical_incomplete_max_pct"] == 10.0
    check = CHECKS["historical_completeness_rate"]
    assert (check.severity, check.blocking) == ("WARN", False)


def test_ten_percent_incomplete_passes_and_ten_point_one_fails():
    at_limit = frame(
        rows(90, historical_completeness=completeness(10, 10)), rows(10, historical_completeness=completeness(7, 10))
    )
    outcome = one(evaluate("historical_completeness_rate", at_limit))
    assert outcome.passed and outcome.metric_value == 10.0 and outcome.details == {"rows": 100, "incomplete_rows": 10}
    over = frame(rows(899, historical_completeness=completeness(10, 10)), rows(101, historical_completeness=completeness(9, 10)))
    outcome = one(evaluate("historical_completeness_rate", over))
    assert not outcome.passed and outcome.metric_value == 10.1
    assert outcome.description == "10.1% of 1000 non-bootstrap rows have an incomplete last-10 history (101 rows)"


def test_bootstrap_rows_and_placeholders_are_not_counted():
    data = frame(
        rows(10, historical_completeness=completeness(10, 10)),
        rows(50, historical_completeness=completeness(2, 5)),  # bootstrap: fewer than 10 games expected
        rows(50, historical_completeness=completeness(0, 10), processing_decision_reason="early_season_placeholder"),
    )
    outcome = one(evaluate("historical_completeness_rate", data))
    assert outcome.passed and outcome.metric_value == 0.0 and outcome.details == {"rows": 10, "incomplete_rows": 0}
