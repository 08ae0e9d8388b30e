"""Feature-store checks per partition: the red-alert gates (blocking ERROR) and the canaries (WARN).

Thresholds (docs/RULES.md#feature-store-gates, #feature-store-canaries, #contamination-tiers) live once, in THRESHOLDS. The 2026-02-06 incident (composite
factors empty for a date) turns the partition red through three independent blocking checks:
required_default_rate, quality_ready_rate and clean_player_coverage, and through
upstream_phase4_complete. The legacy "average matchup >= 40" canary could not catch it and is not
relied on. No-game and bootstrap days pass with a reason.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import numpy as np
import pandas as pd

from nba_features.contracts.features import FEATURES, VARIANCE_MONITORED_INDICES
from nba_features.quality.outcomes import CheckDefinition, CheckInputs, CheckOutcome, Severity
from nba_features.quality.report import DailyTiers

UPSTREAM_PHASE4 = ("team_defense_zone_analysis", "player_shot_zone_analysis", "player_composite_factors", "player_daily_cache")

THRESHOLDS = {
    "required_default_rate_max_pct": 30.0,  # docs/RULES.md#feature-store-gates (ERROR)
    "quality_ready_rate_min_pct": 40.0,  # docs/RULES.md#feature-store-gates (ERROR)
    "clean_player_coverage_min_pct": 60.0,  # docs/RULES.md#feature-store-gates (ERROR)
    "red_rows_max": 30,  # docs/RULES.md#feature-store-canaries (WARN)
    "avg_score_min": 70.0,  # docs/RULES.md#feature-store-canaries (WARN)
    "quality_ready_canary_min_pct": 60.0,  # docs/RULES.md#feature-store-canaries (WARN)
    "cache_miss_rate_max_pct": 5.0,  # docs/RULES.md#feature-store-canaries (WARN)
    # An odds outage leaves only optional features defaulted, so no gate sees it. Legacy's 7-day
    # vegas canary was critical below 50% of a rotation-only roster; this roster holds every
    # available player (about half have props in a normal slate), hence half of that bar.
    "vegas_line_coverage_min_pct": 25.0,  # project threshold (WARN)
    "variance_min_rows": 50,  # docs/RULES.md#feature-store-canaries
    "variance_min_values": 25,
    "drift_max_sigma": 3.0,  # docs/RULES.md#feature-store-canaries: |mean - 4-week mean| / 4-week sd
    "drift_baseline_days": 28,
    "contamination_window_days": 30,  # docs/RULES.md#contamination-tiers: tier 1 over a trailing window
    "contamination_tier1_max_pct": 15.0,
    # Share of non-bootstrap rows (placeholders aside) whose last-10 list is short of the games expected
    # (docs/RULES.md#historical-completeness). Measured on the five-season demo league (docs/ALERTS.md): 905 of
    # 939 game dates at 0.0%; the other 34 are the first days after each season's bootstrap (4.7% to 100%, the
    # window still expecting last season's games); a day of box scores missing mid-season leaves most players short.
    "historical_incomplete_max_pct": 10.0,  # project threshold (WARN)
}

PerDate = Callable[[CheckInputs, dt.date, pd.DataFrame], tuple[bool, float | None, str, str, dict]]


def _per_date_check(
    name: str, description: str, severity: Severity, blocking: bool, metric: str, evaluate_day: PerDate
) -> CheckDefinition:
    def evaluate(inputs: CheckInputs) -> list[CheckOutcome]:
        by_date = inputs.cached(
            "rows_by_date",
            lambda: (
                {day: rows for day, rows in inputs.frame.groupby(pd.to_datetime(inputs.frame["game_date"]).dt.date)}
                if len(inputs.frame)
                else {}
            ),
        )
        no_rows = inputs.cached("no_rows", lambda: inputs.frame.iloc[:0])  # once, not per date and check
        outcomes = []
        for day in inputs.dates:
            reason = inputs.skip_reason(day)
            if reason:
                outcomes.append(CheckOutcome(name, day, True, severity, metric, None, "n/a", f"passed: {reason}"))
                continue
            rows = by_date.get(day, no_rows)
            passed, value, threshold, text, details = evaluate_day(inputs, day, rows)
            outcomes.append(CheckOutcome(name, day, passed, severity, metric, value, threshold, text, details))
        return outcomes

    return CheckDefinition(name, description, severity, blocking, evaluate)


def _share(mask: pd.Series) -> float:
    return round(100.0 * float(mask.mean()), 1) if len(mask) else 0.0


def _required_default_rate(inputs, day, rows):
    limit = THRESHOLDS["required_default_rate_max_pct"]
    if rows.empty:
        return False, None, f"<= {limit}%", "no feature-store rows on a game date", {}
    pct = _share(rows["required_default_count"] > 0)
    return pct <= limit, pct, f"<= {limit}%", f"{pct}% of {len(rows)} rows have required defaults", {}


def _quality_ready_rate(limit_key):
    def evaluate(inputs, day, rows):
        limit = THRESHOLDS[limit_key]
        if rows.empty:
            return False, None, f">= {limit}%", "no feature-store rows on a game date", {}
        pct = _share(rows["is_quality_ready"].astype(bool))
        return pct >= limit, pct, f">= {limit}%", f"{pct}% of {len(rows)} rows are quality-ready", {}

    return evaluate


_CONTEXT_PLAYERS_SQL = """
-- bound: the run's dates
SELECT game_date, COUNT(DISTINCT player_lookup) AS players
FROM nba_analytics.upcoming_player_game_context
WHERE game_date BETWEEN @start_date AND @end_date
GROUP BY game_date
"""

_HISTORY_COLUMNS = (
    "game_date, data_source, required_default_count, default_feature_count, is_quality_ready, "
    "feature_quality_score, default_feature_indices, " + ", ".join(FEATURES[i].value_column for i in VARIANCE_MONITORED_INDICES)
)
_TRAILING_DAYS = max(THRESHOLDS["drift_baseline_days"], THRESHOLDS["contamination_window_days"])
_HISTORY_SQL = f"""
-- bound: the trailing window before the run's first date ({_TRAILING_DAYS} days), for drift and contamination
SELECT {_HISTORY_COLUMNS}
FROM nba_predictions.ml_feature_store_v2
WHERE game_date BETWEEN DATE_SUB(@start_date, INTERVAL {_TRAILING_DAYS} DAY) AND DATE_SUB(@start_date, INTERVAL 1 DAY)
  AND data_source != 'early_season'
