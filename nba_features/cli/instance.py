"""The Dagster instance the CLI runs on: DAGSTER_HOME, by default the project root (its dagster.yaml)."""

from __future__ import annotations

import os
from pathlib import Path

import dagster as dg

PROJECT_ROOT = Path(__file__).resolve().parents[2]
# A range run's materializations and planned events are stored in batches of this many, one statement a
# batch instead of one a partition (Dagster reads DAGSTER_EVENT_BATCH_SIZE in the process that runs the
# steps; deploy/Dockerfile sets it for every production process). Measured on a season run: no change on
# SQLite, 87 -> 53 s on PostgreSQL (bench/RESULTS.md). Check evaluations are never batched by Dagster; the
# project's event log makes each one cheaper instead (lib/check_event_writes.py).
EVENT_BATCH_SIZE = "1000"


def cli_instance() -> dg.DagsterInstance:
    os.environ.setdefault("DAGSTER_HOME", str(PROJECT_ROOT))
    os.environ.setdefault("DAGSTER_EVENT_BATCH_SIZE", EVENT_BATCH_SIZE)
    os.chdir(PROJECT_ROOT)  # dagster.yaml keeps storage paths relative to the project root
    return dg.DagsterInstance.get()
