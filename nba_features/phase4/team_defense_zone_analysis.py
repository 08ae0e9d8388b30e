"""team_defense_zone_analysis (TDZA): each team's defence by shot zone before the games of date D.

A team gets a row for D from its 5th game of the season before D (season start = the season's first
scheduled game): with n such games, its sample is the last min(n, 15), compared with the league over
[D-30, D), and `games_in_sample` / `data_quality_tier` (high at 15, medium from 10, else low) say how
large it is. No rows on days without scheduled games or in the first 14 days of a season.

Range runs are one set-based pass: window sums are taken at every game row of a (season, team)
sequence once, and each date picks the state after the team's last game before it (merge_asof with
strict inequality, which is also the point-in-time guard).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from nba_features.phase4.completeness import completeness_block, expected_window
from nba_features.phase4.game_windows import state_before, window_max, window_sum
from nba_features.phase4.inputs import SCHEDULE_TABLE, TEAM_DEFENSE_GAMES_TABLE, TEAM_DEFENSE_ZONE_TABLE
from nba_features.phase4.output_rows import conform_to_contract, empty_output, output_dates, stamp_and_hash
from nba_features.phase4.schedule import final_games, known_teams
from nba_features.phase4.seasons import SCHEDULE_SQL, SEASON_LOOKBACK_DAYS, season_flags, season_of
from nba_features.phase4.source_tracking import window_hash
from nba_features.phase4.spec import Extract, Phase4Table, RunInfo
from nba_features.phase4.validation import check_games_played, check_known_teams, check_one_row_per, check_rule

TABLE = TEAM_DEFENSE_ZONE_TABLE

SAMPLE_GAMES = 15  # the sample is the team's last min(n, 15) games of the season before D
MEDIUM_TIER_GAMES = 10  # data_quality_tier: high at 15 games, medium from 10, else low
MIN_GAMES = 5  # a team has a row for D once it has played 5 games of the season before D
LEAGUE_WINDOW_DAYS = 30
LEAGUE_MIN_TEAM_GAMES = 10
LEAGUE_MIN_TEAMS = 10
# Historical league FG% by zone, used when fewer than LEAGUE_MIN_TEAMS teams qualify in the window.
DEFAULT_LEAGUE_PCT = {"paint": 0.580, "mid_range": 0.410, "three_pt": 0.355}

ZONES = ("paint", "mid_range", "three_pt")
ZONE_NAMES = {"paint": "paint", "mid_range": "mid_range", "three_pt": "perimeter"}
ZONE_NOTES = {"paint": "No paint attempts", "mid_range": "No mid-range attempts", "three_pt": "No three-point attempts"}

# Count columns of the sample: summed over the window (NULL counts as 0, as the legacy pandas sums).
COUNT_COLUMNS = (
    "opp_paint_makes", "opp_paint_attempts",
    "opp_mid_range_makes", "opp_mid_range_attempts",
    "opp_three_pt_makes", "opp_three_pt_attempts",
    "points_in_paint_allowed",
    "blocks_paint", "blocks_mid_range", "blocks_three_pt",
    "points_allowed",
)  # fmt: skip
MEAN_COLUMNS = ("defensive_rating", "opponent_pace")  # simple means of the non-NULL game values

TEAM_DEFENSE_SQL = f"""
-- bound: [season_start, end_date): season_start = the first game of start_date's season (at most
-- {SEASON_LOOKBACK_DAYS} days before it), or start_date - {LEAGUE_WINDOW_DAYS} days if earlier: every game of the season
-- before each date (the last 15 games) and the league window [D - {LEAGUE_WINDOW_DAYS}, D); outcome rows dated
-- end_date or later are never used for any date of the run (point in time: game_date < D).
SELECT defending_team_abbr, game_id, game_date,
       {", ".join(COUNT_COLUMNS)},
       {", ".join(MEAN_COLUMNS)},
       data_hash, processed_at
FROM {TEAM_DEFENSE_GAMES_TABLE}
WHERE game_date >= @season_start
  AND game_date < @end_date
