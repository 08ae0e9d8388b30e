"""Every query of the chain bounds the partition column of each partitioned table it reads by date
parameters, on both sides: BigQuery prunes partitions, and a run's cost does not grow with history.

Covered: every Extract of every Phase 4 table, every module-level `*_SQL` query of nba_features.quality
(the check queries) and of nba_features.phase4.seasons, and the upstream lookup of the assets
(`upstream_materialized`, built at run time: recorded from a real DuckDB warehouse). Each Extract's
stated `lookback_days` must be the INTERVAL of its lower bound, and its upper bound must be @end_date;
a season-bounded extract's lower bound is @season_start, at most SEASON_LOOKBACK_DAYS = its lookback_days
before @start_date (test_season_bounded_extracts.py checks the value and that nothing changes).
"""

from __future__ import annotations

import datetime as dt
import importlib
import pkgutil
from collections.abc import Iterator

import pytest
import sqlglot
from sqlglot import exp

import nba_features.quality
from nba_features.contracts import load_contracts
from nba_features.phase4 import seasons
from nba_features.pipeline.lineage import upstream_materialized
from nba_features.pipeline.registry import PHASE4_TABLES, RUN_ORDER
from nba_features.warehouse import DuckDBWarehouse

EXTRACT_PARAMETERS = {"start_date", "end_date", seasons.SEASON_START_PARAMETER}


def _date_parameter(node: exp.Expression) -> tuple[str, int] | None:
    """(parameter, days subtracted) for @p or DATE_SUB(@p, INTERVAL n DAY); None for anything else."""
    if isinstance(node, exp.Parameter):
        return node.name, 0
    if (
        isinstance(node, exp.DateSub)
        and isinstance(node.this, exp.Parameter)
        and isinstance(node.expression, exp.Literal)
        and node.text("unit").upper() == "DAY"
    ):
        return node.this.name, int(node.expression.this)
    return None


def _conjuncts(where: exp.Where | None) -> list[exp.Expression]:
    if where is None:
        return []
    return list(where.this.flatten()) if isinstance(where.this, exp.And) else [where.this]


def partition_bounds(select: exp.Select, column: str) -> tuple[list[tuple[str, int]], list[tuple[str, int]]]:
    """Lower and upper bounds on `column` in the top-level AND of the SELECT's WHERE, as date parameters."""

    def is_column(node: exp.Expression) -> bool:
        return isinstance(node, exp.Column) and node.name == column

    lower, upper = [], []
    for predicate in _conjuncts(select.args.get("where")):
        if isinstance(predicate, exp.Between) and is_column(predicate.this):
            low, high = _date_parameter(predicate.args["low"]), _date_parameter(predicate.args["high"])
            lower += [low] if low else []
            upper += [high] if high else []
        elif isinstance(predicate, exp.EQ) and (is_column(predicate.this) or is_column(predicate.expression)):
            bound = _date_parameter(predicate.expression if is_column(predicate.this) else predicate.this)
            lower += [bound] if bound else []
            upper += [bound] if bound else []
        elif isinstance(predicate, exp.In) and is_column(predicate.this) and predicate.args.get("unnest"):
            values = predicate.args["unnest"].expressions
            if len(values) == 1 and isinstance(values[0], exp.Parameter):
                lower.append((values[0].name, 0))
                upper.append((values[0].name, 0))
        elif isinstance(predicate, (exp.GT, exp.GTE, exp.LT, exp.LTE)):
            if is_column(predicate.this):
                bound, below = _date_parameter(predicate.expression), isinstance(predicate, (exp.LT, exp.LTE))
            elif is_column(predicate.expression):
                bound, below = _date_parameter(predicate.this), isinstance(predicate, (exp.GT, exp.GTE))
            else:
                continue
            if bound:
                (upper if below else lower).append(bound)
    return lower, upper


def partitioned_reads(sql: str) -> Iterator[tuple[str, str, exp.Select]]:
    """(table, partition column, the SELECT reading it) for every partitioned table the query reads."""
    contracts = load_contracts()
    for table in sqlglot.parse_one(sql, read="bigquery").find_all(exp.Table):
        name = f"{table.db}.{table.name}"
        column = contracts[name].partition_column if name in contracts else None
        if column:
            yield name, column, table.find_ancestor(exp.Select)


# --- the queries -----------------------------------------------------------------------------------
EXTRACTS = {f"{table.asset_name}.{extract.name}": extract for table in RUN_ORDER for extract in table.extracts}


def _module_queries() -> dict[str, str]:
    modules = [seasons] + [
        importlib.import_module(f"nba_features.quality.{info.name}")
        for info in pkgutil.iter_modules(nba_features.quality.__path__)
    ]
    return {
        f"{module.__name__}.{name}": value
        for module in modules
        for name, value in vars(module).items()
        if name.endswith("_SQL") and isinstance(value, str)
    }


