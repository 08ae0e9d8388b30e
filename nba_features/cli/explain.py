"""`nba-features explain PLAYER DATE [--format json]`: why this player's feature-store row looks the way it does.

PLAYER is a `player_lookup`, a `universal_player_id` or a full name (any case, spaces and punctuation
ignored). Each of the 60 features is shown with its value, raw tag, weight, fallback reason and the upstream
row it came from (`quality/explain.py`); the Phase 4 rows are named by the `source_*_last_updated` the row
stored (the row actually used), the Phase 3 and raw rows are looked up now. An unknown player, or a date
without his row, gets a clear message and the nearest valid choices. Exit 0 when the row was explained,
1 when there is no such row, 2 on usage errors.
"""

from __future__ import annotations

import argparse
import datetime as dt
import difflib
import json
import re
from dataclasses import asdict

import pandas as pd

from nba_features.quality import explain as ex
from nba_features.warehouse import warehouse_from_env
from nba_features.warehouse.base import Warehouse

NEAREST = 5  # choices offered
SEARCH_DAYS = 60  # how far around the date other dates of the player are looked for
HISTORY_DAYS = 365  # the widest history window of a feature (docs/RULES.md#feature-list)

ROW_SQL = """
-- bound: the date
SELECT * FROM nba_predictions.ml_feature_store_v2 WHERE game_date = @day AND player_lookup = @player
"""
PLAYERS_ON_DAY_SQL = """
-- bound: the date
SELECT c.player_lookup, c.universal_player_id, c.player_full_name, c.player_status, c.team_abbr,
       f.player_lookup IS NOT NULL AS has_row
FROM nba_analytics.upcoming_player_game_context AS c
LEFT JOIN (SELECT player_lookup FROM nba_predictions.ml_feature_store_v2 WHERE game_date = @day) AS f
  ON f.player_lookup = c.player_lookup
WHERE c.game_date = @day
"""
PLAYERS_AROUND_SQL = """
-- bound: [day - 60, day + 60]
SELECT DISTINCT player_lookup, universal_player_id, player_full_name FROM nba_analytics.upcoming_player_game_context
WHERE game_date BETWEEN @lo AND @hi
"""
PLAYER_DATES_SQL = """
-- bound: [day - 60, day + 60]
SELECT DISTINCT game_date FROM nba_predictions.ml_feature_store_v2
WHERE game_date BETWEEN @lo AND @hi AND player_lookup = @player
"""
DATES_WITH_ROWS_SQL = """
-- bound: [day - 60, day + 60]
SELECT game_date, COUNT(*) AS n FROM nba_predictions.ml_feature_store_v2 WHERE game_date BETWEEN @lo AND @hi GROUP BY game_date
"""
UPCG_ROW_SQL = """
-- bound: the date
SELECT team_abbr, processed_at FROM nba_analytics.upcoming_player_game_context WHERE game_date = @day AND player_lookup = @player
"""
PGS_HISTORY_SQL = """
-- bound: the 365 days before the date
SELECT COUNT(*) AS n, MAX(game_date) AS latest, MAX(processed_at) AS processed_at FROM nba_analytics.player_game_summary
WHERE game_date BETWEEN @lo AND @hi AND player_lookup = @player
"""
TOGS_HISTORY_SQL = """
-- bound: the 365 days before the date
SELECT COUNT(*) AS n, MAX(game_date) AS latest, MAX(processed_at) AS processed_at FROM nba_analytics.team_offense_game_summary
WHERE game_date BETWEEN @lo AND @hi AND team_abbr = @team
"""
ODDS_ROWS_SQL = """
-- bound: the date
SELECT COUNT(*) AS n, MAX(snapshot_timestamp) AS latest FROM nba_raw.odds_api_player_points_props
WHERE game_date = @day AND player_lookup = @player AND minutes_before_tipoff >= 0
"""
BETTINGPROS_ROWS_SQL = """
-- bound: the date
SELECT COUNT(*) AS n, MAX(created_at) AS latest FROM nba_raw.bettingpros_player_points_props
WHERE game_date = @day AND player_lookup = @player
"""
GRADED_ROWS_SQL = """
-- bound: the 60 days before the date
SELECT COUNT(*) AS n, MAX(game_date) AS latest FROM nba_predictions.prediction_accuracy
WHERE game_date BETWEEN @lo AND @hi AND player_lookup = @player
"""
GRADED_TABLE = "nba_predictions.prediction_accuracy"


