"""A process that claims the `warehouse` pool slot at agreed moments (`python -m` this module).

HOME START TRIALS
    Open the instance at DAGSTER_HOME=HOME; for each trial i, wait until wall time START + i * SPACING,
    claim the slot for a new run, hold it HOLD seconds, free it, and print "i claimed held_from held_to":
    claimed 1 or 0, and the wall times after the claim returned and before the release began (a
    later claim of the slot can only succeed after this release, so held spans never overlap).
"""

from __future__ import annotations

import sys
import time
import uuid

SPACING, HOLD = 0.25, 0.1
POOL, STEP = "warehouse", "team_defense_zone_analysis"


def main(home: str, start: float, trials: int) -> None:
    import dagster as dg

    with dg.DagsterInstance.from_config(home) as instance:
        storage = instance.event_log_storage
        for trial in range(trials):
            run_id = str(uuid.uuid4())
            while time.time() < start + trial * SPACING:
                time.sleep(0.0005)
            claimed = storage.claim_concurrency_slot(POOL, run_id, STEP, 0).is_claimed
            held_from = time.time()
            time.sleep(HOLD)
            held_to = time.time()
            storage.free_concurrency_slots_for_run(run_id)
            print(trial, int(claimed), repr(held_from), repr(held_to), flush=True)


if __name__ == "__main__":
    main(sys.argv[1], float(sys.argv[2]), int(sys.argv[3]))
