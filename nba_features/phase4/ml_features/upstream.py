"""The four upstream Phase 4 tables the feature store reads for the exact date D (no fallback to
earlier dates): what each extract selects, how it joins to a feature-store row, and how its absence
shows (source-tracking prefix, data_quality_issues entry)."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from nba_features.contracts.features import COMPOSITE_INDICES, FEATURES


@dataclass(frozen=True)
class Upstream:
    """One upstream Phase 4 table read for the exact date D."""

    asset: str
    date_column: str
    table_key: str  # entity column of the upstream table
    roster_key: str  # the feature-store column it matches
    columns: tuple[str, ...]
    prefix: str  # short name of the joined columns
    source_prefix: str  # source-tracking column prefix (docs/RULES.md#feature-store-row-fields)
    issue: str  # data_quality_issues entry when the row is missing or not production-ready

    @property
    def table(self) -> str:
        return f"nba_precompute.{self.asset}"

    @property
    def sql(self) -> str:
        return f"""
-- bound: the run's dates only (exact date D, no fallback to earlier dates)
SELECT {self.date_column}, {self.table_key}, {", ".join(self.columns)}, is_production_ready, data_hash, processed_at
FROM {self.table}
WHERE {self.date_column} BETWEEN @start_date AND @end_date
"""


DAILY_CACHE = Upstream(
    "player_daily_cache", "cache_date", "player_lookup", "player_lookup",
    ("points_avg_last_5", "points_avg_last_10", "points_avg_season", "points_std_last_10", "games_in_last_7_days",
     "team_pace_last_10", "team_off_rating_last_10", "minutes_avg_last_10"),
    "pdc", "source_daily_cache", "upstream_player_daily_cache_incomplete",
)  # fmt: skip
COMPOSITE = Upstream(
    "player_composite_factors", "game_date", "player_lookup", "player_lookup",
    tuple(FEATURES[i].name for i in COMPOSITE_INDICES),  # the feature names are PCF's column names
    "pcf", "source_composite", "upstream_player_composite_factors_incomplete",
)  # fmt: skip
SHOT_ZONES = Upstream(
    "player_shot_zone_analysis", "analysis_date", "player_lookup", "player_lookup",
    ("paint_rate_last_10", "mid_range_rate_last_10", "three_pt_rate_last_10"),
    "psza", "source_shot_zones", "upstream_player_shot_zone_incomplete",
)  # fmt: skip
TEAM_DEFENSE = Upstream(
    "team_defense_zone_analysis", "analysis_date", "team_abbr", "opponent_team_abbr",
    ("defensive_rating_last_15", "opponent_pace"),
    "tdza", "source_team_defense", "upstream_team_defense_zone_incomplete",
)  # fmt: skip
# In the order of SPEC.upstream_assets (upstream_processors_ran / missing_processors list them so).
UPSTREAMS = (TEAM_DEFENSE, SHOT_ZONES, COMPOSITE, DAILY_CACHE)
UPSTREAM_ASSETS = tuple(u.asset for u in UPSTREAMS)
UPSTREAM_TABLES = {u.asset: u.table for u in UPSTREAMS}


def join_upstream(roster: pd.DataFrame, rows: pd.DataFrame, upstream: Upstream) -> pd.DataFrame:
    """Left-join an upstream Phase 4 table for the exact date, columns prefixed with its short name."""
    carried = [*upstream.columns, "is_production_ready", "data_hash", "processed_at"]
    renamed = rows.rename(
        columns={
            upstream.date_column: "date",
            upstream.table_key: upstream.roster_key,
            **{c: f"{upstream.prefix}_{c}" for c in carried},
        }
    )[["date", upstream.roster_key, *(f"{upstream.prefix}_{c}" for c in carried)]]
    renamed["date"] = pd.to_datetime(renamed["date"]).astype("datetime64[ns]")
    renamed[f"{upstream.prefix}_present"] = True
    joined = roster.merge(renamed, on=["date", upstream.roster_key], how="left", validate="many_to_one")
    present = joined[f"{upstream.prefix}_present"].astype("boolean").fillna(False).astype(bool)
    joined[f"{upstream.prefix}_present"] = present
    ready = joined[f"{upstream.prefix}_is_production_ready"].astype("boolean").fillna(False).astype(bool)
    joined[f"{upstream.prefix}_ready"] = present & ready
    return joined
