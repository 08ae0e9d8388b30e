"""The Kubernetes recipe carries the settings that matter, in step with the production instance.

No container engine nor Helm runs here, and the official chart is not in a package registry this machine
reaches, so the chart's values (deploy/helm/values.yaml) and the image (deploy/Dockerfile) are parsed
and their settings checked: the same image everywhere the instance is opened, the code location's module,
the BigQuery key mounted from a secret with GOOGLE_APPLICATION_CREDENTIALS pointing into the mount,
handed to run pods; the K8s run launcher's sizes from the benchmark, not overridden by the code server's;
the PostgreSQL connection and every instance setting equal to deploy/dagster.production.yaml's once
the chart has written them (its template's names: dagster.yaml keys in snake_case).
"""

from __future__ import annotations

import re
import tomllib

import pytest
import yaml
from packaging.specifiers import SpecifierSet

from nba_features_tests.automation.conftest import ROOT

HELM = ROOT / "deploy" / "helm" / "values.yaml"
DOCKERFILE = ROOT / "deploy" / "Dockerfile"
INSTANCE = ROOT / "deploy" / "dagster.production.yaml"
DEFINITIONS_MODULE = "nba_features.definitions"
GIB = 1024**3


@pytest.fixture(scope="module")
def values() -> dict:
    return yaml.safe_load(HELM.read_text())


@pytest.fixture(scope="module")
def instance() -> dict:
    return yaml.safe_load(INSTANCE.read_text())


def code_location(values: dict) -> dict:
    deployments = values["dagster-user-deployments"]["deployments"]
    assert len(deployments) == 1
    return deployments[0]


def memory_bytes(quantity: str) -> int:
    number, unit = re.fullmatch(r"(\d+)(Mi|Gi)", quantity).groups()
    return int(number) * {"Mi": 1024**2, "Gi": GIB}[unit]


def test_one_image_serves_the_code_location_and_opens_the_instance_everywhere(values):
    location = code_location(values)
    assert values["dagster-user-deployments"]["enabled"] and values["dagster-user-deployments"]["enableSubchart"]
    image = location["image"]
    assert image["repository"] and image["tag"] and image["tag"] != "latest"
    # the webserver, the daemon and the migration job (which uses the webserver's image) import the
    # project's event log class
    assert values["dagsterWebserver"]["image"] == image == values["dagsterDaemon"]["image"]
    assert location["dagsterApiGrpcArgs"] == ["-m", DEFINITIONS_MODULE]
    workspace = yaml.safe_load((ROOT / "workspace.yaml").read_text())
    assert workspace["load_from"][0]["python_module"]["module_name"] == DEFINITIONS_MODULE


def test_the_image_installs_the_project_and_serves_the_definitions_over_grpc():
    text = DOCKERFILE.read_text()
    base = re.search(r"^FROM python:(\d+\.\d+)", text, re.M).group(1)
    requires = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["requires-python"]
    assert SpecifierSet(requires).contains(f"{base}.0"), (base, requires)
    cmd = yaml.safe_load(re.search(r"^CMD (.+)$", text, re.M).group(1))
    assert cmd[:3] == ["dagster", "api", "grpc"] and cmd[cmd.index("-m") + 1] == DEFINITIONS_MODULE
    # schemas/ (the table contracts) is copied where NBA_FEATURES_SCHEMAS points
    assert "COPY schemas ./schemas" in text and "NBA_FEATURES_SCHEMAS=/opt/nba_features/schemas" in text
    assert "WORKDIR /opt/nba_features" in text
    # dagster-k8s in the release of the pinned Dagster libraries (the run launcher loads in every process)
    dependencies = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    postgres_pin = next(d for d in dependencies if d.startswith("dagster-postgres=="))
    assert f'"dagster-k8s=={postgres_pin.split("==")[1]}"' in text
    # the build context lets through what the Dockerfile copies
    ignored = (ROOT / ".dockerignore").read_text().splitlines()
    assert "*" in ignored and {"!pyproject.toml", "!nba_features/", "!schemas/"} <= set(ignored)


def test_bigquery_credentials_come_from_a_mounted_secret_and_reach_the_run_pods(values):
    location = code_location(values)
    env = {e["name"]: e.get("value") for e in location["env"]}
    assert env["NBA_FEATURES_ENV"] == "prod" and env["NBA_FEATURES_BQ_PROJECT"]
    assert "NBA_FEATURES_BQ_API_ENDPOINT" not in env  # the emulator's switch, never in production
    (volume,) = location["volumes"]
    (mount,) = location["volumeMounts"]
    assert volume["secret"]["secretName"] and mount["name"] == volume["name"] and mount["readOnly"] is True
    key_path = f"{mount['mountPath']}/{volume['secret']['items'][0]['path']}"
    assert env["GOOGLE_APPLICATION_CREDENTIALS"] == key_path
    # the code server's env, volumes and mounts are the run pods' (the chart's container context)
    assert location["includeConfigInLaunchedRuns"]["enabled"] is True


