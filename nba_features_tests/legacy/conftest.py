"""The offline BigQuery emulator for the legacy tests (the warehouse tests' session fixture), and the reliability
tests' small league (built once a session, a private copy per test) for the history-roster tests."""

from nba_features_tests.reliability.conftest import league, league_file
from nba_features_tests.warehouse.conftest import bigquery_emulator

__all__ = ["bigquery_emulator", "league", "league_file"]
