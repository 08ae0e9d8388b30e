CREATE TABLE IF NOT EXISTS nba_analytics.team_defense_game_summary (
  game_id                  STRING NOT NULL,
  game_date                DATE NOT NULL,
  defending_team_abbr      STRING NOT NULL OPTIONS(description="The team on defense; opp_* columns are its opponent's offense"),
  opponent_team_abbr       STRING NOT NULL,
  season_year              INT64 NOT NULL,
  home_game                BOOL NOT NULL,
  points_allowed           INT64 NOT NULL,
  opp_fg_makes             INT64 NOT NULL,
  opp_fg_attempts          INT64 NOT NULL,
  opp_three_pt_makes       INT64 NOT NULL,
  opp_three_pt_attempts    INT64 NOT NULL,
  opp_paint_makes          INT64 NOT NULL,
  opp_paint_attempts       INT64 NOT NULL,
  opp_mid_range_makes      INT64 NOT NULL,
  opp_mid_range_attempts   INT64 NOT NULL,
  opp_ft_makes             INT64 NOT NULL,
  opp_ft_attempts          INT64 NOT NULL,
  points_in_paint_allowed  INT64 NOT NULL OPTIONS(description="2 * opp_paint_makes"),
  mid_range_points_allowed INT64 NOT NULL OPTIONS(description="2 * opp_mid_range_makes"),
  three_pt_points_allowed  INT64 NOT NULL OPTIONS(description="3 * opp_three_pt_makes"),
  blocks_paint             INT64 NOT NULL OPTIONS(description="Blocks by the defending team on opponent paint shots"),
  blocks_mid_range         INT64 NOT NULL,
  blocks_three_pt          INT64 NOT NULL,
  turnovers_forced         INT64 NOT NULL,
  defensive_rating         FLOAT64 NOT NULL OPTIONS(description="Points allowed per 100 possessions"),
  opponent_pace            FLOAT64 NOT NULL OPTIONS(description="The opponent's pace in this game (possessions per 48 minutes)"),
  data_hash                STRING,
  processed_at             TIMESTAMP,
  PRIMARY KEY (game_date, defending_team_abbr) NOT ENFORCED
)
PARTITION BY game_date
CLUSTER BY defending_team_abbr, game_date
OPTIONS(
  description="Phase 3 team defense per final game: the opp_* columns are the opponent's offense in that game."
);
