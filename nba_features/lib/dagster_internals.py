"""Every name this project takes from Dagster's private modules, in one place.

Dagster 1.13 has no public API for these needs; each import says which. The versions are pinned
(pyproject.toml), and `nba_features_tests/definitions/test_dagster_internals.py` imports every name,
so an upgrade that moves one fails there, not in a run.
"""

from __future__ import annotations

# Checkpointed asset-check states (check_state_checkpoints.py): the subsets Dagster's check states hold.
from dagster._core.asset_graph_view.serializable_entity_subset import SerializableEntitySubset

# Check evaluations of a range run (defs/asset_checks.py): the only way to say which
# materialization of a partition an evaluation judged.
from dagster._core.definitions.asset_checks.asset_check_evaluation import AssetCheckEvaluationTargetMaterializationData

# Backfills (lib/backfills.py): creating an asset backfill on the instance, as the UI does, and
# reading its per-asset status; Dagster exposes these only through GraphQL.
from dagster._core.definitions.assets.graph.base_asset_graph import BaseAssetGraph

# Event-log reads of the retry sensor: per-partition check results and a run's planned assets.
from dagster._core.event_api import PartitionKeyFilter
from dagster._core.events import DagsterEventType
from dagster._core.execution.asset_backfill import AssetBackfillStatus, PartitionedAssetBackfillStatus
from dagster._core.execution.backfill import BULK_ACTION_TERMINAL_STATUSES, PartitionBackfill

# Check evaluations written in one transaction (check_event_writes.py): Dagster's own tables and
# statuses, the rows written exactly as Dagster writes them.
from dagster._core.storage.asset_check_execution_record import AssetCheckExecutionRecordStatus, AssetCheckExecutionResolvedStatus

# Checkpointed asset-check states (check_state_checkpoints.py): Dagster's state of a check's statuses
# and the run statuses its fold resolves in-progress partitions with.
from dagster._core.storage.asset_check_state import AssetCheckState
from dagster._core.storage.dagster_run import FINISHED_STATUSES
from dagster._core.storage.event_log.schema import AssetCheckExecutionsTable, SqlEventLogStorageTable

# The local instance's event log (instance_storage.py): the consolidated SQLite storage, with one
# engine and pooled connections instead of a new engine per statement.
from dagster._core.storage.event_log.sqlite.consolidated_sqlite_event_log import ConsolidatedSqliteEventLogStorage
from dagster._core.storage.sql import create_engine
from dagster._core.storage.sqlite import SQLITE_BUSY_TIMEOUT_SECONDS
from dagster._core.storage.tags import PARENT_BACKFILL_ID_TAG, ROOT_BACKFILL_ID_TAG
from dagster._core.utils import make_new_backfill_id
from dagster._serdes import serialize_value
from dagster._time import get_current_timestamp

__all__ = [
    "AssetCheckExecutionResolvedStatus",
    "AssetCheckState",
    "FINISHED_STATUSES",
    "SerializableEntitySubset",
    "AssetBackfillStatus",
    "AssetCheckExecutionRecordStatus",
    "AssetCheckExecutionsTable",
    "AssetCheckEvaluationTargetMaterializationData",
    "BULK_ACTION_TERMINAL_STATUSES",
    "BaseAssetGraph",
    "ConsolidatedSqliteEventLogStorage",
    "SQLITE_BUSY_TIMEOUT_SECONDS",
    "DagsterEventType",
    "PARENT_BACKFILL_ID_TAG",
    "PartitionBackfill",
    "PartitionKeyFilter",
    "PartitionedAssetBackfillStatus",
    "ROOT_BACKFILL_ID_TAG",
    "SqlEventLogStorageTable",
    "create_engine",
    "get_current_timestamp",
    "make_new_backfill_id",
    "serialize_value",
]
