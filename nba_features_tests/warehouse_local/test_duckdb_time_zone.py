"""TIMESTAMP functions are evaluated in UTC on DuckDB whatever the machine's time zone, as on BigQuery
(docs/CONVENTIONS.md: TIMESTAMP columns are UTC). DuckDB takes its zone from the process environment, so the
query runs in a process started with another TZ. Found by tools/mutation.py (docs/MUTATION.md).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

QUERY = """
import json, sys
from nba_features.warehouse import DuckDBWarehouse
row = DuckDBWarehouse(sys.argv[1]).query(
    "SELECT DATE(TIMESTAMP '2024-01-16 03:00:00+00') AS d, EXTRACT(HOUR FROM TIMESTAMP '2024-01-16 03:00:00+00') AS h"
).iloc[0]
print(json.dumps({"d": str(row["d"].date()), "h": int(row["h"])}))
"""


def test_timestamps_are_read_in_utc_on_a_machine_in_another_zone(tmp_path):
    env = {**os.environ, "TZ": "America/Los_Angeles"}
    out = subprocess.run(
        [sys.executable, "-c", QUERY, str(tmp_path / "warehouse.duckdb")], env=env, capture_output=True, text=True, check=True
    )
    assert json.loads(out.stdout) == {"d": "2024-01-16", "h": 3}
