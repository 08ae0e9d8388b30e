"""DuckDB/BigQuery parity: the five Phase 4 assets and their checks, run through Dagster on both warehouses.

One demo season (2023-24) is seeded into an embedded DuckDB file and into the BigQuery emulator (its own
dataset prefix), up to the last date of the run. The five assets are then materialized as one range run
over three dates, in each warehouse, exactly as production runs them (the code location's assets, the
WarehouseResource with env='local' or env='prod'). The dates: 2023-12-23 (a full slate), 2023-12-24 (no
games) and 2023-12-25 (five games).

What must hold:
- every row of the five tables for those dates is identical in both warehouses, floats to 1e-9;
  audit timestamps (processed_at, created_at, ...) differ by construction: every timestamp that is the
  time of one of the five runs in its warehouse is compared as "<asset> run", so a source_*_last_updated
  column must point at the same upstream run in both, and seeded timestamps must be equal;
  feature_generation_time_ms (a measured duration) is the one column left out;
- the dtypes of every column read back are the same (result normalisation);
- the asset checks reach the same outcomes (per date and per run), and the same quality events are written
  (one implausible input makes some WARN checks fail, see `league_tables`);
- every query the runs made (extracts, check queries, lineage counts) returned the same frame from both
  warehouses, in the same order;
- the SQL sent to BigQuery is valid where the emulator is more lenient than BigQuery: every read of a
  table with require_partition_filter filters its partition column with DATE query parameters (the
  emulator does not enforce the option), and no DATE partition column is compared with a string.
"""

from __future__ import annotations

import datetime as dt
import math
import uuid
from dataclasses import dataclass, field

import dagster as dg
import numpy as np
import pandas as pd
import pytest
import sqlglot
from google.cloud import bigquery
from sqlglot import exp

from nba_features.contracts import contract, load_contracts
from nba_features.defs.phase4_assets import PHASE4_ASSETS
from nba_features.defs.resources import WarehouseResource
from nba_features.demo.demo_league import generate_league, generate_prediction_accuracy
from nba_features.pipeline.registry import RUN_ORDER
from nba_features.quality.events import EVENTS_TABLE
from nba_features.warehouse import Warehouse
from nba_features_tests.bigquery_emulator import EmulatorEndpoint

pytestmark = [
    pytest.mark.bigquery,
    pytest.mark.slow,
    pytest.mark.filterwarnings("ignore::dagster.BetaWarning"),
    pytest.mark.filterwarnings("ignore::dagster.PreviewWarning"),
]

DATES = [dt.date(2023, 12, 23), dt.date(2023, 12, 24), dt.date(2023, 12, 25)]
# A measured duration, different on every run; the only output column not compared.
UNCOMPARED_COLUMNS = frozenset({"feature_generation_time_ms"})
# Quality-event columns that identify the event or the run, not what was found.
EVENT_IDENTITY_COLUMNS = ("event_id", "event_timestamp", "created_at", "session_id")
FLOAT_TOLERANCE = 1e-9
IMPLAUSIBLE_DEFENSE_TEAM, IMPLAUSIBLE_DEFENSIVE_RATING = "BOS", 145.0  # outside the checked range [70, 140]


@dataclass
class WarehouseRun:
    """One warehouse after the seed and the range run, with what the run produced."""

    warehouse: Warehouse
    result: dg.ExecuteInProcessResult
    outputs: dict[str, pd.DataFrame] = field(default_factory=dict)  # table → rows of DATES
    run_times: dict[pd.Timestamp, str] = field(default_factory=dict)  # processed_at of a run → its asset
    queries: list[tuple[str, dict, pd.DataFrame]] = field(default_factory=list)  # (sql, params, result) in run order
    statements: list[tuple[str, bigquery.QueryJobConfig]] = field(default_factory=list)  # BigQuery only


