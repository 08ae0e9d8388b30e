CREATE TABLE IF NOT EXISTS nba_orchestration.daily_quality (
  game_date DATE NOT NULL OPTIONS(description="The partition (game date) of ml_feature_store_v2 these figures describe"),
  computed_at TIMESTAMP NOT NULL OPTIONS(description="processed_at of the feature-store run that wrote the date (UTC)"),
  run_id STRING OPTIONS(description="The Dagster run id of that run (NULL outside Dagster)"),
  games_scheduled INT64 NOT NULL OPTIONS(description="Games of the schedule on game_date"),
  skip_reason STRING OPTIONS(description="no games scheduled | bootstrap day (first 14 days of the season); NULL on a date the checks judge"),
  red BOOL NOT NULL OPTIONS(description="A blocking ERROR check of the feature store failed on the date (docs/RULES.md#red-partitions)"),
  red_checks ARRAY<STRING> OPTIONS(description="The blocking checks that failed on the date"),
  failed_checks ARRAY<STRING> OPTIONS(description="Every check of the feature store that failed on the date (WARN included)"),
  feature_store_rows INT64 NOT NULL OPTIONS(description="ml_feature_store_v2 rows of the date, bootstrap placeholders included"),
  placeholder_rows INT64 NOT NULL OPTIONS(description="Bootstrap placeholder rows (data_source early_season), left out of the tiers"),
  scored_rows INT64 NOT NULL OPTIONS(description="Rows the contamination tiers count: feature_count >= 37, placeholders left out (docs/RULES.md#contamination-tiers)"),
  tier1_rows INT64 NOT NULL OPTIONS(description="Scored rows with a required default (tier 1)"),
  tier1_pct FLOAT64 NOT NULL OPTIONS(description="tier1_rows / scored_rows, percent 0-100, 1 dp (0 without scored rows)"),
  tier1_alert_pct FLOAT64 NOT NULL OPTIONS(description="The tier-1 alert threshold in force when the date was written, percent"),
  tier2_rows INT64 NOT NULL OPTIONS(description="Scored rows whose only defaults are optional features (tier 2)"),
  quality_ready_rows INT64 NOT NULL OPTIONS(description="Scored rows with is_quality_ready"),
  quality_ready_pct FLOAT64 NOT NULL OPTIONS(description="quality_ready_rows / scored_rows, percent 0-100, 1 dp (0 without scored rows)"),
  quality_ready_min_pct FLOAT64 NOT NULL OPTIONS(description="The quality_ready_rate gate's minimum in force when the date was written, percent"),
  avg_quality_score FLOAT64 OPTIONS(description="Mean feature_quality_score of the scored rows, 2 dp; NULL without scored rows"),
  history_complete_pct FLOAT64 OPTIONS(description="Share of scored rows whose historical_completeness.is_complete, percent 1 dp; NULL without scored rows"),
  default_counts ARRAY<INT64> OPTIONS(description="Per feature index 0-59: scored rows in which the feature defaulted (tier 3 of any window is the sum over its dates)"),
  rows_team_defense_zone_analysis INT64 NOT NULL OPTIONS(description="Rows of nba_precompute.team_defense_zone_analysis for the date when the feature store ran"),
  rows_player_shot_zone_analysis INT64 NOT NULL OPTIONS(description="Rows of nba_precompute.player_shot_zone_analysis for the date when the feature store ran"),
  rows_player_composite_factors INT64 NOT NULL OPTIONS(description="Rows of nba_precompute.player_composite_factors for the date when the feature store ran"),
  rows_player_daily_cache INT64 NOT NULL OPTIONS(description="Rows of nba_precompute.player_daily_cache for the date when the feature store ran"),
  rows_ml_feature_store_v2 INT64 NOT NULL OPTIONS(description="Rows of nba_predictions.ml_feature_store_v2 for the date (= feature_store_rows)"),
  PRIMARY KEY (game_date) NOT ENFORCED
)
PARTITION BY game_date
CLUSTER BY game_date
OPTIONS(description="Per-date quality figures of the feature store, written with each feature-store partition (pipeline/table_run.py), so the quality charts (`nba-features report --html`) cost one query and the same numbers are queryable with SQL. No partition expiration (docs/RULES.md#no-partition-expiration).");
