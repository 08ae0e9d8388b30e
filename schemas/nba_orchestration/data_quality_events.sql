CREATE TABLE IF NOT EXISTS nba_orchestration.data_quality_events (
  event_id STRING NOT NULL OPTIONS(description="UUID of the event"),
  event_timestamp TIMESTAMP NOT NULL OPTIONS(description="When the check failed (UTC)"),
  event_type STRING NOT NULL OPTIONS(description="QUALITY_ISSUE_DETECTED | VALIDATION_BLOCKED | RUN_FAILED | ..."),
  severity STRING NOT NULL OPTIONS(description="INFO | WARNING | CRITICAL (a failed ERROR check is CRITICAL, a failed WARN check WARNING)"),
  table_name STRING OPTIONS(description="dataset.table the check ran on"),
  game_date DATE OPTIONS(description="The partition (game date) the event is about"),
  metric_name STRING,
  metric_value FLOAT64,
  threshold_breached STRING OPTIONS(description="warning | critical"),
  description STRING NOT NULL,
  details_json STRING OPTIONS(description="Check name, threshold and any detail, as JSON"),
  resolution_status STRING OPTIONS(description="PENDING | IN_PROGRESS | RESOLVED | FAILED | MANUAL_REQUIRED"),
  backfill_queue_id STRING,
  triggered_by STRING OPTIONS(description="validation | daily_check | backfill | alerting | manual"),
  related_event_id STRING,
  duration_seconds INT64,
  processor_name STRING OPTIONS(description="The Dagster asset (or asset check) that raised the event"),
  session_id STRING OPTIONS(description="The Dagster run id"),
  created_at TIMESTAMP NOT NULL,
  PRIMARY KEY (event_id) NOT ENFORCED
)
PARTITION BY DATE(event_timestamp)
CLUSTER BY event_type, table_name, game_date
OPTIONS(description="Every failed data-quality check, queryable with SQL (docs/RULES.md#quality-events). No partition expiration (docs/RULES.md#no-partition-expiration).");
