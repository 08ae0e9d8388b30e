"""Contracts: table schemas parsed from schemas/ and the 60-feature registry."""

from nba_features.contracts.ddl import Column, ContractError, TableContract, contract, load_contracts, parse_ddl

__all__ = ["Column", "ContractError", "TableContract", "contract", "load_contracts", "parse_ddl"]
