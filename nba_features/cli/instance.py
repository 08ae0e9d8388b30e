"""The Dagster instance the CLI runs on: DAGSTER_HOME, by default the project root (its dagster.yaml)."""

from __future__ import annotations

import os
from pathlib import Path

import dagster as dg

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def cli_instance() -> dg.DagsterInstance:
    os.environ.setdefault("DAGSTER_HOME", str(PROJECT_ROOT))
    os.chdir(PROJECT_ROOT)  # dagster.yaml keeps storage paths relative to the project root
    return dg.DagsterInstance.get()
