"""Input contracts of the Phase 4 transforms: a value that breaks one stops the run with a clear error.

A bad upstream value (negative minutes, makes above attempts, a team code the schedule does not
know, a box score of a game the schedule lists as not yet played) would otherwise flow silently into
rolling averages. The error names the table, the date of the first offending row, the column and
the rule, so the Phase 3 row can be found and fixed. An extract of a table that does not exist is
an InputTableMissingError naming the table, raised before anything is written.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from nba_features.phase4.coercions import as_float_series
from nba_features.phase4.inputs import SCHEDULE_TABLE
from nba_features.phase4.schedule import FINAL_GAME_STATUS

KNOWN_TEAM_RULE = f"a team of {SCHEDULE_TABLE}"


class InputContractError(ValueError):
    """An upstream row breaks a rule a Phase 4 transform relies on."""


class InputTableMissingError(InputContractError):
    """A table a Phase 4 extract reads does not exist in the warehouse."""


def check_rule(
    frame: pd.DataFrame,
    table: str,
    date_column: str,
    column: str,
    bad_rows: pd.Series,
    rule: str,
    key: Sequence[str] = (),
) -> None:
    """Raise InputContractError when any row of `frame` is flagged in the boolean mask `bad_rows`.

    `bad_rows` must be False where a NULL is allowed: NULL-tolerant masks are the caller's choice.
    The first offending row is the earliest by `date_column`; `key` columns, when given, are named
    with its values so the row can be found.
    """
    flagged = bad_rows.fillna(False).astype(bool)
    if not flagged.any():
        return
    offenders = frame.loc[flagged]
    first = offenders.sort_values(date_column, kind="stable").iloc[0]
    date = pd.Timestamp(first[date_column]).date().isoformat()
    row_key = f"; row {', '.join(f'{k}={_plain(first[k])!r}' for k in key)}" if key else ""
    raise InputContractError(
        f"{table}: {int(flagged.sum())} row(s) break the rule '{rule}' on column {column}; "
        f"first on {date_column}={date} ({column}={_plain(first[column])!r}){row_key}"
    )


def _plain(value):
    """A numpy scalar as its Python value, so the message reads `7`, not `np.int64(7)`."""
    return value.item() if hasattr(value, "item") and not isinstance(value, (str, bytes)) else value


def check_one_row_per(frame: pd.DataFrame, table: str, date_column: str, key: Sequence[str]) -> None:
    """Duplicate rows of an input are an error, never silently deduplicated: a repeated box score
    would count a game twice, and which copy is right is the upstream's to say."""
    key = list(key)
    check_rule(frame, table, date_column, key[-1], frame.duplicated(key, keep=False), f"one row per ({', '.join(key)})", key)


def check_minutes_recorded(
    frame: pd.DataFrame, table: str, date_column: str, stat_columns: Sequence[str], key: Sequence[str] = ()
) -> None:
    """minutes_played is NULL only on rows without a stat line (DNP, inactive): a played game with
    NULL minutes would count its points while silently dropping out of every minutes window."""
    played = pd.concat([pd.to_numeric(frame[c], errors="coerce") > 0 for c in stat_columns], axis=1).any(axis=1)
    unknown = frame["minutes_played"].isna() & played
    rule = f"minutes_played is known when {' or '.join(stat_columns)} > 0"
    check_rule(frame, table, date_column, "minutes_played", unknown, rule, key)


def _team_dates(frame: pd.DataFrame, date_column: str, team_column: str) -> pd.MultiIndex:
    return pd.MultiIndex.from_arrays(
        [pd.to_datetime(frame[date_column]).astype("datetime64[ns]").to_numpy(), frame[team_column].to_numpy()]
    )


def check_games_played(
    frame: pd.DataFrame, table: str, date_column: str, team_column: str, schedule: pd.DataFrame, key: Sequence[str] = ()
) -> None:
    """Outcome rows (box scores, team game summaries) are not of a game the schedule lists as not yet
    final on their date (scheduled, postponed, or in the future): such a row would feed the windows
    with a game that has not been played. A row of a game the schedule does not list at all is used
    (the schedule cannot say it was not played); completeness counts the schedule's final games only.
    """
    sides = [schedule[["game_date", "game_status", side]].set_axis(["game_date", "game_status", "team"], axis=1)
             for side in ("home_team_tricode", "away_team_tricode")]  # fmt: skip
    games = pd.concat(sides, ignore_index=True)
    unplayed = games[games["game_status"] != FINAL_GAME_STATUS]
    not_final = _team_dates(frame, date_column, team_column).isin(_team_dates(unplayed, "game_date", "team"))
    rule = f"{team_column} played a final game of {SCHEDULE_TABLE} on {date_column} (game_status {FINAL_GAME_STATUS})"
    check_rule(frame, table, date_column, team_column, pd.Series(not_final, index=frame.index), rule, key)


def check_known_teams(frame: pd.DataFrame, table: str, date_column: str, columns: Sequence[str], teams: set[str]) -> None:
    """Each of `columns` holds a team code of the schedule (`schedule.known_teams`)."""
    for column in columns:
        check_rule(frame, table, date_column, column, ~frame[column].isin(teams), KNOWN_TEAM_RULE)


def check_range(
    frame: pd.DataFrame, table: str, date_column: str, column: str,
    low: float | None = None, high: float | None = None, rule: str | None = None,
) -> None:  # fmt: skip
    """Known values of `column` lie in [low, high] (NULL is allowed)."""
    values = as_float_series(frame[column])
    outside = pd.Series(False, index=frame.index)
    if low is not None:
        outside |= values < low
    if high is not None:
        outside |= values > high
    if high is None:
        default_rule = f"{column} >= {low:g}"
    elif low is None:
        default_rule = f"{column} <= {high:g}"
    else:
        default_rule = f"{low:g} <= {column} <= {high:g}"
    check_rule(frame, table, date_column, column, outside, rule or default_rule)
