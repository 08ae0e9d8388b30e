"""Running a Phase 4 table for a set of dates, without Dagster: the one path the assets and the benchmark share."""
