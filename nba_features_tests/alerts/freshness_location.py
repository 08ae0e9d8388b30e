"""A code location for the freshness tests: the Phase 4 assets and the freshness sensor, on the
DuckDB file at NBA_FEATURES_WAREHOUSE (loaded in-process by the daemon's sensor loop)."""

import dagster as dg

from nba_features.defs.inputs import INPUT_ASSETS
from nba_features.defs.phase4_assets import PHASE4_ASSETS
from nba_features.defs.resources import WarehouseResource
from nba_features.defs.sensors.freshness import freshness_sensor

defs = dg.Definitions(
    assets=[*INPUT_ASSETS, *PHASE4_ASSETS],
    sensors=[freshness_sensor],
    resources={"warehouse": WarehouseResource()},
)
