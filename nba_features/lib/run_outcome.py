"""What a finished run did, as an operator needs it: red dates, failed checks, the root cause of a failure.

A run is green only when every step succeeded and no blocking check failed on any date. A red date
names its asset and the blocking checks that failed; a failed step names its root cause: the
project's own error (an input contract: table, date, column, rule; a refused write: the schema drift;
a transient warehouse error, named as such after its retries), never the orchestrator's wrapper.
Read from the instance's event log, so runs executed in-process and by the daemon read the same.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

import dagster as dg

from nba_features.lib.dagster_internals import DagsterEventType

CHECK_FAILED_ERROR = "DagsterAssetCheckFailedError"  # a step failed by its blocking checks: red dates, not an error
ROOT_CAUSE_KINDS = {
    "InputContractError": "bad input",
    "InputTableMissingError": "missing input table",
    "WriteRefusedError": "schema drift (write refused)",
    "SchemaDriftError": "schema drift (write refused)",
    "TransientWarehouseError": "transient warehouse error (retries exhausted)",
    "QueryTimeoutError": "query timeout",  # docs/ALERTS.md#query-timeouts: names the tables and the purpose
    "TransientQueryTimeoutError": "query timeout (queued job, retries exhausted)",
}
MAX_LISTED_DATES = 12


@dataclass(frozen=True)
class StepFailure:
    step: str
    kind: str
    error_class: str
    message: str

    def line(self) -> str:
        return f"{self.step}: {self.kind}: {self.error_class}: {self.message}"


@dataclass(frozen=True)
class RunOutcome:
    run_id: str
    status: str
    red: dict[str, dict[str, tuple[str, ...]]] = field(default_factory=dict)  # asset → date → failed blocking checks
    failures: tuple[StepFailure, ...] = ()
    not_run: tuple[str, ...] = ()  # steps skipped because an upstream step failed

    @property
    def red_dates(self) -> list[str]:
        return sorted({day for dates in self.red.values() for day in dates})

    @property
    def green(self) -> bool:
        return self.status == "SUCCESS" and not self.red and not self.failures

    def lines(self) -> list[str]:
        lines = []
        for asset, dates in sorted(self.red.items()):
            listed = sorted(dates.items())
            shown = "; ".join(f"{day} ({', '.join(checks)})" for day, checks in listed[:MAX_LISTED_DATES])
            more = f"; ... (+{len(listed) - MAX_LISTED_DATES})" if len(listed) > MAX_LISTED_DATES else ""
            lines.append(f"red {asset}: {len(listed)} date(s): {shown}{more}")
        lines += [f"failed {failure.line()}" for failure in self.failures]
        if self.not_run:
            lines.append(f"not run (an upstream step failed): {', '.join(self.not_run)}")
        if self.status not in ("SUCCESS", "FAILURE") or (self.status == "FAILURE" and not self.failures and not self.red):
            lines.append(f"run status {self.status}")
        return lines


def _chain(error) -> Iterable:
    while error is not None:
        yield error
        error = error.cause or getattr(error, "context", None)


def _first_line(link) -> str:
    """The error's own message: its first line, without the "module.Class: " prefix Dagster stores."""
    lines = link.message.strip().splitlines()
    text = lines[0] if lines else ""
    return re.sub(rf"^[\w.]*\b{re.escape(link.cls_name or '')}: ", "", text) if link.cls_name else text


def step_failure(step: str, error) -> StepFailure:
    """The root cause of a step's error: the project's own exception where there is one."""
    chain = list(_chain(error))
    for link in chain:
        kind = ROOT_CAUSE_KINDS.get(link.cls_name)
        if kind:
            return StepFailure(step, kind, link.cls_name, _first_line(link))
    root = chain[-1]
    return StepFailure(step, "error", root.cls_name or "Error", _first_line(root))


def run_outcome(instance: dg.DagsterInstance, run_id: str) -> RunOutcome:
    run = instance.get_run_by_id(run_id)
    records = instance.get_records_for_run(
        run_id,
        of_type={DagsterEventType.STEP_FAILURE, DagsterEventType.ASSET_CHECK_EVALUATION, DagsterEventType.STEP_SKIPPED},
    ).records
    red: dict[str, dict[str, list[str]]] = {}
    failures, not_run = [], []
    for record in records:
        event = record.event_log_entry.dagster_event
        if event is None:
            continue
        if event.event_type == DagsterEventType.STEP_FAILURE:
            error = event.event_specific_data.error
            if error is not None and error.cls_name != CHECK_FAILED_ERROR:
                failures.append(step_failure(event.step_key, error))
        elif event.event_type == DagsterEventType.STEP_SKIPPED:
            not_run.append(event.step_key)
        else:
            evaluation = event.event_specific_data
            if not evaluation.passed and evaluation.blocking and evaluation.severity == dg.AssetCheckSeverity.ERROR:
                day = evaluation.partition or "(whole run)"
                red.setdefault(evaluation.asset_key.to_user_string(), {}).setdefault(day, []).append(evaluation.check_name)
    return RunOutcome(
        run_id=run_id,
        status=run.status.value if run else "UNKNOWN",
        red={asset: {day: tuple(checks) for day, checks in dates.items()} for asset, dates in red.items()},
        failures=tuple(failures),
        not_run=tuple(sorted(set(not_run))),
    )
