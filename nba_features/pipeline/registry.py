"""The five Phase 4 tables in run order, with the checks each one carries.

Run order: team_defense_zone_analysis → player_shot_zone_analysis → player_composite_factors →
player_daily_cache → ml_feature_store_v2. Lineage edges follow the true data dependencies declared
on each Phase4Table (composite ← shot zones + team defense; daily cache ← shot zones; the feature
store ← all four).
"""

from __future__ import annotations

from nba_features.phase4 import (
    ml_feature_store_v2,
    player_composite_factors,
    player_daily_cache,
    player_shot_zone_analysis,
    team_defense_zone_analysis,
)
from nba_features.phase4.spec import Phase4Table
from nba_features.quality.expected_rows import EXPECTED_ROWS, VALUE_RANGES
from nba_features.quality.feature_store_checks import feature_store_checks
from nba_features.quality.outcomes import CheckDefinition
from nba_features.quality.table_checks import standard_checks

RUN_ORDER: tuple[Phase4Table, ...] = (
    team_defense_zone_analysis.SPEC,
    player_shot_zone_analysis.SPEC,
    player_composite_factors.SPEC,
    player_daily_cache.SPEC,
    ml_feature_store_v2.SPEC,
)
PHASE4_TABLES: dict[str, Phase4Table] = {t.asset_name: t for t in RUN_ORDER}
FEATURE_STORE = ml_feature_store_v2.SPEC.asset_name


def checks_for(table: Phase4Table) -> list[CheckDefinition]:
    checks = standard_checks(
        EXPECTED_ROWS[table.asset_name], VALUE_RANGES[table.asset_name], bootstrap_writes_rows=table.asset_name == FEATURE_STORE
    )
    if table.asset_name == FEATURE_STORE:
        checks += feature_store_checks()
    return checks


PHASE4_ASSET_NAMES: tuple[str, ...] = tuple(t.asset_name for t in RUN_ORDER)
