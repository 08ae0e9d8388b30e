"""Security hygiene: values reach SQL only as query parameters, identifiers only from the contracts
(validated), and credentials never appear in logs, materialization metadata or events.
"""

from __future__ import annotations

import ast
import re
import uuid
from pathlib import Path

import dagster as dg
import pytest

from nba_features.contracts import load_contracts
from nba_features.defs.phase4_assets import PHASE4_ASSETS
from nba_features.defs.resources import WarehouseResource
from nba_features.quality.events import EVENTS_TABLE
from nba_features.warehouse.sql import validate_identifier
from nba_features_tests.reliability.conftest import D1

PACKAGE = Path(__file__).resolve().parents[2] / "nba_features"
SQL_TEXT = re.compile(r"\b(SELECT|INSERT|DELETE|UPDATE|MERGE|CREATE|ALTER|DROP|FROM|WHERE|CAST)\b")

# Functions whose result may be placed into SQL text: they validate (or quote after validating) an
# identifier, or spell a contract type.
IDENTIFIER_FUNCTIONS = {"validate_identifier", "_quoted", "_qualified", "_quoted_table", "duckdb_type"}
# Methods that return a validated identifier (warehouse/datasets.py: `dataset` validates prefix + dataset;
# the warehouses' `_qualified` validates dataset and table).
IDENTIFIER_METHODS = {"_qualified", "dataset"}
# Attributes of contracts and registries (TableContract, Phase4Table, Upstream): names from schemas/
# or from the code's own constants, never from input data.
CONTRACT_ATTRIBUTES = {"table", "full_name", "partition_column", "date_column", "table_key", "columns"}
# Local variables interpolated into SQL, each reviewed: (module, expression) → where its text comes from.
REVIEWED = {
    ("reruns/fingerprints.py", "date_column"): "validate_identifier(contract partition column)",
    ("reruns/fingerprints.py", "columns"): "validate_identifier over contract columns",
    ("contracts/ddl.py", "source"): "an error message naming a schemas/ file, not SQL",
    ("warehouse/bigquery_warehouse.py", "columns"): "_quoted over contract column names",
    ("warehouse/bigquery_warehouse.py", "values"): "_quoted over contract column names",
    ("warehouse/duckdb_warehouse.py", "columns"): "validate_identifier over contract columns",
    ("warehouse/duckdb_warehouse.py", "names"): "validate_identifier over contract columns",
    ("warehouse/duckdb_warehouse.py", "casts"): "contract columns, validated by `names` first, and duckdb_type",
    ("warehouse/duckdb_warehouse.py", "partition"): "validate_identifier(contract partition column)",
    ("warehouse/duckdb_warehouse.py", "c.name"): "contract column names, validated by `names` in the same method",
    ("warehouse/duckdb_warehouse.py", "self._translate(view.query)"): "a view's SELECT from schemas/ (ViewContract), translated",
    (
        "warehouse/bigquery_warehouse.py",
        "self.qualify(view.query)",
    ): "a view's SELECT from schemas/ (ViewContract), datasets renamed",
    ("warehouse/bigquery_warehouse.py", "target"): "project id, datasets.dataset (validated) and _quoted(view name)",
}


def is_constant(node: ast.expr) -> bool:
    """A module constant (UPPER_CASE), or ', '.join(...) of one."""
    if isinstance(node, ast.Name):
        return re.fullmatch(r"_?[A-Z][A-Z0-9_]*", node.id) is not None
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "join":
        return len(node.args) == 1 and (is_constant(node.args[0]) or is_contract_attribute(node.args[0]))
    return False


def is_contract_attribute(node: ast.expr) -> bool:
    return isinstance(node, ast.Attribute) and node.attr in CONTRACT_ATTRIBUTES


def is_identifier_call(node: ast.expr) -> bool:
    if not isinstance(node, ast.Call):
        return False
    if isinstance(node.func, ast.Name):
        return node.func.id in IDENTIFIER_FUNCTIONS
    return isinstance(node.func, ast.Attribute) and node.func.attr in IDENTIFIER_METHODS