def league_tables() -> dict[str, pd.DataFrame]:
    """The demo season's input tables up to the last date of the run (later rows are never read).

    One implausible input, a defensive rating of 145 in every Boston game, makes WARN checks fail on
    both match days (team defence and feature-store ranges), so failed outcomes and their quality
    events are compared too, not only passing ones.
    """
    tables = generate_league(seasons=1, start_season=2023)
    tables["nba_predictions.prediction_accuracy"] = generate_prediction_accuracy(tables)
    defense = tables["nba_analytics.team_defense_game_summary"]
    defense.loc[defense["defending_team_abbr"] == IMPLAUSIBLE_DEFENSE_TEAM, "defensive_rating"] = IMPLAUSIBLE_DEFENSIVE_RATING
    trimmed = {}
    for name, frame in tables.items():
        partition = contract(name).partition_column
        trimmed[name] = frame[frame[partition] <= pd.Timestamp(DATES[-1])].reset_index(drop=True)
    return trimmed


def seed(warehouse: Warehouse, tables: dict[str, pd.DataFrame]) -> None:
    warehouse.apply_schemas()
    for name, frame in tables.items():
        partition = contract(name).partition_column
        warehouse.replace_partitions(name, sorted(frame[partition].dt.date.unique()), frame)


def materialize_dates(resource: WarehouseResource, dates: list[dt.date] = DATES) -> dg.ExecuteInProcessResult:
    """One range run of the five assets over `dates`, on an in-memory instance (the run's events are all
    the test reads back; a SQLite event log would add a third to the run time)."""
    return dg.materialize(
        PHASE4_ASSETS,
        instance=dg.DagsterInstance.ephemeral(),
        resources={"warehouse": resource},
        tags={
            "dagster/asset_partition_range_start": dates[0].isoformat(),
            "dagster/asset_partition_range_end": dates[-1].isoformat(),
        },
        raise_on_error=False,
    )


def read_outputs(run: WarehouseRun) -> None:
    for table in RUN_ORDER:
        column = table.partition_column
        rows = run.warehouse.query(
            f"SELECT * FROM {table.table} WHERE {column} BETWEEN @start_date AND @end_date",
            {"start_date": DATES[0], "end_date": DATES[-1]},
        )
        run.outputs[table.table] = rows
        run.run_times.update({stamp: table.asset_name for stamp in rows["processed_at"].unique()})


def run_on(resource: WarehouseResource, tables: dict[str, pd.DataFrame]) -> WarehouseRun:
    """Seed, then the range run, recording every query the run makes (the real query runs and answers)."""
    warehouse = resource.get()
    seed(warehouse, tables)
    queries: list[tuple[str, dict, pd.DataFrame]] = []
    implementation = type(warehouse)
    run_query = implementation.query

    def recording_query(self, sql, params=None, **kwargs):
        result = run_query(self, sql, params, **kwargs)
        queries.append((sql, dict(params or {}), result.copy()))
        return result

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(implementation, "query", recording_query)
        result = materialize_dates(resource)
    run = WarehouseRun(warehouse, result, queries=queries)
    read_outputs(run)
    return run


@pytest.fixture(scope="module")
def league() -> dict[str, pd.DataFrame]:
    return league_tables()


@pytest.fixture(scope="module")
def duckdb_run(league, tmp_path_factory) -> WarehouseRun:
    path = tmp_path_factory.mktemp("parity") / "warehouse.duckdb"
    return run_on(WarehouseResource(env="local", duckdb_path=str(path)), league)


@pytest.fixture(scope="module")
def bigquery_run(league, bigquery_emulator: EmulatorEndpoint) -> WarehouseRun:
    """The same on the emulator; every statement sent to BigQuery is recorded (and still run)."""
    statements: list[tuple[str, bigquery.QueryJobConfig]] = []
    run_query = bigquery.Client.query

    def recording_query(client, query, job_config=None, *args, **kwargs):
        statements.append((query, job_config))
        return run_query(client, query, job_config, *args, **kwargs)

    resource = WarehouseResource(
        env="prod",
        bigquery_project=bigquery_emulator.project,
        dataset_prefix=f"parity{uuid.uuid4().hex[:8]}_",
        api_endpoint=bigquery_emulator.api_endpoint,
    )
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(bigquery.Client, "query", recording_query)
        run = run_on(resource, league)
    run.statements = statements
    return run


