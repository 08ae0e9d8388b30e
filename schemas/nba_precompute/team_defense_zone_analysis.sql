CREATE TABLE IF NOT EXISTS nba_precompute.team_defense_zone_analysis (
  team_abbr STRING NOT NULL OPTIONS(description="Defending team tricode"),
  analysis_date DATE NOT NULL OPTIONS(description="Game date D this pre-game row is for; every window reads games with game_date < D"),

  paint_pct_allowed_last_15 FLOAT64 OPTIONS(description="Opponent paint FG% over the team's last <= 15 games this season, pooled (sum makes / sum attempts), fraction 0-1, 3 dp; NULL if no paint attempts"),
  paint_attempts_allowed_per_game FLOAT64 OPTIONS(description="Opponent paint attempts per game over the sample, 1 dp"),
  paint_points_allowed_per_game FLOAT64 OPTIONS(description="Opponent points in the paint per game over the sample, 1 dp"),
  paint_blocks_per_game FLOAT64 OPTIONS(description="Blocks on paint shots per game over the sample, 1 dp"),
  paint_defense_vs_league_avg FLOAT64 OPTIONS(description="(paint FG% allowed - league paint FG%) x 100, percentage points, 2 dp; positive = worse defence; league window [D-30, D)"),

  mid_range_pct_allowed_last_15 FLOAT64 OPTIONS(description="Opponent mid-range FG% over the sample, pooled, fraction 0-1, 3 dp; NULL if no mid-range attempts"),
  mid_range_attempts_allowed_per_game FLOAT64 OPTIONS(description="Opponent mid-range attempts per game over the sample, 1 dp"),
  mid_range_blocks_per_game FLOAT64 OPTIONS(description="Blocks on mid-range shots per game over the sample, 1 dp"),
  mid_range_defense_vs_league_avg FLOAT64 OPTIONS(description="(mid-range FG% allowed - league mid-range FG%) x 100, percentage points, 2 dp; positive = worse defence"),

  three_pt_pct_allowed_last_15 FLOAT64 OPTIONS(description="Opponent three-point FG% over the sample, pooled, fraction 0-1, 3 dp; NULL if no three-point attempts"),
  three_pt_attempts_allowed_per_game FLOAT64 OPTIONS(description="Opponent three-point attempts per game over the sample, 1 dp"),
  three_pt_blocks_per_game FLOAT64 OPTIONS(description="Blocks on three-point shots per game over the sample, 1 dp"),
  three_pt_defense_vs_league_avg FLOAT64 OPTIONS(description="(three-point FG% allowed - league three-point FG%) x 100, percentage points, 2 dp; positive = worse defence"),

  defensive_rating_last_15 FLOAT64 OPTIONS(description="Mean defensive rating (points allowed per 100 possessions) over the sample, 2 dp"),
  opponent_points_per_game FLOAT64 OPTIONS(description="Points allowed per game over the sample, 1 dp"),
  opponent_pace FLOAT64 OPTIONS(description="Mean opponent pace (possessions per 48 minutes) over the sample, 1 dp"),
  games_in_sample INT64 NOT NULL OPTIONS(description="Games in the sample: the team's last min(n, 15) of its n games this season before D; a team has a row from n = 5"),

  strongest_zone STRING OPTIONS(description="Zone with the lowest vs-league value: paint | mid_range | perimeter"),
  weakest_zone STRING OPTIONS(description="Zone with the highest vs-league value: paint | mid_range | perimeter"),
  data_quality_tier STRING NOT NULL OPTIONS(description="high (15 games) | medium (10-14) | low (5-9)"),
  calculation_notes STRING OPTIONS(description="Zones with zero attempts in the sample, '; '-separated; NULL if none"),

  source_team_defense_last_updated TIMESTAMP OPTIONS(description="Latest processed_at of the team_defense_game_summary rows in the sample"),
  source_team_defense_rows_found INT64 OPTIONS(description="team_defense_game_summary rows in the sample"),
  source_team_defense_completeness_pct FLOAT64 OPTIONS(description="Rows found against the schedule's final games in the window, percent 0-100 (same basis as completeness_percentage)"),
  source_team_defense_hash STRING OPTIONS(description="First 16 hex chars of SHA-256 over the sample rows' game_id:data_hash, oldest first"),

  expected_games_count INT64 NOT NULL OPTIONS(description="The team's final games this season before D per the schedule, capped at 15"),
  actual_games_count INT64 NOT NULL OPTIONS(description="team_defense_game_summary rows of the team dated within those expected games' span [oldest expected game, D), capped at expected"),
  completeness_percentage FLOAT64 NOT NULL OPTIONS(description="actual / expected x 100, percent 0-100; 100 when nothing is expected"),
  missing_games_count INT64 NOT NULL OPTIONS(description="expected - actual"),
  is_production_ready BOOL NOT NULL OPTIONS(description="completeness_percentage >= 70"),
  data_quality_issues ARRAY<STRING> OPTIONS(description="Real upstream gaps: missing_upstream_games, league_average_defaults, no_<zone>_attempts; empty if none"),
  season_boundary_detected BOOL NOT NULL OPTIONS(description="D falls in October, November or April (season start / end months)"),
  backfill_bootstrap_mode BOOL NOT NULL OPTIONS(description="D is within the first 30 days of the season (schedule season start)"),
  processing_decision_reason STRING NOT NULL OPTIONS(description="Why the row was written: processed_successfully"),
  early_season_flag BOOL NOT NULL OPTIONS(description="The sample is not full yet: games_in_sample < 15"),
  insufficient_data_reason STRING OPTIONS(description="Why the sample is shorter than 15 games; NULL when it is full"),

  processed_at TIMESTAMP NOT NULL OPTIONS(description="Run timestamp (UTC, audit)"),
  created_at TIMESTAMP NOT NULL OPTIONS(description="Run timestamp (UTC, audit)"),
  data_hash STRING NOT NULL OPTIONS(description="First 16 hex chars of SHA-256 over the sorted field:value pairs of team_abbr, analysis_date and the output metrics"),
  PRIMARY KEY (analysis_date, team_abbr) NOT ENFORCED
)
PARTITION BY analysis_date
CLUSTER BY team_abbr, analysis_date
OPTIONS(
  require_partition_filter=TRUE,
  description="Pre-game team defence by shot zone for each game date D: each team's last 15 games this season before D against the league over [D-30, D). Source: nba_analytics.team_defense_game_summary and the schedule. No rows on days without games or in the first 14 days of a season."
);
