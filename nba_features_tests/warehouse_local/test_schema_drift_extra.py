"""A live column the contract does not know is drift too (docs/RULES.md#schemas): schema_diff reports it as
`extra`, so `schema check` shows it. Found by tools/mutation.py (docs/MUTATION.md).
"""

from __future__ import annotations

TABLE = "nba_orchestration.data_quality_events"


def test_an_extra_live_column_is_reported(warehouse):
    warehouse.execute_native(f"ALTER TABLE {TABLE} ADD COLUMN not_in_contract VARCHAR")
    diff = warehouse.schema_diff(TABLE)
    assert not diff.ok
    assert [(d.column, d.problem, d.expected, d.live) for d in diff.drift] == [("not_in_contract", "extra", None, "STRING")]
    assert "not_in_contract" in diff.describe()
