"""player_composite_factors (PCF): four pre-game adjustment factors for every player playing on D.

docs/RULES.md#player-composite-factors. The players are the rows of
upcoming_player_game_context (UPCG) for D; each gets
- fatigue (rest, workload, back-to-backs, age) from its UPCG row,
- shot-zone mismatch: its primary zone in player_shot_zone_analysis (PSZA) for D against the
  opponent's defence in that zone in team_defense_zone_analysis (TDZA) for D,
- pace (UPCG pace_differential) and usage spike (projected vs recent usage, star teammates out),
and the four deferred factors at 0.0. Players whose upstream rows are missing or not production ready
are still written; data_quality_issues says which upstream was short.

All inputs are pre-game rows for D except player_game_summary, which only feeds the completeness of
the player's last-10-games window and is read strictly before D (docs/RULES.md#point-in-time). There is no synthetic
context: without UPCG rows for a date with games the table gets no rows, and the row-count check
turns the partition red.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from nba_features.contracts import contract
from nba_features.phase4.coercions import as_flag, as_float_series, rounded, with_datetime_columns
from nba_features.phase4.completeness import rounded_completeness_block
from nba_features.phase4.game_windows import DatedEvents, latest_team
from nba_features.phase4.inputs import (
    COMPOSITE_FACTORS_TABLE,
    PLAYER_CONTEXT_TABLE,
    PLAYER_GAMES_TABLE,
    SCHEDULE_TABLE,
    SHOT_ZONE_TABLE,
    TEAM_CONTEXT_TABLE,
    TEAM_DEFENSE_ZONE_TABLE,
)
from nba_features.phase4.output_rows import empty_output, output_dates, stamp_and_hash
from nba_features.phase4.schedule import final_team_games, known_teams, scheduled_teams
from nba_features.phase4.seasons import BOOTSTRAP_MODE_DAYS, SCHEDULE_SQL, SEASON_BOUNDARY_MONTHS, SEASON_LOOKBACK_DAYS
from nba_features.phase4.source_tracking import (
    covered_teams,
    per_date,
    players_with_shot_zones,
    source_summary,
    tracking_columns,
)
from nba_features.phase4.spec import Extract, Phase4Table, RunInfo
from nba_features.phase4.validation import (
    check_games_played,
    check_known_teams,
    check_one_row_per,
    check_range,
    check_rule,
)

TABLE = COMPOSITE_FACTORS_TABLE


CALCULATION_VERSION = "v1_4factors"
OWN_WINDOW_GAMES = 10
# The last 10 team games are looked for within this many days before D; an NBA team plays 10 games
# in about 3 weeks, All-Star break included, so the bound only caps the player_game_summary extract.
OWN_WINDOW_MAX_DAYS = 60
LEAGUE_AVG_PACE = 100.0

# Defaults substituted for NULL inputs (docs/RULES.md#player-composite-factors).
DEFAULT_DAYS_REST = 1
DEFAULT_GAMES_LAST_7 = 3
DEFAULT_MINUTES_LAST_7 = 200.0
DEFAULT_AVG_MINUTES_LAST_7 = 30.0
DEFAULT_BACK_TO_BACKS_LAST_14 = 0
DEFAULT_PLAYER_AGE = 25
DEFAULT_ZONE_RATE = 50.0
DEFAULT_USAGE_RATE = 25.0

# PSZA primary_scoring_zone → the zone whose rate and defence the mismatch uses ('balanced' and NULL
# fall back to the paint).
ZONE_OF_PRIMARY = {"paint": "paint", "mid_range": "mid_range", "perimeter": "three_pt"}
SHOT_ZONE_VALUES = ("paint", "mid_range", "perimeter", "balanced")

DEFERRED_FACTORS = (
    "referee_favorability_score",
    "look_ahead_pressure_score",
    "travel_impact_score",
    "opponent_strength_score",
)

# The pre-write range rule of the legacy validator for the factors it does not reject rows for:
# a value outside its range is reported in data_quality_issues. Today's clamps keep every factor
# inside these ranges; the rule guards against formula changes that would break that.
FACTOR_RANGES = {
    "shot_zone_mismatch_score": (-15.0, 15.0),
    "pace_score": (-8.0, 8.0),
    "usage_spike_score": (-8.0, 8.0),
    "total_composite_adjustment": (-30.0, 30.0),
}

HASH_FIELDS = (
    "player_lookup", "universal_player_id", "game_date", "game_id",
    "fatigue_score", "shot_zone_mismatch_score", "pace_score", "usage_spike_score", *DEFERRED_FACTORS,
    "total_composite_adjustment", "calculation_version",
)  # fmt: skip

PLAYER_CONTEXT_SQL = f"""
-- bound: [start_date, end_date]: PCF reads the pre-game context of its own dates only
SELECT player_lookup, universal_player_id, game_id, game_date, team_abbr, opponent_team_abbr,
       days_rest, back_to_back, games_in_last_7_days, minutes_in_last_7_days, avg_minutes_per_game_last_7,
       back_to_backs_last_14_days, player_age, projected_usage_rate, avg_usage_rate_last_7_games,
       star_teammates_out, pace_differential, opponent_pace_last_10,
       is_production_ready, data_hash, processed_at
