"""The code location: Phase 4 assets and their checks, the inputs, jobs, schedules, sensors, resources.

Resources are chosen by environment: NBA_FEATURES_ENV=local (default, embedded DuckDB) or prod
(BigQuery); see nba_features.warehouse.resource.
"""

from __future__ import annotations

import dagster as dg

from nba_features.automation import AUTOMATION_JOBS, SCHEDULES, SENSORS
from nba_features.phase4.assets import build_phase4_asset
from nba_features.phase4.registry import RUN_ORDER, checks_for
from nba_features.sources.assets import source_asset_specs
from nba_features.warehouse import warehouse_resource_from_env

PHASE4_ASSETS = [build_phase4_asset(table, checks_for(table), position) for position, table in enumerate(RUN_ORDER)]

defs = dg.Definitions(
    assets=[*source_asset_specs(), *PHASE4_ASSETS],
    jobs=AUTOMATION_JOBS,
    schedules=SCHEDULES,
    sensors=SENSORS,
    resources={"warehouse": warehouse_resource_from_env()},
)
