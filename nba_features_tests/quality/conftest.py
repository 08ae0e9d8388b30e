"""Quality tests fail checks on purpose: they must never post to a real Slack workspace."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def no_slack(monkeypatch):
    monkeypatch.delenv("SLACK_BOT_TOKEN", raising=False)
    monkeypatch.delenv("NBA_FEATURES_SLACK_CHANNEL", raising=False)
