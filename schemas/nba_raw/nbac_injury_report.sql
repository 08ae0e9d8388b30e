CREATE TABLE IF NOT EXISTS nba_raw.nbac_injury_report (
  report_date   DATE NOT NULL,
  report_time   TIMESTAMP NOT NULL OPTIONS(description="When the report was published (UTC), before the day's first tip-off"),
  game_id       STRING,
  game_date     DATE,
  team          STRING NOT NULL OPTIONS(description="Team tricode"),
  player_lookup STRING NOT NULL,
  player_name   STRING,
  injury_status STRING NOT NULL OPTIONS(description="Out, Doubtful, Questionable, Probable (compare lower-cased)"),
  reason        STRING,
  PRIMARY KEY (report_date, player_lookup) NOT ENFORCED
)
PARTITION BY report_date
CLUSTER BY team, player_lookup
OPTIONS(
  description="NBA official injury report as of the morning of report_date (before any tip-off): players listed for that day's games."
);
