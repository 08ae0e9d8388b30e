CREATE TABLE IF NOT EXISTS nba_analytics.team_offense_game_summary (
  game_id            STRING NOT NULL,
  game_date          DATE NOT NULL,
  team_abbr          STRING NOT NULL,
  opponent_team_abbr STRING NOT NULL,
  season_year        INT64 NOT NULL,
  home_game          BOOL NOT NULL,
  points_scored      INT64 NOT NULL,
  fg_makes           INT64 NOT NULL,
  fg_attempts        INT64 NOT NULL,
  three_pt_makes     INT64 NOT NULL,
  three_pt_attempts  INT64 NOT NULL,
  paint_makes        INT64 NOT NULL,
  paint_attempts     INT64 NOT NULL,
  mid_range_makes    INT64 NOT NULL,
  mid_range_attempts INT64 NOT NULL,
  ft_makes           INT64 NOT NULL,
  ft_attempts        INT64 NOT NULL,
  turnovers          INT64 NOT NULL,
  possessions        FLOAT64 NOT NULL OPTIONS(description="Team possessions in the game (overtime included)"),
  pace               FLOAT64 NOT NULL OPTIONS(description="Possessions per 48 minutes"),
  offensive_rating   FLOAT64 NOT NULL OPTIONS(description="Points scored per 100 possessions"),
  overtime_periods   INT64 NOT NULL,
  win_flag           BOOL NOT NULL,
  margin_of_victory  INT64 NOT NULL OPTIONS(description="points_scored - opponent points (negative in a loss)"),
  data_hash          STRING,
  processed_at       TIMESTAMP,
  PRIMARY KEY (game_date, team_abbr) NOT ENFORCED
)
PARTITION BY game_date
CLUSTER BY team_abbr, game_date
OPTIONS(
  description="Phase 3 team offense per final game; its counting columns equal the sums of the team's player_game_summary rows."
);
