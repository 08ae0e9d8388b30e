"""Contracts: table schemas parsed from schemas/, their documented legacy types, and the 60-feature registry."""

from nba_features.contracts.ddl import (
    Column,
    ContractError,
    TableContract,
    ViewContract,
    contract,
    load_contracts,
    load_views,
    parse_ddl,
    parse_view,
)

__all__ = [
    "Column",
    "ContractError",
    "TableContract",
    "ViewContract",
    "contract",
    "load_contracts",
    "load_views",
    "parse_ddl",
    "parse_view",
]
