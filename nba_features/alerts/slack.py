"""Posting one message to Slack, or nothing when Slack is not configured (docs/ALERTS.md#settings).

Slack is used only when `SLACK_BOT_TOKEN` and `NBA_FEATURES_SLACK_CHANNEL` are set (dagster-slack's
SlackResource); nothing is posted otherwise. The token is never logged or stored in an event.
`NBA_FEATURES_SLACK_API_URL` replaces the Slack Web API base URL (default https://slack.com/api/): GovSlack,
an egress proxy, or the local HTTP server the tests use in place of Slack (the seam: the whole path, from the
environment through slack_sdk's WebClient to HTTP, runs for real in tests).

A Slack error is logged and swallowed: an alert must never fail the run or tick that raised it; the
events table (nba_orchestration.data_quality_events) holds everything that was or should have been posted.
"""

from __future__ import annotations

import logging
import os

log = logging.getLogger(__name__)


def slack_configured() -> bool:
    return bool(os.environ.get("SLACK_BOT_TOKEN") and os.environ.get("NBA_FEATURES_SLACK_CHANNEL"))


def post_to_slack(text: str) -> bool:
    """Post `text` to NBA_FEATURES_SLACK_CHANNEL; True when Slack accepted it."""
    token = os.environ.get("SLACK_BOT_TOKEN")
    channel = os.environ.get("NBA_FEATURES_SLACK_CHANNEL")
    if not (token and channel and text):
        return False
    from dagster_slack import SlackResource

    try:
        client = SlackResource(token=token).get_client()
        api_url = os.environ.get("NBA_FEATURES_SLACK_API_URL")
        if api_url:  # SlackResource has no base-URL setting; the WebClient reads this attribute per call
            client.base_url = api_url if api_url.endswith("/") else api_url + "/"
        client.chat_postMessage(channel=channel, text=text)
    except Exception as error:  # a Slack outage must not fail the data run; the events table has it all
        log.warning("Slack notification failed: %s", type(error).__name__)
        return False
    return True