"""

# Fields of data_hash (the legacy HASH_FIELDS): the key and every output metric.
HASH_FIELDS = (
    "team_abbr", "analysis_date",
    "paint_pct_allowed_last_15", "paint_attempts_allowed_per_game", "paint_points_allowed_per_game",
    "paint_blocks_per_game", "paint_defense_vs_league_avg",
    "mid_range_pct_allowed_last_15", "mid_range_attempts_allowed_per_game", "mid_range_blocks_per_game",
    "mid_range_defense_vs_league_avg",
    "three_pt_pct_allowed_last_15", "three_pt_attempts_allowed_per_game", "three_pt_blocks_per_game",
    "three_pt_defense_vs_league_avg",
    "defensive_rating_last_15", "opponent_points_per_game", "opponent_pace", "games_in_sample",
    "strongest_zone", "weakest_zone", "data_quality_tier", "calculation_notes",
)  # fmt: skip

TEAM = "defending_team_abbr"
SEASON_TEAM = ["season_year", TEAM]


def validate_inputs(games: pd.DataFrame, schedule: pd.DataFrame, last_date: dt.date) -> None:
    """Counts are non-negative, makes never exceed attempts, teams are the schedule's teams, no row of
    a game the schedule lists as not played, one row per team and game.

    Only rows that can feed some date of the run (game_date < the last date) are checked.
    """
    used = games[games["game_date"] < pd.Timestamp(last_date)]
    for column in COUNT_COLUMNS:
        check_rule(used, TEAM_DEFENSE_GAMES_TABLE, "game_date", column, used[column] < 0, f"{column} >= 0")
    for zone in ZONES:
        makes, attempts = f"opp_{zone}_makes", f"opp_{zone}_attempts"
        check_rule(used, TEAM_DEFENSE_GAMES_TABLE, "game_date", makes, used[makes] > used[attempts], f"{makes} <= {attempts}")
    check_known_teams(used, TEAM_DEFENSE_GAMES_TABLE, "game_date", (TEAM,), known_teams(schedule))
    check_one_row_per(used, TEAM_DEFENSE_GAMES_TABLE, "game_date", [TEAM, "game_id"])
    check_games_played(used, TEAM_DEFENSE_GAMES_TABLE, "game_date", TEAM, schedule, key=("game_id",))


def sample_states(games: pd.DataFrame) -> pd.DataFrame:
    """One row per team game: the team's sample (last <= 15 games of the season) ending with that game."""
    games = games.sort_values([*SEASON_TEAM, "game_date", "game_id"]).reset_index(drop=True)
    groups = [games[k] for k in SEASON_TEAM]
    states = games[[*SEASON_TEAM, "game_date"]].rename(columns={TEAM: "team"})
    states["games_played"] = games.groupby(groups).cumcount() + 1
    states["games_in_sample"] = states["games_played"].clip(upper=SAMPLE_GAMES)
    for column in COUNT_COLUMNS:
        states[column] = window_sum(games[column].astype("float64").fillna(0), groups, SAMPLE_GAMES)
    for column in MEAN_COLUMNS:
        values = games[column].astype("float64")
        known = window_sum(values.notna().astype("float64"), groups, SAMPLE_GAMES)
        states[column] = window_sum(values.fillna(0), groups, SAMPLE_GAMES) / known.where(known > 0)
    states["source_last_updated"] = window_max(games["processed_at"], groups, SAMPLE_GAMES)
    tokens = games["game_id"].astype(str) + ":" + games["data_hash"].fillna("NULL").astype(str)
    states["source_hash"] = window_hash(tokens, groups, SAMPLE_GAMES)
    return states


