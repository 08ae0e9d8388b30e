CREATE TABLE IF NOT EXISTS nba_raw.bettingpros_player_points_props (
  game_date     DATE NOT NULL,
  game_id       STRING,
  player_lookup STRING NOT NULL,
  player_name   STRING,
  team_abbr     STRING,
  market_type   STRING NOT NULL OPTIONS(description="'points', 'rebounds', 'assists': filter to 'points'"),
  bookmaker     STRING NOT NULL OPTIONS(description="Sportsbooks and DFS books (prizepicks, underdog)"),
  points_line   FLOAT64 OPTIONS(description="The market's line (points, rebounds or assists depending on market_type)"),
  opening_line  FLOAT64,
  over_odds     FLOAT64 OPTIONS(description="American odds; NULL for DFS books"),
  under_odds    FLOAT64 OPTIONS(description="American odds; NULL for DFS books"),
  created_at    TIMESTAMP NOT NULL,
  PRIMARY KEY (game_date, player_lookup, market_type, bookmaker) NOT ENFORCED
)
PARTITION BY game_date
CLUSTER BY player_lookup, market_type, game_date
OPTIONS(
  require_partition_filter=TRUE,
  description="BettingPros player props (fallback line source). Holds several markets: readers of points lines filter market_type = 'points'."
);
