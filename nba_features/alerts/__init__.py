"""Alerts that reach people: Slack posting (Dagster-free) and the freshness deadlines (docs/ALERTS.md)."""
