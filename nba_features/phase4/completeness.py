"""The completeness block every Phase 4 row carries (docs/RULES.md#row-bookkeeping).

expected_games_count, actual_games_count, completeness_percentage, missing_games_count and
is_production_ready: the games the schedule says the entity's team played in the row's window, against the
upstream rows found in the same span. Each table's window is in its section of docs/RULES.md.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from nba_features.phase4.game_windows import state_before

PRODUCTION_READY_PCT = 70.0  # is_production_ready: completeness_percentage >= 70


def expected_window(probe: pd.DataFrame, finals: pd.DataFrame, window: int) -> pd.DataFrame:
    """For probe rows (date, season_year, team): expected games and where their window starts.

    `finals` is `schedule.final_games`. expected = the team's final games of the season before the date,
    capped at `window`; the window starts at the oldest of those games (NaT when nothing is expected).
    """
    played = state_before(probe, "date", finals, ["season_year", "team"], ["finals_played"])["finals_played"]
    played = played.fillna(0).astype("int64")
    expected = played.clip(upper=window)
    first = pd.DataFrame(
        {"season_year": probe["season_year"], "team": probe["team"], "finals_played": (played - expected + 1).where(expected > 0)}
    )
    starts = first.merge(finals, on=["season_year", "team", "finals_played"], how="left")["game_date"]
    return pd.DataFrame({"expected_games_count": expected, "window_start": starts.to_numpy()}, index=probe.index)


def completeness_block(expected: pd.Series, found: pd.Series) -> pd.DataFrame:
    """The block of a sample of games (TDZA, PSZA): found upstream rows are capped at expected.

    A box score on a date the current team did not play (a traded player's old team) fills no gap.
    100% when nothing is expected.
    """
    actual = found.clip(upper=expected)
    pct = (100.0 * actual / expected.where(expected > 0)).fillna(100.0)
    return pd.DataFrame(
        {
            "expected_games_count": expected.astype("int64"),
            "actual_games_count": actual.astype("int64"),
            "completeness_percentage": pct.astype("float64"),
            "missing_games_count": (expected - actual).astype("int64"),
            "is_production_ready": pct >= PRODUCTION_READY_PCT,
        },
        index=expected.index,
    )


def rounded_completeness_block(expected: np.ndarray, actual: np.ndarray) -> pd.DataFrame:
    """The block of a window of games (PCF, PDC): actual as counted, the percentage capped at 100 and
    rounded to 2 dp (100 when nothing is expected), missing games never negative."""
    expected = np.asarray(expected, dtype=np.int64)
    actual = np.asarray(actual, dtype=np.int64)
    pct = np.where(expected > 0, 100.0 * actual / np.maximum(expected, 1), 100.0)
    pct = np.round(np.minimum(pct, 100.0), 2)
    return pd.DataFrame(
        {
            "expected_games_count": expected,
            "actual_games_count": actual,
            "completeness_percentage": pct,
            "missing_games_count": np.maximum(expected - actual, 0),
            "is_production_ready": pct >= PRODUCTION_READY_PCT,
        }
    )
