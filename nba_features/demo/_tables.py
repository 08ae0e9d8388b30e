"""Column lists of the demo-league tables (mirrors schemas/*.sql) and the frame conformer.

The DDL files in schemas/ are the source of truth; the lists below repeat their column names, types and
NOT NULL flags so the generator can build frames without parsing SQL at run time. A test checks that both
agree. Types map to pandas dtypes as CONVENTIONS.md says; a nullable INT64/BOOL column uses the pandas
extension dtype (Int64 / boolean), a NOT NULL one the numpy dtype.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

S, I, F, B, D, T = "STRING", "INT64", "FLOAT64", "BOOL", "DATE", "TIMESTAMP"  # noqa: E741  (type shorthands)
NN = True  # NOT NULL

# table -> [(column, type, not_null)]
TABLE_COLUMNS: dict[str, list[tuple[str, str, bool]]] = {
    "nba_reference.nba_schedule": [
        ("game_id", S, NN),
        ("game_date", D, NN),
        ("season_year", I, NN),
        ("season_type", S, NN),
        ("playoff_round", I, False),
        ("home_team_tricode", S, NN),
        ("away_team_tricode", S, NN),
        ("game_status", I, NN),
        ("game_status_text", S, NN),
        ("tipoff_time", T, NN),
        ("home_team_score", I, False),
        ("away_team_score", I, False),
        ("data_source", S, NN),
    ],
    "nba_analytics.player_game_summary": [
        ("player_lookup", S, NN),
        ("universal_player_id", S, False),
        ("player_full_name", S, False),
        ("game_id", S, NN),
        ("game_date", D, NN),
        ("team_abbr", S, NN),
        ("opponent_team_abbr", S, NN),
        ("season_year", I, NN),
        ("home_game", B, NN),
        ("starter_flag", B, NN),
        ("points", I, False),
        ("minutes_played", F, False),
        ("fg_attempts", I, False),
        ("fg_makes", I, False),
        ("three_pt_attempts", I, False),
        ("three_pt_makes", I, False),
        ("paint_attempts", I, False),
        ("paint_makes", I, False),
        ("mid_range_attempts", I, False),
        ("mid_range_makes", I, False),
        ("ft_attempts", I, False),
        ("ft_makes", I, False),
        ("assisted_fg_makes", I, False),
        ("unassisted_fg_makes", I, False),
        ("turnovers", I, False),
        ("usage_rate", F, False),
        ("ts_pct", F, False),
        ("is_active", B, NN),
        ("is_dnp", B, False),
        ("dnp_reason", S, False),
        ("data_hash", S, False),
        ("processed_at", T, False),
    ],
    "nba_analytics.team_offense_game_summary": [
        ("game_id", S, NN),
        ("game_date", D, NN),
        ("team_abbr", S, NN),
        ("opponent_team_abbr", S, NN),
        ("season_year", I, NN),
        ("home_game", B, NN),
        ("points_scored", I, NN),
        ("fg_makes", I, NN),
        ("fg_attempts", I, NN),
        ("three_pt_makes", I, NN),
        ("three_pt_attempts", I, NN),
        ("paint_makes", I, NN),
        ("paint_attempts", I, NN),
        ("mid_range_makes", I, NN),
        ("mid_range_attempts", I, NN),
        ("ft_makes", I, NN),
        ("ft_attempts", I, NN),
        ("turnovers", I, NN),
        ("possessions", F, NN),
        ("pace", F, NN),
        ("offensive_rating", F, NN),
        ("overtime_periods", I, NN),
        ("win_flag", B, NN),
        ("margin_of_victory", I, NN),
        ("data_hash", S, False),
        ("processed_at", T, False),
    ],
    "nba_analytics.team_defense_game_summary": [
        ("game_id", S, NN),
        ("game_date", D, NN),
        ("defending_team_abbr", S, NN),
        ("opponent_team_abbr", S, NN),
        ("season_year", I, NN),
        ("home_game", B, NN),
        ("points_allowed", I, NN),
        ("opp_fg_makes", I, NN),
        ("opp_fg_attempts", I, NN),
        ("opp_three_pt_makes", I, NN),
        ("opp_three_pt_attempts", I, NN),
        ("opp_paint_makes", I, NN),
        ("opp_paint_attempts", I, NN),
        ("opp_mid_range_makes", I, NN),
        ("opp_mid_range_attempts", I, NN),
        ("opp_ft_makes", I, NN),
        ("opp_ft_attempts", I, NN),
        ("points_in_paint_allowed", I, NN),
        ("mid_range_points_allowed", I, NN),
        ("three_pt_points_allowed", I, NN),
        ("blocks_paint", I, NN),
        ("blocks_mid_range", I, NN),
        ("blocks_three_pt", I, NN),
        ("turnovers_forced", I, NN),
        ("defensive_rating", F, NN),
        ("opponent_pace", F, NN),
        ("data_hash", S, False),
        ("processed_at", T, False),
    ],
    "nba_analytics.upcoming_player_game_context": [
        ("player_lookup", S, NN),
        ("universal_player_id", S, False),
        ("player_full_name", S, False),
        ("game_id", S, NN),
        ("game_date", D, NN),
        ("season_year", I, NN),
        ("team_abbr", S, NN),
        ("opponent_team_abbr", S, NN),
        ("home_game", B, NN),
        ("season_phase", S, NN),
        ("days_rest", I, False),
        ("opponent_days_rest", I, False),
        ("back_to_back", B, False),
        ("player_status", S, NN),
        ("injury_reason", S, False),
        ("games_in_last_7_days", I, False),
        ("games_in_last_14_days", I, False),
        ("minutes_in_last_7_days", I, False),
        ("minutes_in_last_14_days", I, False),
        ("fourth_quarter_minutes_last_7", I, False),
        ("avg_minutes_per_game_last_7", F, False),
        ("back_to_backs_last_14_days", I, False),
        ("player_age", I, False),
        ("avg_usage_rate_last_7_games", F, False),
        ("projected_usage_rate", F, False),
        ("star_teammates_out", I, False),
        ("team_pace_last_10", F, False),
        ("opponent_pace_last_10", F, False),
        ("pace_differential", F, False),
        ("game_total", F, False),
        ("game_spread", F, False),
        ("has_prop_line", B, NN),
        ("current_points_line", F, False),
        ("opening_points_line", F, False),
        ("prop_over_streak", I, False),
        ("prop_under_streak", I, False),
        ("is_production_ready", B, False),
        ("data_hash", S, False),
        ("processed_at", T, False),
    ],
    "nba_analytics.upcoming_team_game_context": [
        ("team_abbr", S, NN),
        ("game_id", S, NN),
        ("game_date", D, NN),
        ("season_year", I, NN),
        ("opponent_team_abbr", S, NN),
        ("home_game", B, NN),
        ("season_phase", S, NN),
        ("game_total", F, False),
        ("game_spread", F, False),
        ("team_implied_total", F, False),
        ("days_rest", I, False),
        ("opponent_days_rest", I, False),
        ("back_to_back", B, False),
        ("players_out", I, False),
        ("data_hash", S, False),
        ("processed_at", T, False),
    ],
    "nba_raw.odds_api_player_points_props": [
        ("game_id", S, NN),
        ("game_date", D, NN),
        ("player_lookup", S, NN),
        ("player_name", S, False),
        ("home_team_abbr", S, False),
        ("away_team_abbr", S, False),
        ("bookmaker", S, NN),
        ("points_line", F, NN),
        ("over_price", F, False),
        ("under_price", F, False),
        ("snapshot_timestamp", T, NN),
        ("minutes_before_tipoff", I, NN),
        ("game_start_time", T, False),
    ],
    "nba_raw.bettingpros_player_points_props": [
        ("game_date", D, NN),
        ("game_id", S, False),
        ("player_lookup", S, NN),
        ("player_name", S, False),
        ("team_abbr", S, False),
        ("market_type", S, NN),
        ("bookmaker", S, NN),
        ("points_line", F, False),
        ("opening_line", F, False),
        ("over_odds", F, False),
        ("under_odds", F, False),
        ("created_at", T, NN),
    ],
    "nba_raw.nbac_injury_report": [
        ("report_date", D, NN),
        ("report_time", T, NN),
        ("game_id", S, False),
        ("game_date", D, False),
        ("team", S, NN),
        ("player_lookup", S, NN),
        ("player_name", S, False),
        ("injury_status", S, NN),
        ("reason", S, False),
    ],
    "nba_predictions.prediction_accuracy": [
        ("player_lookup", S, NN),
        ("game_id", S, False),
        ("game_date", D, NN),
        ("system_id", S, NN),
        ("line_value", F, False),
        ("predicted_points", F, False),
        ("recommendation", S, NN),
        ("actual_points", I, False),
        ("prediction_correct", B, False),
        ("graded_at", T, False),
    ],
}

GENERATED_TABLES: tuple[str, ...] = tuple(t for t in TABLE_COLUMNS if t != "nba_predictions.prediction_accuracy")


def pandas_dtype(bq_type: str, not_null: bool) -> str:
    if bq_type == S:
        return "object"
    if bq_type == I:
        return "int64" if not_null else "Int64"
    if bq_type == F:
        return "float64"
    if bq_type == B:
        return "bool" if not_null else "boolean"
    if bq_type == D:
        return "datetime64[ns]"
    if bq_type == T:
        return "datetime64[ns, UTC]"
    raise ValueError(bq_type)


def _as_string(values: pd.Series) -> pd.Series:
    out = values.astype(object)
    return out.where(out.notna(), None)


def conform(table: str, data: dict[str, object] | pd.DataFrame) -> pd.DataFrame:
    """A frame with exactly the table's columns, in DDL order, with the conventional dtypes.

    Raises if a column is missing, if an extra column is given, or if a NOT NULL column has a NULL.
    """
    spec = TABLE_COLUMNS[table]
    names = [c for c, _, _ in spec]
    given = list(data.columns) if isinstance(data, pd.DataFrame) else list(data)
    missing = [c for c in names if c not in given]
    extra = [c for c in given if c not in names]
    if missing or extra:
        raise ValueError(f"{table}: missing columns {missing}, unexpected columns {extra}")
    out: dict[str, pd.Series] = {}
    length = None
    for name, bq_type, not_null in spec:
        raw = data[name]
        series = raw.reset_index(drop=True) if isinstance(raw, pd.Series) else pd.Series(raw)
        if length is None:
            length = len(series)
        elif len(series) != length:
            raise ValueError(f"{table}.{name}: length {len(series)} != {length}")
        dtype = pandas_dtype(bq_type, not_null)
        if bq_type == S:
            series = _as_string(series)
        elif bq_type == D:
            series = pd.to_datetime(series).astype("datetime64[ns]")
        elif bq_type == T:
            series = pd.to_datetime(series, utc=True).astype("datetime64[ns, UTC]")
        elif bq_type == F:
            series = pd.to_numeric(series).astype("float64")
        elif bq_type == I and dtype == "int64":
            if series.isna().any():
                raise ValueError(f"{table}.{name} is NOT NULL but has NULLs")
            series = series.astype("int64")
        else:
            series = series.astype(dtype)
        if not_null and series.isna().any():
            raise ValueError(f"{table}.{name} is NOT NULL but has NULLs")
        out[name] = series
    return pd.DataFrame(out, columns=names)


def row_hash(frame: pd.DataFrame, columns: list[str]) -> np.ndarray:
    """First 16 hex characters of a stable 64-bit hash of the given columns, per row (deterministic)."""
    hashed = pd.util.hash_pandas_object(frame[columns], index=False).to_numpy(dtype=np.uint64)
    return np.array([f"{h:016x}" for h in hashed.tolist()], dtype=object)
