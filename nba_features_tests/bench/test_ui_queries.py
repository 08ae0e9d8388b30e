"""bench/ui_queries.py sends the UI's own documents: each one, with its fragments, is valid against the
webserver's GraphQL schema (a renamed fragment or field in a Dagster upgrade fails here, not in a bench run)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import graphql
import pytest
from dagster_graphql.schema import create_schema

BENCH_SCRIPT = Path(__file__).resolve().parents[2] / "bench" / "ui_queries.py"


def load_bench_module():
    spec = importlib.util.spec_from_file_location("ui_queries", BENCH_SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("operation", ["AssetChecksQuery", "AssetGraphLiveQuery"])
def test_the_ui_document_is_valid_against_the_webserver_schema(operation):
    document = graphql.parse(load_bench_module().ui_query(operation))
    names = [d.name.value for d in document.definitions]
    assert names[0] == operation and len(names) > 1  # the operation and the fragments it spreads
    assert graphql.validate(create_schema().graphql_schema, document) == []
