"""The 2026-02-06 incident through Dagster, a healthy date, and per-partition check results.

A one-season demo league (2025-26, final games through 2026-02-07) is seeded into a DuckDB file once;
each scenario runs the real assets of `nba_features.definitions` on its own copy of that file and its
own Dagster instance, together with a test-only `predictions` asset downstream of the feature store
(it stands for Phase 5, which must not run on a red partition).

- Incident: composite factors were never computed for 2026-02-06 (the legacy scheduler ran the feature
  store without them). The feature-store partition turns red through four independent blocking checks,
  the failures are events, the partition is marked failed (not materialized), and `predictions` is skipped.
- Healthy: 2026-02-05, all five assets: every check of every asset passes and `predictions` runs.
- Range: 2025-12-23 .. 2025-12-25 in one run (Christmas Eve has no games): one evaluation per date
  with its partition, the day without games included (it passes with its reason).
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import dagster as dg
import pytest

from nba_features.defs.inputs import INPUT_ASSETS
from nba_features.defs.phase4_assets import PHASE4_ASSETS
from nba_features.defs.resources import WarehouseResource
from nba_features.demo.demo_league import generate_league
from nba_features.partitions import game_dates
from nba_features.pipeline.registry import PHASE4_TABLES, checks_for
from nba_features.quality.events import EVENTS_TABLE
from nba_features.warehouse import DuckDBWarehouse

INCIDENT = dt.date(2026, 2, 6)
HEALTHY = dt.date(2026, 2, 5)
RANGE = (dt.date(2025, 12, 23), dt.date(2025, 12, 25))
NO_GAMES = dt.date(2025, 12, 24)
FEATURE_STORE = dg.AssetKey("ml_feature_store_v2")
PREDICTIONS = dg.AssetKey("predictions")
BLOCKING_GATES = {
    "required_default_rate": "pct_rows_required_defaults",
    "quality_ready_rate": "pct_quality_ready",
    "clean_player_coverage": "pct_clean_player_coverage",
    "upstream_phase4_complete": "missing_upstream_tables",
}
CHECK_KEYS = [
    dg.AssetCheckKey(dg.AssetKey(name), check.name) for name, table in PHASE4_TABLES.items() for check in checks_for(table)
]


@dg.asset(partitions_def=game_dates, deps=[FEATURE_STORE])
def predictions(context) -> dg.MaterializeResult:  # no annotation: dagster reads it as a string here
    """Test-only stand-in for the consumer of the feature store."""
    return dg.MaterializeResult(metadata={"partition": context.partition_key})


@pytest.fixture(scope="module")
def seeded(tmp_path_factory) -> Path:
    warehouse = DuckDBWarehouse(tmp_path_factory.mktemp("season") / "warehouse.duckdb")
    warehouse.apply_schemas()
    for table, rows in generate_league(seasons=1, start_season=2025, through=dt.date(2026, 2, 7)).items():
        warehouse.append(table, rows)
    return warehouse.path


def run(seeded: Path, directory: Path, selection: list[dg.AssetKey], *, partition: dt.date | None = None, window=None):
    """Materialize `selection` on a copy of the seeded warehouse; returns (result, instance, warehouse)."""
    path = directory / "warehouse.duckdb"
    shutil.copy(seeded, path)
    defs = dg.Definitions(
        assets=[*INPUT_ASSETS, *PHASE4_ASSETS, predictions], resources={"warehouse": WarehouseResource(duckdb_path=str(path))}
    )
    tags = {}
    if window:
        tags = {
            "dagster/asset_partition_range_start": window[0].isoformat(),
            "dagster/asset_partition_range_end": window[1].isoformat(),
        }
    instance = dg.DagsterInstance.ephemeral()
    result = defs.resolve_implicit_global_asset_job_def().execute_in_process(
        instance=instance, asset_selection=selection, partition_key=partition.isoformat() if partition else None,
        tags=tags, raise_on_error=False,
    )  # fmt: skip
    return result, instance, DuckDBWarehouse(path)


def history(instance: dg.DagsterInstance, key: dg.AssetCheckKey, run_id: str) -> list:
    """This run's completed evaluations of one check, as stored by the instance."""
    records = instance.event_log_storage.get_asset_check_execution_history(key, limit=50)
    return [
        r
        for r in records
        if r.run_id == run_id and r.event and r.event.dagster_event_type == dg.DagsterEventType.ASSET_CHECK_EVALUATION
    ]


