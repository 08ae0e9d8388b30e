"""Every process that runs Phase 4 steps stores events in batches of the same size: the CLI's instance, the
production image and `make dev` each set DAGSTER_EVENT_BATCH_SIZE, and the Dockerfile and Makefile cannot
import the CLI's constant, so this test holds the three together."""

from __future__ import annotations

import re

from nba_features.cli.instance import EVENT_BATCH_SIZE, PROJECT_ROOT


def test_the_image_and_make_dev_use_the_cli_batch_size():
    dockerfile = (PROJECT_ROOT / "deploy" / "Dockerfile").read_text()
    makefile = (PROJECT_ROOT / "Makefile").read_text()
    assert re.findall(r"DAGSTER_EVENT_BATCH_SIZE=(\d+)", dockerfile) == [EVENT_BATCH_SIZE]
    dev = next(line for line in makefile.splitlines() if "dagster dev" in line)
    assert re.findall(r"DAGSTER_EVENT_BATCH_SIZE=(\d+)", dev) == [EVENT_BATCH_SIZE]
