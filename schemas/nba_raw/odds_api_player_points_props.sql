CREATE TABLE IF NOT EXISTS nba_raw.odds_api_player_points_props (
  game_id               STRING NOT NULL,
  game_date             DATE NOT NULL,
  player_lookup         STRING NOT NULL,
  player_name           STRING,
  home_team_abbr        STRING,
  away_team_abbr        STRING,
  bookmaker             STRING NOT NULL OPTIONS(description="draftkings, fanduel, betmgm, williamhill_us, bovada, espnbet"),
  points_line           FLOAT64 NOT NULL,
  over_price            FLOAT64 OPTIONS(description="American odds"),
  under_price           FLOAT64 OPTIONS(description="American odds"),
  snapshot_timestamp    TIMESTAMP NOT NULL OPTIONS(description="When the line was captured (UTC)"),
  minutes_before_tipoff INT64 NOT NULL OPTIONS(description="Whole minutes from the snapshot to tip-off (rounded down); negative = after tip-off (live line)"),
  game_start_time       TIMESTAMP,
  PRIMARY KEY (game_date, player_lookup, bookmaker, snapshot_timestamp) NOT ENFORCED
)
PARTITION BY game_date
CLUSTER BY player_lookup, bookmaker, game_date
OPTIONS(
  require_partition_filter=TRUE,
  description="The Odds API player points props: one row per snapshot of a book's line. Snapshots after tip-off (minutes_before_tipoff < 0) exist and must be filtered out by point-in-time readers."
);
