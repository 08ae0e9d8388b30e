"""Sensors (rerun on input changes, retry after blocked partitions, record run failures)."""

SENSORS: list = []
