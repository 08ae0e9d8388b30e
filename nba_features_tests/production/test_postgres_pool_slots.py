"""The `warehouse` pool holds on the production instance (deploy/dagster.production.yaml, PostgreSQL):
simultaneous claims of the one slot by several real processes, never two at once.

Dagster's stock PostgreSQL event log claims in autocommit statements and failed this test (5 double claims
in 40 trials); the production instance's event log serialises claims with an advisory lock
(nba_features/lib/postgres_instance_storage.py). The processes and trials are those of
nba_features_tests/automation/test_pool_slots.py.
"""

from __future__ import annotations

import dagster as dg
from dagster_postgres import PostgresEventLogStorage

from nba_features.lib.postgres_instance_storage import SerializedPostgresEventLogStorage
from nba_features_tests.automation.test_pool_slots import assert_simultaneous_claims_never_overlap

# fewer trials than on SQLite: a claim on PostgreSQL opens a connection per statement (~0.25 s a claim on
# a loaded 2-core machine); the stock storage still double-claimed within 20 trials
TRIALS = 20


def test_simultaneous_claims_of_the_one_warehouse_slot_on_postgres_never_both_succeed(production_home):
    with dg.DagsterInstance.from_config(str(production_home)) as instance:
        storage = instance.event_log_storage
        assert isinstance(storage, SerializedPostgresEventLogStorage) and isinstance(storage, PostgresEventLogStorage)
        assert instance.get_concurrency_config().pool_config.default_pool_limit == 1
        storage.initialize_concurrency_limit_to_default("warehouse")
        assert storage.get_concurrency_info("warehouse").slot_count == 1

    assert_simultaneous_claims_never_overlap(production_home, TRIALS)
