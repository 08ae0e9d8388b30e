import pytest

from nba_features.contracts import ContractError, load_contracts, parse_ddl

DDL = """
CREATE TABLE IF NOT EXISTS ds.example (
  game_date DATE NOT NULL OPTIONS(description="The partition"),
  player_lookup STRING NOT NULL,
  points FLOAT64 OPTIONS(description="Points per game"),
  tags ARRAY<STRING>,
  completeness STRUCT<games_found INT64, dates ARRAY<DATE>>,
  created_at TIMESTAMP,
  PRIMARY KEY (game_date, player_lookup) NOT ENFORCED
)
PARTITION BY game_date
CLUSTER BY player_lookup
OPTIONS(require_partition_filter=TRUE, description="An example");
"""


def test_parse_ddl_reads_columns_keys_and_options():
    table = parse_ddl(DDL)
    assert table.full_name == "ds.example"
    assert table.column_names == ["game_date", "player_lookup", "points", "tags", "completeness", "created_at"]
    assert [c.bq_type for c in table.columns] == [
        "DATE",
        "STRING",
        "FLOAT64",
        "ARRAY<STRING>",
        "STRUCT<games_found INT64, dates ARRAY<DATE>>",
        "TIMESTAMP",
    ]
    assert table.column("game_date").nullable is False
    assert table.column("points").nullable is True
    assert table.column("points").description == "Points per game"
    assert table.primary_key == ("game_date", "player_lookup")
    assert table.partition_column == "game_date"
    assert table.cluster_by == ("player_lookup",)
    assert table.require_partition_filter is True
    assert table.description == "An example"


def test_parse_ddl_rejects_partition_expiration_and_unknown_keys():
    with pytest.raises(ContractError, match="expiration"):
        parse_ddl(DDL.replace("require_partition_filter=TRUE", "partition_expiration_days=30"))
    with pytest.raises(ContractError, match="not a column"):
        parse_ddl(DDL.replace("CLUSTER BY player_lookup", "CLUSTER BY nobody"))
    with pytest.raises(ContractError, match="NUMERIC|not supported"):
        parse_ddl(DDL.replace("points FLOAT64", "points NUMERIC(5,1)"))


def test_every_schema_file_parses_and_is_named_after_its_path():
    contracts = load_contracts()
    assert "nba_orchestration.data_quality_events" in contracts
    for name, table in contracts.items():
        assert table.full_name == name
        assert table.columns, name
        if table.partition_column:
            assert table.column(table.partition_column).base_type == "DATE", name