def test_run_pods_are_sized_from_the_benchmark_by_the_run_launcher(values):
    launcher = values["runLauncher"]
    assert launcher["type"] == "K8sRunLauncher"
    resources = launcher["config"]["k8sRunLauncher"]["resources"]
    # bench/RESULTS.md: a season through Dagster peaks at 1,410 MB RSS and uses about one core
    season_peak = 1410 * 1000**2
    assert season_peak < memory_bytes(resources["requests"]["memory"]) <= memory_bytes(resources["limits"]["memory"])
    assert resources["requests"]["cpu"] == "1"
    # resources on the code location would ride the container context to every run pod, over these
    assert "resources" not in code_location(values)
    assert launcher["config"]["k8sRunLauncher"]["runK8sConfig"]["jobSpecConfig"]["backoffLimit"] == 0


def chart_postgres_config(values: dict) -> dict:
    """The postgres_db block the chart writes for its run and schedule storage (its postgresql template)."""
    pg = values["postgresql"]
    return {
        "username": pg["postgresqlUsername"],
        "password": {"env": "DAGSTER_PG_PASSWORD"},
        "hostname": pg["postgresqlHost"],
        "db_name": pg["postgresqlDatabase"],
        "port": pg["service"]["port"],
        "scheme": pg["postgresqlScheme"],
    }


def test_postgres_is_external_and_every_store_uses_one_connection(values, instance):
    assert values["postgresql"]["enabled"] is False and values["generatePostgresqlPasswordSecret"] is False
    assert values["global"]["postgresqlSecretName"]
    event_log = values["additionalInstanceConfig"]["event_log_storage"]
    # the event log replaces the chart's stock class with the production instance's, on the same database
    assert {k: event_log[k] for k in ("module", "class")} == {k: instance["event_log_storage"][k] for k in ("module", "class")}
    assert event_log["config"]["postgres_db"] == chart_postgres_config(values)
    # the production file reads the same connection from the environment, with the same driver
    local = instance["event_log_storage"]["config"]["postgres_db"]
    assert local["password"] == {"env": "DAGSTER_PG_PASSWORD"} and local["scheme"] == values["postgresql"]["postgresqlScheme"]
    assert instance["run_storage"]["config"] == instance["event_log_storage"]["config"] == instance["schedule_storage"]["config"]


def test_queue_pool_monitoring_retries_and_retention_are_the_production_instance_s(values, instance):
    assert values["dagsterDaemon"]["runCoordinator"]["enabled"] is True
    assert values["dagsterDaemon"]["runCoordinator"]["type"] == instance["run_coordinator"]["class"] == "QueuedRunCoordinator"
    queued = values["dagsterDaemon"]["runCoordinator"]["config"]["queuedRunCoordinator"]
    assert queued == {"dequeueIntervalSeconds": instance["run_coordinator"]["config"]["dequeue_interval_seconds"]}

    concurrency = values["concurrency"]
    assert concurrency["enabled"] is True
    assert {
        "pools": {"default_limit": concurrency["pools"]["defaultLimit"], "granularity": concurrency["pools"]["granularity"]},
        "runs": {
            "max_concurrent_runs": concurrency["runs"]["maxConcurrentRuns"],
            "tag_concurrency_limits": concurrency["runs"]["tagConcurrencyLimits"],
        },
    } == instance["concurrency"]
    assert instance["concurrency"]["pools"]["default_limit"] == 1  # one warehouse step at a time

    # written whole through additionalInstanceConfig (the chart's own blocks are off, not written twice)
    assert (
        values["dagsterDaemon"]["runMonitoring"]["enabled"] is False and values["dagsterDaemon"]["runRetries"]["enabled"] is False
    )
    assert values["additionalInstanceConfig"]["run_monitoring"] == instance["run_monitoring"]
    assert values["additionalInstanceConfig"]["run_retries"] == instance["run_retries"]
    assert instance["run_monitoring"]["free_slots_after_run_end_seconds"] > 0  # a dead worker's pool slot comes back

    retention = values["retention"]
    assert retention["enabled"] is True
    assert {kind: {"purge_after_days": retention[kind]["purgeAfterDays"]} for kind in ("schedule", "sensor")} == instance[
        "retention"
    ]
    assert values["telemetry"]["enabled"] is instance["telemetry"]["enabled"] is False
