"""Programs the fault and concurrency tests run as real processes (`python -m` this module).

write-and-hang WAREHOUSE TABLE DATE MARKER
    Replace partition DATE of TABLE with changed rows, and hang inside the write transaction: the
    INSERT calls a Python function that creates MARKER (so the test knows the DELETE has run and the
    INSERT is under way) and then sleeps until the test kills the process.
materialize WAREHOUSE ASSET DATE READY_FILE START_FILE
    Once imported, create READY_FILE and wait until START_FILE exists (so processes start
    together), materialize ASSET for DATE
    through Dagster on an ephemeral instance, print one JSON line: success, rows written, start, end,
    step failures.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import sys
import time
from pathlib import Path

HANG_SECONDS = 120


def write_and_hang(warehouse_path: str, table: str, day: str, marker: str) -> None:
    import duckdb

    from nba_features.contracts import contract
    from nba_features.warehouse import DuckDBWarehouse

    def pause_inside_write(_: object) -> bool:
        Path(marker).touch()
        time.sleep(HANG_SECONDS)
        return True

    class HangingWarehouse(DuckDBWarehouse):
        """The real DuckDB warehouse whose INSERT waits inside the replace transaction."""

        @contextlib.contextmanager
        def connect(self):
            with super().connect() as connection:
                connection.create_function(
                    "pause_inside_write",
                    pause_inside_write,
                    [duckdb.sqltype("VARCHAR")],
                    duckdb.sqltype("BOOLEAN"),
                    side_effects=True,
                )
                yield connection

        def _insert_sql(self, spec):
            return f"{super()._insert_sql(spec)} WHERE pause_inside_write({spec.primary_key[-1]})"

    warehouse = HangingWarehouse(warehouse_path)
    date = dt.date.fromisoformat(day)
    column = contract(table).partition_column
    rows = warehouse.query(f"SELECT * FROM {table} WHERE {column} = @day", {"day": date})
    changed = rows.iloc[: len(rows) // 2].assign(processed_at=rows["processed_at"] + dt.timedelta(days=1))
    warehouse.replace_partitions(table, [date], changed)
    raise SystemExit("the write was expected to hang until the process is killed")


def materialize(warehouse_path: str, asset: str, day: str, ready_file: str, start_file: str) -> None:
    import warnings

    import dagster as dg

    # partitioned checks and backfill policies are Dagster beta/preview APIs, chosen knowingly
    warnings.filterwarnings("ignore", category=dg.BetaWarning)
    warnings.filterwarnings("ignore", category=dg.PreviewWarning)
    from nba_features.defs.phase4_assets import PHASE4_ASSETS
    from nba_features.defs.resources import WarehouseResource

    selected = [a for a in PHASE4_ASSETS if a.key == dg.AssetKey(asset)]
    Path(ready_file).touch()
    while not Path(start_file).exists():
        time.sleep(0.01)
    started = time.time()
    with dg.DagsterInstance.ephemeral() as instance:
        result = dg.materialize(
            selected,
            partition_key=day,
            instance=instance,
            resources={"warehouse": WarehouseResource(duckdb_path=warehouse_path)},
            run_config={"loggers": {"console": {"config": {"log_level": "ERROR"}}}},
            raise_on_error=False,
        )
        rows = [m.metadata["dagster/row_count"].value for m in result.asset_materializations_for_node(asset)]
        failures = [e.event_specific_data.error.message for e in result.all_events if e.event_type_value == "STEP_FAILURE"]
    print(json.dumps({"success": result.success, "rows": rows, "started": started, "ended": time.time(), "failures": failures}))


if __name__ == "__main__":
    command, *arguments = sys.argv[1:]
    {"write-and-hang": write_and_hang, "materialize": materialize}[command](*arguments)
