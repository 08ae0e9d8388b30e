"""The `warehouse` pool holds across processes on a SQLite instance: never two claims of its one slot.

Dagster's SQL storage claims a slot in several statements that SQLite does not make atomic, so steps
of two processes asking at the same moment could both get the single slot (nba_features/pool_slots.py).
Here several real processes claim the slot at the same agreed moments, trial after trial, on an
instance configured by the project's dagster.yaml.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import dagster as dg

from nba_features.lib.pool_slots import SerializedPoolSlots
from nba_features_tests.automation.conftest import ROOT, write_instance_home

PROCESSES, TRIALS = 3, 40


def project_instance_home(home: Path) -> Path:
    """An instance home with the project's dagster.yaml, the warehouse pool's limit initialised."""
    write_instance_home(home)
    with dg.DagsterInstance.from_config(str(home)) as instance:
        assert isinstance(instance.event_log_storage, SerializedPoolSlots)
        assert instance.get_concurrency_config().pool_config.default_pool_limit == 1
        instance.event_log_storage.initialize_concurrency_limit_to_default("warehouse")
    return home


def assert_simultaneous_claims_never_overlap(home: Path, trials: int) -> None:
    """PROCESSES real processes claim the `warehouse` slot of the instance at `home` at the same agreed
    moments, `trials` times; no two of them may ever hold it at once."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    start = time.time() + 12  # after every process has imported Dagster and opened the instance
    command = [sys.executable, "-m", "nba_features_tests.automation._pool_claims", str(home), repr(start), str(trials)]
    processes = [subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                 for _ in range(PROCESSES)]  # fmt: skip
    outputs = [p.communicate(timeout=120) for p in processes]
    assert [p.returncode for p in processes] == [0] * PROCESSES, [err for _, err in outputs]

    held, refused = [], 0
    for out, _ in outputs:
        for line in out.splitlines():
            trial, claimed, held_from, held_to = line.split()
            if int(claimed):
                held.append((float(held_from), float(held_to), int(trial)))
            else:
                refused += 1
    assert len(held) + refused == PROCESSES * trials
    assert refused > 0, "the processes never asked for the slot at the same time"
    held.sort()
    overlapping = [(a, b) for a, b in zip(held, held[1:]) if b[0] < a[1]]
    assert not overlapping, f"two processes held the one slot at once: {overlapping}"


def test_simultaneous_claims_of_the_one_warehouse_slot_never_both_succeed(tmp_path):
    assert_simultaneous_claims_never_overlap(project_instance_home(tmp_path / "dagster_home"), TRIALS)
