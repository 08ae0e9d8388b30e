"""Two real processes materializing Phase 4 partitions through Dagster at once, on one DuckDB file.

DuckDB lets one process at a time hold the file: each warehouse operation opens and closes its own
connection, so two runs interleave their reads and serialise their writes through the file lock,
retrying a lock held by the other with backoff (TransientWarehouseError). A partition replace is one
transaction (DELETE the dates + INSERT the frame), so whichever run commits last leaves exactly its
own rows: never a mix of the two runs, never duplicates.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from nba_features.contracts import contract
from nba_features_tests.reliability.conftest import D1, D2, rows_of

ROOT = Path(__file__).resolve().parents[2]
ASSET = "player_shot_zone_analysis"
TABLE = "nba_precompute.player_shot_zone_analysis"


def run_together(warehouse_path: Path, directory: Path, *days: str) -> list[dict]:
    """Start one `materialize` process per day, release them together once all are ready, return
    their JSON reports."""
    start_file = directory / "start"
    ready_files = [directory / f"ready_{n}" for n in range(len(days))]
    processes = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "nba_features_tests.reliability._processes",
                "materialize",
                str(warehouse_path),
                ASSET,
                day,
                str(ready),
                str(start_file),
            ],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )  # fmt: skip
        for day, ready in zip(days, ready_files)
    ]
    deadline = time.monotonic() + 120
    while not all(ready.exists() for ready in ready_files):
        assert time.monotonic() < deadline and all(p.poll() is None for p in processes), [
            p.stderr.read() for p in processes if p.poll() is not None
        ]
        time.sleep(0.02)
    start_file.touch()
    reports = []
    for process in processes:
        stdout, stderr = process.communicate(timeout=300)
        assert process.returncode == 0, stderr
        reports.append(json.loads(stdout.strip().splitlines()[-1]))
    return reports


@pytest.mark.slow
def test_concurrent_runs_of_one_partition_leave_one_runs_rows_and_other_partitions_proceed(league, tmp_path):
    """Three processes at once: two materialize D1, one materializes D2."""
    before = rows_of(league, TABLE, [D2])
    first, second, other = run_together(league.path, tmp_path, D1.isoformat(), D1.isoformat(), D2.isoformat())
    assert first["success"] and second["success"] and other["success"], (first["failures"], second["failures"], other["failures"])

    # the same partition twice: exactly the rows of one run, no duplicates, no mix
    assert first["rows"] == second["rows"] and first["rows"][0] > 0
    rows = rows_of(league, TABLE, [D1])
    assert not rows.duplicated(list(contract(TABLE).primary_key)).any()
    assert len(rows) == first["rows"][0]
    assert rows["processed_at"].nunique() == 1 and rows["created_at"].nunique() == 1  # one run's audit stamp

    # another partition at the same time: it ran alongside and holds its own run's rows
    assert other["started"] < min(first["ended"], second["ended"]) and max(first["started"], second["started"]) < other["ended"]
    rows = rows_of(league, TABLE, [D2])
    assert len(rows) == other["rows"][0] == len(before)
    assert rows["processed_at"].nunique() == 1 and (rows["processed_at"] > before["processed_at"].max()).all()
