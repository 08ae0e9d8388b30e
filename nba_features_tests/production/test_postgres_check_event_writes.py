"""The production event log writes check events as Dagster's PostgreSQL storage does, row for row
(nba_features/lib/check_event_writes.py), on a real PostgreSQL server: the same events in the same order
leave equal `event_logs` and `asset_check_executions` rows in two databases, one per storage."""

from __future__ import annotations

from dagster_postgres import PostgresEventLogStorage
from dagster_postgres.utils import get_conn_string

from nba_features.lib.postgres_instance_storage import SerializedPostgresEventLogStorage
from nba_features_tests.automation._check_event_replay import range_run_events, stored_rows


def test_check_events_are_stored_as_dagsters_postgres_storage_stores_them(postgres):
    events = range_run_events()
    storages = []
    for cls, database in (
        (PostgresEventLogStorage, "check_events_dagster"),
        (SerializedPostgresEventLogStorage, "check_events_ours"),
    ):
        postgres.create_database(database)
        url = get_conn_string(
            postgres.user, postgres.password, postgres.host, database, str(postgres.port), scheme="postgresql+psycopg2"
        )
        storages.append(cls(url))
    try:
        for storage in storages:
            for event in events:
                storage.store_event(event)
        expected, got = (stored_rows(storage) for storage in storages)
    finally:
        for storage in storages:
            storage.dispose()
    assert got == expected
    assert len(got["asset_check_executions"]) == 9
