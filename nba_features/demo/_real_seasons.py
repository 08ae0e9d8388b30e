"""Real regular seasons shipped by the `isapy-data` package (2022-23, 2023-24, 2024-25).

`nba_games_<YYYY>.csv` holds one row per team and game (date, matchup, team box score) and
`nba_adv_team_<YYYY>.csv` the per-game advanced stats (pace, ratings, possessions); they join on
game_id + team_id. The files are read from the installed package, never copied into this repository.
"""

from __future__ import annotations

import functools
from importlib.resources import files

import numpy as np
import pandas as pd

# season_year (calendar year the season starts) -> isapy-data file suffix (year the season ends)
REAL_SEASON_FILES: dict[int, int] = {2022: 2023, 2023: 2024, 2024: 2025}

# Neutral-site games (Mexico City, Paris, NBA Cup semifinals in Las Vegas) list both teams as "@";
# these are the designated home teams. Any other neutral game takes the team after "@" in its first row.
_NEUTRAL_SITE_HOME = {
    "0022400147": "WAS",
    "0022400621": "SAS",
    "0022400633": "IND",
    "0022401229": "MIL",
    "0022401230": "OKC",
}

_GAME_COLUMNS = ["pts", "fgm", "fga", "fg3m", "fg3a", "ftm", "fta", "tov", "blk", "min"]
_ADV_COLUMNS = ["pace", "off_rating", "def_rating", "poss"]


def is_real_season(season_year: int) -> bool:
    return season_year in REAL_SEASON_FILES


def _read_csv(name: str) -> pd.DataFrame:
    resource = files("isapy_data").joinpath("data", name)
    with resource.open("rb") as handle:
        return pd.read_csv(handle, dtype={"game_id": str, "team_id": str})


@functools.cache
def _load(season_year: int) -> pd.DataFrame:
    suffix = REAL_SEASON_FILES[season_year]
    games = _read_csv(f"nba_games_{suffix}.csv")
    adv = _read_csv(f"nba_adv_team_{suffix}.csv")
    merged = games.merge(adv[["game_id", "team_id", *_ADV_COLUMNS]], on=["game_id", "team_id"], how="left", validate="1:1")
    if merged[_ADV_COLUMNS].isna().any().any():
        raise ValueError(f"isapy-data season {season_year}: advanced stats missing for some team games")
    merged["is_home"] = merged["matchup"].str.contains(" vs. ", regex=False)
    n_home = merged.groupby("game_id")["is_home"].transform("sum")
    for game_id, rows in merged[n_home == 0].groupby("game_id", sort=True):
        home_team = _NEUTRAL_SITE_HOME.get(game_id, rows["matchup"].iloc[0].split(" @ ")[-1])
        merged.loc[rows.index, "is_home"] = rows["team_abbreviation"].eq(home_team).to_numpy()
    home = merged[merged["is_home"]].set_index("game_id")
    away = merged[~merged["is_home"]].set_index("game_id")
    if len(home) != len(away) or not home.index.sort_values().equals(away.index.sort_values()):
        raise ValueError(f"isapy-data season {season_year}: every game needs one home and one away row")
    away = away.loc[home.index]
    out = pd.DataFrame(
        {
            "nba_game_id": home.index.to_numpy(),
            "game_date": pd.to_datetime(home["game_date"]).to_numpy(),
            "home": home["team_abbreviation"].to_numpy(),
            "away": away["team_abbreviation"].to_numpy(),
        }
    )
    for side, frame in (("h", home), ("a", away)):
        for col in _GAME_COLUMNS + _ADV_COLUMNS:
            out[f"{side}_{col}"] = frame[col].to_numpy()
    check_h = 2 * (out.h_fgm - out.h_fg3m) + 3 * out.h_fg3m + out.h_ftm
    check_a = 2 * (out.a_fgm - out.a_fg3m) + 3 * out.a_fg3m + out.a_ftm
    if not (np.array_equal(check_h, out.h_pts) and np.array_equal(check_a, out.a_pts)):
        raise ValueError(f"isapy-data season {season_year}: points do not add up")
    out = out.sort_values(["game_date", "nba_game_id"], kind="stable").reset_index(drop=True)
    return out


def real_season_games(season_year: int) -> pd.DataFrame:
    """One row per real game: nba_game_id, game_date, home, away, then h_*/a_* box and advanced stats
    (pts fgm fga fg3m fg3a ftm fta tov blk min pace off_rating def_rating poss)."""
    return _load(season_year).copy()
