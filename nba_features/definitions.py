"""The code location: everything under `nba_features/defs/`, with the resources of this environment.

Inputs (external assets), the five Phase 4 assets with their checks, the job, schedules and sensors;
resources by environment (`NBA_FEATURES_ENV`: local = embedded DuckDB, prod = BigQuery),
`defs/resources.py`.
"""

from __future__ import annotations

import dagster as dg

from nba_features.defs.inputs import INPUT_ASSETS
from nba_features.defs.jobs import JOBS
from nba_features.defs.phase4_assets import PHASE4_ASSETS
from nba_features.defs.resources import resources_for_environment
from nba_features.defs.schedules import SCHEDULES
from nba_features.defs.sensors import SENSORS

defs = dg.Definitions(
    assets=[*INPUT_ASSETS, *PHASE4_ASSETS],
    jobs=JOBS,
    schedules=SCHEDULES,
    sensors=SENSORS,
    resources=resources_for_environment(),
)