"""


def _context_players(inputs: CheckInputs) -> dict[dt.date, int]:
    def load():
        frame = inputs.warehouse.query(_CONTEXT_PLAYERS_SQL, {"start_date": min(inputs.dates), "end_date": max(inputs.dates)})
        return dict(zip(frame["game_date"].dt.date, frame["players"].astype(int)))

    return inputs.cached("context_players", load)


def _history(inputs: CheckInputs) -> pd.DataFrame:
    """Feature-store rows of the trailing window: those before the run (one query) and the run's own."""

    def load():
        before = inputs.warehouse.query(_HISTORY_SQL, {"start_date": min(inputs.dates)})
        own = (
            inputs.frame[inputs.frame["data_source"] != "early_season"][list(before.columns)]
            if len(inputs.frame)
            else before.iloc[:0]
        )
        history = pd.concat([before, own], ignore_index=True)
        history["day"] = pd.to_datetime(history["game_date"]).dt.date
        return history

    return inputs.cached("history", load)


def _history_mask(inputs: CheckInputs, first: dt.date, last: dt.date) -> np.ndarray:
    """Which rows of `_history` have first <= day <= last. The dates are compared as a datetime64 array
    made once per run: comparing date objects row by row, for every date of a season range, dominated
    the run."""
    days = inputs.cached("history_days", lambda: _history(inputs)["day"].to_numpy(dtype="datetime64[D]"))
    return (days >= np.datetime64(first, "D")) & (days <= np.datetime64(last, "D"))


