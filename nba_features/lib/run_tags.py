"""Run tags the project sets or reads: its own trigger tag and the Dagster tags of partitions and backfills."""

# who asked for a run: cli, pregame, postgame, input_change, upstream_fixed (schedules, sensors, CLI)
TRIGGER_TAG = "nba_features/trigger"
PARTITION_TAG = "dagster/partition"
RANGE_START_TAG = "dagster/asset_partition_range_start"
RANGE_END_TAG = "dagster/asset_partition_range_end"
BACKFILL_TAG = "dagster/backfill"
