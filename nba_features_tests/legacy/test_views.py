"""schemas/ views: the unpivot view names every feature of the registry, in order, with its own columns."""

from __future__ import annotations

import sqlglot
from sqlglot import exp

from nba_features.contracts import contract, load_views
from nba_features.contracts.features import FEATURES

UNPIVOT = "nba_predictions.v_feature_quality_unpivot"


def test_the_unpivot_view_has_one_branch_per_registry_feature():
    query = sqlglot.parse_one(load_views()[UNPIVOT].query, read="bigquery")
    branches = sorted(query.find_all(exp.Select), key=lambda b: int(b.selects[2].this.name))  # by feature_index
    assert len(branches) == len(FEATURES) == 60
    store = contract("nba_predictions.ml_feature_store_v2").column_names
    for branch, feature in zip(branches, FEATURES):
        columns = {e.alias_or_name: e.this.sql() if isinstance(e, exp.Alias) else e.name for e in branch.expressions}
        i = feature.index
        assert columns == {
            "game_date": "game_date",
            "player_lookup": "player_lookup",
            "feature_index": str(i),
            "feature_name": f"'{feature.name}'",
            "feature_value": f"feature_{i}_value",
            "feature_source": f"feature_{i}_source",
            "feature_quality": f"feature_{i}_quality",
        }
        assert {f"feature_{i}_value", f"feature_{i}_source", f"feature_{i}_quality"} <= set(store)
        assert [t.sql() for t in branch.find_all(exp.Table)] == ["nba_predictions.ml_feature_store_v2"]
