"""Result frames in the shapes of docs/CONVENTIONS.md whichever warehouse produced them: arrays as Python lists,
inside STRUCT values too, even when the struct mixes plain fields with arrays. Found by tools/mutation.py
(docs/MUTATION.md).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from nba_features.warehouse.base import normalize_result


def test_arrays_inside_a_struct_with_plain_fields_become_lists():
    frame = pd.DataFrame({"s": [{"n": 1, "values": np.array([1.5, 2.5])}, {"n": 2, "values": np.array([], dtype=float)}]})
    out = normalize_result(frame)
    assert out["s"].tolist() == [{"n": 1, "values": [1.5, 2.5]}, {"n": 2, "values": []}]
    assert all(type(v["values"]) is list for v in out["s"])


def test_an_array_of_arrays_becomes_nested_lists():
    frame = pd.DataFrame({"a": [np.array([np.array([1, 2]), np.array([3])], dtype=object)]})
    out = normalize_result(frame)
    assert out["a"].tolist() == [[[1, 2], [3]]]
    assert type(out["a"][0][0]) is list


def test_a_struct_of_only_an_array_and_a_null_struct():
    frame = pd.DataFrame({"s": [{"values": np.array([1, 2])}, None]})
    out = normalize_result(frame)
    assert out["s"].tolist() == [{"values": [1, 2]}, None]
    assert type(out["s"][0]["values"]) is list
