"""Private Dagster names come through one module, and that module pins what it uses.

An upgrade of the pinned Dagster family that moves or renames one of them fails here, by name, rather
than in a run; a new private import anywhere else fails the second test.
"""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

import nba_features
from nba_features.lib import dagster_internals

PACKAGE = Path(nba_features.__file__).parent
USED = {
    "AssetCheckExecutionResolvedStatus": "class",
    "AssetCheckState": "class",
    "FINISHED_STATUSES": "value",
    "SerializableEntitySubset": "class",
    "AssetBackfillStatus": "class",
    "AssetCheckExecutionRecordStatus": "class",
    "AssetCheckExecutionsTable": "value",
    "AssetCheckEvaluationTargetMaterializationData": "class",
    "BULK_ACTION_TERMINAL_STATUSES": "value",
    "BaseAssetGraph": "class",
    "ConsolidatedSqliteEventLogStorage": "class",
    "DagsterEventType": "class",
    "PARENT_BACKFILL_ID_TAG": "value",
    "PartitionBackfill": "class",
    "PartitionKeyFilter": "class",
    "PartitionedAssetBackfillStatus": "class",
    "ROOT_BACKFILL_ID_TAG": "value",
    "SQLITE_BUSY_TIMEOUT_SECONDS": "value",
    "SqlEventLogStorageTable": "value",
    "create_engine": "function",
    "get_current_timestamp": "function",
    "make_new_backfill_id": "function",
    "serialize_value": "function",
}


def test_every_private_name_the_project_uses_is_still_there():
    assert set(dagster_internals.__all__) == set(USED)
    for name, kind in USED.items():
        value = getattr(dagster_internals, name)
        if kind == "class":
            assert inspect.isclass(value), name
        elif kind == "function":
            assert callable(value), name
        else:
            assert value is not None, name
    assert dagster_internals.PARENT_BACKFILL_ID_TAG == "dagster/parent_backfill_id"
    assert {"STEP_FAILURE", "ASSET_CHECK_EVALUATION", "ASSET_MATERIALIZATION_PLANNED"} <= {
        e.name for e in dagster_internals.DagsterEventType
    }
    target = dagster_internals.AssetCheckEvaluationTargetMaterializationData(storage_id=1, run_id="r", timestamp=1.0)
    assert (target.storage_id, target.run_id, target.timestamp) == (1, "r", 1.0)


def test_no_other_module_imports_a_private_dagster_module():
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        if path == Path(dagster_internals.__file__):
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            names = (
                [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else []
            )
            offenders += [
                f"{path.relative_to(PACKAGE)}: {n}"
                for n in names
                if n.startswith("dagster._") or n.startswith("dagster_graphql._")
            ]
    assert offenders == []
