"""The feature-store quality scorer (docs/RULES.md#quality-scorer, with the fixes of docs/RULES.md#scorer-fixes).

A pure function: a map {feature index -> raw source tag} in, the legacy quality-visibility fields
out. Categories, optional/required sets, critical subsets, fallback reasons and upstream labels all
come from the feature registry (:mod:`nba_features.contracts.features`).

Rules, in short (docs/RULES.md#quality-scorer):

* N = min(len(sources), 60); only indices 0..N-1 are examined, an index absent from the map counts
  as raw ``default``, entries with index >= N are ignored.
* Weights: phase4 100, phase3 87, calculated 100, vegas 100, bettingpros 100, opponent_history 90,
  minutes_ppm 95, default 40, fallback 40, missing 0; an unknown tag weighs 40 and maps to canonical
  ``default`` but is NOT counted as a default.
* Score = mean weight over indices < N, skipping optional features whose tag is a default tag;
  capped at 69 with >= 1 required default and at 49 with >= 5; rounded to 2 dp; 0.0 for an empty map.
* Tiers: >=95 gold, >=85 silver, >=70 bronze, >=50 poor, else critical.

Departures from the legacy scorer (docs/RULES.md#scorer-fixes): ``has_vegas_line`` reads feature 25 (not 28);
``matchup_data_status`` is ``MATCHUP_UNAVAILABLE`` when any of 5-8, 13, 14 is a default; the four
always-``'{}'`` JSON placeholders and the ``breakout_*`` constants are not produced; the scorer does
not produce ``data_quality_issues`` (the processor lists real upstream gaps).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from nba_features.contracts.features import (
    CATEGORIES,
    COMPOSITE_INDICES,
    CRITICAL_INDICES,
    FEATURE_COUNT,
    FEATURES,
    OPPONENT_DEFENSE_INDICES,
    OPTIONAL_INDICES,
    QUALITY_SCHEMA_VERSION,
    feature,
    indices,
)

__all__ = [
    "DEFAULT_TAGS",
    "SOURCE_CANONICAL",
    "SOURCE_WEIGHTS",
    "TRAINING_QUALITY_THRESHOLD",
    "UNKNOWN_SOURCE_WEIGHT",
    "canonical_source",
    "quality_tier",
    "score_feature_sources",
    "source_weight",
]

logger = logging.getLogger(__name__)

#: Weight (0-100) of each raw source tag (docs/RULES.md#source-weights).
SOURCE_WEIGHTS: Mapping[str, int] = MappingProxyType(
    {
        "phase4": 100,
        "phase3": 87,
        "calculated": 100,
        "vegas": 100,
        "bettingpros": 100,
        "opponent_history": 90,
        "minutes_ppm": 95,
        "default": 40,
        "fallback": 40,
        "missing": 0,
    }
)

#: Canonical source stored in ``feature_N_source`` for each raw tag (docs/RULES.md#source-weights).
SOURCE_CANONICAL: Mapping[str, str] = MappingProxyType(
    {
        "phase4": "phase4",
        "phase3": "phase3",
        "calculated": "calculated",
        "vegas": "phase4",
        "bettingpros": "bettingpros",
        "opponent_history": "phase4",
        "minutes_ppm": "phase4",
        "default": "default",
        "fallback": "default",
        "missing": "default",
    }
)

#: Raw tags that count as a default (unknown tags do not).
DEFAULT_TAGS: frozenset[str] = frozenset({"default", "fallback", "missing"})

#: Weight of a tag not in SOURCE_WEIGHTS.
UNKNOWN_SOURCE_WEIGHT = 40

#: A feature of at least this weight is of training quality (phase3 = 87 qualifies).
TRAINING_QUALITY_THRESHOLD = 85.0

_REQUIRED_CAP = 69.0  # >= 1 required default: below bronze
_CRITICAL_CAP = 49.0  # >= 5 required defaults: critical tier
_CRITICAL_CAP_MIN_DEFAULTS = 5
_HIGH_DEFAULT_RATE = 0.20

# Derived once from the registry.
_OPTIONAL = frozenset(OPTIONAL_INDICES)
_CATEGORY_INDICES: dict[str, tuple[int, ...]] = {c: indices(category=c) for c in CATEGORIES}
_VEGAS_LINE_INDEX = feature("vegas_points_line").index  # docs/RULES.md#scorer-fixes: has_vegas_line reads feature 25
_MATCHUP_STATUS_INDICES = tuple(sorted(set(COMPOSITE_INDICES) | set(OPPONENT_DEFENSE_INDICES)))


def quality_tier(score: float) -> str:
    """Feature-store tier of a 0-100 score; lower edges are inclusive (docs/RULES.md#quality-tiers)."""
    if score >= 95.0:
        return "gold"
    if score >= 85.0:
        return "silver"
    if score >= 70.0:
        return "bronze"
    if score >= 50.0:
        return "poor"
    return "critical"


def source_weight(tag: Any) -> int:
    """Weight of a raw source tag; unknown tags weigh 40."""
    return SOURCE_WEIGHTS.get(tag, UNKNOWN_SOURCE_WEIGHT) if isinstance(tag, str) else UNKNOWN_SOURCE_WEIGHT


def canonical_source(tag: Any) -> str:
    """Canonical ``feature_N_source`` value of a raw tag; unknown tags map to ``default``."""
    return SOURCE_CANONICAL.get(tag, "default") if isinstance(tag, str) else "default"


def _is_default_tag(tag: Any) -> bool:
    return isinstance(tag, str) and tag in DEFAULT_TAGS


def _normalise(sources: Mapping[Any, Any]) -> dict[int, Any]:
    """Integer keys (a JSON-decoded map has string keys such as ``"5"``)."""
    out: dict[int, Any] = {}
    for key, tag in sources.items():
        if isinstance(key, bool):
            raise TypeError(f"feature index must be an integer, got {key!r}")
        out[int(key)] = tag
    return out


def _primary_data_source(tags: list[Any]) -> str:
    """Over all entries of the map, counting raw ``phase4`` and ``phase3`` only (docs/RULES.md#primary-data-source)."""
    total = len(tags)
    if total == 0:
        return "unknown"
    phase4_share = sum(1 for t in tags if t == "phase4") / total
    phase3_share = sum(1 for t in tags if t == "phase3") / total
    if phase4_share >= 0.90:
        return "phase4"
    if phase4_share >= 0.50:
        return "phase4_partial"
    if phase3_share >= 0.50:
        return "phase3"
    return "mixed"


def score_feature_sources(sources: Mapping[int, str]) -> dict[str, Any]:
    """Score one record's raw source tags; returns the legacy quality field names.

    ``sources`` maps a feature index to its raw tag (``phase4``, ``phase3``, ``calculated``,
    ``vegas``, ``bettingpros``, ``opponent_history``, ``minutes_ppm``, ``default``, ``fallback``,
    ``missing``; anything else is an unknown tag).
    """
    raw = _normalise(sources)
    n = min(len(raw), FEATURE_COUNT)
    if n == 0:
        logger.warning("score_feature_sources: empty source map, score 0.0")

    # Per-feature view over indices 0..n-1 (an absent index is raw 'default').
    tags = [raw.get(i, "default") for i in range(n)]
    weights = [float(source_weight(t)) for t in tags]
    canon = [canonical_source(t) for t in tags]
    is_default = [_is_default_tag(t) for t in tags]

    default_indices = [i for i in range(n) if is_default[i]]
    default_set = frozenset(default_indices)
    required_default_count = sum(1 for i in default_indices if i not in _OPTIONAL)

    # Aggregate score (docs/RULES.md#score-and-caps).
    counted = [weights[i] for i in range(n) if not (i in _OPTIONAL and is_default[i])]
    score = sum(counted) / len(counted) if counted else 0.0
    if required_default_count >= _CRITICAL_CAP_MIN_DEFAULTS:
        score = min(score, _CRITICAL_CAP)
    elif required_default_count >= 1:
        score = min(score, _REQUIRED_CAP)
    score = round(score, 2)
    tier = quality_tier(score)

    # Categories (docs/RULES.md#quality-categories), indices < n only.
    category_pct: dict[str, float] = {}
    category_defaults: dict[str, int] = {}
    for cat, cat_indices in _CATEGORY_INDICES.items():
        present = [i for i in cat_indices if i < n]
        category_pct[cat] = round(sum(weights[i] for i in present) / len(present), 1) if present else 0.0
        category_defaults[cat] = sum(1 for i in present if is_default[i])
    matchup_pct = category_pct["matchup"]
    game_context_pct = category_pct["game_context"]
    history_pct = category_pct["player_history"]

    # Critical-feature flags.
    has_composite_factors = not any(i in default_set for i in COMPOSITE_INDICES)
    has_opponent_defense = not any(i in default_set for i in OPPONENT_DEFENSE_INDICES)
    has_vegas_line = _VEGAS_LINE_INDEX < n and _VEGAS_LINE_INDEX not in default_set
    critical_quality = [weights[i] for i in CRITICAL_INDICES if i < n]
    critical_feature_count = sum(1 for q in critical_quality if q >= TRAINING_QUALITY_THRESHOLD)
    critical_features_training_quality = bool(critical_quality) and all(q >= TRAINING_QUALITY_THRESHOLD for q in critical_quality)
    critical_set = frozenset(CRITICAL_INDICES)
    optional_feature_count = sum(1 for i in range(n) if i not in critical_set and not is_default[i])
    training_quality_feature_count = sum(1 for w in weights if w >= TRAINING_QUALITY_THRESHOLD)

    # Alert level (docs/RULES.md#alert-level-and-alerts).
    if matchup_pct < 50 or score < 50:
        alert_level = "red"
    elif required_default_count > 0 or score < 70 or matchup_pct < 70:
        alert_level = "yellow"
    else:
        alert_level = "green"

    # Alerts (docs/RULES.md#alert-level-and-alerts), in order.
    default_count = len(default_indices)
    alerts: list[str] = []
    if category_defaults["matchup"] == len(_CATEGORY_INDICES["matchup"]):
        alerts.append("all_matchup_features_defaulted")
    if not has_composite_factors:
        alerts.append("composite_factors_missing")
    if not has_opponent_defense:
        alerts.append("opponent_defense_missing")
    if n > 0 and default_count / n > _HIGH_DEFAULT_RATE:
        alerts.append(f"high_default_rate_{round(default_count / n * 100)}pct")
    if matchup_pct < 50:
        alerts.append("matchup_quality_critical")
    if game_context_pct < 50:
        alerts.append("game_context_quality_critical")

    # Readiness (docs/RULES.md#readiness-flags).
    is_training_ready = tier in ("gold", "silver") and matchup_pct >= 70 and history_pct >= 80
    is_quality_ready = tier in ("gold", "silver", "bronze") and score >= 70 and matchup_pct >= 50 and required_default_count == 0

    fields: dict[str, Any] = {
        "feature_quality_score": score,
        "quality_tier": tier,
        "quality_alert_level": alert_level,
        "quality_alerts": alerts,
        "default_feature_count": default_count,
        "required_default_count": required_default_count,
        "default_feature_indices": default_indices,
    }
    for cat in CATEGORIES:
        fields[f"{cat}_quality_pct"] = category_pct[cat]
    for cat in CATEGORIES:
        fields[f"{cat}_default_count"] = category_defaults[cat]
    fields.update(
        {
            "phase4_feature_count": sum(1 for c in canon if c == "phase4"),
            "phase3_feature_count": sum(1 for c in canon if c == "phase3"),
            "calculated_feature_count": sum(1 for c in canon if c == "calculated"),
            "has_composite_factors": has_composite_factors,
            "has_opponent_defense": has_opponent_defense,
            "has_vegas_line": has_vegas_line,
            "critical_features_training_quality": critical_features_training_quality,
            "critical_feature_count": critical_feature_count,
            "optional_feature_count": optional_feature_count,
            "training_quality_feature_count": training_quality_feature_count,
            "is_quality_ready": is_quality_ready,
            "is_training_ready": is_training_ready,
            "matchup_quality_tier": quality_tier(matchup_pct),
            "game_context_quality_tier": quality_tier(game_context_pct),
            "primary_data_source": _primary_data_source(list(raw.values())),
            "matchup_data_status": (
                "MATCHUP_UNAVAILABLE" if any(i in default_set for i in _MATCHUP_STATUS_INDICES) else "COMPLETE"
            ),
            "feature_fallback_reasons_json": json.dumps({str(i): FEATURES[i].effective_fallback_reason for i in default_indices}),
            "feature_upstream_tables_json": json.dumps({str(i): FEATURES[i].upstream_table for i in range(n)}),
            "feature_schema_version": f"v2_{n}features",
            "available_feature_names": [FEATURES[i].name for i in range(n)],
            "quality_schema_version": QUALITY_SCHEMA_VERSION,
        }
    )
    for i in range(n):
        fields[f"feature_{i}_quality"] = weights[i]
    for i in range(n):
        fields[f"feature_{i}_source"] = canon[i]
    return fields