def league_averages(games: pd.DataFrame, calendar: pd.DataFrame) -> pd.DataFrame:
    """Per date: league FG% by zone over [D-30, D) (D excluded) and whether the defaults were used.

    Per team pooled FG% over the window (teams with >= 10 games there); the league value is the
    unweighted mean over teams with all three zone percentages; fewer than 10 such teams: defaults.
    """
    games = games.sort_values([TEAM, "game_date", "game_id"]).reset_index(drop=True)
    zone_columns = [f"opp_{zone}_{kind}" for zone in ZONES for kind in ("makes", "attempts")]
    running = games[[TEAM, "game_date"]].assign(games=games.groupby(TEAM).cumcount() + 1)
    for column in zone_columns:
        running[column] = games[column].astype("float64").fillna(0).groupby(games[TEAM]).cumsum()

    pairs = calendar[["date"]].merge(games[[TEAM]].drop_duplicates(), how="cross")
    pairs["window_start"] = pairs["date"] - pd.Timedelta(days=LEAGUE_WINDOW_DAYS)
    totals = ["games", *zone_columns]
    window = state_before(pairs, "date", running, [TEAM], totals).fillna(0) - state_before(
        pairs, "window_start", running, [TEAM], totals
    ).fillna(0)
    teams = pd.concat([pairs[["date"]], window], axis=1)
    teams = teams[teams["games"] >= LEAGUE_MIN_TEAM_GAMES]
    for zone in ZONES:
        attempts = teams[f"opp_{zone}_attempts"]
        teams[zone] = (teams[f"opp_{zone}_makes"] / attempts).where(attempts > 0)
    teams = teams.dropna(subset=list(ZONES))

    league = calendar[["date"]].drop_duplicates().set_index("date")
    league["teams_in_sample"] = teams.groupby("date").size().reindex(league.index).fillna(0).astype("int64")
    league["league_defaults"] = league["teams_in_sample"] < LEAGUE_MIN_TEAMS
    means = teams.groupby("date")[list(ZONES)].mean().reindex(league.index)
    for zone in ZONES:
        league[f"league_{zone}_pct"] = means[zone].where(~league["league_defaults"], DEFAULT_LEAGUE_PCT[zone])
    return league.reset_index()


