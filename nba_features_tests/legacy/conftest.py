"""The offline BigQuery emulator for the legacy tests (the warehouse tests' session fixture)."""

from nba_features_tests.warehouse.conftest import bigquery_emulator

__all__ = ["bigquery_emulator"]
