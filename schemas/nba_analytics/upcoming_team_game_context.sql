CREATE TABLE IF NOT EXISTS nba_analytics.upcoming_team_game_context (
  team_abbr          STRING NOT NULL,
  game_id            STRING NOT NULL,
  game_date          DATE NOT NULL,
  season_year        INT64 NOT NULL,
  opponent_team_abbr STRING NOT NULL,
  home_game          BOOL NOT NULL,
  season_phase       STRING NOT NULL,
  game_total         FLOAT64,
  game_spread        FLOAT64 OPTIONS(description="Pre-game spread from THIS team's perspective (negative = favored)"),
  team_implied_total FLOAT64 OPTIONS(description="(game_total - game_spread) / 2"),
  days_rest          INT64 OPTIONS(description="Days since the team's previous game this season, minus one"),
  opponent_days_rest INT64,
  back_to_back       BOOL,
  players_out        INT64 OPTIONS(description="Players of the team listed out or doubtful for game_date"),
  data_hash          STRING,
  processed_at       TIMESTAMP,
  PRIMARY KEY (game_date, team_abbr) NOT ENFORCED
)
PARTITION BY game_date
CLUSTER BY team_abbr, game_date
OPTIONS(
  description="Phase 3 pre-game team context: one row per team playing on game_date."
);
