CREATE TABLE IF NOT EXISTS nba_analytics.player_game_summary (
  player_lookup       STRING NOT NULL OPTIONS(description="Normalized player name: lower case, letters and digits only"),
  universal_player_id STRING,
  player_full_name    STRING,
  game_id             STRING NOT NULL,
  game_date           DATE NOT NULL,
  team_abbr           STRING NOT NULL,
  opponent_team_abbr  STRING NOT NULL,
  season_year         INT64 NOT NULL OPTIONS(description="Calendar year in which the season starts"),
  home_game           BOOL NOT NULL,
  starter_flag        BOOL NOT NULL,
  points              INT64 OPTIONS(description="NULL when the player did not play"),
  minutes_played      FLOAT64 OPTIONS(description="Minutes (one decimal); NULL for DNP and inactive players"),
  fg_attempts         INT64 OPTIONS(description="= paint_attempts + mid_range_attempts + three_pt_attempts"),
  fg_makes            INT64 OPTIONS(description="= paint_makes + mid_range_makes + three_pt_makes"),
  three_pt_attempts   INT64,
  three_pt_makes      INT64,
  paint_attempts      INT64,
  paint_makes         INT64,
  mid_range_attempts  INT64,
  mid_range_makes     INT64,
  ft_attempts         INT64,
  ft_makes            INT64,
  assisted_fg_makes   INT64 OPTIONS(description="assisted + unassisted = fg_makes"),
  unassisted_fg_makes INT64,
  turnovers           INT64,
  usage_rate          FLOAT64 OPTIONS(description="Usage rate in percent (0-100): share of team plays used while on the floor"),
  ts_pct              FLOAT64 OPTIONS(description="True shooting, fraction 0-1: points / (2 * (FGA + 0.44 FTA)); NULL without attempts"),
  is_active           BOOL NOT NULL OPTIONS(description="FALSE for inactive players (injured, out)"),
  is_dnp              BOOL OPTIONS(description="TRUE when the player did not play (coach's decision or inactive)"),
  dnp_reason          STRING OPTIONS(description="Why the player did not play; NULL when he played"),
  data_hash           STRING OPTIONS(description="16 hex characters: hash of the row's content"),
  processed_at        TIMESTAMP,
  PRIMARY KEY (game_date, player_lookup) NOT ENFORCED
)
PARTITION BY game_date
CLUSTER BY player_lookup, team_abbr, game_date
OPTIONS(
  require_partition_filter=TRUE,
  description="Phase 3 player box scores: one row per rostered player per final game, including inactive (injured) and DNP players."
);
