"""Season starts and bootstrap days, from the schedule table (docs/RULES.md#season-start-and-bootstrap).

The season start is the first scheduled game date of the season; `season_year` is the calendar year
in which the season starts; bootstrap = the first 14 days of a season.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import pandas as pd

from nba_features.phase4.game_windows import state_before
from nba_features.phase4.inputs import SCHEDULE_TABLE
from nba_features.warehouse.base import Warehouse

BOOTSTRAP_DAYS = 14
# Season-relative flags of every Phase 4 row: backfill_bootstrap_mode in the first 30 days of a season,
# season_boundary_detected in October, November and April.
BOOTSTRAP_MODE_DAYS = 30
SEASON_BOUNDARY_MONTHS = (10, 11, 4)

# Bound of the schedule extract: a date's season started at most this long before it.
SEASON_LOOKBACK_DAYS = 400

SCHEDULE_SQL = f"""
-- bound: [start_date - {SEASON_LOOKBACK_DAYS} days, end_date]: the current season's start and its games
SELECT game_id, game_date, season_year, home_team_tricode, away_team_tricode, game_status
FROM {SCHEDULE_TABLE}
WHERE game_date BETWEEN DATE_SUB(@start_date, INTERVAL {SEASON_LOOKBACK_DAYS} DAY) AND @end_date
"""

# The season-bounded extracts read `game_date >= @season_start`: a season's windows never reach into
# the previous season, so reading the 400 days before the run would only add last season's rows, which
# every transform drops. Without this, a late-season date read almost two seasons and a first-season
# date one (bench/RESULTS.md, history growth).
SEASON_START_PARAMETER = "season_start"
SEASON_START_SQL = f"""
-- bound: [start_date - {SEASON_LOOKBACK_DAYS} days, start_date]: the season containing start_date started at
-- most {SEASON_LOOKBACK_DAYS} days before it; an older season's minimum here is clipped to the window, so the
-- result is never earlier
SELECT MAX(first_game) AS season_start
FROM (
  SELECT season_year, MIN(game_date) AS first_game
  FROM {SCHEDULE_TABLE}
  WHERE game_date BETWEEN DATE_SUB(@start_date, INTERVAL {SEASON_LOOKBACK_DAYS} DAY) AND @start_date
  GROUP BY season_year
)
"""


def season_starts(schedule: pd.DataFrame) -> pd.Series:
    """season_year → first scheduled game date (Timestamp)."""
    if schedule.empty:
        return pd.Series(dtype="datetime64[ns]")
    return schedule.groupby("season_year")["game_date"].min().sort_index()


def season_of(game_dates: pd.Series, schedule: pd.DataFrame) -> pd.Series:
    """The season (year it starts) of each date: the latest season start (first scheduled game) on or before it."""
    starts = season_starts(schedule)
    probe = pd.DataFrame({"date": game_dates.astype("datetime64[ns]")})
    if starts.empty or probe.empty:
        return pd.Series(pd.NA, index=game_dates.index, dtype="Int64")
    lookup = pd.DataFrame({"start": starts.values.astype("datetime64[ns]"), "season_year": starts.index.astype("int64")})
    found = state_before(probe, "date", lookup.rename(columns={"start": "game_date"}), [], ["season_year"], strict=False)
    return found["season_year"].astype("Int64")


def season_flags(dates: pd.Series, days_into_season: pd.Series) -> pd.DataFrame:
    """season_boundary_detected (October, November, April) and backfill_bootstrap_mode (first 30 days)."""
    return pd.DataFrame(
        {
            "season_boundary_detected": dates.dt.month.isin(SEASON_BOUNDARY_MONTHS),
            "backfill_bootstrap_mode": days_into_season < BOOTSTRAP_MODE_DAYS,
        }
    )


def season_frame(dates: Sequence[dt.date], schedule: pd.DataFrame) -> pd.DataFrame:
    """One row per date: date, season_year, season_start, days_into_season, is_bootstrap, games_scheduled.

    A date belongs to the latest season that started on or before it; dates before every known
    season start get season_year NA.
    """
    frame = pd.DataFrame({"date": pd.to_datetime(list(dates)).astype("datetime64[ns]")})
    starts = season_starts(schedule)
    if starts.empty:
        frame["season_year"] = pd.array([pd.NA] * len(frame), dtype="Int64")
        frame["season_start"] = pd.NaT
    else:
        lookup = pd.DataFrame({"season_start": starts.values, "season_year": starts.index.astype("int64")})
        frame = pd.merge_asof(
            frame.sort_values("date"), lookup.sort_values("season_start"), left_on="date", right_on="season_start"
        )
        frame["season_year"] = frame["season_year"].astype("Int64")
    frame["days_into_season"] = (frame["date"] - frame["season_start"]).dt.days.astype("Int64")
    frame["is_bootstrap"] = (frame["days_into_season"] >= 0) & (frame["days_into_season"] < BOOTSTRAP_DAYS)
    frame["is_bootstrap"] = frame["is_bootstrap"].fillna(False).astype(bool)
    counts = schedule.groupby("game_date").size() if not schedule.empty else pd.Series(dtype="int64")
    frame["games_scheduled"] = frame["date"].map(counts).fillna(0).astype("int64")
    return frame.reset_index(drop=True)


def season_start_of(warehouse: Warehouse, day: dt.date) -> dt.date:
    """The first game date of the season `day` belongs to (as `season_frame` assigns it), or
    `day - SEASON_LOOKBACK_DAYS` when the schedule knows no season start in that window."""
    found = warehouse.query(SEASON_START_SQL, {"start_date": day})["season_start"]
    if found.empty or pd.isna(found.iloc[0]):
        return day - dt.timedelta(days=SEASON_LOOKBACK_DAYS)
    return pd.Timestamp(found.iloc[0]).date()
