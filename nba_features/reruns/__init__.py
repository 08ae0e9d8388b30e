"""Which Phase 4 partitions an input change reruns: per-date input fingerprints and each asset's rerun windows (no Dagster)."""