class NoRow(Exception):
    """No feature-store row for the player and date: the message names the nearest valid choices."""


def add_explain_parser(commands) -> None:
    parser = commands.add_parser("explain", help="each feature of a player's feature-store row: value, source, weight, origin")
    parser.add_argument("player", help="player_lookup, universal_player_id or full name")
    parser.add_argument("date", type=dt.date.fromisoformat, help="game date YYYY-MM-DD")
    parser.add_argument("--format", choices=["table", "json"], default="table")


def normalized(text: str) -> str:
    """A name as a player_lookup spells it: lower case letters and digits only."""
    return re.sub(r"[^a-z0-9]", "", str(text).lower())


def match_player(query: str, players: pd.DataFrame) -> str | None:
    """The player_lookup `query` names among `players` (player_lookup, universal_player_id, player_full_name)."""
    key = normalized(query)
    for column in ("player_lookup", "universal_player_id", "player_full_name"):
        hits = players[players[column].fillna("").map(normalized) == key]
        if len(hits):
            return str(hits["player_lookup"].iloc[0])
    return None


def closest_names(query: str, players: pd.DataFrame) -> list[str]:
    """The names nearest `query`, as `full name (player_lookup)`."""
    labels = {normalized(n): f"{n} ({p})" for p, n in zip(players["player_lookup"], players["player_full_name"].fillna(""))}
    labels |= {normalized(p): f"{n} ({p})" for p, n in zip(players["player_lookup"], players["player_full_name"].fillna(""))}
    return list(dict.fromkeys(labels[k] for k in difflib.get_close_matches(normalized(query), labels, n=NEAREST, cutoff=0.5)))


def nearest_dates(dates: list[dt.date], day: dt.date) -> list[str]:
    return [d.isoformat() for d in sorted(dates, key=lambda d: (abs((d - day).days), d))[:NEAREST]]


def _dates(frame: pd.DataFrame) -> list[dt.date]:
    return [pd.Timestamp(d).date() for d in frame["game_date"]]


def resolve(warehouse: Warehouse, query: str, day: dt.date) -> pd.Series:
    """The feature-store row of the player on `day`, or NoRow naming the nearest choices."""
    window = {"lo": day - dt.timedelta(days=SEARCH_DAYS), "hi": day + dt.timedelta(days=SEARCH_DAYS)}
    on_day = warehouse.query(PLAYERS_ON_DAY_SQL, {"day": day})
    player = match_player(query, on_day)
    if player is None:
        around = warehouse.query(PLAYERS_AROUND_SQL, window)
        player = match_player(query, around)
        if player is None:
            choices = closest_names(query, on_day) or closest_names(query, around)
            where = f"on {day}" if len(on_day) else f"within {SEARCH_DAYS} days of {day}"
            raise NoRow(f"unknown player {query!r} {where}" + (f"; did you mean: {'; '.join(choices)}" if choices else ""))
    listed = on_day[on_day["player_lookup"] == player]
    rows = warehouse.query(ROW_SQL, {"day": day, "player": player})
    if len(rows):
        return rows.iloc[0]
    if len(listed) and not bool(listed["has_row"].iloc[0]):
        why = f"{player} is in the upcoming context of {day} with status {listed['player_status'].iloc[0]!r}"
        why += " (the feature store leaves out players who are out or doubtful)"
    elif not len(on_day):
        days = warehouse.query(DATES_WITH_ROWS_SQL, window)
        why = f"no feature-store rows and no upcoming context on {day}"
        if len(days):
            why += f"; nearest dates with rows: {', '.join(nearest_dates(_dates(days), day))}"
    else:
        why = f"{player} is not in the upcoming context of {day} (no game that day)"
    dates = _dates(warehouse.query(PLAYER_DATES_SQL, {**window, "player": player}))
    choices = (
        f"; his nearest dates with rows: {', '.join(nearest_dates(dates, day))}"
        if dates
        else f"; no row of his within {SEARCH_DAYS} days"
    )
    raise NoRow(why + choices)


