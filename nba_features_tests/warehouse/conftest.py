"""Fixtures for the warehouse tests: the offline BigQuery emulator and warehouses on it, and test contracts
in place of schemas/."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest

import nba_features.warehouse.base as base
from nba_features.contracts import ContractError, TableContract
from nba_features.warehouse.bigquery_warehouse import BigQueryWarehouse
from nba_features_tests.bigquery_emulator import EmulatorEndpoint, running_emulator


@pytest.fixture(scope="session")
def bigquery_emulator() -> Iterator[EmulatorEndpoint]:
    """One emulator server process for the session, stopped by its PID at the end."""
    with running_emulator() as endpoint:
        yield endpoint


@pytest.fixture
def bigquery_warehouse(bigquery_emulator: EmulatorEndpoint) -> BigQueryWarehouse:
    """A warehouse on the emulator with its own dataset prefix, so tests never see each other's tables."""
    return BigQueryWarehouse(
        project=bigquery_emulator.project,
        dataset_prefix=f"t{uuid.uuid4().hex[:10]}_",
        api_endpoint=bigquery_emulator.api_endpoint,
    )


def use_contracts(monkeypatch: pytest.MonkeyPatch, registry: dict[str, TableContract]) -> dict[str, TableContract]:
    """Both warehouses read `registry` (full name → contract) instead of schemas/, as it is at each call, so a
    test may swap a contract for another; returns `registry`."""

    def lookup(table: str) -> TableContract:
        try:
            return registry[table]
        except KeyError:
            raise ContractError(f"unknown table {table!r}") from None

    monkeypatch.setattr(base, "contract", lookup)
    monkeypatch.setattr(base, "load_contracts", lambda: dict(registry))
    return registry
