"""`nba-features schema check|apply`: live tables and views against schemas/.

`check` prints one line per table and view: `ok` (the contract's types, or documented legacy types, named
as compatible: docs/LEGACY.md#type-compatibility) or `DRIFT` (missing table, missing or extra column, an
incompatible type); exit 1 on any drift. In shadow mode the input tables are checked where they are read and
`apply` leaves them alone (docs/LEGACY.md#shadow-mode).
"""

from __future__ import annotations

from nba_features.contracts import load_contracts, load_views
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
    for name in sorted(load_views()):
        diff = warehouse.view_diff(name)
        drifted += not diff.ok
        print(f"ok    {name}: view exists" if diff.ok else f"DRIFT {name}: view does not exist")
    return 1 if drifted else 0
