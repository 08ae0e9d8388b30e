"""Per-date quality figures of the feature store, kept in nba_orchestration.daily_quality.

One row per game date, written by the feature store's run right after its checks
(`pipeline/table_run.py: run_table`), so a date's figures always describe its latest feature-store rows:
the contamination tiers of the date (the same numbers `nba-features report` and the trailing check give,
docs/RULES.md#contamination-tiers), the quality-ready share against the `quality_ready_rate` gate, whether
the date is red and which checks failed, how often each feature defaulted, and the rows each Phase 4 table
held for the date when the feature store read them. The quality charts (`cli/report.py`) read a range of
it in one query; SQL users get the same numbers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from nba_features.contracts.features import FEATURES
from nba_features.phase4.spec import Phase4Table
from nba_features.quality.feature_store_checks import THRESHOLDS
from nba_features.quality.outcomes import CheckOutcome
from nba_features.quality.report import TIER1_ALERT_PCT, DailyTiers
from nba_features.warehouse.base import Warehouse

DAILY_QUALITY_TABLE = "nba_orchestration.daily_quality"
DAILY_QUALITY_SQL = f"""
-- bound: the requested window only
SELECT * FROM {DAILY_QUALITY_TABLE} WHERE game_date BETWEEN @start_date AND @end_date ORDER BY game_date
"""
# the contamination tiers count rows of at least this many features (quality/report.py: REPORT_SQL)
MIN_FEATURE_COUNT = 37


def rows_column(asset_name: str) -> str:
    """The daily_quality column holding a Phase 4 table's rows for the date."""
    return f"rows_{asset_name}"


def _pct(part: int, whole: int) -> float:
    return round(100.0 * part / whole, 1) if whole else 0.0


def table_rows_by_date(warehouse: Warehouse, table: Phase4Table, dates: Sequence[dt.date]) -> dict[dt.date, int]:
    """Rows of `table` per date of [min(dates), max(dates)] (one grouped count)."""
    counts = warehouse.query(
        f"SELECT {table.partition_column} AS d, COUNT(*) AS n FROM {table.table} "
        f"WHERE {table.partition_column} BETWEEN @start_date AND @end_date GROUP BY 1",
        {"start_date": min(dates), "end_date": max(dates)},
    )
    return {day: int(n) for day, n in zip(pd.to_datetime(counts["d"]).dt.date, counts["n"])}


