"""The feature-store row around the features: quality fields, per-feature columns, completeness,
source tracking, traceability, range validation, and the contract's dtypes."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import time
from collections.abc import Mapping

import numpy as np
import pandas as pd

from nba_features.contracts.features import FEATURE_COUNT, FEATURE_NAMES, FEATURE_VERSION, FEATURES, RANGE_CRITICAL_INDICES
from nba_features.phase4.completeness import PRODUCTION_READY_PCT
from nba_features.phase4.ml_features.feature_set import FeatureSet
from nba_features.phase4.ml_features.history_roster import QUALITY_ALERT, ROSTER_SOURCE
from nba_features.phase4.ml_features.quality_scorer import DEFAULT_TAGS, score_feature_sources
from nba_features.phase4.ml_features.team_context import EXPECTED_GAMES_CAP
from nba_features.phase4.ml_features.upstream import UPSTREAM_ASSETS, UPSTREAM_TABLES, UPSTREAMS
from nba_features.phase4.output_rows import conform_to_contract, run_timestamp
from nba_features.phase4.seasons import BOOTSTRAP_MODE_DAYS, SEASON_BOUNDARY_MONTHS
from nba_features.phase4.spec import RunInfo
from nba_features.phase4.validation import check_rule

TABLE = "nba_predictions.ml_feature_store_v2"

MAX_RANGE_WARNINGS = 3


def range_check(r: pd.DataFrame, values: np.ndarray, is_default: np.ndarray) -> list[list[str]]:
    """Range validation before the write (docs/RULES.md#feature-store-row-fields): a critical violation raises, others give warnings.

    NULL and defaulted values are not checked. Returns up to 3 ``range_warning:`` entries per row.
    """
    with np.errstate(invalid="ignore"):
        outside = np.zeros(values.shape, dtype=bool)
        for f in FEATURES:
            if f.valid_range is not None:
                low, high = f.valid_range
                column = values[:, f.index]
                outside[:, f.index] = ~is_default[:, f.index] & ((column < low) | (column > high))
    for index in RANGE_CRITICAL_INDICES:
        f = FEATURES[index]
        low, high = f.valid_range
        frame = pd.DataFrame({"game_date": r["date"], f.name: values[:, index]})
        check_rule(
            frame,
            UPSTREAM_TABLES.get(f.upstream_table, TABLE),
            "game_date",
            f.name,
            pd.Series(outside[:, index]),
            f"{f.name} within [{low:g}, {high:g}] (critical feature range, the row cannot be written)",
        )
    warnings: list[list[str]] = [[] for _ in range(len(values))]
    for row, index in zip(*np.nonzero(outside)):
        if len(warnings[row]) < MAX_RANGE_WARNINGS:
            f = FEATURES[index]
            warnings[row].append(
                f"range_warning:{f.name}={values[row, index]:g} outside [{f.valid_range[0]:g}, {f.valid_range[1]:g}]"
            )
    return warnings


def tag_patterns(tags: np.ndarray) -> tuple[np.ndarray, list[list[str]]]:
    """(pattern code per row, the distinct rows of tags): a season's rows share a few dozen patterns."""
    codes, unique = pd.factorize(pd.Series(["|".join(row) for row in tags.tolist()], dtype=object))
    return codes, [pattern.split("|") for pattern in unique]


def quality_fields(codes: np.ndarray, patterns: list[list[str]]) -> pd.DataFrame:
    """score_feature_sources per row, once per distinct tag pattern."""
    scored = [score_feature_sources(dict(enumerate(pattern))) for pattern in patterns]
    rows = pd.DataFrame(scored).iloc[codes]
    rows.index = pd.RangeIndex(len(rows))  # = reset_index(drop=True), without a second copy of every column
    return rows


def upstream_trace(day: dt.date, is_bootstrap: bool, run: RunInfo) -> tuple[str | None, str | None]:
    """upstream_processors_ran / missing_processors of date D: the four upstream asset names against the
    assets that materialized rows for D (RunInfo). NULL when the run does not say (D absent from the
    map); nothing is missing on a bootstrap day, when the upstream tables write no rows by design."""
    if day not in run.upstream_materialized:
        return None, None
    materialized = run.upstream_materialized[day]
    ran = ",".join(asset for asset in UPSTREAM_ASSETS if asset in materialized)
    missing = "" if is_bootstrap else ",".join(asset for asset in UPSTREAM_ASSETS if asset not in materialized)
    return ran, missing


def feature_row_hashes(r: pd.DataFrame, vectors: list[list[float]], sources_json: list[str]) -> list[str]:
    """First 16 hex chars of SHA-256 over 'field:value|...' of the key, the features and their tags.

    `vectors`: the `features` arrays (Python floats, whose repr is repr(float(v))).
    """
    hashes = []
    days = r["date"].to_numpy(dtype="datetime64[D]").astype(str)  # ISO dates, as strftime("%Y-%m-%d")
    # map() keeps the 60 reprs per row in C
    for player, day, vector, sources in zip(r["player_lookup"], days, vectors, sources_json):
        text = f"player_lookup:{player}|game_date:{day}|features:{','.join(map(repr, vector))}|feature_sources_json:{sources}"
        hashes.append(hashlib.sha256(text.encode()).hexdigest()[:16])
    return hashes


def _sources_json(codes: np.ndarray, patterns: list[list[str]]) -> list[str]:
    """feature_sources_json per row, each distinct tag pattern encoded once."""
    encoded = [json.dumps({str(i): tag for i, tag in enumerate(pattern)}) for pattern in patterns]
    return [encoded[code] for code in codes.tolist()]


def assemble(
    r: pd.DataFrame, upstream_rows: Mapping[str, pd.DataFrame], fs: FeatureSet, run: RunInfo, started: float
) -> pd.DataFrame:
    """The output rows: `r` is the roster with its joined facts, `upstream_rows` the four Phase 4 extracts,
    `started` the perf_counter() reading at the start of the transform (feature_generation_time_ms)."""
    values = fs.value_matrix()
    tags = fs.tag_matrix()
    is_default = np.isin(tags, list(DEFAULT_TAGS))
    array_values = np.where(np.isnan(values), 0.0, values)  # NULL/NaN → 0.0 in the array (docs/RULES.md#feature-store-row-fields)
    warnings = range_check(r, values, is_default)
    codes, patterns = tag_patterns(tags)
    scored = quality_fields(codes, patterns)
    bootstrap = r["is_bootstrap"].to_numpy(dtype=bool)
    stamp = run_timestamp(run)

    out: dict[str, object] = {
        "player_lookup": r["player_lookup"],
        "universal_player_id": r["universal_player_id"],
        "game_id": r["game_id"],
        "game_date": r["date"],
        "opponent_team_abbr": r["opponent_team_abbr"],
        "is_home": r["home_game"].astype(bool),
        "days_rest": r["days_rest"].astype("Int64"),
        "features": array_values.tolist(),
        "feature_names": [list(FEATURE_NAMES)] * len(r),
        "feature_count": FEATURE_COUNT,
        "feature_version": FEATURE_VERSION,
    }
    for column in scored.columns:
        out[column] = scored[column].to_numpy()
    early = np.where(bootstrap, "early_season", scored["primary_data_source"].to_numpy())
    out["primary_data_source"] = early
    # a past date without pre-game context says so (docs/LEGACY.md#history-without-pre-game-context)
    box_roster = (r["roster_source"] == ROSTER_SOURCE).to_numpy()
    out["data_source"] = np.where(box_roster, ROSTER_SOURCE, early)
    if box_roster.any():
        out["quality_alerts"] = [
            [*alerts, QUALITY_ALERT] if flagged else alerts for alerts, flagged in zip(out["quality_alerts"], box_roster)
        ]
    for f in FEATURES:
        out[f.value_column] = np.where(is_default[:, f.index], np.nan, values[:, f.index])
    sources_json = _sources_json(codes, patterns)
    out["feature_sources_json"] = sources_json
    # the legacy names of the two JSON maps, for legacy SQL (docs/LEGACY.md#legacy-feature-store-names)
    out["feature_sources"] = sources_json
    out["fallback_reasons"] = out["feature_fallback_reasons_json"]
    out["vegas_line_source"] = r["vegas_line_source"]
    out["cache_miss_fallback_used"] = r["cache_miss"].to_numpy() & ~bootstrap

    found = r["games_found"].to_numpy(dtype=np.int64)
    expected = r["games_expected"].to_numpy(dtype=np.int64)
    out["historical_completeness"] = [
        {
            "games_found": int(f),
            "games_expected": int(e),
            "is_complete": bool(f >= e),
            "is_bootstrap": bool(e < EXPECTED_GAMES_CAP),
            "contributing_game_dates": dates,
        }
        for f, e, dates in zip(found, expected, r["contributing_game_dates"])
    ]
    pct = np.where(expected > 0, np.minimum(100.0 * found / np.maximum(expected, 1), 100.0), 100.0)
    upstream_ready = np.column_stack([r[f"{u.prefix}_ready"].to_numpy() for u in UPSTREAMS])
    out["expected_games_count"] = expected
    out["actual_games_count"] = found
    out["completeness_percentage"] = pct
    out["missing_games_count"] = np.maximum(expected - found, 0)
    out["is_production_ready"] = (pct >= PRODUCTION_READY_PCT) & upstream_ready.all(axis=1) & ~bootstrap & ~box_roster
    out["data_quality_issues"] = [
        [u.issue for u, ready in zip(UPSTREAMS, flags) if not ready and not early_row] + row_warnings
        for flags, early_row, row_warnings in zip(upstream_ready, bootstrap, warnings)
    ]
    for u in UPSTREAMS:
        per_date = upstream_rows[u.asset].groupby(u.date_column).size()
        out[f"{u.source_prefix}_last_updated"] = r[f"{u.prefix}_processed_at"]
        out[f"{u.source_prefix}_rows_found"] = r["date"].map(per_date).fillna(0).astype("int64").to_numpy()
        out[f"{u.source_prefix}_completeness_pct"] = (
            r[f"{u.prefix}_present"].groupby(r["date"]).transform("mean").to_numpy(dtype="float64") * 100.0
        ).round(1)
        out[f"{u.source_prefix}_hash"] = r[f"{u.prefix}_data_hash"]
    days = r["date"].dt.date
    traces = {day: upstream_trace(day, boot, run) for day, boot in r.groupby(days)["is_bootstrap"].first().items()}
    out["upstream_processors_ran"] = [traces[day][0] for day in days]
    out["missing_processors"] = [traces[day][1] for day in days]
    out["quality_computed_at"] = stamp
    out["season_boundary_detected"] = r["date"].dt.month.isin(SEASON_BOUNDARY_MONTHS).to_numpy()
    out["backfill_bootstrap_mode"] = (r["days_into_season"].astype("float64") < BOOTSTRAP_MODE_DAYS).to_numpy()
    out["processing_decision_reason"] = np.where(bootstrap, "early_season_placeholder", "processed_successfully")
    out["early_season_flag"] = bootstrap
    out["insufficient_data_reason"] = np.select(
        [bootstrap, found == 0],
        [
            "bootstrap day (first 14 days of the season): history features not computed",
            "no player_game_summary row in the 60 days before D: history features are defaults",
        ],
        None,
    )
    out["data_hash"] = feature_row_hashes(r, out["features"], sources_json)
    out["processed_at"] = stamp
    out["created_at"] = stamp
    out["updated_at"] = stamp
    out["feature_generation_time_ms"] = (time.perf_counter() - started) * 1000.0 / max(len(r), 1)
    return conform_to_contract(
        pd.DataFrame(out, copy=False), TABLE
    )  # columns as built: consolidating them copied the whole season
