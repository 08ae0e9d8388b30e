"""`nba-features schema check|apply`: live tables against schemas/."""

from __future__ import annotations

from nba_features.contracts import load_contracts
from nba_features.warehouse import warehouse_from_env


def schema_command(action: str) -> int:
    warehouse = warehouse_from_env()
    if action == "apply":
        actions = warehouse.apply_schemas()
        print("\n".join(actions) if actions else "all tables match schemas/")
        return 0
    drifted = 0
    for name in sorted(load_contracts()):
        diff = warehouse.schema_diff(name)
        drifted += not diff.ok
        print(("ok    " if diff.ok else "DRIFT ") + diff.describe())
    return 1 if drifted else 0
