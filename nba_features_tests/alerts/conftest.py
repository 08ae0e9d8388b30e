"""The alerts tests share the automation tests' seeded demo season (one seeding per session, a copy per test) and
the warehouse tests' BigQuery emulator (one process per session)."""

from nba_features_tests.automation.conftest import league, seeded_league_file  # noqa: F401 (fixtures)
from nba_features_tests.warehouse.conftest import bigquery_emulator, bigquery_warehouse  # noqa: F401 (fixtures)
