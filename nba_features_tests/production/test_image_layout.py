"""What deploy/Dockerfile builds, without a container engine: the build context that .dockerignore lets
through, installed the way the image installs it (a regular install, not editable, run from elsewhere),
loads the code location with the table contracts from NBA_FEATURES_SCHEMAS and the production event log."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys

import pytest

from nba_features.contracts.ddl import load_contracts
from nba_features_tests.automation.conftest import ROOT

pytestmark = pytest.mark.slow

DOCKERFILE = ROOT / "deploy" / "Dockerfile"
PROBE = """
import nba_features, nba_features.definitions as location
from nba_features.contracts.ddl import load_contracts
from nba_features.lib.postgres_instance_storage import SerializedPostgresEventLogStorage
print(nba_features.__file__)
print(len(load_contracts()))
print(len(location.defs.assets or []))
"""


def test_the_image_install_loads_the_code_location_from_the_build_context(tmp_path):
    context = tmp_path / "context"
    context.mkdir()
    for line in (ROOT / ".dockerignore").read_text().splitlines():
        if line.startswith("!"):
            source = ROOT / line[1:].rstrip("/")
            if source.is_dir():
                shutil.copytree(source, context / source.name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
            else:
                shutil.copyfile(source, context / source.name)
    schemas = re.search(r"NBA_FEATURES_SCHEMAS=(\S+)", DOCKERFILE.read_text()).group(1)
    assert schemas == "/opt/nba_features/schemas"  # WORKDIR + `COPY schemas ./schemas`, checked in test_helm_values.py
    site = tmp_path / "site"
    installed = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation", "--target", str(site), str(context)],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert installed.returncode == 0, installed.stderr
    env = {**os.environ, "PYTHONPATH": str(site), "NBA_FEATURES_SCHEMAS": str(context / "schemas")}
    probe = subprocess.run([sys.executable, "-c", PROBE], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    assert probe.returncode == 0, probe.stderr
    module_file, contracts, assets = probe.stdout.split()
    assert module_file.startswith(str(site))  # the installed copy, not the source tree
    assert int(contracts) == len(load_contracts()) and int(assets) > 0  # every contract of the source tree
