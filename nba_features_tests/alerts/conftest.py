"""The alerts tests share the automation tests' seeded demo season (one seeding per session, a copy per test) and
the warehouse tests' BigQuery emulator (one process per session), and a local Slack with the alert settings."""

import pytest

from nba_features_tests.automation.conftest import league, seeded_league_file  # noqa: F401 (fixtures)
from nba_features_tests.fake_slack import fake_slack
from nba_features_tests.warehouse.conftest import bigquery_emulator, bigquery_warehouse  # noqa: F401 (fixtures)


@pytest.fixture
def slack(monkeypatch):
    with fake_slack(monkeypatch, SLACK_BOT_TOKEN="xoxb-test", NBA_FEATURES_SLACK_CHANNEL="#nba-alerts") as server:
        yield server
