"""The partitioned job over the five Phase 4 assets (schedules, sensors and backfills launch it)."""

from __future__ import annotations

import dagster as dg

PHASE4_SELECTION = dg.AssetSelection.groups("phase4")

# Run monitoring (dagster.yaml) stops a run of this job past this many seconds (docs/ALERTS.md#run-monitoring).
# Its runs are one or a few dates (schedules, sensors): a daily run takes 6.6 s through Dagster on DuckDB
# (bench/RESULTS.md); 30 minutes leaves BigQuery three statements at their full limit (600 s), and still lets
# the instance's one retry of the 08:00 run finish before the 10:00 freshness deadline.
DAILY_MAX_RUNTIME_SECONDS = 1800

phase4_job = dg.define_asset_job(
    "phase4_job",
    selection=PHASE4_SELECTION,
    description="Materialize the five Phase 4 tables (and their checks) for one game date or a range.",
    tags={"dagster/max_runtime": str(DAILY_MAX_RUNTIME_SECONDS)},
)

JOBS = [phase4_job]
