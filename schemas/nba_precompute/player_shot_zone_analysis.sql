CREATE TABLE IF NOT EXISTS nba_precompute.player_shot_zone_analysis (
  player_lookup STRING NOT NULL OPTIONS(description="Normalized player key"),
  universal_player_id STRING OPTIONS(description="Registry player id, from the player's most recent qualifying game"),
  analysis_date DATE NOT NULL OPTIONS(description="Game date D this pre-game row is for; every window reads games with game_date < D"),

  paint_rate_last_10 FLOAT64 OPTIONS(description="Paint share of zone shot attempts over the last <= 10 qualifying games this season, percent 0-100, 2 dp; NULL if zone data incomplete or no attempts"),
  mid_range_rate_last_10 FLOAT64 OPTIONS(description="Mid-range share of zone shot attempts over the last 10 games, percent 0-100, 2 dp"),
  three_pt_rate_last_10 FLOAT64 OPTIONS(description="Three-point share of zone shot attempts over the last 10 games, percent 0-100, 2 dp"),
  total_shots_last_10 INT64 OPTIONS(description="Paint + mid-range + three-point attempts over the last 10 games; NULL if 0"),
  games_in_sample_10 INT64 NOT NULL OPTIONS(description="Games in the last-10 sample: the player's last min(n, 10) of his n qualifying games this season before D; a player has a row from n = 3"),
  sample_quality_10 STRING NOT NULL OPTIONS(description="excellent (10 games) | good (>= 7) | limited (>= 5) | insufficient"),

  paint_pct_last_10 FLOAT64 OPTIONS(description="Paint FG% over the last 10 games, fraction 0-1, 3 dp; NULL if no paint attempts"),
  mid_range_pct_last_10 FLOAT64 OPTIONS(description="Mid-range FG% over the last 10 games, fraction 0-1, 3 dp; NULL if no attempts"),
  three_pt_pct_last_10 FLOAT64 OPTIONS(description="Three-point FG% over the last 10 games, fraction 0-1, 3 dp; NULL if no attempts"),

  paint_attempts_per_game FLOAT64 OPTIONS(description="Paint attempts per game over the last 10 games, 1 dp"),
  mid_range_attempts_per_game FLOAT64 OPTIONS(description="Mid-range attempts per game over the last 10 games, 1 dp"),
  three_pt_attempts_per_game FLOAT64 OPTIONS(description="Three-point attempts per game over the last 10 games, 1 dp"),

  paint_rate_last_20 FLOAT64 OPTIONS(description="Paint share of zone attempts over the last <= 20 qualifying games, percent 0-100, 2 dp; NULL unless >= 15 games"),
  paint_pct_last_20 FLOAT64 OPTIONS(description="Paint FG% over the last 20 games, fraction 0-1, 3 dp; NULL unless >= 15 games"),
  games_in_sample_20 INT64 NOT NULL OPTIONS(description="Qualifying games in the last-20 window (max 20)"),
  sample_quality_20 STRING NOT NULL OPTIONS(description="excellent (20 games) | good (>= 14) | limited (>= 10) | insufficient"),

  assisted_rate_last_10 FLOAT64 OPTIONS(description="Assisted made FGs / made FGs over the last 10 games, percent 0-100, 2 dp"),
  unassisted_rate_last_10 FLOAT64 OPTIONS(description="Unassisted made FGs / made FGs over the last 10 games, percent 0-100, 2 dp"),

  player_position STRING OPTIONS(description="Always NULL: no position source feeds this table (legacy parity)"),
  primary_scoring_zone STRING OPTIONS(description="paint (paint rate >= 40) | perimeter (three rate >= 40) | mid_range (mid rate >= 35) | balanced; NULL without rates"),
  data_quality_tier STRING NOT NULL OPTIONS(description="high (10 games in the last-10 sample) | medium (7-9) | low (3-6)"),
  calculation_notes STRING OPTIONS(description="Why metrics were withheld; NULL if none"),

  source_player_game_last_updated TIMESTAMP OPTIONS(description="Latest processed_at of the player_game_summary rows in the last-20 window"),
  source_player_game_rows_found INT64 OPTIONS(description="player_game_summary rows in the last-20 window"),
  source_player_game_completeness_pct FLOAT64 OPTIONS(description="Rows found against the schedule's final games in the window, percent 0-100 (same basis as completeness_percentage)"),
  source_player_game_hash STRING OPTIONS(description="First 16 hex chars of SHA-256 over the last-20 window rows' game_id:data_hash, oldest first"),

  expected_games_count INT64 NOT NULL OPTIONS(description="Final games this season before D of the player's current team (team of his latest box score), capped at 10"),
  actual_games_count INT64 NOT NULL OPTIONS(description="The player's player_game_summary rows (any status) dated within those expected games' span [oldest expected game, D), capped at expected"),
  completeness_percentage FLOAT64 NOT NULL OPTIONS(description="actual / expected x 100, percent 0-100; 100 when nothing is expected"),
  missing_games_count INT64 NOT NULL OPTIONS(description="expected - actual"),
  is_production_ready BOOL NOT NULL OPTIONS(description="completeness_percentage >= 70"),
  data_quality_issues ARRAY<STRING> OPTIONS(description="Real upstream gaps: missing_upstream_games, incomplete_zone_data; empty if none"),
  season_boundary_detected BOOL NOT NULL OPTIONS(description="D falls in October, November or April (season start / end months)"),
  backfill_bootstrap_mode BOOL NOT NULL OPTIONS(description="D is within the first 30 days of the season (schedule season start)"),
  processing_decision_reason STRING NOT NULL OPTIONS(description="Why the row was written: processed_successfully"),
  early_season_flag BOOL NOT NULL OPTIONS(description="The last-10 sample is not full yet: games_in_sample_10 < 10"),
  insufficient_data_reason STRING OPTIONS(description="Why the last-10 sample is short of 10 games; NULL when it is full"),

  processed_at TIMESTAMP NOT NULL OPTIONS(description="Run timestamp (UTC, audit)"),
  created_at TIMESTAMP NOT NULL OPTIONS(description="Run timestamp (UTC, audit)"),
  data_hash STRING NOT NULL OPTIONS(description="First 16 hex chars of SHA-256 over the sorted field:value pairs of the key, universal_player_id and the output metrics"),
  PRIMARY KEY (analysis_date, player_lookup) NOT ENFORCED
)
PARTITION BY analysis_date
CLUSTER BY player_lookup, universal_player_id, analysis_date
OPTIONS(
  require_partition_filter=TRUE,
  description="Pre-game shot distribution and efficiency by zone for each game date D: every player with at least 3 qualifying games this season before D, over his last (up to) 10 and 20 qualifying games. Source: nba_analytics.player_game_summary and the schedule. No rows on days without games or in the first 14 days of a season."
);