def partition_status(instance: dg.DagsterInstance, key: dg.AssetCheckKey) -> dict[str, set[str]]:
    """What the UI colours each partition of a check by: status -> partitions (empty statuses left out)."""
    state = instance.event_log_storage.get_asset_check_state([(key, game_dates)])[key]
    statuses = {status.value: set(subset.value.get_partition_keys()) for status, subset in state.subsets.items()}
    return {status: keys for status, keys in statuses.items() if keys}


def evaluation(record):
    return record.event.dagster_event.event_specific_data


def materialized(result) -> set[str]:
    return {e.asset_key.path[-1] for e in result.get_asset_materialization_events()}


# --- the incident ----------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def incident(seeded, tmp_path_factory):
    upstream_without_composite = ["team_defense_zone_analysis", "player_shot_zone_analysis", "player_daily_cache"]
    selection = [dg.AssetKey(n) for n in upstream_without_composite] + [FEATURE_STORE, PREDICTIONS]
    return run(seeded, tmp_path_factory.mktemp("incident"), selection, partition=INCIDENT)


def test_incident_turns_the_partition_red_through_the_blocking_gates(incident):
    result, instance, _ = incident
    assert not result.success
    (failure,) = [e for e in result.all_events if e.event_type_value == "STEP_FAILURE"]
    assert failure.step_key == "ml_feature_store_v2"
    assert failure.event_specific_data.error.cls_name == "DagsterAssetCheckFailedError"
    for name, metric in BLOCKING_GATES.items():
        (record,) = history(instance, dg.AssetCheckKey(FEATURE_STORE, name), result.run_id)
        assert record.partition == INCIDENT.isoformat() and record.status.value == "FAILED", name
        check = evaluation(record)
        assert not check.passed and check.severity == dg.AssetCheckSeverity.ERROR and check.metadata["metric"].value == metric
    values = {
        name: evaluation(history(instance, dg.AssetCheckKey(FEATURE_STORE, name), result.run_id)[0]).metadata
        for name in BLOCKING_GATES
    }
    assert values["required_default_rate"]["value"].value == 100.0
    assert values["quality_ready_rate"]["value"].value == 0.0
    assert values["clean_player_coverage"]["value"].value == 0.0
    assert values["upstream_phase4_complete"]["missing_processors"].value == "player_composite_factors"
    for name in BLOCKING_GATES:
        assert partition_status(instance, dg.AssetCheckKey(FEATURE_STORE, name)) == {"FAILED": {INCIDENT.isoformat()}}


def test_incident_writes_events_and_blocks_downstream(incident):
    result, instance, warehouse = incident
    events = warehouse.query(f"SELECT * FROM {EVENTS_TABLE} WHERE game_date = @d", {"d": INCIDENT})
    gates = events[events["processor_name"].isin(list(BLOCKING_GATES))]
    assert len(gates) == len(BLOCKING_GATES) and dict(zip(gates["processor_name"], gates["metric_name"])) == BLOCKING_GATES
    assert set(gates["severity"]) == {"CRITICAL"} and set(events["session_id"]) == {result.run_id}
    assert set(events["table_name"]) == {"nba_predictions.ml_feature_store_v2"}
    assert {"average_quality_score", "quality_ready_canary"} <= set(events["processor_name"])  # WARN canaries, also recorded

    # the red date is not materialized: Dagster marks exactly that partition failed
    assert materialized(result) == {"team_defense_zone_analysis", "player_shot_zone_analysis", "player_daily_cache"}
    assert instance.get_status_by_partition(FEATURE_STORE, [INCIDENT.isoformat()], game_dates) == {
        INCIDENT.isoformat(): dg.AssetPartitionStatus.FAILED
    }
    assert "predictions" not in {e.step_key for e in result.all_events if e.event_type_value in ("STEP_START", "STEP_SUCCESS")}
    logs = [entry.user_message for entry in instance.all_logs(result.run_id)]
    assert "Dependencies for step predictions failed: ['ml_feature_store_v2']. Not executing." in logs