def _history_values(inputs: CheckInputs, column: str) -> np.ndarray:
    """One column of `_history` as float64, made once per run."""
    return inputs.cached(f"history_values:{column}", lambda: _history(inputs)[column].to_numpy(dtype="float64"))


def _clean_player_coverage(inputs, day, rows):
    limit = THRESHOLDS["clean_player_coverage_min_pct"]
    expected = _context_players(inputs).get(day, 0)
    clean = int((rows["required_default_count"] == 0).sum()) if len(rows) else 0
    pct = round(100.0 * clean / expected, 1) if expected else 100.0
    return (
        pct >= limit,
        pct,
        f">= {limit}%",
        f"{clean} clean players of {int(expected)} in the upcoming context ({pct}%)",
        {"clean": clean, "expected": int(expected)},
    )


def _upstream_complete(inputs, day, rows):
    ran = inputs.upstream_materialized.get(day, frozenset())
    missing = [name for name in UPSTREAM_PHASE4 if name not in ran]
    text = "all four upstream Phase 4 tables have rows" if not missing else f"no rows for {day} in: {', '.join(missing)}"
    return not missing, float(len(missing)), "0 missing", text, {"missing_processors": ",".join(missing)}


def _red_rows(inputs, day, rows):
    limit = THRESHOLDS["red_rows_max"]
    red = int((rows["quality_alert_level"] == "red").sum()) if len(rows) else 0
    return red <= limit, float(red), f"<= {limit}", f"{red} red rows", {}


def _average_score(inputs, day, rows):
    limit = THRESHOLDS["avg_score_min"]
    if rows.empty:
        return False, None, f">= {limit}", "no rows", {}
    mean = round(float(rows["feature_quality_score"].mean()), 2)
    return mean >= limit, mean, f">= {limit}", f"average feature_quality_score {mean}", {}


def _cache_miss_rate(inputs, day, rows):
    limit = THRESHOLDS["cache_miss_rate_max_pct"]
    pct = _share(rows["cache_miss_fallback_used"].astype(bool)) if len(rows) else 0.0
    return pct <= limit, pct, f"<= {limit}%", f"{pct}% of rows used the cache-miss fallback", {}


def _vegas_line_coverage(inputs, day, rows):
    limit = THRESHOLDS["vegas_line_coverage_min_pct"]
    if rows.empty:
        return False, None, f">= {limit}%", "no rows on a game date", {}
    pct = _share(rows[FEATURES[25].source_column] != "default")
    return pct >= limit, pct, f">= {limit}%", f"{pct}% of rows have a pre-tip-off points line (feature 25)", {}


def _schedule_covers_context_check() -> CheckDefinition:
    """A date whose schedule lost its games while the upcoming context still lists players writes
    nothing in any table; without this check every other check would pass with 'no games'."""

    def evaluate(inputs: CheckInputs) -> list[CheckOutcome]:
        players = _context_players(inputs)
        outcomes = []
        for day in inputs.dates:
            games = int(inputs.day(day)["games_scheduled"])
            listed = players.get(day, 0)
            passed = games > 0 or listed == 0
            text = (
                f"{games} games scheduled, {listed} players in the upcoming context"
                if games
                else "passed: no games scheduled, and no players in the upcoming context"
                if passed
                else f"no games scheduled on {day} but {listed} players in upcoming_player_game_context: schedule missing games?"
            )
            outcomes.append(
                CheckOutcome(
                    "schedule_covers_context",
                    day,
                    passed,
                    "WARN",
                    "context_players_without_games",
                    float(0 if passed else listed),
                    "0",
                    text,
                )
            )
        return outcomes

    return CheckDefinition(
        "schedule_covers_context", "Dates with upcoming-context players have scheduled games", "WARN", False, evaluate
    )


def _feature_matrix(rows: pd.DataFrame) -> np.ndarray:
    """Feature values (NULL where the source was a default) as a rows x 60 matrix."""
    return rows[[f.value_column for f in FEATURES]].to_numpy(dtype="float64")


