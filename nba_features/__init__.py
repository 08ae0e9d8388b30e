"""nba_features: Dagster assets for the Phase 4 NBA player-prop feature tables."""