def sql_interpolations() -> list[tuple[str, int, str, ast.expr]]:
    """(module, line, expression text, expression) of every value formatted into SQL-looking text."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        module = path.relative_to(PACKAGE).as_posix()
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if isinstance(node, ast.JoinedStr):
                text = "".join(v.value for v in node.values if isinstance(v, ast.Constant))
                if SQL_TEXT.search(text):
                    found += [
                        (module, node.lineno, ast.unparse(v.value), v.value)
                        for v in node.values
                        if isinstance(v, ast.FormattedValue)
                    ]
            elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod) and isinstance(node.left, ast.Constant):
                assert not SQL_TEXT.search(str(node.left.value)), f"{module}:{node.lineno}: %-formatted SQL"
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format":
                assert not (isinstance(node.func.value, ast.Constant) and SQL_TEXT.search(str(node.func.value.value))), (
                    f"{module}:{node.lineno}: str.format SQL"
                )
    return found


def test_only_constants_and_validated_identifiers_are_formatted_into_sql():
    found = sql_interpolations()
    assert len(found) > 50  # the scan sees the project's SQL
    unsafe = [
        f"{module}:{line}: {{{text}}}"
        for module, line, text, node in found
        if not (is_constant(node) or is_contract_attribute(node) or is_identifier_call(node) or (module, text) in REVIEWED)
    ]
    assert unsafe == [], "values must be query parameters; identifiers validate_identifier'd:\n" + "\n".join(unsafe)
    used = {(module, text) for module, _, text, _ in found}
    assert set(REVIEWED) <= used, f"stale review entries: {set(REVIEWED) - used}"


def test_every_contract_name_is_a_plain_identifier():
    for name, spec in load_contracts().items():
        for identifier in (spec.dataset, spec.name, *spec.column_names):
            assert validate_identifier(identifier) == identifier, name


@pytest.mark.parametrize("name", ["game_date; DROP TABLE x", "a.b", "`x`", "x--", "1x", ""])
def test_anything_but_a_plain_identifier_is_refused(name):
    with pytest.raises(ValueError, match="invalid SQL identifier"):
        validate_identifier(name)


def test_a_hostile_value_is_bound_as_a_parameter_never_executed(league):
    hostile = "2024-01-17'; DROP TABLE nba_reference.nba_schedule; --"
    result = league.query("SELECT @value AS value", {"value": hostile})
    assert result["value"].tolist() == [hostile]
    assert league.table_exists("nba_reference.nba_schedule")


# --- credentials -----------------------------------------------------------------------------------
def run_text(instance: dg.DagsterInstance, result: dg.ExecuteInProcessResult) -> str:
    """Everything Dagster recorded for the run: every event with its metadata, messages and errors."""
    return "\n".join(repr(record) for record in instance.all_logs(result.run_id))


def test_credentials_never_reach_logs_metadata_or_events(league, monkeypatch, capfd, caplog):
    key_path = f"/nonexistent/{uuid.uuid4().hex}/service-account.json"
    slack_token = f"xoxb-{uuid.uuid4().hex}"
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", key_path)
    monkeypatch.setenv("SLACK_BOT_TOKEN", slack_token)  # no channel: nothing is posted
    monkeypatch.delenv("NBA_FEATURES_SLACK_CHANNEL", raising=False)
    league.execute_native("DELETE FROM nba_analytics.team_defense_game_summary")  # a failed check: an event row
    debug = {"loggers": {"console": {"config": {"log_level": "DEBUG"}}}}
    selected = [a for a in PHASE4_ASSETS if a.key == dg.AssetKey("team_defense_zone_analysis")]

    with dg.instance_for_test() as instance:
        local = dg.materialize(
            selected, partition_key=D1.isoformat(), instance=instance, run_config=debug, raise_on_error=False,
            resources={"warehouse": WarehouseResource(duckdb_path=str(league.path))},
        )  # fmt: skip
        # production settings whose credentials cannot be loaded: the failure must not show the key file
        production = dg.materialize(
            selected, partition_key=D1.isoformat(), instance=instance, run_config=debug, raise_on_error=False,
            resources={"warehouse": WarehouseResource(env="prod", bigquery_project="nba-features-test")},
        )  # fmt: skip
        recorded = run_text(instance, local) + run_text(instance, production)

    assert local.success  # the check failure is a WARN: the run succeeds and records an event
    events = league.execute_native(f"SELECT * FROM {EVENTS_TABLE}")
    assert len(events) > 0
    assert not production.success and "BigQuery credentials could not be loaded" in recorded
    output = capfd.readouterr()
    for secret in (key_path, slack_token):
        for where, text in (
            ("run events and metadata", recorded), ("events table", events.to_csv()),
            ("stdout", output.out), ("stderr", output.err), ("logging", caplog.text),
        ):  # fmt: skip
            assert secret not in text, f"{secret} leaked into {where}"
