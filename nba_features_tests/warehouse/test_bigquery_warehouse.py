"""BigQueryWarehouse against the offline BigQuery emulator (REST API served from DuckDB).

The emulator is more lenient than BigQuery (it compares a DATE column with a timestamp string and
ignores require_partition_filter), so the SQL the warehouse sends is also checked here: every
statement touching a partitioned table filters the partition column with a DATE query parameter.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
import sqlglot
from google.api_core import exceptions as api_exceptions
from google.auth.credentials import AnonymousCredentials
from google.cloud import bigquery
from sqlglot import exp

import nba_features.warehouse.base as base
from nba_features.contracts import ContractError, TableContract, parse_ddl, parse_view
from nba_features.defs.resources import WarehouseResource
from nba_features.warehouse import TransientWarehouseError
from nba_features.warehouse.bigquery_warehouse import (
    STAGING_TABLE_LIFETIME,
    BigQueryClientResource,
    BigQueryError,
    BigQueryWarehouse,
    contract_schema,
    field_type,
    query_parameters,
    sanitize_label,
    sanitize_labels,
    translate_error,
)
from nba_features_tests.warehouse.conftest import use_contracts

PLAYER_DAILY_DDL = """
CREATE TABLE IF NOT EXISTS nba_precompute.bq_test_player_daily (
  game_date DATE NOT NULL,
  player_lookup STRING NOT NULL OPTIONS(description="normalised player name"),
  team_abbr STRING,
  points_avg FLOAT64,
  games_played INT64,
  data_quality_issues ARRAY<STRING>,
  is_production_ready BOOL,
  processed_at TIMESTAMP NOT NULL,
  PRIMARY KEY (game_date, player_lookup) NOT ENFORCED
)
PARTITION BY game_date
CLUSTER BY player_lookup, team_abbr
OPTIONS(require_partition_filter=TRUE, description="per player per date")
"""

# The same table after the contract gained a column.
PLAYER_DAILY_V2_DDL = PLAYER_DAILY_DDL.replace(
    "  processed_at TIMESTAMP NOT NULL,",
    '  processed_at TIMESTAMP NOT NULL,\n  opponent_rating FLOAT64 OPTIONS(description="points allowed per 100 possessions"),',
)

EVENTS_DDL = """
CREATE TABLE IF NOT EXISTS nba_orchestration.bq_test_events (
  event_id STRING NOT NULL,
  detail STRUCT<check_name STRING, value FLOAT64, tags ARRAY<STRING>>,
  created_at TIMESTAMP NOT NULL
)
"""

PLAYER_DAILY = "nba_precompute.bq_test_player_daily"
EVENTS = "nba_orchestration.bq_test_events"
PROCESSED_AT = pd.Timestamp("2024-01-20 12:00", tz="UTC")
JAN = [dt.date(2024, 1, d) for d in (10, 11, 12)]


@pytest.fixture
def contracts(monkeypatch: pytest.MonkeyPatch) -> dict[str, TableContract]:
    """The warehouse reads these test contracts instead of schemas/; tests may swap one for another."""
    return use_contracts(monkeypatch, {c.full_name: c for c in (parse_ddl(PLAYER_DAILY_DDL), parse_ddl(EVENTS_DDL))})


@pytest.fixture
def warehouse(bigquery_warehouse: BigQueryWarehouse, contracts: dict[str, TableContract]) -> BigQueryWarehouse:
    """In this module `warehouse` is the emulator's, with the test tables created (not the session's DuckDB one)."""
    bigquery_warehouse.apply_schemas([PLAYER_DAILY, EVENTS])
    return bigquery_warehouse


class RecordedJobs(list):
    """(SQL, job config) of every query job the warehouse starts."""


@pytest.fixture
def recorded_jobs(warehouse: BigQueryWarehouse, monkeypatch: pytest.MonkeyPatch) -> RecordedJobs:
    jobs = RecordedJobs()
    original = warehouse.client.query

    def recording_query(sql, job_config=None, **kwargs):
        jobs.append((sql, job_config))
        return original(sql, job_config=job_config, **kwargs)

    monkeypatch.setattr(warehouse.client, "query", recording_query)
    return jobs


def player_rows(date: dt.date, players: dict[str, float]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "game_date": pd.Timestamp(date),
            "player_lookup": list(players),
            "team_abbr": "BOS",
            "points_avg": list(players.values()),
            "games_played": 5,
            "data_quality_issues": [[] if p else ["low_sample"] for p in players.values()],
            "is_production_ready": True,
            "processed_at": PROCESSED_AT,
        }
    )


def read_points(warehouse: BigQueryWarehouse) -> dict[tuple[dt.date, str], float]:
    frame = warehouse.query(
        "SELECT game_date, player_lookup, points_avg FROM nba_precompute.bq_test_player_daily "
        "WHERE game_date BETWEEN @start_date AND @end_date",
        {"start_date": dt.date(2024, 1, 1), "end_date": dt.date(2024, 1, 31)},
    )
    assert not frame.duplicated(["game_date", "player_lookup"]).any(), "a row was written twice"
    return {(row.game_date.date(), row.player_lookup): row.points_avg for row in frame.itertuples()}


def seed(warehouse: BigQueryWarehouse) -> None:
    frame = pd.concat(
        [
            player_rows(JAN[0], {"curry": 26.5, "james": 24.0}),
            player_rows(JAN[1], {"curry": 27.0, "james": 25.0}),
            player_rows(JAN[2], {"curry": 28.0, "james": 23.5}),
        ]
    )
    warehouse.replace_partitions(PLAYER_DAILY, JAN, frame)


SEEDED = {
    (JAN[0], "curry"): 26.5,
    (JAN[0], "james"): 24.0,
    (JAN[1], "curry"): 27.0,
    (JAN[1], "james"): 25.0,
    (JAN[2], "curry"): 28.0,
    (JAN[2], "james"): 23.5,
}


def staging_tables(warehouse: BigQueryWarehouse) -> list[str]:
    tables = warehouse.client.list_tables(warehouse.dataset_id("nba_precompute"))
    return [t.table_id for t in tables if t.table_id.startswith("_staging_")]


def parameter_types(job_config: bigquery.QueryJobConfig) -> dict[str, str]:
    types = {}
    for parameter in job_config.query_parameters:
        if isinstance(parameter, bigquery.ArrayQueryParameter):
            types[parameter.name] = f"ARRAY<{parameter.array_type}>"
        else:
            types[parameter.name] = parameter.type_
    return types


def reads_or_writes_player_daily(warehouse: BigQueryWarehouse, sql: str) -> bool:
    return any(
        (t.catalog, t.db, t.name) == (warehouse.project, f"{warehouse.dataset_prefix}nba_precompute", "bq_test_player_daily")
        for t in sqlglot.parse_one(sql, read="bigquery").find_all(exp.Table)
    )


def partition_filter_types(sql: str, job_config: bigquery.QueryJobConfig, partition_column: str) -> list[str]:
    """Types of the query parameters the statement compares its partition column with."""
    types = parameter_types(job_config)
    found = []
    for predicate in sqlglot.parse_one(sql, read="bigquery").find_all(
        exp.In, exp.EQ, exp.GT, exp.GTE, exp.LT, exp.LTE, exp.Between
    ):
        if any(column.name == partition_column for column in predicate.find_all(exp.Column)):
            found.extend(types[parameter.name] for parameter in predicate.find_all(exp.Parameter))
    return found


# --- tables from contracts -------------------------------------------------------------------
@pytest.mark.bigquery
def test_tables_are_created_from_their_contracts(bigquery_warehouse, contracts, monkeypatch):
    created = []
    original = bigquery_warehouse.client.create_table
    monkeypatch.setattr(
        bigquery_warehouse.client, "create_table", lambda table, **kw: created.append(table) or original(table, **kw)
    )

    assert not bigquery_warehouse.schema_diff(PLAYER_DAILY).exists
    assert bigquery_warehouse.apply_schemas([PLAYER_DAILY, EVENTS]) == [f"created {PLAYER_DAILY}", f"created {EVENTS}"]
    assert bigquery_warehouse.apply_schemas([PLAYER_DAILY, EVENTS]) == []
    assert bigquery_warehouse.schema_diff(PLAYER_DAILY).ok and bigquery_warehouse.schema_diff(EVENTS).ok
    assert bigquery_warehouse.live_columns(EVENTS) == {
        "event_id": "STRING",
        "detail": "STRUCT<check_name STRING, value FLOAT64, tags ARRAY<STRING>>",
        "created_at": "TIMESTAMP",
    }

    live = bigquery_warehouse.client.get_table(
        f"{bigquery_warehouse.project}.{bigquery_warehouse.dataset_prefix}nba_precompute.bq_test_player_daily"
    )
    assert live.time_partitioning.field == "game_date" and live.time_partitioning.type_ == "DAY"
    assert live.clustering_fields == ["player_lookup", "team_abbr"]
    assert live.description == "per player per date"
    assert [(f.name, f.mode) for f in live.schema[:2]] == [("game_date", "REQUIRED"), ("player_lookup", "REQUIRED")]
    assert live.schema[1].description == "normalised player name"
    # The emulator does not echo these back; the table resource sent to BigQuery carries them.
    player_daily = next(t for t in created if t.table_id == "bq_test_player_daily")
    assert player_daily.require_partition_filter is True
    assert player_daily.table_constraints.primary_key.columns == ["game_date", "player_lookup"]
    events = next(t for t in created if t.table_id == "bq_test_events")
    assert events.time_partitioning is None and not events.require_partition_filter


def test_contract_schema_and_live_type_spelling_round_trip():
    schema = contract_schema(parse_ddl(EVENTS_DDL))
    detail = schema[1]
    assert (detail.field_type, detail.mode) == ("RECORD", "NULLABLE")
    assert [(f.name, f.field_type, f.mode) for f in detail.fields] == [
        ("check_name", "STRING", "NULLABLE"),
        ("value", "FLOAT64", "NULLABLE"),
        ("tags", "STRING", "REPEATED"),
    ]
    assert [field_type(f) for f in schema] == [c.bq_type for c in parse_ddl(EVENTS_DDL).columns]
    # The API reports legacy names for some types; they are spelled like schemas/.
    assert field_type(bigquery.SchemaField("n", "INTEGER", mode="REPEATED")) == "ARRAY<INT64>"
    assert field_type(bigquery.SchemaField("f", "FLOAT")) == "FLOAT64"
    assert field_type(bigquery.SchemaField("b", "BOOLEAN")) == "BOOL"


def test_legacy_numeric_columns_keep_their_precision_and_scale():
    """A legacy-typed contract (docs/LEGACY.md#type-compatibility) builds the live table's NUMERIC columns as they are."""
    table = parse_ddl(PLAYER_DAILY_DDL).with_types(
        {"points_avg": "NUMERIC(5, 1)", "games_played": "NUMERIC", "team_abbr": "BIGNUMERIC(40, 2)"}
    )
    fields = {f.name: (f.field_type, f.precision, f.scale) for f in contract_schema(table)}
    assert fields["points_avg"] == ("NUMERIC", 5, 1)
    assert fields["games_played"] == ("NUMERIC", None, None)  # a bare NUMERIC has no precision to send
    assert fields["team_abbr"] == ("BIGNUMERIC", 40, 2)


@pytest.mark.bigquery
def test_a_view_is_created_even_where_no_table_made_its_dataset(bigquery_warehouse, monkeypatch):
    view = parse_view("CREATE OR REPLACE VIEW nba_predictions.bq_test_view AS SELECT 1 AS one")
    monkeypatch.setattr(base, "load_contracts", dict)
    monkeypatch.setattr(base, "load_views", lambda: {view.full_name: view})

    assert bigquery_warehouse.apply_schemas() == ["created view nba_predictions.bq_test_view"]
    assert bigquery_warehouse.query("SELECT one FROM nba_predictions.bq_test_view")["one"].tolist() == [1]


@pytest.mark.bigquery
def test_a_staging_table_expires_a_day_after_it_is_made(warehouse, monkeypatch):
    """If the process dies between the load and the drop, BigQuery removes the staging table itself (docs/RULES.md#schemas)."""
    created = []
    original = warehouse.client.create_table
    monkeypatch.setattr(warehouse.client, "create_table", lambda table, **kw: created.append(table) or original(table, **kw))
    before = dt.datetime.now(dt.UTC)
    warehouse.replace_partitions(PLAYER_DAILY, [JAN[0]], player_rows(JAN[0], {"curry": 30.0}))
    after = dt.datetime.now(dt.UTC)

    (staging,) = created
    assert staging.table_id.startswith("_staging_bq_test_player_daily_")
    assert STAGING_TABLE_LIFETIME == dt.timedelta(days=1)
    assert before + dt.timedelta(days=1) <= staging.expires <= after + dt.timedelta(days=1)
    assert staging_tables(warehouse) == []  # dropped at once all the same


@pytest.mark.bigquery
def test_add_column_migrates_a_live_table(warehouse, contracts):
    seed(warehouse)
    contracts[PLAYER_DAILY] = parse_ddl(PLAYER_DAILY_V2_DDL)

    diff = warehouse.schema_diff(PLAYER_DAILY)
    assert diff.missing_columns == ["opponent_rating"]
    with pytest.raises(ContractError, match="refusing to write"):
        warehouse.replace_partitions(PLAYER_DAILY, [JAN[0]], player_rows(JAN[0], {"curry": 1.0}).assign(opponent_rating=110.0))

    assert warehouse.apply_schemas([PLAYER_DAILY]) == [f"added {PLAYER_DAILY}.opponent_rating FLOAT64"]
    assert warehouse.schema_diff(PLAYER_DAILY).ok
    live = warehouse.client.get_table(warehouse.table_id(PLAYER_DAILY))
    assert (live.schema[-1].name, live.schema[-1].mode, live.schema[-1].description) == (
        "opponent_rating",
        "NULLABLE",
        "points allowed per 100 possessions",
    )

    warehouse.replace_partitions(PLAYER_DAILY, [JAN[0]], player_rows(JAN[0], {"curry": 30.0}).assign(opponent_rating=110.5))
    frame = warehouse.query(
        "SELECT game_date, player_lookup, opponent_rating FROM nba_precompute.bq_test_player_daily "
        "WHERE game_date IN UNNEST(@dates) ORDER BY game_date, player_lookup",
        {"dates": JAN[:2]},
    )
    assert frame["opponent_rating"].tolist()[0] == 110.5
    assert frame["opponent_rating"].isna().tolist() == [False, True, True]  # rows written before the column existed


@pytest.mark.bigquery
def test_a_type_change_is_not_migrated(warehouse, contracts):
    contracts[PLAYER_DAILY] = parse_ddl(PLAYER_DAILY_DDL.replace("games_played INT64", "games_played FLOAT64"))
    diff = warehouse.schema_diff(PLAYER_DAILY)
    assert [(d.column, d.problem, d.live) for d in diff.drift] == [("games_played", "type", "INT64")]
    with pytest.raises(ContractError, match="games_played: live type INT64 differs from contract FLOAT64"):
        warehouse.apply_schemas([PLAYER_DAILY])


# --- reads -----------------------------------------------------------------------------------
@pytest.mark.bigquery
def test_query_binds_date_and_array_parameters_and_returns_convention_dtypes(warehouse, recorded_jobs):
    seed(warehouse)
    frame = warehouse.query(
        """
        WITH recent AS (
          SELECT player_lookup, game_date, points_avg, data_quality_issues, processed_at, is_production_ready, games_played
          FROM nba_precompute.bq_test_player_daily
          WHERE game_date BETWEEN DATE_SUB(@end_date, INTERVAL 1 DAY) AND @end_date
            AND player_lookup IN UNNEST(@players)
        )
        SELECT *, SUM(IF(points_avg > @threshold, 1, 0)) OVER (PARTITION BY player_lookup ORDER BY game_date) AS games_above
        FROM recent
        ORDER BY player_lookup, game_date
        """,
        {"end_date": JAN[2], "players": ["curry"], "threshold": 27.5},
        labels={"asset": "nba_precompute/bq_test_player_daily", "partition": "2024-01-12"},
    )
    assert frame["game_date"].tolist() == [pd.Timestamp(JAN[1]), pd.Timestamp(JAN[2])]
    assert frame["games_above"].tolist() == [0, 1]
    assert str(frame["game_date"].dtype) == "datetime64[ns]"
    assert str(frame["processed_at"].dtype) == "datetime64[ns, UTC]"
    assert frame["processed_at"].iloc[0] == PROCESSED_AT
    assert frame["data_quality_issues"].tolist() == [[], []]
    assert frame["points_avg"].dtype == np.float64
    assert warehouse.last_bytes_processed is not None and warehouse.last_job_id

    sql, config = recorded_jobs[-1]
    assert f"`{warehouse.project}`.{warehouse.dataset_prefix}nba_precompute.bq_test_player_daily" in sql
    assert parameter_types(config) == {"end_date": "DATE", "players": "ARRAY<STRING>", "threshold": "FLOAT64"}
    assert "2024" not in sql and "curry" not in sql  # values travel as parameters only
    assert config.labels == {"asset": "nba_precompute_bq_test_player_daily", "partition": "2024-01-12"}


@pytest.mark.bigquery
def test_empty_results_keep_their_types(warehouse):
    frame = warehouse.query(
        "SELECT game_date, processed_at, player_lookup FROM nba_precompute.bq_test_player_daily WHERE game_date = @d",
        {"d": dt.date(2030, 1, 1)},
    )
    assert frame.empty and list(frame.columns) == ["game_date", "processed_at", "player_lookup"]
    assert str(frame["game_date"].dtype) == "datetime64[ns]"


@pytest.mark.bigquery
def test_bad_sql_is_raised_at_once_with_the_reason(warehouse, recorded_jobs):
    with pytest.raises(BigQueryError, match=r"query: BigQuery rejected it \(invalidQuery\)"):
        warehouse.query("SELECT no_such_column FROM nba_precompute.bq_test_player_daily WHERE game_date = @d", {"d": JAN[0]})
    assert len(recorded_jobs) == 1  # not retried


@pytest.mark.bigquery
def test_tables_and_columns_that_do_not_exist(bigquery_warehouse, contracts):
    assert bigquery_warehouse.live_columns(PLAYER_DAILY) is None
    assert not bigquery_warehouse.table_exists(PLAYER_DAILY)
    with pytest.raises(ContractError, match="table does not exist"):
        bigquery_warehouse.replace_partitions(PLAYER_DAILY, [JAN[0]], player_rows(JAN[0], {"curry": 1.0}))


# --- partition replace -----------------------------------------------------------------------
@pytest.mark.bigquery
def test_replace_partitions_replaces_exactly_the_given_dates(warehouse):
    seed(warehouse)
    assert read_points(warehouse) == SEEDED

    result = warehouse.replace_partitions(
        PLAYER_DAILY,
        JAN[1:],
        pd.concat([player_rows(JAN[1], {"curry": 40.0}), player_rows(JAN[2], {"james": 41.0, "tatum": 42.0})]),
        labels={"asset": "bq_test_player_daily", "partition": "2024-01-11...2024-01-12"},
    )
    assert (result.rows_written, result.rows_deleted) == (3, 4)
    assert result.dates == JAN[1:] and result.bytes_processed is not None and result.extra["job_id"]
    assert read_points(warehouse) == {
        (JAN[0], "curry"): 26.5,
        (JAN[0], "james"): 24.0,
        (JAN[1], "curry"): 40.0,
        (JAN[2], "james"): 41.0,
        (JAN[2], "tatum"): 42.0,
    }
    assert staging_tables(warehouse) == []


@pytest.mark.bigquery
def test_replacing_a_partition_with_no_rows_empties_it(warehouse):
    seed(warehouse)
    result = warehouse.replace_partitions(PLAYER_DAILY, [JAN[1]], player_rows(JAN[1], {}))
    assert (result.rows_written, result.rows_deleted) == (0, 2)
    assert read_points(warehouse) == {k: v for k, v in SEEDED.items() if k[0] != JAN[1]}


@pytest.mark.bigquery
def test_a_rejected_load_leaves_the_old_rows(warehouse, monkeypatch):
    seed(warehouse)

    def reject(*args, **kwargs):
        raise api_exceptions.BadRequest("Error while reading data", errors=[{"reason": "invalid", "message": "bad row"}])

    monkeypatch.setattr(warehouse.client, "load_table_from_dataframe", reject)
    with pytest.raises(BigQueryError, match=r"load 1 rows into .*: BigQuery rejected it \(invalid\)"):
        warehouse.replace_partitions(PLAYER_DAILY, [JAN[0]], player_rows(JAN[0], {"curry": 99.0}))
    assert read_points(warehouse) == SEEDED
    assert staging_tables(warehouse) == []


@pytest.mark.bigquery
def test_a_failure_inside_the_replace_statement_leaves_the_old_rows(warehouse, monkeypatch):
    """The MERGE fails on its second inserted row, after it has matched the rows to delete."""
    seed(warehouse)
    merge_sql = warehouse.merge_sql

    def failing_merge_sql(table, staging_name):
        return merge_sql(table, staging_name).replace(
            "VALUES (source.`game_date`",
            "VALUES (IF(source.`player_lookup` = 'james', ERROR('simulated failure after the delete'), source.`game_date`)",
        )

    monkeypatch.setattr(warehouse, "merge_sql", failing_merge_sql)
    with pytest.raises(BigQueryError, match="simulated failure after the delete"):
        warehouse.replace_partitions(
            PLAYER_DAILY, JAN[:2], pd.concat([player_rows(d, {"curry": 1.0, "james": 2.0}) for d in JAN[:2]])
        )
    assert read_points(warehouse) == SEEDED
    assert staging_tables(warehouse) == []


@pytest.mark.bigquery
def test_a_replace_retried_after_lost_responses_writes_each_row_once(warehouse, monkeypatch):
    """The load and the MERGE both succeed but their responses are 'lost' (503): the retries are harmless.
    (The read of each date's row count before the MERGE is left alone.)"""
    seed(warehouse)
    lost = []

    def succeed_then_lose_response(call):
        def wrapped(*args, **kwargs):
            job = call(*args, **kwargs)
            counting = call.__name__ == "query" and not str(args[0]).startswith("MERGE")  # the per-date count before it
            if call.__name__ not in lost and not counting:
                job.result()
                lost.append(call.__name__)
                raise api_exceptions.ServiceUnavailable("connection reset after the job ran")
            return job

        return wrapped

    monkeypatch.setattr(
        warehouse.client, "load_table_from_dataframe", succeed_then_lose_response(warehouse.client.load_table_from_dataframe)
    )
    monkeypatch.setattr(warehouse.client, "query", succeed_then_lose_response(warehouse.client.query))
    result = warehouse.replace_partitions(PLAYER_DAILY, [JAN[0]], player_rows(JAN[0], {"curry": 50.0, "james": 51.0}))

    assert lost == ["load_table_from_dataframe", "query"]
    assert result.rows_written == 2
    assert read_points(warehouse) == {**SEEDED, (JAN[0], "curry"): 50.0, (JAN[0], "james"): 51.0}
    rows = warehouse.query("SELECT COUNT(*) AS n FROM nba_precompute.bq_test_player_daily WHERE game_date = @d", {"d": JAN[0]})
    assert rows["n"].tolist() == [2]
    assert staging_tables(warehouse) == []


@pytest.mark.bigquery
def test_a_frame_breaking_the_contract_never_reaches_bigquery(warehouse, recorded_jobs):
    seed(warehouse)
    recorded_jobs.clear()
    outside = player_rows(JAN[0], {"curry": 1.0})
    with pytest.raises(ContractError, match="outside the partitions being replaced"):
        warehouse.replace_partitions(PLAYER_DAILY, [JAN[1]], outside)
    with pytest.raises(ContractError, match="player_lookup: NOT NULL violated"):
        warehouse.replace_partitions(PLAYER_DAILY, [JAN[0]], outside.assign(player_lookup=None))
    assert recorded_jobs == []
    assert read_points(warehouse) == SEEDED


@pytest.mark.bigquery
def test_append_loads_rows_with_nested_values(warehouse):
    events = pd.DataFrame(
        {
            "event_id": ["e1", "e2"],
            "detail": [{"check_name": "row_count", "value": 3.0, "tags": ["a", "b"]}, None],
            "created_at": [PROCESSED_AT, PROCESSED_AT],
        }
    )
    assert warehouse.append(EVENTS, events) == 2
    assert warehouse.append(EVENTS, events.iloc[:0]) == 0
    frame = warehouse.query("SELECT event_id, detail FROM nba_orchestration.bq_test_events ORDER BY event_id")
    assert frame["event_id"].tolist() == ["e1", "e2"]
    assert frame["detail"].iloc[0] == {"check_name": "row_count", "value": 3.0, "tags": ["a", "b"]}
    assert frame["detail"].iloc[1] is None


# --- the SQL sent to BigQuery ----------------------------------------------------------------
@pytest.mark.bigquery
def test_every_statement_on_a_partitioned_table_filters_it_with_a_date_parameter(warehouse, recorded_jobs):
    seed(warehouse)
    warehouse.replace_partitions(PLAYER_DAILY, [JAN[0]], player_rows(JAN[0], {"curry": 30.0}))
    warehouse.replace_partitions(PLAYER_DAILY, [JAN[1]], player_rows(JAN[1], {}))
    read_points(warehouse)

    statements = [(sql, config) for sql, config in recorded_jobs if reads_or_writes_player_daily(warehouse, sql)]
    kinds = {sqlglot.parse_one(sql, read="bigquery").key for sql, _ in statements}
    assert kinds == {"merge", "delete", "select"}
    assert all(config.use_legacy_sql is False for _, config in recorded_jobs)  # the REST API defaults to legacy SQL
    for sql, config in statements:
        types = partition_filter_types(sql, config, "game_date")
        assert types, f"no partition filter on game_date: {sql}"
        assert set(types) <= {"DATE", "ARRAY<DATE>"}, f"partition filter not typed DATE: {sql} {types}"

    merge = next(sql for sql, _ in statements if sql.startswith("MERGE"))
    assert "WHEN NOT MATCHED BY SOURCE AND target.`game_date` IN UNNEST(@partition_dates) THEN DELETE" in merge


def test_the_partition_filter_check_sees_string_comparisons():
    """The emulator accepts `game_date >= '2024-01-01'`; the check above must not."""
    config = bigquery.QueryJobConfig(query_parameters=query_parameters({"d": "2024-01-01"}))
    assert partition_filter_types("SELECT 1 FROM t WHERE game_date >= @d", config, "game_date") == ["STRING"]
    assert partition_filter_types("SELECT 1 FROM t WHERE game_date >= '2024-01-01'", bigquery.QueryJobConfig(), "game_date") == []


def test_table_names_are_qualified_with_project_and_prefix():
    warehouse = BigQueryWarehouse("my-project", dataset_prefix="dev_")
    sql = warehouse.qualify(
        "WITH recent AS (SELECT * FROM nba_analytics.player_game_summary WHERE game_date = @d) "
        "SELECT * FROM recent JOIN `nba_reference.schedule` AS s USING (game_date) "
        "JOIN other_project.somewhere.t AS o USING (game_date) CROSS JOIN UNNEST(@ids) AS i"
    )
    tables = {(t.catalog, t.db, t.name) for t in sqlglot.parse_one(sql, read="bigquery").find_all(exp.Table)}
    assert tables == {
        ("", "", "recent"),
        ("my-project", "dev_nba_analytics", "player_game_summary"),
        ("my-project", "dev_nba_reference", "schedule"),
        ("other_project", "somewhere", "t"),
    }
    assert "`my-project`.dev_nba_analytics.player_game_summary" in sql
    assert warehouse.table_id("nba_precompute.x") == "my-project.dev_nba_precompute.x"
    with pytest.raises(ValueError, match="one statement"):
        warehouse.qualify("SELECT 1; SELECT 2")
    with pytest.raises(ValueError, match="invalid SQL identifier"):
        BigQueryWarehouse("my-project", dataset_prefix="dev-")


def test_query_parameters_are_typed():
    parameters = {
        p.name: p
        for p in query_parameters(
            {
                "day": dt.date(2024, 1, 10),
                "days": JAN,
                "n": np.int64(3),
                "x": 0.5,
                "ok": True,
                "teams": ("BOS", "LAL"),
                "at": dt.datetime(2024, 1, 1, tzinfo=dt.UTC),
            }
        )
    }
    assert (parameters["day"].type_, parameters["day"].value) == ("DATE", dt.date(2024, 1, 10))
    assert (parameters["days"].array_type, parameters["days"].values) == ("DATE", JAN)
    assert (parameters["n"].type_, type(parameters["n"].value)) == ("INT64", int)
    assert [parameters[k].type_ for k in ("x", "ok", "at")] == ["FLOAT64", "BOOL", "TIMESTAMP"]
    assert parameters["teams"].array_type == "STRING"
    with pytest.raises(ValueError, match="empty array"):
        query_parameters({"days": []})


@pytest.mark.bigquery
def test_datetime_for_a_date_parameter_is_refused(warehouse, recorded_jobs):
    with pytest.raises(TypeError, match="pass a datetime.date"):
        warehouse.query(
            "SELECT 1 AS x FROM nba_precompute.bq_test_player_daily WHERE game_date = @d", {"d": dt.datetime(2024, 1, 10)}
        )
    assert recorded_jobs == []


# --- labels ----------------------------------------------------------------------------------
def test_labels_follow_bigquery_rules():
    assert sanitize_label("nba_precompute/Player Daily Cache") == "nba_precompute_player_daily_cache"
    assert sanitize_label("2024-01-10...2024-01-12") == "2024-01-10_2024-01-12"
    assert sanitize_label("x" * 80) == "x" * 63
    assert sanitize_label("") == ""
    assert sanitize_labels({"Asset": "A/B", "2024": "v", "run-id": "Ab12"}) == {"asset": "a_b", "k_2024": "v", "run-id": "ab12"}
    assert sanitize_labels(None) == {}


# --- errors and retries ----------------------------------------------------------------------
@pytest.mark.parametrize(
    "error",
    [
        api_exceptions.InternalServerError("boom"),
        api_exceptions.ServiceUnavailable("down"),
        api_exceptions.BadGateway("gateway"),
        api_exceptions.TooManyRequests("slow down"),
        api_exceptions.Forbidden("Exceeded rate limits", errors=[{"reason": "rateLimitExceeded"}]),
        api_exceptions.BadRequest("The job encountered an internal error", errors=[{"reason": "backendError"}]),
        api_exceptions.BadRequest("Could not serialize access to table t due to concurrent update"),
        ConnectionResetError("reset by peer"),
    ],
)
def test_transient_errors_are_retried(error):
    assert isinstance(translate_error(error, "query"), TransientWarehouseError)


@pytest.mark.parametrize(
    ("error", "reason"),
    [
        (api_exceptions.BadRequest("Unrecognized name: x", errors=[{"reason": "invalidQuery"}]), "invalidQuery"),
        (api_exceptions.Forbidden("Access Denied", errors=[{"reason": "accessDenied"}]), "accessDenied"),
        (api_exceptions.NotFound("Not found: Table p:d.t"), "HTTP 404"),
    ],
)
def test_other_api_errors_are_raised_with_their_reason(error, reason):
    translated = translate_error(error, "replace partitions of d.t")
    assert isinstance(translated, BigQueryError)
    assert str(translated).startswith(f"replace partitions of d.t: BigQuery rejected it ({reason}): ")


def test_errors_that_are_not_from_bigquery_pass_through():
    error = ValueError("not a BigQuery error")
    assert translate_error(error, "query") is error


def test_transient_failures_are_retried_and_data_errors_are_not():
    warehouse = BigQueryWarehouse("my-project")
    attempts = []

    def flaky():
        attempts.append(1)
        if len(attempts) < 3:
            raise api_exceptions.ServiceUnavailable("try again")
        return "done"

    assert warehouse._call("query", flaky) == "done" and len(attempts) == 3

    attempts.clear()

    def bad():
        attempts.append(1)
        raise api_exceptions.BadRequest("Syntax error", errors=[{"reason": "invalidQuery"}])

    with pytest.raises(BigQueryError, match="invalidQuery"):
        warehouse._call("query", bad)
    assert len(attempts) == 1


# --- the client and the Dagster resource -----------------------------------------------------
@pytest.mark.bigquery
def test_the_dagster_resource_reaches_the_emulator_through_its_endpoint(bigquery_emulator, contracts):
    resource = BigQueryClientResource(
        project=bigquery_emulator.project, location="US", api_endpoint=bigquery_emulator.api_endpoint
    )
    with resource.get_client() as client:
        assert isinstance(client._credentials, AnonymousCredentials)
        assert client._connection.API_BASE_URL == bigquery_emulator.api_endpoint
        assert [row[0] for row in client.query("SELECT 1 + 1").result()] == [2]

    warehouse = WarehouseResource(
        env="prod", bigquery_project=bigquery_emulator.project, dataset_prefix="res_", api_endpoint=bigquery_emulator.api_endpoint
    ).get()
    assert isinstance(warehouse, BigQueryWarehouse) and warehouse.kind == "bigquery"
    assert warehouse.resource.api_endpoint == bigquery_emulator.api_endpoint
    assert not warehouse.table_exists(PLAYER_DAILY)


def test_without_an_endpoint_the_resource_is_plain_bigquery():
    resource = BigQueryClientResource(project="my-project")
    assert resource.api_endpoint is None
    client = resource.build_client(credentials=AnonymousCredentials())
    assert client._connection.API_BASE_URL == "https://bigquery.googleapis.com"
