CREATE TABLE IF NOT EXISTS nba_precompute.player_composite_factors (
  player_lookup STRING NOT NULL OPTIONS(description="Normalized player key"),
  universal_player_id STRING OPTIONS(description="Universal player id from upcoming_player_game_context"),
  game_date DATE NOT NULL OPTIONS(description="Game date D this pre-game row is for; inputs are the pre-game rows for D (upcoming contexts, shot zones, team defence for D) and player_game_summary rows with game_date < D"),
  game_id STRING OPTIONS(description="Game id 'YYYYMMDD_AWAY_HOME' of the player's game on D"),
  analysis_date DATE NOT NULL OPTIONS(description="Same as game_date (the date the factors were computed for)"),

  fatigue_score INT64 NOT NULL OPTIONS(description="Fatigue score 0-100, higher = fresher: 100 - back-to-back 15 (+5 if days_rest >= 3) - 10 if >= 4 games in 7 days - 10 if > 240 minutes in 7 days - 8 if > 35 minutes per game over 7 days - 12/5 for >= 2/1 back-to-backs in 14 days - 10/5 for age >= 35/30, clamped to [0, 100]"),
  shot_zone_mismatch_score FLOAT64 NOT NULL OPTIONS(description="Opponent's vs-league defence (percentage points) in the player's primary zone x min(zone rate / 50, 1), x 1.2 beyond +-5, clamped to [-10, 10], 1 dp; positive = favourable for the shooter; 0.0 when the player's shot-zone row or the opponent's team-defence row is missing"),
  pace_score FLOAT64 NOT NULL OPTIONS(description="pace_differential / 2 (possessions), clamped to [-3, 3], 1 dp; 0.0 when the differential is unknown"),
  usage_spike_score FLOAT64 NOT NULL OPTIONS(description="0.3 x (projected usage - average usage over the last 7 games) in usage-rate points, x 1.15 / 1.30 for a positive spike with 1 / >= 2 star teammates out, clamped to [-3, 3], 1 dp"),
  referee_favorability_score FLOAT64 NOT NULL OPTIONS(description="Deferred factor, always 0.0"),
  look_ahead_pressure_score FLOAT64 NOT NULL OPTIONS(description="Deferred factor, always 0.0"),
  travel_impact_score FLOAT64 NOT NULL OPTIONS(description="Deferred factor, always 0.0"),
  opponent_strength_score FLOAT64 NOT NULL OPTIONS(description="Deferred factor, always 0.0"),
  total_composite_adjustment FLOAT64 NOT NULL OPTIONS(description="(fatigue_score - 100) / 20 + mismatch + pace + usage + deferred factors, from the unrounded factor values, points, 2 dp"),

  fatigue_context_json STRING NOT NULL OPTIONS(description="JSON (sorted keys) of the fatigue inputs used (defaults applied), penalties_applied, bonuses_applied, final_score"),
  shot_zone_context_json STRING NOT NULL OPTIONS(description="JSON (sorted keys): player_primary_zone, primary_zone_frequency (percent), opponent_weak_zone, opponent_defense_vs_league (percentage points), mismatch_type, final_score; an object with missing_data = true when a zone row is missing"),
  pace_context_json STRING NOT NULL OPTIONS(description="JSON (sorted keys): pace_differential, opponent_pace_last_10, league_avg_pace (100), pace_environment (fast > 2, slow < -2, else normal), final_score"),
  usage_context_json STRING NOT NULL OPTIONS(description="JSON (sorted keys): projected_usage_rate, avg_usage_last_7, usage_differential, star_teammates_out, usage_trend (spike > 2, drop < -2, else stable), final_score"),

  calculation_version STRING NOT NULL OPTIONS(description="v1_4factors"),
  data_completeness_pct FLOAT64 NOT NULL OPTIONS(description="20 x the number present among days_rest, projected_usage_rate, pace_differential, the player's shot-zone row, the opponent's team-defence row; percent 0-100"),
  missing_data_fields STRING OPTIONS(description="Comma-separated names of the missing ones (days_rest, projected_usage_rate, pace_differential, player_shot_zone, team_defense_zone); NULL if none"),
  has_warnings BOOL NOT NULL OPTIONS(description="warning_details is not NULL"),
  warning_details STRING OPTIONS(description="'; '-joined EXTREME_FATIGUE (fatigue_score < 50), EXTREME_MATCHUP (|mismatch| > 8), EXTREME_ADJUSTMENT (|total| > 12); NULL if none"),

  upstream_player_shot_ready BOOL NOT NULL OPTIONS(description="The player's player_shot_zone_analysis row for D exists and is production ready"),
  upstream_team_defense_ready BOOL NOT NULL OPTIONS(description="The opponent's team_defense_zone_analysis row for D exists and is production ready"),
  upstream_player_context_ready BOOL NOT NULL OPTIONS(description="The player's upcoming_player_game_context row for D is production ready"),
  upstream_team_context_ready BOOL NOT NULL OPTIONS(description="The opponent's upcoming_team_game_context row for D exists"),
  all_upstreams_ready BOOL NOT NULL OPTIONS(description="All four upstream flags are TRUE"),

  source_player_context_last_updated TIMESTAMP OPTIONS(description="Latest processed_at of the upcoming_player_game_context rows for D"),
  source_player_context_rows_found INT64 NOT NULL OPTIONS(description="upcoming_player_game_context rows for D"),
  source_player_context_completeness_pct FLOAT64 NOT NULL OPTIONS(description="Teams scheduled on D that have upcoming_player_game_context rows, percent 0-100"),
  source_player_context_hash STRING OPTIONS(description="First 16 hex chars of SHA-256 over the sorted 'player_lookup:data_hash' tokens ('|'-joined) of the upcoming_player_game_context rows for D; NULL when there are none"),
  source_team_context_last_updated TIMESTAMP OPTIONS(description="Latest processed_at of the upcoming_team_game_context rows for D"),
  source_team_context_rows_found INT64 NOT NULL OPTIONS(description="upcoming_team_game_context rows for D"),
  source_team_context_completeness_pct FLOAT64 NOT NULL OPTIONS(description="Teams scheduled on D that have an upcoming_team_game_context row, percent 0-100"),
  source_team_context_hash STRING OPTIONS(description="First 16 hex chars of SHA-256 over the sorted 'team_abbr:data_hash' tokens ('|'-joined) of the upcoming_team_game_context rows for D; NULL when there are none"),
  source_player_shot_last_updated TIMESTAMP OPTIONS(description="Latest processed_at of the player_shot_zone_analysis rows for D"),
  source_player_shot_rows_found INT64 NOT NULL OPTIONS(description="player_shot_zone_analysis rows for D"),
  source_player_shot_completeness_pct FLOAT64 NOT NULL OPTIONS(description="Players of upcoming_player_game_context for D that have a player_shot_zone_analysis row, percent 0-100"),
  source_player_shot_hash STRING OPTIONS(description="First 16 hex chars of SHA-256 over the sorted 'player_lookup:data_hash' tokens ('|'-joined) of the player_shot_zone_analysis rows for D; NULL when there are none"),
  source_team_defense_last_updated TIMESTAMP OPTIONS(description="Latest processed_at of the team_defense_zone_analysis rows for D"),
  source_team_defense_rows_found INT64 NOT NULL OPTIONS(description="team_defense_zone_analysis rows for D"),
  source_team_defense_completeness_pct FLOAT64 NOT NULL OPTIONS(description="Teams scheduled on D that have a team_defense_zone_analysis row, percent 0-100"),
  source_team_defense_hash STRING OPTIONS(description="First 16 hex chars of SHA-256 over the sorted 'team_abbr:data_hash' tokens ('|'-joined) of the team_defense_zone_analysis rows for D; NULL when there are none"),

  expected_games_count INT64 NOT NULL OPTIONS(description="Final games this season before D, per the schedule, of the player's team (that of his latest player_game_summary row in the 60 days before D, else his upcoming-context team): the last 10 within those 60 days, capped at 10"),
  actual_games_count INT64 NOT NULL OPTIONS(description="Dates with a player_game_summary row of the player within those expected games' span [oldest expected game, D)"),
  completeness_percentage FLOAT64 NOT NULL OPTIONS(description="actual / expected x 100, capped at 100; 100 when nothing is expected; percent 0-100, 2 dp"),
  missing_games_count INT64 NOT NULL OPTIONS(description="max(expected - actual, 0)"),
  is_production_ready BOOL NOT NULL OPTIONS(description="completeness_percentage >= 70 AND all_upstreams_ready"),
  data_quality_issues ARRAY<STRING> OPTIONS(description="own_data_incomplete, upstream_player_shot_zone_incomplete, upstream_team_defense_zone_incomplete, upstream_player_context_incomplete, upstream_team_context_incomplete, and '<factor> out of range' messages; empty if none"),
  season_boundary_detected BOOL NOT NULL OPTIONS(description="D falls in October, November or April (season start / end months)"),
  backfill_bootstrap_mode BOOL NOT NULL OPTIONS(description="D is within the first 30 days of the season (schedule season start)"),
  processing_decision_reason STRING NOT NULL OPTIONS(description="Why the row was written: processed_successfully"),
  early_season_flag BOOL NOT NULL OPTIONS(description="The player's shot-zone row or the opponent's team-defence row for D is flagged early season"),
  insufficient_data_reason STRING OPTIONS(description="Why the row rests on thin data (early-season upstream samples, missing player_game_summary games); NULL otherwise"),

  processed_at TIMESTAMP NOT NULL OPTIONS(description="Run timestamp (UTC, audit)"),
  created_at TIMESTAMP NOT NULL OPTIONS(description="Run timestamp (UTC, audit)"),
  data_hash STRING NOT NULL OPTIONS(description="First 16 hex chars of SHA-256 over the field:value pairs of player_lookup, universal_player_id, game_date, game_id, the eight factor scores, total_composite_adjustment and calculation_version"),
  PRIMARY KEY (game_date, player_lookup) NOT ENFORCED
)
PARTITION BY game_date
CLUSTER BY player_lookup, universal_player_id, game_date
OPTIONS(
  require_partition_filter=TRUE,
  description="Pre-game composite adjustment factors (fatigue, shot-zone mismatch, pace, usage spike; four deferred factors at 0.0) for every player of upcoming_player_game_context on game date D. Sources: upcoming player/team game context for D, player_shot_zone_analysis and team_defense_zone_analysis for D, player_game_summary before D (completeness) and the schedule. No rows on days without games or in the first 14 days of a season."
);