# --- comparing values ------------------------------------------------------------------------
def canonical(value, run_times: dict[pd.Timestamp, str]):
    """A value in a form comparable across warehouses: run times as '<asset> run', numpy scalars as Python."""
    if isinstance(value, (pd.Timestamp, dt.datetime)) and value is not pd.NaT:
        stamp = pd.Timestamp(value)
        if stamp.tzinfo is not None and stamp.tz_convert("UTC") in run_times:
            return f"<{run_times[stamp.tz_convert('UTC')]} run>"
        return stamp.isoformat()
    if isinstance(value, np.ndarray):
        value = value.tolist()
    if isinstance(value, list):
        return [canonical(v, run_times) for v in value]
    if isinstance(value, dict):
        return {k: canonical(v, run_times) for k, v in value.items()}
    if value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, np.generic):
        return value.item()
    return value


def same(left, right) -> bool:
    if isinstance(left, float) and isinstance(right, float):
        return math.isclose(left, right, rel_tol=FLOAT_TOLERANCE, abs_tol=FLOAT_TOLERANCE)
    if isinstance(left, list) and isinstance(right, list):
        return len(left) == len(right) and all(same(a, b) for a, b in zip(left, right))
    if isinstance(left, dict) and isinstance(right, dict):
        return left.keys() == right.keys() and all(same(left[k], right[k]) for k in left)
    return type(left) is type(right) and left == right


def is_nested(series: pd.Series) -> bool:
    return series.dtype == object and series.map(lambda v: isinstance(v, (list, dict, np.ndarray))).any()


def tokens(series: pd.Series, run_times: dict[pd.Timestamp, str]) -> pd.Series:
    """Scalar values as strings to sort and match rows on: run times as '<asset> run', floats at 6 digits."""
    if isinstance(series.dtype, pd.DatetimeTZDtype):
        named = series.map(run_times).map(lambda asset: f"<{asset} run>", na_action="ignore")
        return named.fillna(series.astype(str))
    if series.dtype.kind == "f":
        return series.map(lambda v: f"{v:.6g}")
    return series.astype(str)


