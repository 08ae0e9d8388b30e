"""The one place that maps check definitions and outcomes onto Dagster asset checks.

Every check is a partitioned AssetCheckSpec (a Dagster 1.13 preview feature): every run records one
evaluation per partition date it covered, days without games included (they pass, with the reason in
the description), so a date's status is always the verdict on that date and never the leftover of a
run. (An unpartitioned check on these assets is not an option: runs launched by the daemon plan it
once per partition, and those planned rows would end as "skipped" or "execution failed".)

Dagster wants a result for every check output of the step; a range run has no single partition for an
AssetCheckResult, so the outputs are closed with an empty Output and the verdicts travel as
AssetCheckEvaluations. A failed blocking evaluation fails the step (Dagster raises once the step's
events are in).

Each per-date evaluation names the materialization of its partition that it judged (the latest one:
this run's for a materialized date, the previous one for a red date). Without it the UI holds the
evaluation for stale (the partition's latest materialization would not be its target) and shows no
status for the date.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator, Sequence

import dagster as dg

from nba_features.lib.dagster_internals import AssetCheckEvaluationTargetMaterializationData
from nba_features.partitions import game_dates
from nba_features.quality.outcomes import CheckDefinition, CheckOutcome


def _severity(check: CheckDefinition) -> dg.AssetCheckSeverity:
    return dg.AssetCheckSeverity.ERROR if check.severity == "ERROR" else dg.AssetCheckSeverity.WARN


def check_specs_for(asset_name: str, checks: Sequence[CheckDefinition]) -> list[dg.AssetCheckSpec]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", category=dg.PreviewWarning)  # partitioned checks are a preview
        return [
            dg.AssetCheckSpec(
                check.name,
                asset=asset_name,
                description=check.description,
                blocking=check.blocking,
                partitions_def=game_dates,
            )
            for check in checks
        ]


def _metadata(outcome: CheckOutcome) -> dict:
    metadata = {"metric": outcome.metric_name, "threshold": outcome.threshold, "game_date": outcome.game_date.isoformat()}
    if outcome.metric_value is not None:
        metadata["value"] = float(outcome.metric_value)
    metadata.update({k: v if isinstance(v, (int, float, str, bool)) else str(v) for k, v in outcome.details.items()})
    return metadata


def latest_materializations(
    instance: dg.DagsterInstance, asset_name: str, partitions: Sequence[str]
) -> dict[str, AssetCheckEvaluationTargetMaterializationData]:
    """The latest materialization of each partition (those materialized by this run are the newest)."""
    if not partitions:
        return {}
    key = dg.AssetKey(asset_name)
    records = instance.fetch_materializations(
        dg.AssetRecordsFilter(asset_key=key, asset_partitions=list(partitions)), limit=len(partitions)
    ).records
    latest: dict[str, AssetCheckEvaluationTargetMaterializationData] = {}
    for record in records:  # newest first
        latest.setdefault(record.partition_key, AssetCheckEvaluationTargetMaterializationData(
            storage_id=record.storage_id, run_id=record.run_id, timestamp=record.timestamp,
        ))  # fmt: skip
    for partition in (p for p in partitions if p not in latest):  # not materialized by this run: its previous one
        older = instance.fetch_materializations(
            dg.AssetRecordsFilter(asset_key=key, asset_partitions=[partition]), limit=1
        ).records
        if older:
            latest[partition] = AssetCheckEvaluationTargetMaterializationData(
                storage_id=older[0].storage_id, run_id=older[0].run_id, timestamp=older[0].timestamp
            )
    return latest


def evaluation(
    asset_name: str,
    check: CheckDefinition,
    outcome: CheckOutcome,
    target: AssetCheckEvaluationTargetMaterializationData | None,
) -> dg.AssetCheckEvaluation:
    return dg.AssetCheckEvaluation(
        asset_key=dg.AssetKey(asset_name), check_name=check.name, passed=bool(outcome.passed),
        severity=_severity(check), description=outcome.description, metadata=_metadata(outcome),
        blocking=check.blocking, partition=outcome.game_date.isoformat(),
        target_materialization_data=target,
    )  # fmt: skip


def check_events(
    context: dg.AssetExecutionContext,
    asset_name: str,
    checks: Sequence[CheckDefinition],
    outcomes: Sequence[CheckOutcome],
) -> Iterator[dg.AssetCheckEvaluation | dg.Output]:
    """Every outcome as an evaluation against the materialization it judged, then the check outputs."""
    partitions = sorted({o.game_date.isoformat() for o in outcomes})
    targets = latest_materializations(context.instance, asset_name, partitions)
    by_name = {check.name: check for check in checks}
    for outcome in outcomes:
        yield evaluation(asset_name, by_name[outcome.check_name], outcome, targets.get(outcome.game_date.isoformat()))
    yield from close_check_outputs(context)


def close_check_outputs(context: dg.AssetExecutionContext) -> Iterator[dg.Output]:
    """An empty Output per selected check of the step: the verdicts are the evaluations already yielded."""
    selected = context.selected_asset_check_keys
    for output_name, spec in context.assets_def.check_specs_by_output_name.items():
        if spec.key in selected:
            yield dg.Output(None, output_name=output_name)
