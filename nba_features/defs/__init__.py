"""Every Dagster definition of the code location, one module per kind (`nba_features/definitions.py` assembles them)."""
