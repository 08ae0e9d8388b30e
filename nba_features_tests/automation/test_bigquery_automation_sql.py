"""The automation's SQL on the BigQuery path (the offline emulator's REST API): per-date fingerprints and
the RUN_FAILED event write, with the same results as on DuckDB."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator

import pandas as pd
import pytest

from nba_features.quality.events import EVENTS_TABLE, record_run_failure
from nba_features.reruns.fingerprints import table_fingerprints
from nba_features.warehouse.bigquery_warehouse import BigQueryWarehouse
from nba_features_tests.automation.conftest import rows_on
from nba_features_tests.bigquery_emulator import running_emulator

pytestmark = pytest.mark.bigquery

TABLE = "nba_analytics.team_defense_game_summary"
DAYS = [dt.date(2024, 1, 15), dt.date(2024, 1, 16)]


@pytest.fixture(scope="module")
def emulator() -> Iterator:
    with running_emulator() as endpoint:
        yield endpoint


@pytest.fixture
def bigquery(emulator) -> BigQueryWarehouse:
    return BigQueryWarehouse(
        project=emulator.project, dataset_prefix=f"t{uuid.uuid4().hex[:10]}_", api_endpoint=emulator.api_endpoint
    )


def test_fingerprints_see_value_changes_and_ignore_reprocessing(bigquery, league):
    rows = pd.concat([rows_on(league, TABLE, d) for d in DAYS], ignore_index=True)
    bigquery.apply_schemas([TABLE])
    bigquery.replace_partitions(TABLE, DAYS, rows)
    window = (dt.date(2024, 1, 1), dt.date(2024, 1, 31))
    before = table_fingerprints(bigquery, TABLE, *window)
    assert set(before) == set(DAYS)

    corrected = rows.copy()
    first = corrected.index[corrected["game_date"] == pd.Timestamp(DAYS[0])][0]
    corrected.loc[first, "points_allowed"] += 1
    bigquery.replace_partitions(TABLE, DAYS, corrected)
    after = table_fingerprints(bigquery, TABLE, *window)
    assert after[DAYS[0]] != before[DAYS[0]] and after[DAYS[1]] == before[DAYS[1]]

    bigquery.replace_partitions(TABLE, DAYS, corrected.assign(processed_at=pd.Timestamp.now(tz="UTC").floor("us")))
    assert table_fingerprints(bigquery, TABLE, *window) == after


def test_run_failed_event_is_written_once(bigquery):
    bigquery.apply_schemas([EVENTS_TABLE])
    fields = dict(
        run_id="run-1",
        processor_name="ml_feature_store_v2",
        description="run run-1 failed",
        failed_at=pd.Timestamp("2024-01-16 15:00:00.123456789", tz="UTC"),
        game_date=dt.date(2024, 1, 16),
    )
    assert record_run_failure(bigquery, **fields) is True
    assert record_run_failure(bigquery, **fields) is False
    events = bigquery.query(
        f"SELECT event_type, severity, game_date, session_id FROM {EVENTS_TABLE} WHERE DATE(event_timestamp) = @day",
        {"day": dt.date(2024, 1, 16)},
    )
    assert events.to_dict("records") == [
        {"event_type": "RUN_FAILED", "severity": "CRITICAL", "game_date": pd.Timestamp("2024-01-16"), "session_id": "run-1"}
    ]