def test_incident_rows_show_the_gap_the_legacy_canary_missed(incident):
    _, _, warehouse = incident
    rows = warehouse.query(
        "SELECT required_default_count, missing_processors, matchup_quality_pct, quality_alert_level "
        "FROM nba_predictions.ml_feature_store_v2 WHERE game_date = @d",
        {"d": INCIDENT},
    )
    assert len(rows) > 100 and (rows["required_default_count"] >= 4).all()
    assert set(rows["missing_processors"]) == {"player_composite_factors"}
    # the legacy "average matchup >= 40" canary passes on this partition: it could not catch the incident
    assert rows["matchup_quality_pct"].mean() >= 40 and (rows["quality_alert_level"] != "red").all()


# --- a healthy date ----------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def healthy(seeded, tmp_path_factory):
    selection = [dg.AssetKey(name) for name in PHASE4_TABLES] + [PREDICTIONS]
    return run(seeded, tmp_path_factory.mktemp("healthy"), selection, partition=HEALTHY)


def test_a_healthy_date_passes_every_check_and_feeds_downstream(healthy):
    result, instance, warehouse = healthy
    assert result.success
    evaluations = result.get_asset_check_evaluations()
    assert len(evaluations) == len(CHECK_KEYS)
    assert [(e.asset_key.path[-1], e.check_name, e.description) for e in evaluations if not e.passed] == []
    assert materialized(result) == {*PHASE4_TABLES, "predictions"}
    # the run executes the assets in the run order (independent ones too), then the consumer
    started = [e.step_key for e in result.all_events if e.event_type_value == "STEP_START"]
    assert started == [*PHASE4_TABLES, "predictions"]
    events = warehouse.query(f"SELECT COUNT(*) AS n FROM {EVENTS_TABLE} WHERE game_date = @d", {"d": HEALTHY})
    assert events["n"].iloc[0] == 0


def test_a_single_partition_run_records_one_result_per_check_with_its_partition(healthy):
    result, instance, _ = healthy
    for key in CHECK_KEYS:
        (record,) = history(instance, key, result.run_id)
        assert (record.partition, record.status.value) == (HEALTHY.isoformat(), "SUCCEEDED"), key
        assert partition_status(instance, key) == {"SUCCEEDED": {HEALTHY.isoformat()}}, key


# --- a range run --------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def range_run(seeded, tmp_path_factory):
    selection = [dg.AssetKey(name) for name in PHASE4_TABLES]
    return run(seeded, tmp_path_factory.mktemp("range"), selection, window=RANGE)


def test_a_range_run_records_one_evaluation_per_date_days_without_games_included(range_run):
    result, instance, _ = range_run
    assert result.success
    days = {RANGE[0].isoformat(), NO_GAMES.isoformat(), RANGE[1].isoformat()}
    for key in CHECK_KEYS:
        records = history(instance, key, result.run_id)
        assert {r.partition: r.status.value for r in records} == dict.fromkeys(days, "SUCCEEDED"), key
        # each evaluation targets its partition's materialization, so the UI shows it as current
        assert partition_status(instance, key) == {"SUCCEEDED": days}, key
        (no_games,) = [evaluation(r) for r in records if r.partition == NO_GAMES.isoformat()]
        assert key.name in ("schema_matches_contract", "primary_key_unique") or "no games scheduled" in no_games.description, key
    # every partition of every asset is materialized, each with its own row count
    for name in PHASE4_TABLES:
        for record in instance.fetch_materializations(dg.AssetKey(name), limit=10).records:
            materialization = record.asset_materialization
            rows = materialization.metadata["dagster/row_count"].value
            if materialization.partition == NO_GAMES.isoformat():
                assert rows == 0 and "no games scheduled" in materialization.metadata["note"].value


def test_a_range_run_judges_drift_against_its_own_earlier_date(range_run):
    result, instance, _ = range_run
    (record,) = [r for r in history(instance, dg.AssetCheckKey(FEATURE_STORE, "feature_distribution_drift"), result.run_id)
                 if r.partition == RANGE[1].isoformat()]  # fmt: skip
    assert evaluation(record).description == "no drift against the 4-week baseline"