def in_row_order(frame: pd.DataFrame, key: list[str], run_times: dict) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(frame sorted on key, its key tokens); rows sharing a key are ordered by all their scalar values."""
    order = pd.DataFrame({name: tokens(frame[name], run_times) for name in key}, index=frame.index)
    if order.duplicated().any():
        rest = [c for c in frame.columns if c not in key and not is_nested(frame[c])]
        order = order.join(pd.DataFrame({f"~{c}": tokens(frame[c], run_times) for c in rest}, index=frame.index))
    order = order.sort_values(list(order.columns), kind="stable")
    return frame.loc[order.index].reset_index(drop=True), order[key].reset_index(drop=True)


def differences(
    duck: pd.DataFrame, bq: pd.DataFrame, key: list[str], duck_times: dict, bq_times: dict, skip: frozenset[str] = frozenset()
) -> list[str]:
    """What differs between two frames of the same rows (empty when they match), rows matched on `key`."""
    if list(duck.columns) != list(bq.columns):
        return [f"columns differ: {list(duck.columns)} vs {list(bq.columns)}"]
    found = [
        f"{name}: dtype {duck[name].dtype} (DuckDB) vs {bq[name].dtype} (BigQuery)"
        for name in duck.columns
        if str(duck[name].dtype) != str(bq[name].dtype)
    ]
    duck, duck_keys = in_row_order(duck, key, duck_times)
    bq, bq_keys = in_row_order(bq, key, bq_times)
    if not duck_keys.equals(bq_keys):
        only_duck = duck_keys.merge(bq_keys, how="left", indicator=True).query("_merge == 'left_only'").head(3)
        only_bq = bq_keys.merge(duck_keys, how="left", indicator=True).query("_merge == 'left_only'").head(3)
        return [
            *found,
            f"{len(duck)} vs {len(bq)} rows; only in DuckDB {only_duck[key].values.tolist()}, "
            f"only in BigQuery {only_bq[key].values.tolist()}",
        ]
    for name in duck.columns:
        if name in skip:
            continue
        left, right = duck[name], bq[name]
        if is_nested(left) or is_nested(right):
            bad = pd.Series([not same(canonical(a, duck_times), canonical(b, bq_times)) for a, b in zip(left, right)])
        elif left.dtype.kind == "f" and right.dtype.kind == "f":
            bad = pd.Series(~np.isclose(left, right, rtol=FLOAT_TOLERANCE, atol=FLOAT_TOLERANCE, equal_nan=True))
        elif isinstance(left.dtype, pd.DatetimeTZDtype):
            bad = tokens(left, duck_times) != tokens(right, bq_times)
        else:
            bad = ~((left == right).fillna(False).astype(bool) | (left.isna() & right.isna()))
        if bad.any():
            row = int(np.flatnonzero(bad.to_numpy())[0])
            where = ", ".join(f"{k}={duck_keys[k].iloc[row]}" for k in key)
            found.append(
                f"{name}: {int(bad.sum())} row(s) differ, e.g. at {where}: {left.iloc[row]!r} (DuckDB) vs {right.iloc[row]!r} (BigQuery)"[
                    :600
                ]
            )
    return found


def test_the_comparison_sees_what_differs():
    """The parity tests are only worth something if `differences` flags each kind of difference."""
    run = pd.Timestamp("2026-01-01 12:00", tz="UTC")
    frame = pd.DataFrame(
        {
            "game_date": pd.to_datetime(["2023-12-23", "2023-12-25"]),
            "player_lookup": ["a", "b"],
            "points": [10.0, 20.0],
            "games": [1, 2],
            "dates": [[dt.date(2023, 12, 1)], []],
            "processed_at": [run, run],
        }
    )
    times = {run: "player_daily_cache"}
    key = ["game_date", "player_lookup"]
    assert differences(frame, frame.iloc[::-1].reset_index(drop=True), key, times, times) == []
    other_run = frame.assign(processed_at=run + pd.Timedelta(seconds=3))
    assert differences(frame, other_run, key, times, {run + pd.Timedelta(seconds=3): "player_daily_cache"}) == []
    assert differences(frame, frame.assign(points=[10.0, 20.0 + 1e-12]), key, times, times) == []
    flagged = {
        "float": frame.assign(points=[10.0, 20.000001]),
        "dtype": frame.assign(games=frame["games"].astype("Int64")),
        "nested date": frame.assign(dates=[[dt.datetime(2023, 12, 1)], []]),
        "another run": other_run,
        "missing row": frame.iloc[:1],
    }
    for kind, changed in flagged.items():
        assert differences(frame, changed, key, times, times), f"{kind} not flagged"


# --- rows ------------------------------------------------------------------------------------
def test_both_runs_materialize_every_asset(duckdb_run, bigquery_run):
    for run in (duckdb_run, bigquery_run):
        failures = [e.step_key for e in run.result.all_events if e.event_type_value == "STEP_FAILURE"]
        assert failures == [], f"{run.warehouse!r}: failed steps {failures}"
        materialized = {event.asset_key.path[-1] for event in run.result.get_asset_materialization_events()}
        assert materialized == {t.asset_name for t in RUN_ORDER}


@pytest.mark.parametrize("table", [t.table for t in RUN_ORDER])
def test_every_row_is_the_same_in_both_warehouses(duckdb_run, bigquery_run, table):
    duck, bq = duckdb_run.outputs[table], bigquery_run.outputs[table]
    # The games of the two match days give rows; the day without games gives none in any table.
    written_dates = set(duck[contract(table).partition_column].dt.date)
    assert written_dates <= {DATES[0], DATES[2]} and DATES[0] in written_dates, f"{table}: rows for {sorted(written_dates)}"
    found = differences(
        duck, bq, list(contract(table).primary_key), duckdb_run.run_times, bigquery_run.run_times, UNCOMPARED_COLUMNS
    )
    assert found == [], f"{table} differs between DuckDB and BigQuery:\n" + "\n".join(found)


def test_audit_timestamps_name_the_runs(duckdb_run, bigquery_run):
    """The comparison above maps run times to '<asset> run'; each table's rows carry its own run's time."""
    for run in (duckdb_run, bigquery_run):
        assert sorted(run.run_times.values()) == sorted(t.asset_name for t in RUN_ORDER)
        for table in RUN_ORDER:
            stamps = set(run.outputs[table.table]["processed_at"])
            assert {run.run_times[s] for s in stamps} == {table.asset_name}


# --- checks and events -----------------------------------------------------------------------
def check_outcomes(run: WarehouseRun) -> dict[tuple[str, str, str | None], tuple]:
    outcomes = {}
    for evaluation in run.result.get_asset_check_evaluations():
        metadata = {name: canonical(value.value, run.run_times) for name, value in evaluation.metadata.items()}
        key = (evaluation.asset_key.path[-1], evaluation.check_name, evaluation.partition)
        assert key not in outcomes, f"two evaluations of {key}"
        outcomes[key] = (evaluation.passed, evaluation.severity.value, evaluation.description, metadata)
    return outcomes


def test_the_checks_reach_the_same_outcomes(duckdb_run, bigquery_run):
    duck, bq = check_outcomes(duckdb_run), check_outcomes(bigquery_run)
    assert duck.keys() == bq.keys()
    # One evaluation per date, the day without games included, for every check of every asset.
    assert {partition for _, _, partition in duck} == {d.isoformat() for d in DATES}
    differing = {key: (duck[key], bq[key]) for key in duck if not same(list(duck[key]), list(bq[key]))}
    assert differing == {}


def test_the_same_quality_events_are_recorded(duckdb_run, bigquery_run):
    events = {}
    for name, run in (("duckdb", duckdb_run), ("bigquery", bigquery_run)):
        frame = run.warehouse.query(f"SELECT * FROM {EVENTS_TABLE}")
        failed = sum(not e.passed for e in run.result.get_asset_check_evaluations() if e.partition is not None)
        assert failed and len(frame) == failed, f"{name}: {len(frame)} events for {failed} failed per-date checks"
        events[name] = frame.drop(columns=list(EVENT_IDENTITY_COLUMNS))
    key = ["table_name", "game_date", "processor_name"]
    found = differences(events["duckdb"], events["bigquery"], key, duckdb_run.run_times, bigquery_run.run_times)
    assert found == [], "\n".join(found)


# --- every query of the runs ----------------------------------------------------------------
def comparison_key(frame: pd.DataFrame) -> list[str]:
    """Query results promise no row order: rows are matched on their scalar, non-float columns."""
    scalar = [c for c in frame.columns if not is_nested(frame[c])]
    return [c for c in scalar if frame[c].dtype.kind != "f"] or scalar


def test_every_query_of_the_runs_returns_the_same_frame(duckdb_run, bigquery_run):
    duck_queries = [(sql, params) for sql, params, _ in duckdb_run.queries]
    bq_queries = [(sql, params) for sql, params, _ in bigquery_run.queries]
    first_difference = next(
        (i for i, (d, b) in enumerate(zip(duck_queries, bq_queries)) if d != b), min(len(duck_queries), len(bq_queries))
    )
    assert duck_queries == bq_queries, (
        f"the runs made different queries ({len(duck_queries)} on DuckDB, {len(bq_queries)} on BigQuery), from query "
        f"{first_difference}: {duck_queries[first_difference : first_difference + 1]} vs {bq_queries[first_difference : first_difference + 1]}"
    )
    # The five assets' extracts, lineage counts and check queries.
    assert len(duck_queries) > 30
    problems = []
    for (sql, params, duck), (_, _, bq) in zip(duckdb_run.queries, bigquery_run.queries):
        found = differences(duck, bq, comparison_key(duck), duckdb_run.run_times, bigquery_run.run_times)
        if found:
            problems.append(f"{sql.strip()[:300]}\n  {params}\n  " + "\n  ".join(found))
    assert problems == [], "\n\n".join(problems)


# --- the SQL BigQuery receives ---------------------------------------------------------------
def parameter_types(job_config: bigquery.QueryJobConfig | None) -> dict[str, str]:
    types = {}
    for parameter in job_config.query_parameters if job_config else []:
        if isinstance(parameter, bigquery.ArrayQueryParameter):
            types[parameter.name] = f"ARRAY<{parameter.array_type}>"
        else:
            types[parameter.name] = parameter.type_
    return types


def contract_of(node: exp.Table, prefix: str):
    dataset = node.db[len(prefix) :] if node.db.startswith(prefix) else None
    return load_contracts().get(f"{dataset}.{node.name}")


def scope_condition(node: exp.Table) -> exp.Expression | None:
    """The condition that filters `node`'s rows in its own scope: its SELECT's WHERE, a DELETE's WHERE,
    or the WHEN NOT MATCHED BY SOURCE condition of a MERGE target."""
    parent = node.parent
    if isinstance(parent, exp.Merge) or (isinstance(parent, exp.Alias) and isinstance(parent.parent, exp.Merge)):
        merge = node.find_ancestor(exp.Merge)
        conditions = [w.args.get("condition") for w in merge.find_all(exp.When) if w.args.get("condition") is not None]
        return exp.and_(*conditions) if conditions else None
    delete = node.find_ancestor(exp.Delete)
    if delete is not None and delete.this is node:
        return delete.args.get("where")
    select = node.find_ancestor(exp.Select)
    return select.args.get("where") if select is not None else None


def partition_filter_problems(sql: str, job_config: bigquery.QueryJobConfig | None, prefix: str) -> list[str]:
    types = parameter_types(job_config)
    problems = []
    statement = sqlglot.parse_one(sql, read="bigquery")
    if isinstance(statement, exp.Create) and statement.kind == "VIEW":
        return []  # a view's definition reads nothing; queries of the view must filter (docs/LEGACY.md)
    for node in statement.find_all(exp.Table):
        spec = contract_of(node, prefix)
        if spec is None or not spec.partition_column:
            continue
        column = spec.partition_column
        condition = scope_condition(node)
        predicates = list(condition.find_all(exp.In, exp.EQ, exp.GT, exp.GTE, exp.LT, exp.LTE, exp.Between)) if condition else []
        on_partition = [p for p in predicates if any(c.name == column for c in p.find_all(exp.Column))]
        for predicate in on_partition:
            if any(literal.is_string and literal.parent is predicate for literal in predicate.find_all(exp.Literal)):
                problems.append(f"{spec.full_name}.{column} compared with a string: {predicate.sql('bigquery')}")
            kinds = {types.get(p.name) for p in predicate.find_all(exp.Parameter)}
            if not kinds <= {"DATE", "ARRAY<DATE>"}:
                problems.append(f"{spec.full_name}.{column} compared with parameters of type {sorted(map(str, kinds))}")
        if spec.require_partition_filter and not any(p.find(exp.Parameter) for p in on_partition):
            problems.append(f"{spec.full_name} read without a filter on {column} (require_partition_filter)")
    return problems


def test_the_sql_sent_to_bigquery_filters_partitions_with_date_parameters(bigquery_run):
    prefix = bigquery_run.warehouse.dataset_prefix
    checked = 0
    problems = {}
    for sql, config in bigquery_run.statements:
        found = partition_filter_problems(sql, config, prefix)
        checked += any(contract_of(t, prefix) for t in sqlglot.parse_one(sql, read="bigquery").find_all(exp.Table))
        if found:
            problems[sql] = found
    # The seed's MERGEs, every asset's extracts, checks and replace: dozens of statements.
    assert checked > 50
    assert problems == {}


def test_the_partition_filter_check_finds_what_bigquery_rejects():
    """The check above is only worth something if it flags the statements real BigQuery would refuse."""
    dates = bigquery.QueryJobConfig(query_parameters=[bigquery.ScalarQueryParameter("d", "DATE", DATES[0])])
    text = bigquery.QueryJobConfig(query_parameters=[bigquery.ScalarQueryParameter("d", "STRING", "2023-12-23")])
    table = "`p`.x_nba_analytics.player_game_summary"
    assert partition_filter_problems(f"SELECT * FROM {table} WHERE game_date = @d", dates, "x_") == []
    assert partition_filter_problems(f"SELECT * FROM {table} WHERE player_lookup = 'a'", None, "x_") == [
        "nba_analytics.player_game_summary read without a filter on game_date (require_partition_filter)"
    ]
    assert partition_filter_problems(f"SELECT * FROM {table} WHERE game_date >= '2023-12-01'", None, "x_") == [
        "nba_analytics.player_game_summary.game_date compared with a string: game_date >= '2023-12-01'",
        "nba_analytics.player_game_summary read without a filter on game_date (require_partition_filter)",
    ]
    assert partition_filter_problems(f"SELECT * FROM {table} WHERE game_date = @d", text, "x_") == [
        "nba_analytics.player_game_summary.game_date compared with parameters of type ['STRING']"
    ]
    # A filter in an outer query does not prune the inner read.
    inner = f"SELECT * FROM (SELECT * FROM {table}) AS g WHERE g.game_date = @d"
    assert partition_filter_problems(inner, dates, "x_") == [
        "nba_analytics.player_game_summary read without a filter on game_date (require_partition_filter)"
    ]