def transform(inputs: Mapping[str, pd.DataFrame], dates: Sequence[dt.date], run: RunInfo) -> pd.DataFrame:
    schedule = inputs["schedule"]
    games = inputs["team_defense"]
    validate_inputs(games, schedule, max(dates))
    calendar = output_dates(dates, schedule)
    games = games.assign(season_year=season_of(games["game_date"], schedule)).dropna(subset=["season_year"])
    if calendar.empty or games.empty:
        return empty_output(TABLE)
    games = games.assign(season_year=games["season_year"].astype("int64"))
    states = sample_states(games)

    # Every team with a game this season x every date of the run in that season; the state after the
    # team's last game strictly before the date is its sample for that date.
    rows = calendar[["date", "season_year", "days_into_season"]].merge(
        states[["season_year", "team"]].drop_duplicates(), on="season_year"
    )
    state_columns = [c for c in states.columns if c not in ("season_year", "team", "game_date")]
    rows = pd.concat([rows, state_before(rows, "date", states, ["season_year", "team"], state_columns)], axis=1)
    # A row from the team's 5th game before D, whatever the date: the sample is what it has played.
    rows = rows[rows["games_played"] >= MIN_GAMES].reset_index(drop=True)
    if rows.empty:
        return empty_output(TABLE)
    n = rows["games_in_sample"].astype("int64")
    rows = rows.merge(league_averages(games, calendar), on="date", how="left")

    # Completeness: the schedule's final games in the window against the team's rows in their span.
    window = expected_window(rows, final_games(schedule), SAMPLE_GAMES)
    before_span = state_before(
        rows.assign(window_start=window["window_start"]), "window_start", states, ["season_year", "team"], ["games_played"]
    )["games_played"].fillna(0)
    actual = (rows["games_played"] - before_span).where(window["window_start"].notna(), 0)
    block = completeness_block(window["expected_games_count"], actual)

    out = pd.DataFrame({"team_abbr": rows["team"], "analysis_date": rows["date"].astype("datetime64[ns]")})
    vs_league = {}
    for zone in ZONES:
        attempts = rows[f"opp_{zone}_attempts"]
        pct = (rows[f"opp_{zone}_makes"] / attempts).where(attempts > 0)
        vs_league[zone] = (pct - rows[f"league_{zone}_pct"]) * 100
        out[f"{zone}_pct_allowed_last_15"] = pct.round(3)
        out[f"{zone}_attempts_allowed_per_game"] = (attempts / n).round(1)
        if zone == "paint":  # points allowed per game are an output for the paint only
            out["paint_points_allowed_per_game"] = (rows["points_in_paint_allowed"] / n).round(1)
        out[f"{zone}_blocks_per_game"] = (rows[f"blocks_{zone}"] / n).round(1)
        out[f"{zone}_defense_vs_league_avg"] = vs_league[zone].round(2)
    out["defensive_rating_last_15"] = rows["defensive_rating"].round(2)
    out["opponent_points_per_game"] = (rows["points_allowed"] / n).round(1)
    out["opponent_pace"] = rows["opponent_pace"].round(1)
    out["games_in_sample"] = n

    # strongest = lowest vs-league value, weakest = highest, over the zones that have one; ties go to
    # the first zone in (paint, mid_range, perimeter) order, as with the legacy min()/max().
    vs = pd.DataFrame({ZONE_NAMES[z]: vs_league[z] for z in ZONES})
    has_zone = vs.notna().any(axis=1)
    out["strongest_zone"] = vs.fillna(np.inf).idxmin(axis=1).where(has_zone, None)
    out["weakest_zone"] = vs.fillna(-np.inf).idxmax(axis=1).where(has_zone, None)
    out["data_quality_tier"] = np.select([n >= SAMPLE_GAMES, n >= MEDIUM_TIER_GAMES], ["high", "medium"], "low").astype(object)
    no_attempts = pd.DataFrame({zone: rows[f"opp_{zone}_attempts"] == 0 for zone in ZONES})
    out["calculation_notes"] = [
        "; ".join(ZONE_NOTES[z] for z in ZONES if flags[z]) or None for flags in no_attempts.to_dict("records")
    ]

    out["source_team_defense_last_updated"] = rows["source_last_updated"]
    out["source_team_defense_rows_found"] = n
    out["source_team_defense_completeness_pct"] = block["completeness_percentage"]
    out["source_team_defense_hash"] = rows["source_hash"]
    out = pd.concat([out, block], axis=1)
    issues = pd.DataFrame(
        {
            "missing_upstream_games": block["missing_games_count"] > 0,
            "league_average_defaults": rows["league_defaults"].astype(bool),
            **{f"no_{zone}_attempts": no_attempts[zone] for zone in ZONES},
        }
    )
    out["data_quality_issues"] = [[name for name, flag in flags.items() if flag] for flags in issues.to_dict("records")]
    out = pd.concat([out, season_flags(rows["date"], rows["days_into_season"])], axis=1)
    out["processing_decision_reason"] = "processed_successfully"
    out["early_season_flag"] = n < SAMPLE_GAMES
    out["insufficient_data_reason"] = [
        None if games >= SAMPLE_GAMES else f"{games} of {SAMPLE_GAMES} games in the sample" for games in n
    ]
    stamp_and_hash(out, run, HASH_FIELDS)
    return conform_to_contract(out.sort_values(["analysis_date", "team_abbr"]).reset_index(drop=True), TABLE)


SPEC = Phase4Table(
    asset_name="team_defense_zone_analysis",
    table=TABLE,
    description=(
        "Pre-game team defence by shot zone: each team's last 15 games this season before D "
        "(pooled FG% allowed, per-game volume, blocks) against the league over [D-30, D)."
    ),
    extracts=(
        Extract(
            "team_defense",
            TEAM_DEFENSE_SQL,
            lookback_days=SEASON_LOOKBACK_DAYS,
            source_table=TEAM_DEFENSE_GAMES_TABLE,
            min_lookback_days=LEAGUE_WINDOW_DAYS,
        ),
        Extract("schedule", SCHEDULE_SQL, lookback_days=SEASON_LOOKBACK_DAYS, source_table=SCHEDULE_TABLE),
    ),
    transform=transform,
    upstream_assets=(),
    source_tables=(TEAM_DEFENSE_GAMES_TABLE, SCHEDULE_TABLE),
)