def _stamp(value) -> str | None:
    return None if value is None or pd.isna(value) else pd.Timestamp(value).isoformat()


def upstream_rows(warehouse: Warehouse, row: pd.Series) -> dict[str, ex.UpstreamRow | None]:
    """The upstream rows behind the row: Phase 4 rows as the row recorded them, the others looked up now."""
    day, player = pd.Timestamp(row["game_date"]).date(), row["player_lookup"]
    found: dict[str, ex.UpstreamRow | None] = {}
    for name, prefix, key in (
        (ex.PDC, "daily_cache", f"(cache_date={day}, player_lookup={player})"),
        (ex.PCF, "composite", f"(game_date={day}, player_lookup={player})"),
        (ex.PSZA, "shot_zones", f"(analysis_date={day}, player_lookup={player})"),
        (ex.TDZA, "team_defense", f"(analysis_date={day}, team_abbr={row['opponent_team_abbr']})"),
    ):
        stamp = _stamp(row[f"source_{prefix}_last_updated"])
        found[name] = ex.UpstreamRow(f"nba_precompute.{name}", key, stamp) if stamp else None
    history = {"lo": day - dt.timedelta(days=HISTORY_DAYS), "hi": day - dt.timedelta(days=1)}
    context = warehouse.query(UPCG_ROW_SQL, {"day": day, "player": player})
    team = context["team_abbr"].iloc[0] if len(context) else None
    found[ex.UPCG] = (
        ex.UpstreamRow(
            "nba_analytics.upcoming_player_game_context",
            f"(game_date={day}, player_lookup={player})",
            _stamp(context["processed_at"].iloc[0]),
        )
        if len(context)
        else None
    )

    def summary(table: str, sql: str, params: dict, what: str) -> ex.UpstreamRow | None:
        result = warehouse.query(sql, params).iloc[0]
        if not int(result["n"]):
            return None
        stamp = _stamp(result["processed_at"] if "processed_at" in result else result["latest"])
        latest = pd.Timestamp(result["latest"])
        shown = latest.date().isoformat() if latest.tzinfo is None else latest.isoformat()
        return ex.UpstreamRow(table, f"({what}: {int(result['n'])} rows, latest {shown})", stamp)

    found[ex.PGS] = summary(
        "nba_analytics.player_game_summary",
        PGS_HISTORY_SQL,
        {**history, "player": player},
        f"player_lookup={player}, {history['lo']}..{history['hi']}",
    )
    found[ex.TOGS] = (
        summary(
            "nba_analytics.team_offense_game_summary",
            TOGS_HISTORY_SQL,
            {**history, "team": team},
            f"team_abbr={team}, {history['lo']}..{history['hi']}",
        )
        if team
        else None
    )
    found[ex.ODDS] = summary(
        "nba_raw.odds_api_player_points_props",
        ODDS_ROWS_SQL,
        {"day": day, "player": player},
        f"game_date={day}, player_lookup={player}, pre-tip snapshots",
    )
    found[ex.BETTINGPROS] = summary(
        "nba_raw.bettingpros_player_points_props",
        BETTINGPROS_ROWS_SQL,
        {"day": day, "player": player},
        f"game_date={day}, player_lookup={player}",
    )
    graded = {"lo": day - dt.timedelta(days=60), "hi": day - dt.timedelta(days=1), "player": player}
    found[ex.GRADED] = (
        summary(GRADED_TABLE, GRADED_ROWS_SQL, graded, f"player_lookup={player}, {graded['lo']}..{graded['hi']}")
        if warehouse.table_exists(GRADED_TABLE)
        else None
    )
    return found


def run_explain_command(args: argparse.Namespace) -> int:
    warehouse = warehouse_from_env()
    try:
        row = resolve(warehouse, args.player, args.date)
    except NoRow as error:
        print(f"no feature-store row for {args.player!r} on {args.date}: {error}")
        return 1
    explanation = ex.explain_row(row.to_dict(), upstream_rows(warehouse, row))
    print(json.dumps(asdict(explanation), indent=2, default=str) if args.format == "json" else ex.render_explanation(explanation))
    return 0
