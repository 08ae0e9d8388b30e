"""Progress lines for long commands (`demo`, `materialize`, `backfill status --watch`), on stderr.

Each line carries the time since the command started, so minutes of work never look like silence; stderr
keeps stdout for the command's result (a summary, a report, JSON). A run executed in-process is followed
from its event log by a background thread with an instance of its own (`follow_run`): one line when each
asset's step starts and one when it ends, with its seconds.
"""

from __future__ import annotations

import contextlib
import sys
import threading
import time
from collections.abc import Iterator
from typing import TextIO

import dagster as dg

POLL_SECONDS = 1.0
STEP_EVENTS = {dg.DagsterEventType.STEP_START, dg.DagsterEventType.STEP_SUCCESS, dg.DagsterEventType.STEP_FAILURE}


class Progress:
    """Timestamped progress lines: `[  12.3s] text`."""

    def __init__(self, stream: TextIO | None = None):
        self.stream = stream
        self.started = time.monotonic()
        self._lock = threading.Lock()

    def elapsed(self) -> float:
        return time.monotonic() - self.started

    def line(self, text: str) -> None:
        with self._lock:
            print(f"[{self.elapsed():7.1f}s] {text}", file=self.stream or sys.stderr, flush=True)


def step_lines(events: list[tuple[str, str, float]], started: dict[str, float]) -> list[str]:
    """Lines for step events (step key, event type value, timestamp); `started` remembers start times."""
    lines = []
    for step, kind, timestamp in events:
        if kind == dg.DagsterEventType.STEP_START.value:
            started[step] = timestamp
            lines.append(f"{step}: started")
        else:
            took = f" in {timestamp - started[step]:.1f}s" if step in started else ""
            lines.append(f"{step}: {'done' if kind == dg.DagsterEventType.STEP_SUCCESS.value else 'FAILED'}{took}")
    return lines


@contextlib.contextmanager
def follow_run(run_id: str, label: str, progress: Progress, interval: float = POLL_SECONDS) -> Iterator[None]:
    """While the block runs (an in-process run with id `run_id`), print each asset step's start and end."""
    stop = threading.Event()
    seen: set[int] = set()
    started: dict[str, float] = {}

    def poll(instance: dg.DagsterInstance) -> None:
        records = instance.get_records_for_run(run_id, of_type=STEP_EVENTS).records
        fresh = [r for r in records if r.storage_id not in seen and r.event_log_entry.dagster_event is not None]
        seen.update(r.storage_id for r in fresh)
        events = [
            (
                r.event_log_entry.dagster_event.step_key,
                r.event_log_entry.dagster_event.event_type_value,
                r.event_log_entry.timestamp,
            )
            for r in fresh
        ]
        for text in step_lines(events, started):
            progress.line(f"{label}: {text}")

    def watch() -> None:
        with dg.DagsterInstance.get() as instance:  # its own storage connections, apart from the run's
            while not stop.wait(interval):
                poll(instance)
            poll(instance)  # the last steps' ends

    thread = threading.Thread(target=watch, name=f"progress-{run_id}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=30)