MODULE_QUERIES = _module_queries()


class RecordingWarehouse(DuckDBWarehouse):
    """A real DuckDB warehouse that keeps the text of every query it runs."""

    def __init__(self, path):
        super().__init__(path)
        self.queries: list[str] = []

    def query(self, sql, params=None, *, labels=None):
        self.queries.append(sql)
        return super().query(sql, params, labels=labels)


def test_the_check_queries_are_found():
    """The discovery above really sees the check queries (a renamed module would otherwise pass silently)."""
    assert any(name.startswith("nba_features.quality.expected_rows.") for name in MODULE_QUERIES)
    assert any(name.startswith("nba_features.quality.feature_store_checks.") for name in MODULE_QUERIES)
    assert "nba_features.phase4.seasons.SCHEDULE_SQL" in MODULE_QUERIES


@pytest.mark.parametrize("name", sorted(EXTRACTS))
def test_extract_prunes_partitions_and_states_its_lookback(name):
    extract = EXTRACTS[name]
    tree = sqlglot.parse_one(extract.sql, read="bigquery")
    assert "-- bound:" in extract.sql, f"{name}: state the bound of the query in a '-- bound:' comment"
    assert not list(tree.find_all(exp.Star)), f"{name}: select the columns the transform uses, not *"
    assert {p.name for p in tree.find_all(exp.Parameter)} <= EXTRACT_PARAMETERS, name
    reads = list(partitioned_reads(extract.sql))
    assert reads, f"{name}: reads no partitioned table"
    for table, column, select in reads:
        lower, upper = partition_bounds(select, column)
        assert lower and upper, f"{name}: {table}.{column} needs a lower and an upper bound on date parameters"
        stated = [(seasons.SEASON_START_PARAMETER, 0)] if extract.season_bounded else [("start_date", extract.lookback_days)]
        assert not extract.season_bounded or extract.lookback_days == seasons.SEASON_LOOKBACK_DAYS, name
        assert lower == stated, (
            f"{name}: lower bound {lower} on {table}.{column} does not match lookback_days={extract.lookback_days}"
        )
        assert upper == [("end_date", 0)], f"{name}: upper bound {upper} on {table}.{column} must be @end_date"


@pytest.mark.parametrize("name", sorted(MODULE_QUERIES))
def test_check_query_prunes_partitions(name):
    sql = MODULE_QUERIES[name]
    assert "-- bound:" in sql, f"{name}: state the bound of the query in a '-- bound:' comment"
    for table, column, select in partitioned_reads(sql):
        lower, upper = partition_bounds(select, column)
        assert lower and upper, f"{name}: {table}.{column} needs a lower and an upper bound on date parameters"


def test_upstream_lookup_prunes_partitions(tmp_path):
    warehouse = RecordingWarehouse(tmp_path / "warehouse.duckdb")
    warehouse.apply_schemas()
    for table in RUN_ORDER:
        upstream_materialized(warehouse, table, [dt.date(2024, 1, 10), dt.date(2024, 1, 12)], PHASE4_TABLES)
    assert len(warehouse.queries) == sum(len(t.upstream_assets) for t in RUN_ORDER) > 0
    for sql in warehouse.queries:
        reads = list(partitioned_reads(sql))
        assert reads
        for _table, column, select in reads:
            assert partition_bounds(select, column) == ([("start_date", 0)], [("end_date", 0)]), sql


def test_the_bound_finder_rejects_unbounded_and_one_sided_reads():
    """The helpers fail the queries they must fail (so the tests above can fail)."""
    unbounded = "SELECT game_date FROM nba_analytics.player_game_summary WHERE points > 3"
    one_sided = "SELECT game_date FROM nba_analytics.player_game_summary WHERE game_date >= DATE_SUB(@start_date, INTERVAL 7 DAY)"
    literal = "SELECT game_date FROM nba_analytics.player_game_summary WHERE game_date BETWEEN '2024-01-01' AND @end_date"
    either = "SELECT game_date FROM nba_analytics.player_game_summary WHERE game_date >= @start_date OR game_date <= @end_date"
    for sql in (unbounded, one_sided, literal, either):
        [(_, column, select)] = partitioned_reads(sql)
        lower, upper = partition_bounds(select, column)
        assert not (lower and upper), sql
    bounded = "SELECT game_date FROM nba_analytics.player_game_summary WHERE game_date BETWEEN DATE_SUB(@start_date, INTERVAL 7 DAY) AND @end_date"
    [(_, column, select)] = partitioned_reads(bounded)
    assert partition_bounds(select, column) == ([("start_date", 7)], [("end_date", 0)])
