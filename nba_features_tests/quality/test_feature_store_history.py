"""The trailing window of the feature-store canaries when the run itself wrote no row (docs/RULES.md#feature-store-
canaries): the window is exactly the stored rows before the run, none counted twice. Found by tools/mutation.py
(docs/MUTATION.md).
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
