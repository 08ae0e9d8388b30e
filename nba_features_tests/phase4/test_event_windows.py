"""Point-in-time windows of the feature store (phase4/ml_features/windows.py) on hand-made positions: a window
[start, end) of 2 events and one of 3. The sample standard deviation has ddof 1 and needs 2 values
(docs/RULES.md#feature-list: the *_std_* features); a window has a k-th newest event only within its own bounds.
Found by tools/mutation.py (docs/MUTATION.md).
"""

from __future__ import annotations

import math

import numpy as np

from nba_features.phase4.ml_features.windows import Windows

WINDOWS = Windows(start=np.array([0, 3, 6]), end=np.array([2, 6, 7]))  # 2 events, 3 events, 1 event
VALUES = np.array([10.0, 14.0, 99.0, 1.0, 2.0, 3.0, 5.0])


def test_sample_standard_deviation_from_two_values():
    std = WINDOWS.std(VALUES)
    assert math.isclose(std[0], math.sqrt(8.0))  # (10, 14): mean 12, squares 4 + 4, / (2 - 1)
    assert math.isclose(std[1], 1.0)  # (1, 2, 3): squares 1 + 0 + 1, / (3 - 1)
    assert math.isnan(std[2])  # one value: no sample deviation


def test_a_kth_newest_event_exists_only_inside_the_window():
    assert WINDOWS.present(0).tolist() == [True, True, True]
    assert WINDOWS.present(1).tolist() == [True, True, False]
    assert WINDOWS.present(2).tolist() == [False, True, False]
