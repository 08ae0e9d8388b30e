"""Dagster plumbing the code location and the CLI share: private Dagster names, the local instance storage, backfills, run outcomes, run tags."""
