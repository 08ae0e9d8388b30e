"""Per-date fingerprints of the Phase 3 / raw input tables, and the compact sensor cursor that keeps them.

A date's fingerprint is its row count and an order-independent hash of its rows: the XOR of a 60-bit
MD5 prefix of each row rendered as JSON. Every column of the contract counts except `processed_at`
(an audit timestamp: a Phase 3 reprocess that rewrites identical values is not a change, a late stat
correction or a deleted or added row is). One bounded query per table reads the window
[today - history_days, today + ahead_days]; the SQL is BigQuery dialect and runs unchanged on DuckDB
through the project's translation (MD5 → hex on both, BIT_XOR, CAST('0x…' AS INT64)).
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import zlib
from collections.abc import Mapping
from dataclasses import dataclass, field

import pandas as pd

from nba_features.contracts import contract
from nba_features.warehouse.base import Warehouse
from nba_features.warehouse.sql import validate_identifier

# A change older than this is outside the window: historical corrections are backfilled by hand.
DEFAULT_HISTORY_DAYS = 400
# Pre-game rows (contexts, lines, schedule) of the coming days are recorded before their date
# becomes a partition, so a date entering the window is never mistaken for a change.
DEFAULT_AHEAD_DAYS = 7
AUDIT_COLUMNS = frozenset({"processed_at"})
CURSOR_VERSION = 1


def fingerprint_sql(table: str) -> str:
    spec = contract(table)
    date_column = validate_identifier(spec.partition_column)
    columns = ", ".join(validate_identifier(c.name) for c in spec.columns if c.name not in AUDIT_COLUMNS)
    return f"""
-- bound: the partition column between the window start and end parameters, one row per date
SELECT {date_column} AS fingerprint_date,
       COUNT(*) AS row_count,
       BIT_XOR(CAST(CONCAT('0x', SUBSTR(TO_HEX(MD5(TO_JSON_STRING(STRUCT({columns})))), 1, 15)) AS INT64)) AS row_hash
FROM {spec.full_name}
WHERE {date_column} BETWEEN @window_start AND @window_end
GROUP BY {date_column}
"""


def _digest(row_count: int, row_hash: int) -> str:
    return hashlib.sha1(f"{row_count}:{row_hash}".encode()).hexdigest()[:12]


def table_fingerprints(warehouse: Warehouse, table: str, window_start: dt.date, window_end: dt.date) -> dict[dt.date, str]:
    """Date → fingerprint for every date of the window with rows (dates without rows are absent)."""
    frame = warehouse.query(
        fingerprint_sql(table),
        {"window_start": window_start, "window_end": window_end},
        labels={"sensor": "input_change", "table": table.replace(".", "__")},
    )
    dates = pd.to_datetime(frame["fingerprint_date"]).dt.date
    return {d: _digest(int(n), int(h)) for d, n, h in zip(dates, frame["row_count"], frame["row_hash"])}


@dataclass(frozen=True)
class FingerprintState:
    """What the input-change sensor has seen: per table, the fingerprint of each date in its window.

    `sequence` counts the evaluations that found changes; it makes run keys unique when a table
    changes back and forth (A → B → A → B), while a replayed tick reuses its keys.
    """

    window_start: dt.date
    window_end: dt.date
    tables: Mapping[str, Mapping[dt.date, str]]
    sequence: int = 0

    def encode(self) -> str:
        payload = {
            "version": CURSOR_VERSION,
            "window": [self.window_start.isoformat(), self.window_end.isoformat()],
            "sequence": self.sequence,
            "tables": {t: {d.isoformat(): h for d, h in sorted(f.items())} for t, f in sorted(self.tables.items())},
        }
        return base64.b64encode(zlib.compress(json.dumps(payload, separators=(",", ":")).encode(), 9)).decode()

    @classmethod
    def decode(cls, cursor: str | None) -> FingerprintState | None:
        """The state in a cursor; None for no cursor or a cursor of another format (a new baseline)."""
        if not cursor:
            return None
        try:
            payload = json.loads(zlib.decompress(base64.b64decode(cursor)))
        except (ValueError, zlib.error):
            return None
        if not isinstance(payload, dict) or payload.get("version") != CURSOR_VERSION:
            return None
        start, end = (dt.date.fromisoformat(v) for v in payload["window"])
        tables = {t: {dt.date.fromisoformat(d): h for d, h in f.items()} for t, f in payload["tables"].items()}
        return cls(start, end, tables, int(payload["sequence"]))


@dataclass(frozen=True)
class TableChange:
    table: str
    dates: tuple[dt.date, ...]  # dates whose rows were added, changed or deleted
    fingerprints: Mapping[dt.date, str] = field(default_factory=dict)  # new fingerprint ("" = no rows left)


def changed_dates(previous: FingerprintState, current: FingerprintState) -> dict[str, TableChange]:
    """Per table, the dates inside both windows whose fingerprints differ (a date that left the
    window at its start is not a deletion; a table seen for the first time counts in full)."""
    start = max(previous.window_start, current.window_start)
    end = min(previous.window_end, current.window_end)
    changes: dict[str, TableChange] = {}
    for table, now in current.tables.items():
        before = previous.tables.get(table)
        if before is None:  # a table that did not exist at the previous tick (e.g. prediction_accuracy)
            candidates = set(now)
            before = {}
        else:
            candidates = {d for d in set(now) | set(before) if start <= d <= end}
            # dates that entered the window at its end have no previous fingerprint to compare with
            candidates |= {d for d in now if d > previous.window_end}
        dates = tuple(sorted(d for d in candidates if now.get(d) != before.get(d)))
        if dates:
            changes[table] = TableChange(table, dates, {d: now.get(d, "") for d in dates})
    return changes
