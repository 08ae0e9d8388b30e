CREATE TABLE IF NOT EXISTS nba_reference.nba_schedule (
  game_id           STRING NOT NULL OPTIONS(description="YYYYMMDD_AWAY_HOME, e.g. 20240115_BOS_LAL"),
  game_date         DATE NOT NULL OPTIONS(description="Game date in US Eastern time"),
  season_year       INT64 NOT NULL OPTIONS(description="Calendar year in which the season starts (2024 = 2024-25)"),
  season_type       STRING NOT NULL OPTIONS(description="'Regular Season' or 'Playoffs'"),
  playoff_round     INT64 OPTIONS(description="1-4 for playoff games (4 = Finals), NULL in the regular season"),
  home_team_tricode STRING NOT NULL,
  away_team_tricode STRING NOT NULL,
  game_status       INT64 NOT NULL OPTIONS(description="1 = scheduled, 3 = final"),
  game_status_text  STRING NOT NULL,
  tipoff_time       TIMESTAMP NOT NULL OPTIONS(description="Scheduled tip-off (UTC)"),
  home_team_score   INT64 OPTIONS(description="Final score; NULL until the game is final"),
  away_team_score   INT64 OPTIONS(description="Final score; NULL until the game is final"),
  data_source       STRING NOT NULL OPTIONS(description="Where the game comes from: 'isapy_data:nba_games_<YYYY>' (real) or 'synthetic'"),
  PRIMARY KEY (game_id) NOT ENFORCED
)
PARTITION BY game_date
CLUSTER BY season_year, home_team_tricode, away_team_tricode
OPTIONS(
  description="NBA schedule: one row per game (regular season and playoffs), final or scheduled. The demo league fills it from isapy-data (2022-23..2024-25) and a synthetic calendar."
);
