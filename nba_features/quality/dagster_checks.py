"""The one place that maps check outcomes onto Dagster asset checks.

Checks are declared as partitioned AssetCheckSpecs (a Dagster 1.13 preview feature), so every
evaluation is stored against its game date, visible per date in the UI and queryable afterwards.
A single-partition run yields one AssetCheckResult per check. A range run (a backfill handed to
one run) yields one AssetCheckEvaluation per check and date, plus one run-level AssetCheckResult
per check that passes only if every date passed (Dagster needs a result for each declared check
output; in a range run it has no partition). A failed blocking ERROR check fails the step, which
stops everything downstream in the same run.

Each per-date evaluation names the materialization of its partition it judged. Dagster does that
itself for an AssetCheckResult of a single-partition run; without it, the UI holds a range run's
evaluations for stale (the partition's latest materialization is newer than the evaluation's target)
and shows no check status for those dates.
"""

from __future__ import annotations

import datetime as dt
import warnings
from collections.abc import Iterator, Sequence

import dagster as dg
# not exported by dagster 1.13, but the only way to say which materialization an evaluation judged
from dagster._core.definitions.asset_checks.asset_check_evaluation import AssetCheckEvaluationTargetMaterializationData

from nba_features.partitions import game_dates
from nba_features.quality.outcomes import CheckDefinition, CheckOutcome

SCHEMA_CHECK = "schema_matches_contract"


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


def _materializations(
    context: dg.AssetExecutionContext, asset_name: str, partitions: Sequence[str]
) -> dict[str, AssetCheckEvaluationTargetMaterializationData]:
    """The latest materialization of each partition: this run's, stored by Dagster before the checks."""
    if not partitions:
        return {}
    records = context.instance.fetch_materializations(
        dg.AssetRecordsFilter(asset_key=dg.AssetKey(asset_name), asset_partitions=list(partitions)), limit=len(partitions)
    ).records
    latest: dict[str, AssetCheckEvaluationTargetMaterializationData] = {}
    for record in records:  # newest first
        latest.setdefault(record.partition_key, AssetCheckEvaluationTargetMaterializationData(
            storage_id=record.storage_id, run_id=record.run_id, timestamp=record.timestamp,
        ))  # fmt: skip
    return latest


def check_events(
    context: dg.AssetExecutionContext,
    asset_name: str,
    checks: Sequence[CheckDefinition],
    outcomes: Sequence[CheckOutcome],
    no_game_dates: frozenset[dt.date] = frozenset(),
) -> Iterator[dg.AssetCheckResult | dg.AssetCheckEvaluation]:
    single_partition = not context.has_partition_key_range or context.partition_key_range.start == context.partition_key_range.end
    by_check: dict[str, list[CheckOutcome]] = {c.name: [] for c in checks}
    for outcome in outcomes:
        by_check[outcome.check_name].append(outcome)
    if not single_partition:
        judged = sorted({o.game_date.isoformat() for o in outcomes if o.game_date not in no_game_dates})
        targets = _materializations(context, asset_name, judged)
    for check in checks:
        results = by_check[check.name]
        if single_partition:
            outcome = results[0]
            yield dg.AssetCheckResult(
                check_name=check.name, passed=bool(outcome.passed), severity=_severity(check),
                description=outcome.description, metadata=_metadata(outcome),
            )
            continue
        # One evaluation per game date; no-game dates pass with their reason in the run-level result
        # (an event per empty date would double the event-log writes of a season backfill).
        for outcome in (o for o in results if o.game_date not in no_game_dates):
            yield dg.AssetCheckEvaluation(
                asset_key=dg.AssetKey(asset_name), check_name=check.name, passed=bool(outcome.passed),
                severity=_severity(check), description=outcome.description, metadata=_metadata(outcome),
                blocking=check.blocking, partition=outcome.game_date.isoformat(),
                target_materialization_data=targets.get(outcome.game_date.isoformat()),
            )
        failed = [o for o in results if not o.passed]
        skipped = [o for o in results if o.game_date in no_game_dates and o.passed]
        yield dg.AssetCheckResult(
            check_name=check.name, passed=not failed, severity=_severity(check),
            description=f"{len(results) - len(failed)}/{len(results)} dates passed"
            + (f" ({len(skipped)} without games: passed, nothing to judge)" if skipped else "")
            + (f"; failed: {', '.join(o.game_date.isoformat() for o in failed[:10])}" if failed else ""),
            metadata={"dates": len(results), "failed_dates": len(failed), "no_game_dates": len(skipped)},
        )


def schema_check_failure(dates: Sequence[dt.date], message: str) -> CheckOutcome:
    """The outcome recorded when the live table does not match schemas/ and the write is refused."""
    return CheckOutcome(
        check_name=SCHEMA_CHECK, game_date=min(dates), passed=False, severity="ERROR", metric_name="schema_drift",
        metric_value=None, threshold="live table = schemas/ contract", description=message,
    )