FROM {PLAYER_CONTEXT_TABLE}
WHERE game_date BETWEEN @start_date AND @end_date
"""

TEAM_CONTEXT_SQL = f"""
-- bound: [start_date, end_date]: the opponent's pre-game team context of the run's own dates
SELECT team_abbr, game_date, data_hash, processed_at
FROM {TEAM_CONTEXT_TABLE}
WHERE game_date BETWEEN @start_date AND @end_date
"""

SHOT_ZONE_SQL = f"""
-- bound: [start_date, end_date]: each date reads the shot-zone rows computed for that same date
SELECT player_lookup, analysis_date, primary_scoring_zone,
       paint_rate_last_10, mid_range_rate_last_10, three_pt_rate_last_10,
       is_production_ready, early_season_flag, data_hash, processed_at
FROM {SHOT_ZONE_TABLE}
WHERE analysis_date BETWEEN @start_date AND @end_date
"""

TEAM_DEFENSE_SQL = f"""
-- bound: [start_date, end_date]: each date reads the team-defence rows computed for that same date
SELECT team_abbr, analysis_date,
       paint_defense_vs_league_avg, mid_range_defense_vs_league_avg, three_pt_defense_vs_league_avg,
       weakest_zone, is_production_ready, early_season_flag, data_hash, processed_at