def _variance_and_ranges(inputs, day, rows):
    problems, notes = [], []
    matrix = _feature_matrix(rows) if len(rows) else np.empty((0, len(FEATURES)))
    if len(rows) >= THRESHOLDS["variance_min_rows"]:
        for index in VARIANCE_MONITORED_INDICES:
            feature = FEATURES[index]
            values = matrix[:, index][~np.isnan(matrix[:, index])]
            if len(values) < THRESHOLDS["variance_min_values"]:
                continue
            std, distinct = float(np.std(values, ddof=1)), len(np.unique(values))
            if std < 0.0001 and distinct == 1:
                problems.append(f"{feature.name}: ZERO_VARIANCE")
            elif std < feature.min_stddev or distinct < feature.min_distinct:
                # legacy: low variance is a logged warning, zero variance the failure
                notes.append(f"{feature.name}: LOW_VARIANCE (std {std:.3f}, {distinct} distinct)")
    for feature in FEATURES:
        if feature.valid_range is None or not len(rows):
            continue
        low, high = feature.valid_range
        column = matrix[:, feature.index]
        outside = int(((column < low) | (column > high)).sum())
        if outside:
            problems.append(f"{feature.name}: {outside} values outside [{low}, {high}]")
    text = "; ".join(problems[:8]) or "no zero variance, all values in range"
    if notes:
        text += " (notes: " + "; ".join(notes[:5]) + ")"
    return not problems, float(len(problems)), "0 problems", text, {"problems": len(problems), "low_variance": len(notes)}


def _drift(inputs, day, rows):
    limit = THRESHOLDS["drift_max_sigma"]
    # the baseline as a row mask over the run's history and cached column arrays, not a frame per date
    baseline = _history_mask(inputs, day - dt.timedelta(days=THRESHOLDS["drift_baseline_days"]), day - dt.timedelta(days=1))
    baseline_rows = int(baseline.sum())
    if rows.empty:  # the gates above fail a game date without rows; drift has nothing to compare
        return True, 0.0, f"<= {limit} sd", "passed: no rows to compare with the baseline", {}
    if baseline_rows < THRESHOLDS["variance_min_rows"]:
        return True, 0.0, f"<= {limit} sd", f"passed: baseline too small ({baseline_rows} rows) to judge drift", {}
    drifted = []
    for index in VARIANCE_MONITORED_INDICES:
        column = FEATURES[index].value_column
        now_values, base_values = rows[column].to_numpy(dtype="float64"), _history_values(inputs, column)[baseline]
        now_values, base_values = now_values[~np.isnan(now_values)], base_values[~np.isnan(base_values)]
        if len(now_values) < 2 or len(base_values) < 2:
            continue
        sd = float(np.std(base_values, ddof=1))
        if sd > 0 and abs(float(now_values.mean()) - float(base_values.mean())) / sd > limit:
            drifted.append(FEATURES[index].name)
    return (
        not drifted,
        float(len(drifted)),
        f"<= {limit} sd",
        ("drifted: " + ", ".join(drifted)) if drifted else "no drift against the 4-week baseline",
        {},
    )


def _trailing_contamination(inputs, day, rows):
    limit = THRESHOLDS["contamination_tier1_max_pct"]
    start = day - dt.timedelta(days=THRESHOLDS["contamination_window_days"] - 1)
    window = inputs.cached("daily_tiers", lambda: DailyTiers.of(_history(inputs))).window(start, day)
    top = ", ".join(f"{f['name']} {f['pct_of_rows']}%" for f in window["top_defaulted_features"][:3])
    return (
        window["tier1_pct"] <= limit,
        window["tier1_pct"],
        f"<= {limit}%",
        f"tier 1 {window['tier1_pct']}% / tier 2 {window['tier2_pct']}% over {start}..{day}; top defaulted: {top or 'none'}",
        {"tier2_pct": window["tier2_pct"], "rows": window["total_rows"]},
    )


