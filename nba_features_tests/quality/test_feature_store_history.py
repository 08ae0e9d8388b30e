"""What the feature-store canaries count (docs/RULES.md#feature-store-canaries): when the run itself wrote no row,
the trailing window is exactly the stored rows before the run, none counted twice; historical completeness counts
the incomplete rows among the non-bootstrap ones. Found by tools/mutation.py (docs/MUTATION.md).
"""

from __future__ import annotations

from nba_features_tests.quality import test_feature_store_checks as checks

store = checks.store  # the module's read-only warehouse fixture, shared


def test_an_empty_run_is_judged_on_the_stored_window_alone(store):
    outcome = checks.one(
        checks.evaluate("contamination_tier1_trailing", checks.frame(checks.rows(0)), [checks.TIER1_OVER_LIMIT], warehouse=store)
    )
    assert (outcome.metric_value, outcome.details["rows"]) == (15.1, 1000)
    assert not outcome.passed


def block(found: int, expected: int) -> dict:
    return {
        "games_found": found, "games_expected": expected, "is_complete": found >= expected, "is_bootstrap": expected < 10,
        "contributing_game_dates": [],
    }  # fmt: skip


def test_historical_completeness_counts_incomplete_non_bootstrap_rows():
    # docs/RULES.md#historical-completeness: 10 complete + 1 incomplete non-bootstrap rows, 2 bootstrap rows not counted
    data = checks.frame(
        checks.rows(10, historical_completeness=block(10, 10)),
        checks.rows(1, historical_completeness=block(7, 10)),
        checks.rows(2, historical_completeness=block(3, 5)),
    )
    outcome = checks.one(checks.evaluate("historical_completeness_rate", data))
    assert outcome.passed and outcome.metric_value == 9.1
    assert outcome.details == {"rows": 11, "incomplete_rows": 1}
