"""The partitioned job over the five Phase 4 assets (schedules, sensors and backfills launch it)."""

from __future__ import annotations

import dagster as dg

PHASE4_SELECTION = dg.AssetSelection.groups("phase4")

phase4_job = dg.define_asset_job(
    "phase4_job",
    selection=PHASE4_SELECTION,
    description="Materialize the five Phase 4 tables (and their checks) for one game date or a range.",
)

JOBS = [phase4_job]