FROM {TEAM_DEFENSE_ZONE_TABLE}
WHERE analysis_date BETWEEN @start_date AND @end_date
"""

PLAYER_GAMES_SQL = f"""
-- bound: [start_date - {OWN_WINDOW_MAX_DAYS} days, end_date): the completeness window of a date D
-- lies within [D - {OWN_WINDOW_MAX_DAYS} days, D) (outcome rows, docs/RULES.md#point-in-time: game_date < D)
SELECT player_lookup, game_date, team_abbr
FROM {PLAYER_GAMES_TABLE}
WHERE game_date >= DATE_SUB(@start_date, INTERVAL {OWN_WINDOW_MAX_DAYS} DAY)
  AND game_date < @end_date
"""


# --- inputs ---------------------------------------------------------------------------------------


def validate_inputs(inputs: Mapping[str, pd.DataFrame], teams: set[str]) -> None:
    """Rules the factor formulas rely on; NULLs are allowed (defaults replace them)."""
    schedule = inputs["schedule"]
    context = (inputs["player_context"], PLAYER_CONTEXT_TABLE, "game_date")
    check_known_teams(*context, ("team_abbr", "opponent_team_abbr"), teams)
    non_negative = (
        "days_rest", "minutes_in_last_7_days", "avg_minutes_per_game_last_7", "back_to_backs_last_14_days", "star_teammates_out",
    )  # fmt: skip
    for column in non_negative:
        check_range(*context, column, low=0)
    check_range(*context, "games_in_last_7_days", low=0, high=7)
    check_range(*context, "player_age", low=1)
    for column in ("projected_usage_rate", "avg_usage_rate_last_7_games"):
        check_range(*context, column, low=0, high=100, rule=f"{column} is a percentage 0-100")
    check_one_row_per(*context, ["game_date", "player_lookup"])

    team_context = (inputs["team_context"], TEAM_CONTEXT_TABLE, "game_date")
    check_known_teams(*team_context, ("team_abbr",), teams)
    check_one_row_per(*team_context, ["game_date", "team_abbr"])

    shot_zones = (inputs["shot_zones"], SHOT_ZONE_TABLE, "analysis_date")
    for column in ("paint_rate_last_10", "mid_range_rate_last_10", "three_pt_rate_last_10"):
        check_range(*shot_zones, column, low=0, high=100, rule=f"{column} is a percentage 0-100 (docs/RULES.md#units)")
    zone = inputs["shot_zones"]["primary_scoring_zone"]
    unknown_zone = zone.notna() & ~zone.isin(SHOT_ZONE_VALUES)
    check_rule(*shot_zones, "primary_scoring_zone", unknown_zone, f"one of {', '.join(SHOT_ZONE_VALUES)}")
    check_one_row_per(*shot_zones, ["analysis_date", "player_lookup"])

    defense = (inputs["team_defense"], TEAM_DEFENSE_ZONE_TABLE, "analysis_date")
    check_known_teams(*defense, ("team_abbr",), teams)
    check_one_row_per(*defense, ["analysis_date", "team_abbr"])

    games = (inputs["player_games"], PLAYER_GAMES_TABLE, "game_date")
    check_known_teams(*games, ("team_abbr",), teams)
    check_one_row_per(*games, ["game_date", "player_lookup"])
    check_games_played(*games, "team_abbr", schedule, key=("player_lookup",))


def attach_upstreams(players: pd.DataFrame, inputs: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """The player's PSZA row, the opponent's TDZA and UTGC rows for the same date (prefixed columns)."""
    shot = inputs["shot_zones"].drop(columns=["data_hash", "processed_at"]).add_prefix("shot_")
    shot["shot_row"] = True
    defense = inputs["team_defense"].drop(columns=["data_hash", "processed_at"]).add_prefix("defense_")
    defense["defense_row"] = True
    team_context = inputs["team_context"][["team_abbr", "game_date"]].add_prefix("team_context_")
    team_context["team_context_row"] = True
    players = players.merge(
        shot, how="left", left_on=["game_date", "player_lookup"], right_on=["shot_analysis_date", "shot_player_lookup"]
    )
    players = players.merge(
        defense, how="left", left_on=["game_date", "opponent_team_abbr"],
        right_on=["defense_analysis_date", "defense_team_abbr"],
    )  # fmt: skip
    players = players.merge(
        team_context, how="left", left_on=["game_date", "opponent_team_abbr"],
        right_on=["team_context_game_date", "team_context_team_abbr"],
    )  # fmt: skip
    for flag in ("shot_row", "defense_row", "team_context_row"):
        players[flag] = players[flag].notna()
    return players


# --- factors --------------------------------------------------------------------------------------


def fatigue_factor(players: pd.DataFrame) -> pd.DataFrame:
    """Fatigue score 0-100 (higher = fresher) and the inputs and adjustments behind it."""
    inputs = pd.DataFrame(
        {
            "days_rest": as_float_series(players["days_rest"]).fillna(DEFAULT_DAYS_REST),
            "back_to_back": as_flag(players["back_to_back"]),
            "games_last_7": as_float_series(players["games_in_last_7_days"]).fillna(DEFAULT_GAMES_LAST_7),
            "minutes_last_7": as_float_series(players["minutes_in_last_7_days"]).fillna(DEFAULT_MINUTES_LAST_7),
            "avg_minutes_pg_last_7": as_float_series(players["avg_minutes_per_game_last_7"]).fillna(DEFAULT_AVG_MINUTES_LAST_7),
            "back_to_backs_last_14": as_float_series(players["back_to_backs_last_14_days"]).fillna(DEFAULT_BACK_TO_BACKS_LAST_14),
            "player_age": as_float_series(players["player_age"]).fillna(DEFAULT_PLAYER_AGE),
        },
        index=players.index,
    )
    # (label, points, applies): one penalty per rule, as docs/RULES.md#player-composite-factors lists them
    rules = [
        ("back_to_back", -15, inputs["back_to_back"]),
        ("extra_rest", 5, ~inputs["back_to_back"] & (inputs["days_rest"] >= 3)),
        ("frequent_games", -10, inputs["games_last_7"] >= 4),
        ("heavy_minutes", -10, inputs["minutes_last_7"] > 240),
        ("long_minutes_per_game", -8, inputs["avg_minutes_pg_last_7"] > 35),
        ("multiple_recent_back_to_backs", -12, inputs["back_to_backs_last_14"] >= 2),
        ("recent_back_to_back", -5, inputs["back_to_backs_last_14"] == 1),
        ("veteran_age_35_plus", -10, inputs["player_age"] >= 35),
        ("age_30_plus", -5, (inputs["player_age"] >= 30) & (inputs["player_age"] < 35)),
    ]
    raw = 100 + sum(points * applies.astype(int) for _, points, applies in rules)
    inputs["fatigue_score"] = raw.clip(0, 100).astype("int64")
    applied = pd.DataFrame({f"{label}: {points:+d}": applies for label, points, applies in rules})
    bonuses = {f"{label}: {points:+d}" for label, points, _ in rules if points > 0}
    records = applied.to_dict("records")
    penalties = [[text for text, hit in row.items() if hit and text not in bonuses] for row in records]
    inputs["penalties_applied"] = pd.Series(penalties, index=inputs.index, dtype=object)
    inputs["bonuses_applied"] = pd.Series(
        [[text for text, hit in row.items() if hit and text in bonuses] for row in records], index=inputs.index, dtype=object
    )
    return inputs


def shot_zone_mismatch_factor(players: pd.DataFrame) -> pd.DataFrame:
    """Opponent's vs-league defence in the player's primary zone, weighted by how much he shoots there.

    Positive = the opponent defends that zone worse than the league (favourable for the shooter).
    0.0 when either zone row is missing.
    """
    zone = players["shot_primary_scoring_zone"].map(ZONE_OF_PRIMARY).fillna("paint")
    usage = pd.Series(np.nan, index=players.index)
    defence = pd.Series(np.nan, index=players.index)
    for name in ("paint", "mid_range", "three_pt"):
        chosen = zone == name
        usage = usage.where(~chosen, as_float_series(players[f"shot_{name}_rate_last_10"]))
        defence = defence.where(~chosen, as_float_series(players[f"defense_{name}_defense_vs_league_avg"]))
    usage = usage.fillna(DEFAULT_ZONE_RATE)
    defence = defence.fillna(0.0)
    weighted = defence * np.minimum(usage / 50.0, 1.0)
    weighted = weighted.where(weighted.abs() <= 5.0, weighted * 1.2)
    available = players["shot_row"] & players["defense_row"]
    score = weighted.clip(-10.0, 10.0).where(available, 0.0)
    return pd.DataFrame({"score": score, "zone_rate": usage, "defence": defence, "available": available})


def pace_factor(players: pd.DataFrame) -> pd.DataFrame:
    differential = as_float_series(players["pace_differential"]).fillna(0.0)
    return pd.DataFrame(
        {
            "score": (differential / 2.0).clip(-3.0, 3.0),
            "pace_differential": differential,
            "opponent_pace_last_10": as_float_series(players["opponent_pace_last_10"]).fillna(LEAGUE_AVG_PACE),
        }
    )


def usage_spike_factor(players: pd.DataFrame) -> pd.DataFrame:
    """0.3 x (projected - recent usage), amplified for positive spikes when star teammates are out."""
    projected = as_float_series(players["projected_usage_rate"]).fillna(DEFAULT_USAGE_RATE)
    baseline = as_float_series(players["avg_usage_rate_last_7_games"]).fillna(DEFAULT_USAGE_RATE)
    stars_out = as_float_series(players["star_teammates_out"]).fillna(0).astype("int64")
    base = 0.3 * (projected - baseline)
    boost = np.select([(base > 0) & (stars_out >= 2), (base > 0) & (stars_out == 1)], [1.30, 1.15], 1.0)
    score = (base * boost).clip(-3.0, 3.0).where(baseline != 0, 0.0)
    return pd.DataFrame({"score": score, "projected": projected, "baseline": baseline, "stars_out": stars_out})


def _trend(values: pd.Series, above: str, below: str, neither: str) -> pd.Series:
    return pd.Series(np.select([values > 2.0, values < -2.0], [above, below], neither), index=values.index)


_JSON_ENCODER = json.JSONEncoder(sort_keys=True)  # = json.dumps(record, sort_keys=True), built once, not per row


def _json(record: dict) -> str:
    return _JSON_ENCODER.encode(record)


def _text_or_none(value: object) -> str | None:
    return None if value is None or pd.isna(value) else str(value)


def context_jsons(
    players: pd.DataFrame,
    fatigue: pd.DataFrame,
    mismatch: pd.DataFrame,
    pace: pd.DataFrame,
    usage: pd.DataFrame,
    scores: pd.DataFrame,
) -> pd.DataFrame:
    """The four *_context_json strings: the inputs used (defaults applied) and the stored score."""
    fatigue_json = [
        _json(
            {
                "days_rest": int(row.days_rest),
                "back_to_back": bool(row.back_to_back),
                "games_last_7": int(row.games_last_7),
                "minutes_last_7": float(row.minutes_last_7),
                "avg_minutes_pg_last_7": float(row.avg_minutes_pg_last_7),
                "back_to_backs_last_14": int(row.back_to_backs_last_14),
                "player_age": int(row.player_age),
                "penalties_applied": row.penalties_applied,
                "bonuses_applied": row.bonuses_applied,
                "final_score": int(row.fatigue_score),
            }
        )  # fmt: skip
        for row in fatigue.itertuples(index=False)
    ]
    mismatch_type = _trend(mismatch["score"], "favorable", "unfavorable", "neutral")
    shot_zone_json = [
        _json(
            {
                "player_primary_zone": _text_or_none(zone),
                "primary_zone_frequency": float(rate),
                "opponent_weak_zone": _text_or_none(weak),
                "opponent_defense_vs_league": float(defence),
                "mismatch_type": kind,
                "final_score": float(score),
            }
        )  # fmt: skip
        if available
        else _json({"missing_data": True})
        for zone, rate, weak, defence, kind, score, available in zip(
            players["shot_primary_scoring_zone"],
            mismatch["zone_rate"],
            players["defense_weakest_zone"],
            mismatch["defence"],
            mismatch_type,
            scores["shot_zone_mismatch_score"],
            mismatch["available"],
        )  # fmt: skip
    ]
    environment = _trend(pace["pace_differential"], "fast", "slow", "normal")
    pace_json = [
        _json(
            {
                "pace_differential": float(differential),
                "opponent_pace_last_10": float(opponent),
                "league_avg_pace": LEAGUE_AVG_PACE,
                "pace_environment": kind,
                "final_score": float(score),
            }
        )  # fmt: skip
        for differential, opponent, kind, score in zip(
            pace["pace_differential"], pace["opponent_pace_last_10"], environment, scores["pace_score"]
        )
    ]
    differential = pd.Series(rounded(usage["projected"] - usage["baseline"], 2), index=usage.index)
    usage_trend = _trend(differential, "spike", "drop", "stable")
    usage_json = [
        _json(
            {
                "projected_usage_rate": float(projected),
                "avg_usage_last_7": float(baseline),
                "usage_differential": float(diff),
                "star_teammates_out": int(stars),
                "usage_trend": kind,
                "final_score": float(score),
            }
        )  # fmt: skip
        for projected, baseline, diff, stars, kind, score in zip(
            usage["projected"], usage["baseline"], differential, usage["stars_out"], usage_trend, scores["usage_spike_score"]
        )
    ]
    return pd.DataFrame(
        {
            "fatigue_context_json": fatigue_json,
            "shot_zone_context_json": shot_zone_json,
            "pace_context_json": pace_json,
            "usage_context_json": usage_json,
        },
        index=players.index,
    )


def range_issues(scores: pd.DataFrame) -> list[list[str]]:
    """Per row: a message for each factor outside its FACTOR_RANGES range."""
    flags = {column: (scores[column] < low) | (scores[column] > high) for column, (low, high) in FACTOR_RANGES.items()}
    messages: list[list[str]] = [[] for _ in range(len(scores))]
    for column, outside in flags.items():
        low, high = FACTOR_RANGES[column]
        for position in np.flatnonzero(outside.to_numpy()):
            value = scores[column].iat[position]
            messages[position].append(f"{column} {value} outside [{low:g}, {high:g}]")
    return messages


# --- completeness and source tracking -------------------------------------------------------------


def own_completeness(players: pd.DataFrame, schedule: pd.DataFrame, player_games: pd.DataFrame) -> pd.DataFrame:
    """The player's last-10-games window: his team's final games this season before D (within 60
    days, capped at 10) against the dates with a player_game_summary row in their span [oldest, D).

    His team: that of his latest player_game_summary row within the 60 days, else his UPCG team.
    """
    team_games = final_team_games(schedule)
    team = latest_team(players, "game_date", player_games, OWN_WINDOW_MAX_DAYS).fillna(players["team_abbr"])
    floor = np.maximum(
        players["season_start"].to_numpy(dtype="datetime64[ns]"),
        (players["game_date"] - pd.Timedelta(days=OWN_WINDOW_MAX_DAYS)).to_numpy(dtype="datetime64[ns]"),
    )
    expected, oldest = team_games.last_before(team, players["game_date"], floor, OWN_WINDOW_GAMES)
    span_start = np.where(np.isnat(oldest), players["game_date"].to_numpy(dtype="datetime64[ns]"), oldest)
    found = DatedEvents(player_games["player_lookup"], player_games["game_date"])
    actual = found.count(players["player_lookup"], span_start, players["game_date"])
    block = rounded_completeness_block(expected, actual)
    block.index = players.index
    return block


def source_tracking(calendar: pd.DataFrame, inputs: Mapping[str, pd.DataFrame], schedule: pd.DataFrame) -> pd.DataFrame:
    """Per output date: rows found, last update, coverage and hash of each of the four upstreams.

    Coverage: teams playing on D with context / team-defence rows; players of the upcoming context
    with a shot-zone row.
    """
    dates = calendar["date"]
    playing = scheduled_teams(schedule)[["game_date", "team_abbr"]].drop_duplicates()
    teams_playing = per_date(playing, dates)
    context, team_context = inputs["player_context"], inputs["team_context"]
    shot_zones, defense = inputs["shot_zones"], inputs["team_defense"]
    out = pd.DataFrame({"date": dates})

    def teams_covered(rows: pd.DataFrame, date_column: str) -> np.ndarray:
        return per_date(covered_teams(rows, date_column, playing), dates)

    # prefix: (rows, date column, key column, coverage numerator, coverage denominator)
    sources = {
        "player_context": (context, "game_date", "player_lookup", teams_covered(context, "game_date"), teams_playing),
        "team_context": (team_context, "game_date", "team_abbr", teams_covered(team_context, "game_date"), teams_playing),
        "player_shot": (
            shot_zones, "analysis_date", "player_lookup",
            per_date(players_with_shot_zones(context, shot_zones), dates), per_date(context, dates),
        ),
        "team_defense": (defense, "analysis_date", "team_abbr", teams_covered(defense, "analysis_date"), teams_playing),
    }  # fmt: skip
    for prefix, (rows, date_column, key_column, numerator, denominator) in sources.items():
        summary = source_summary(rows, date_column, key_column).reindex(dates)
        for column, values in tracking_columns(prefix, summary, numerator, denominator).items():
            out[column] = values
    return out


# --- data quality ---------------------------------------------------------------------------------


def flagged_names(flags: pd.DataFrame, separator: str) -> list[str | None]:
    """Per row: the names of the TRUE columns joined by `separator`, None when there are none."""
    return [separator.join(name for name, hit in row.items() if hit) or None for row in flags.to_dict("records")]


def present_inputs(players: pd.DataFrame) -> pd.DataFrame:
    """The five inputs data_completeness_pct counts (20 points each)."""
    return pd.DataFrame(
        {
            "days_rest": players["days_rest"].notna(),
            "projected_usage_rate": players["projected_usage_rate"].notna(),
            "pace_differential": players["pace_differential"].notna(),
            "player_shot_zone": players["shot_row"],
            "team_defense_zone": players["defense_row"],
        }
    )


def warning_flags(fatigue_score: pd.Series, mismatch: pd.Series, total: pd.Series) -> pd.DataFrame:
    """The legacy warning texts, each TRUE where it applies (unrounded factor values)."""
    return pd.DataFrame(
        {
            "EXTREME_FATIGUE: Player showing severe fatigue": fatigue_score < 50,
            "EXTREME_MATCHUP: Unusual zone mismatch": mismatch.abs() > 8.0,
            "EXTREME_ADJUSTMENT: Very large composite adjustment": total.abs() > 12.0,
        }
    )


def upstream_readiness(players: pd.DataFrame) -> pd.DataFrame:
    """The four upstream flags: the row exists (player's PSZA, opponent's TDZA and UTGC) and, where the
    upstream has one, its is_production_ready is TRUE (UTGC has none: its row is enough)."""
    return pd.DataFrame(
        {
            "upstream_player_shot_ready": players["shot_row"] & as_flag(players["shot_is_production_ready"]),
            "upstream_team_defense_ready": players["defense_row"] & as_flag(players["defense_is_production_ready"]),
            "upstream_player_context_ready": as_flag(players["is_production_ready"]),
            "upstream_team_context_ready": players["team_context_row"],
        }
    )


# --- transform ------------------------------------------------------------------------------------


# Date columns of each extract, normalised to datetime64[ns] whatever the warehouse returned.
DATE_COLUMNS = {
    "player_context": ("game_date",),
    "team_context": ("game_date",),
    "shot_zones": ("analysis_date",),
    "team_defense": ("analysis_date",),
    "player_games": ("game_date",),
    "schedule": ("game_date",),
}


def transform(inputs: Mapping[str, pd.DataFrame], dates: Sequence[dt.date], run: RunInfo) -> pd.DataFrame:
    inputs = with_datetime_columns(inputs, DATE_COLUMNS)
    schedule = inputs["schedule"]
    teams = known_teams(schedule)
    validate_inputs(inputs, teams)
    calendar = output_dates(dates, schedule)
    players = inputs["player_context"].merge(
        calendar[["date", "season_start", "days_into_season"]], left_on="game_date", right_on="date"
    )
    if players.empty:
        return empty_output(TABLE)
    players = attach_upstreams(players.sort_values(["game_date", "player_lookup"]).reset_index(drop=True), inputs)

    fatigue = fatigue_factor(players)
    mismatch = shot_zone_mismatch_factor(players)
    pace = pace_factor(players)
    usage = usage_spike_factor(players)
    total = (fatigue["fatigue_score"] - 100) / 20.0 + mismatch["score"] + pace["score"] + usage["score"]

    out = pd.DataFrame(
        {
            "player_lookup": players["player_lookup"],
            "universal_player_id": players["universal_player_id"],
            "game_date": players["game_date"].astype("datetime64[ns]"),
            "game_id": players["game_id"],
            "analysis_date": players["game_date"].astype("datetime64[ns]"),
            "fatigue_score": fatigue["fatigue_score"],
            "shot_zone_mismatch_score": rounded(mismatch["score"], 1),
            "pace_score": rounded(pace["score"], 1),
            "usage_spike_score": rounded(usage["score"], 1),
            **{factor: 0.0 for factor in DEFERRED_FACTORS},
            "total_composite_adjustment": rounded(total, 2),
        }
    )
    out = pd.concat([out, context_jsons(players, fatigue, mismatch, pace, usage, out)], axis=1)
    out["calculation_version"] = CALCULATION_VERSION

    present = present_inputs(players)
    out["data_completeness_pct"] = 20.0 * present.sum(axis=1)
    out["missing_data_fields"] = flagged_names(~present, ", ")
    out["warning_details"] = flagged_names(warning_flags(fatigue["fatigue_score"], mismatch["score"], total), "; ")
    out["has_warnings"] = out["warning_details"].notna()
    ready = upstream_readiness(players)
    for column in ready:
        out[column] = ready[column]
    out["all_upstreams_ready"] = ready.all(axis=1)

    tracking = source_tracking(calendar, inputs, schedule)
    out = out.merge(tracking, left_on="game_date", right_on="date", how="left").drop(columns="date")

    own = own_completeness(players, schedule, inputs["player_games"])
    out = pd.concat([out, own.drop(columns="is_production_ready")], axis=1)
    out["is_production_ready"] = own["is_production_ready"] & out["all_upstreams_ready"]
    issue_flags = pd.DataFrame(
        {
            "own_data_incomplete": ~own["is_production_ready"],
            "upstream_player_shot_zone_incomplete": ~ready["upstream_player_shot_ready"],
            "upstream_team_defense_zone_incomplete": ~ready["upstream_team_defense_ready"],
            "upstream_player_context_incomplete": ~ready["upstream_player_context_ready"],
            "upstream_team_context_incomplete": ~ready["upstream_team_context_ready"],
        }
    )
    out["data_quality_issues"] = [
        [name for name, hit in flags.items() if hit] + outside
        for flags, outside in zip(issue_flags.to_dict("records"), range_issues(out))
    ]
    out["season_boundary_detected"] = out["game_date"].dt.month.isin(SEASON_BOUNDARY_MONTHS)
    out["backfill_bootstrap_mode"] = players["days_into_season"] < BOOTSTRAP_MODE_DAYS
    out["processing_decision_reason"] = "processed_successfully"
    early = pd.DataFrame(
        {
            "player shot-zone sample is early-season": players["shot_row"] & as_flag(players["shot_early_season_flag"]),
            "opponent team-defence sample is early-season": (
                players["defense_row"] & as_flag(players["defense_early_season_flag"])
            ),
        }
    )
    out["early_season_flag"] = early.any(axis=1)
    short_history = [
        None if complete else f"player_game_summary has {actual} of the team's last {expected} games"
        for actual, expected, complete in zip(own["actual_games_count"], own["expected_games_count"], own["is_production_ready"])
    ]
    out["insufficient_data_reason"] = [
        "; ".join(part for part in (flags, history) if part) or None
        for flags, history in zip(flagged_names(early, "; "), short_history)
    ]
    stamp_and_hash(out, run, HASH_FIELDS)
    return out[contract(TABLE).column_names]


SPEC = Phase4Table(
    asset_name="player_composite_factors",
    table=TABLE,
    description=(
        "Pre-game composite adjustment factors per player for game date D: fatigue (rest, workload, age), "
        "shot-zone mismatch against the opponent's zone defence, pace and usage spike; four deferred factors at 0.0."
    ),
    extracts=(
        Extract("player_context", PLAYER_CONTEXT_SQL, lookback_days=0, source_table=PLAYER_CONTEXT_TABLE),
        Extract("team_context", TEAM_CONTEXT_SQL, lookback_days=0, source_table=TEAM_CONTEXT_TABLE),
        Extract("shot_zones", SHOT_ZONE_SQL, lookback_days=0, source_table=SHOT_ZONE_TABLE),
        Extract("team_defense", TEAM_DEFENSE_SQL, lookback_days=0, source_table=TEAM_DEFENSE_ZONE_TABLE),
        Extract("player_games", PLAYER_GAMES_SQL, lookback_days=OWN_WINDOW_MAX_DAYS, source_table=PLAYER_GAMES_TABLE),
        Extract("schedule", SCHEDULE_SQL, lookback_days=SEASON_LOOKBACK_DAYS, source_table=SCHEDULE_TABLE),
    ),
    transform=transform,
    upstream_assets=("player_shot_zone_analysis", "team_defense_zone_analysis"),
    source_tables=(PLAYER_CONTEXT_TABLE, TEAM_CONTEXT_TABLE, PLAYER_GAMES_TABLE, SCHEDULE_TABLE),
)