def daily_quality_rows(
    frame: pd.DataFrame,
    dates: Sequence[dt.date],
    day_info: pd.DataFrame,
    outcomes: Sequence[CheckOutcome],
    blocking: set[str],
    table_rows: Mapping[str, Mapping[dt.date, int]],
    *,
    computed_at: pd.Timestamp,
    run_id: str | None,
) -> pd.DataFrame:
    """Pure: one daily_quality row per date of a feature-store run.

    `frame` holds the feature-store rows written for `dates`; `day_info` is the run's season frame (date,
    games_scheduled, is_bootstrap); `table_rows` maps each upstream asset name to its rows per date (the
    feature store's own rows come from `frame`).
    """
    row_days = pd.to_datetime(frame["game_date"]).dt.date if len(frame) else pd.Series(dtype=object)
    all_rows = row_days.value_counts().to_dict() if len(frame) else {}
    placeholder = (frame["data_source"] == "early_season") if len(frame) else pd.Series(dtype=bool)
    placeholders = row_days[placeholder].value_counts().to_dict() if len(frame) else {}
    scored = frame[~placeholder & (frame["feature_count"] >= MIN_FEATURE_COUNT)] if len(frame) else frame
    tiers = DailyTiers.of(scored) if len(scored) else None
    tier_index = {pd.Timestamp(d).date(): i for i, d in enumerate(tiers.days)} if tiers is not None else {}
    per_day = (
        pd.DataFrame({
            "day": pd.to_datetime(scored["game_date"]).dt.date,
            "ready": scored["is_quality_ready"].fillna(False).astype(bool),
            "score": scored["feature_quality_score"].astype(float),
            "complete": [isinstance(h, dict) and bool(h.get("is_complete")) for h in scored["historical_completeness"]],
        }).groupby("day").agg(ready=("ready", "sum"), score=("score", "mean"), complete=("complete", "sum"))
        if len(scored)
        else pd.DataFrame(columns=["ready", "score", "complete"])
    )  # fmt: skip
    failed: dict[dt.date, list[str]] = {}
    for outcome in outcomes:
        if not outcome.passed and outcome.game_date is not None:
            failed.setdefault(outcome.game_date, []).append(outcome.check_name)
    info = day_info.set_index(day_info["date"].dt.date)
    records = []
    for day in dates:
        position = tier_index.get(day)
        scored_rows = int(tiers.rows[position]) if position is not None else 0
        tier1 = int(tiers.tier1[position]) if position is not None else 0
        ready = int(per_day.at[day, "ready"]) if day in per_day.index else 0
        games = int(info.at[day, "games_scheduled"])
        skip = (
            "no games scheduled"
            if games == 0
            else "bootstrap day (first 14 days of the season)"
            if info.at[day, "is_bootstrap"]
            else None
        )
        record = {
            "game_date": pd.Timestamp(day),
            "computed_at": computed_at,
            "run_id": run_id,
            "games_scheduled": games,
            "skip_reason": skip,
            "red": any(name in blocking for name in failed.get(day, ())),
            "red_checks": [name for name in failed.get(day, ()) if name in blocking],
            "failed_checks": list(failed.get(day, ())),
            "feature_store_rows": int(all_rows.get(day, 0)),
            "placeholder_rows": int(placeholders.get(day, 0)),
            "scored_rows": scored_rows,
            "tier1_rows": tier1,
            "tier1_pct": _pct(tier1, scored_rows),
            "tier1_alert_pct": TIER1_ALERT_PCT,
            "tier2_rows": int(tiers.tier2[position]) if position is not None else 0,
            "quality_ready_rows": ready,
            "quality_ready_pct": _pct(ready, scored_rows),
            "quality_ready_min_pct": float(THRESHOLDS["quality_ready_rate_min_pct"]),
            "avg_quality_score": round(float(per_day.at[day, "score"]), 2) if scored_rows else None,
            "history_complete_pct": _pct(int(per_day.at[day, "complete"]), scored_rows) if scored_rows else None,
            "default_counts": ([int(v) for v in tiers.defaults[position]] if position is not None else [0] * len(FEATURES)),
        }
        for name, counts in table_rows.items():
            record[rows_column(name)] = int(counts.get(day, 0))
        records.append(record)
    return pd.DataFrame(records)


def record_daily_quality(
    warehouse: Warehouse,
    frame: pd.DataFrame,
    dates: Sequence[dt.date],
    day_info: pd.DataFrame,
    outcomes: Sequence[CheckOutcome],
    blocking: set[str],
    feature_store: Phase4Table,
    upstream: Sequence[Phase4Table],
    *,
    computed_at: pd.Timestamp,
    run_id: str | None,
) -> int:
    """Replace the daily_quality rows of `dates` with the figures of the feature-store rows just written.

    The upstream tables' rows are counted now, as the feature store saw them (one grouped count each).
    """
    table_rows = {table.asset_name: table_rows_by_date(warehouse, table, dates) for table in upstream}
    table_rows[feature_store.asset_name] = (
        pd.to_datetime(frame["game_date"]).dt.date.value_counts().to_dict() if len(frame) else {}
    )
    rows = daily_quality_rows(frame, dates, day_info, outcomes, blocking, table_rows, computed_at=computed_at, run_id=run_id)
    return warehouse.replace_partitions(DAILY_QUALITY_TABLE, dates, rows, labels={"asset": feature_store.asset_name}).rows_written


def read_daily_quality(warehouse: Warehouse, start: dt.date, end: dt.date) -> pd.DataFrame:
    """The daily_quality rows of [start, end], oldest first: everything the quality charts need, in one query."""
    return warehouse.query(DAILY_QUALITY_SQL, {"start_date": start, "end_date": end})


def default_totals(default_counts: pd.Series) -> np.ndarray:
    """Sum of the per-date `default_counts` arrays: how many rows defaulted each feature over the dates."""
    totals = np.zeros(len(FEATURES), dtype=np.int64)
    for counts in default_counts:
        if counts is not None and len(counts):
            totals[: len(counts)] += np.asarray(counts, dtype=np.int64)
    return totals
