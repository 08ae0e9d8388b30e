"""Source tracking: which upstream rows a Phase 4 row was built from (docs/RULES.md#row-bookkeeping).

The `source_<prefix>_last_updated / _rows_found / _completeness_pct / _hash` columns: the newest
processed_at of the upstream rows used, how many there were, the share of the expected coverage they give,
and a hash over their `key:data_hash` tokens (first 16 hex characters of SHA-256), so a changed upstream row
changes the hash.
"""

from __future__ import annotations

import hashlib
from collections import deque

import numpy as np
import pandas as pd

from nba_features.phase4.output_rows import sha16


def window_hash(tokens: pd.Series, groups: list[pd.Series], width: int) -> pd.Series:
    """At each row, the 16-hex SHA-256 of the '|'-joined tokens of the last `width` rows of its group (TDZA, PSZA).

    Oldest first; NULL tokens of earlier rows are left out; a row whose group key is NULL hashes its own
    token. One pass with a sliding window per group (a shifted column per lag cost width string columns).
    """
    codes = tokens.groupby(groups, sort=False).ngroup().tolist()  # NaN where a group key is NULL
    windows: dict[float, deque] = {}
    hashes = []
    for code, token in zip(codes, tokens.tolist()):
        if code != code:
            window = [token]
        else:
            window = windows.setdefault(code, deque(maxlen=width))
            window.append(token)
        joined = "|".join(t for t in window if t == t) if len(window) > 1 else token
        hashes.append(hashlib.sha256(joined.encode()).hexdigest()[:16])
    return pd.Series(hashes, index=tokens.index, dtype="object")


def hash_tokens(rows: pd.DataFrame, key_column: str) -> pd.Series:
    """'key:data_hash' per upstream row (NULL data_hash as 'NULL'): what the source hashes are made of."""
    data_hash = rows["data_hash"].astype(object).where(rows["data_hash"].notna(), "NULL").astype(str)
    return rows[key_column].astype(str) + ":" + data_hash


def source_summary(rows: pd.DataFrame, date_column: str, key_column: str) -> pd.DataFrame:
    """Per date of `rows` (PCF, PDC): rows_found, last_updated (max processed_at) and hash.

    hash = first 16 hex chars of SHA-256 over the rows' sorted 'key:data_hash' tokens, '|'-joined.
    """
    keyed = pd.DataFrame(
        {"date": rows[date_column], "token": hash_tokens(rows, key_column), "processed_at": rows["processed_at"]}
    )
    grouped = keyed.groupby("date")
    return pd.DataFrame(
        {
            "rows_found": grouped.size(),
            "last_updated": grouped["processed_at"].max(),
            "hash": grouped["token"].agg(lambda t: sha16("|".join(sorted(t)))),
        }
    )


def share_pct(numerator: pd.Series, denominator: pd.Series) -> pd.Series:
    """numerator / denominator x 100, 2 dp, capped at 100; 100 when the denominator is 0."""
    pct = (100.0 * numerator / denominator.where(denominator > 0)).clip(upper=100.0).fillna(100.0)
    return pct.round(2)


def tracking_columns(prefix: str, summary: pd.DataFrame, numerator: np.ndarray, denominator: np.ndarray) -> dict[str, object]:
    """The four source_<prefix>_* columns from a per-date source_summary (aligned to the output dates)."""
    return {
        f"source_{prefix}_last_updated": pd.to_datetime(summary["last_updated"].to_numpy(), utc=True),
        f"source_{prefix}_rows_found": summary["rows_found"].fillna(0).astype("int64").to_numpy(),
        f"source_{prefix}_completeness_pct": share_pct(pd.Series(numerator), pd.Series(denominator)).to_numpy(),
        f"source_{prefix}_hash": summary["hash"].astype(object).where(summary["hash"].notna(), None).to_numpy(),
    }


def per_date(frame: pd.DataFrame, dates: pd.Series, date_column: str = "game_date") -> np.ndarray:
    """Rows of `frame` on each of `dates` (0 where none)."""
    return frame.groupby(date_column).size().reindex(dates).fillna(0).to_numpy()


def covered_teams(rows: pd.DataFrame, date_column: str, playing: pd.DataFrame) -> pd.DataFrame:
    """The (game_date, team_abbr) pairs of `playing` that have at least one row in `rows` that day."""
    present = rows[[date_column, "team_abbr"]].drop_duplicates().rename(columns={date_column: "game_date"})
    return playing.merge(present, on=["game_date", "team_abbr"])


def players_with_shot_zones(context: pd.DataFrame, shot_zones: pd.DataFrame) -> pd.DataFrame:
    """The upcoming-context players of each date that have a shot-zone row for that date."""
    zones = shot_zones[["analysis_date", "player_lookup"]].rename(columns={"analysis_date": "game_date"})
    return context[["game_date", "player_lookup"]].merge(zones, on=["game_date", "player_lookup"])