def _historical_completeness(inputs, day, rows):
    limit = THRESHOLDS["historical_incomplete_max_pct"]
    judged = rows[rows["processing_decision_reason"] != "early_season_placeholder"] if len(rows) else rows
    blocks = [block or {} for block in judged["historical_completeness"]] if len(judged) else []
    counted = [block for block in blocks if not block.get("is_bootstrap")]
    if not counted:
        return True, None, f"<= {limit}%", "no non-bootstrap rows", {"rows": 0}
    short = sum(not block.get("is_complete") for block in counted)
    pct = round(100.0 * short / len(counted), 1)
    text = f"{pct}% of {len(counted)} non-bootstrap rows have an incomplete last-10 history ({short} rows)"
    return pct <= limit, pct, f"<= {limit}%", text, {"rows": len(counted), "incomplete_rows": short}


def feature_store_checks() -> list[CheckDefinition]:
    t = THRESHOLDS
    return [
        _per_date_check(
            "required_default_rate",
            f"Share of rows with required defaults <= {t['required_default_rate_max_pct']}%",
            "ERROR",
            True,
            "pct_rows_required_defaults",
            _required_default_rate,
        ),
        _per_date_check(
            "quality_ready_rate",
            f"Share of quality-ready rows >= {t['quality_ready_rate_min_pct']}%",
            "ERROR",
            True,
            "pct_quality_ready",
            _quality_ready_rate("quality_ready_rate_min_pct"),
        ),
        _per_date_check(
            "clean_player_coverage",
            f"Clean players / upcoming-context players >= {t['clean_player_coverage_min_pct']}%",
            "ERROR",
            True,
            "pct_clean_player_coverage",
            _clean_player_coverage,
        ),
        _per_date_check(
            "upstream_phase4_complete",
            "Every upstream Phase 4 table has rows for the date",
            "ERROR",
            True,
            "missing_upstream_tables",
            _upstream_complete,
        ),
        _per_date_check("red_alert_rows", f"Red rows <= {t['red_rows_max']}", "WARN", False, "red_rows", _red_rows),
        _per_date_check(
            "average_quality_score",
            f"Average score >= {t['avg_score_min']}",
            "WARN",
            False,
            "avg_feature_quality_score",
            _average_score,
        ),
        _per_date_check(
            "quality_ready_canary",
            f"Quality-ready >= {t['quality_ready_canary_min_pct']}%",
            "WARN",
            False,
            "pct_quality_ready",
            _quality_ready_rate("quality_ready_canary_min_pct"),
        ),
        _per_date_check(
            "cache_miss_rate",
            f"Cache-miss fallback <= {t['cache_miss_rate_max_pct']}%",
            "WARN",
            False,
            "pct_cache_miss",
            _cache_miss_rate,
        ),
        _per_date_check(
            "vegas_line_coverage",
            f"Rows with a points line >= {t['vegas_line_coverage_min_pct']}%",
            "WARN",
            False,
            "pct_rows_with_line",
            _vegas_line_coverage,
        ),
        _schedule_covers_context_check(),
        _per_date_check(
            "feature_variance_and_ranges",
            "Per-feature variance minimums and value ranges (registry)",
            "WARN",
            False,
            "feature_problems",
            _variance_and_ranges,
        ),
        _per_date_check(
            "feature_distribution_drift",
            f"Feature means within {t['drift_max_sigma']} sd of the 4-week baseline",
            "WARN",
            False,
            "drifted_features",
            _drift,
        ),
        _per_date_check(
            "contamination_tier1_trailing",
            f"Tier-1 contamination over the trailing {t['contamination_window_days']} days <= {t['contamination_tier1_max_pct']}%",
            "WARN",
            False,
            "tier1_pct",
            _trailing_contamination,
        ),
        _per_date_check(
            "historical_completeness_rate",
            f"Non-bootstrap rows with an incomplete last-10 history <= {t['historical_incomplete_max_pct']}%",
            "WARN",
            False,
            "pct_historical_incomplete",
            _historical_completeness,
        ),
    ]
