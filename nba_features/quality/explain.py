"""Why one feature-store row looks the way it does: each feature's value, tag, weight and origin, and the
score, tier, alert level and alerts traced to the features behind them. Pure: `nba-features explain`
(cli/explain.py) reads the row and the upstream rows it can name, and prints this.

Where a feature's value comes from follows its source chain (docs/RULES.md#feature-list): the raw tag the
row stored says which link of the chain won, and `FEATURE_ORIGINS` names the table (or the other features)
behind each (feature, tag). A defaulted feature has no upstream row; its reason is the row's fallback reason.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field

from nba_features.contracts.features import COMPOSITE_INDICES, FEATURES, OPPONENT_DEFENSE_INDICES, indices
from nba_features.phase4.ml_features.quality_scorer import DEFAULT_TAGS, source_weight

PDC, PCF, PSZA, TDZA = "player_daily_cache", "player_composite_factors", "player_shot_zone_analysis", "team_defense_zone_analysis"
UPCG, PGS, TOGS = "upcoming_player_game_context", "player_game_summary", "team_offense_game_summary"
ODDS, BETTINGPROS, GRADED = "odds_api_player_points_props", "bettingpros_player_points_props", "prediction_accuracy"
CACHE_MISS = "cache_miss"  # PDC-equivalent values recomputed from the player's last-10 list (and team games)


def _features(*numbers: int) -> str:
    return "features:" + ",".join(str(n) for n in numbers)


# feature index → raw tag → the source behind the value (an upstream key of `explain_row`, CACHE_MISS or
# "features:i,j" for values computed from other features), from the chains of docs/RULES.md#feature-list.
_PDC_CHAIN = {"phase4": PDC}
FEATURE_ORIGINS: dict[int, dict[str, str]] = {
    **{i: dict(_PDC_CHAIN) for i in (0, 1, 3, 4, 22, 23)},
    2: {"phase4": PDC, "phase3": PGS},
    **{i: {"phase4": PCF} for i in COMPOSITE_INDICES},
    9: {"calculated": UPCG},
    10: {"calculated": UPCG},
    11: {"calculated": PGS},
    12: {"calculated": PDC},
    **{i: {"phase4": TDZA} for i in OPPONENT_DEFENSE_INDICES},
    **{i: {"phase3": UPCG} for i in (15, 16, 17, 37, 38, 39, 40, 41, 42, 51, 52)},
    **{i: {"phase4": PSZA} for i in (18, 19, 20)},
    21: {"calculated": PGS},
    24: {"calculated": TOGS},
    **{i: {"vegas": ODDS, "bettingpros": BETTINGPROS} for i in (25, 26, 27)},
    28: {"calculated": _features(25)},
    29: {"opponent_history": PGS, "calculated": _features(2)},
    30: {"opponent_history": PGS, "calculated": PGS},
    31: {"minutes_ppm": PGS, "phase4": PDC},
    32: {"minutes_ppm": PGS, "phase4": CACHE_MISS},
    **{i: {"calculated": PGS} for i in (33, 34, 43, 44, 45, 46, 48, 49, 58)},
    35: {"calculated": _features(0, 2, 3)},
    36: {"calculated": _features(0, 2, 3)},
    47: {"calculated": UPCG},
    50: {"vegas": ODDS, "bettingpros": BETTINGPROS},
    53: {"calculated": _features(25, 2)},
    54: {"vegas": ODDS},
    55: {"calculated": GRADED},
    56: {"calculated": GRADED},
    57: {"calculated": TOGS},
    59: {"calculated": _features(22, 14)},
}
# on a cache miss (no PDC row) the PDC links of these chains are the recomputation (docs/RULES.md#cache-miss-fallback)
CACHE_MISS_FEATURES = frozenset({0, 1, 2, 3, 4, 12, 22, 23, 31, 32, 18, 19, 20})


@dataclass(frozen=True)
class UpstreamRow:
    table: str
    key: str
    processed_at: str | None


@dataclass(frozen=True)
class FeatureLine:
    index: int
    name: str
    required: bool
    value: float | None
    tag: str
    weight: int
    defaulted: bool
    reason: str | None  # the fallback reason of a defaulted feature
    origin: str  # where the value came from, or why there was none


@dataclass
class Explanation:
    player_lookup: str
    game_date: str
    features: list[FeatureLine]
    score: float
    score_text: str
    tier: str
    alert_level: str
    alert_level_text: str
    alerts: list[dict] = field(default_factory=list)
    missing_processors: str | None = None
    upstream_processors_ran: str | None = None


def _origin(index: int, tag: str, cache_miss: bool, shot_zone_row: bool, upstream: Mapping[str, UpstreamRow | None]) -> str:
    source = FEATURE_ORIGINS.get(index, {}).get(tag)
    if source is None:
        return f"tag {tag!r} (no upstream table recorded for this tag)"
    if source in (PDC, PSZA) and index in CACHE_MISS_FEATURES and (cache_miss if source == PDC else not shot_zone_row):
        source = CACHE_MISS
    if source == CACHE_MISS:
        games = upstream.get(PGS)
        team = upstream.get(TOGS) if index in (22, 23) else None
        base = team or games
        where = f"{base.table} {base.key} (processed_at {base.processed_at})" if base else "no box-score rows found"
        return f"cache-miss recomputation (no player_daily_cache row) from {where}"
    if source.startswith("features:"):
        names = [f"#{n} {FEATURES[int(n)].name}" for n in source.removeprefix("features:").split(",")]
        return "computed from " + ", ".join(names)
    row = upstream.get(source)
    if row is None:
        return f"{source}: no row found now (the row used may have been replaced since)"
    return f"{row.table} {row.key} (processed_at {row.processed_at})"


def _number(value) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if number != number else number


def explain_row(row: Mapping, upstream: Mapping[str, UpstreamRow | None]) -> Explanation:
    """The explanation of one ml_feature_store_v2 row (a dict of its columns), given the upstream rows found."""
    tags = {int(k): v for k, v in json.loads(row["feature_sources_json"] or "{}").items()}
    reasons = {int(k): v for k, v in json.loads(row["feature_fallback_reasons_json"] or "{}").items()}
    values = list(row["features"] or [])
    cache_miss = bool(row["cache_miss_fallback_used"])
    shot_zone_row = row.get("source_shot_zones_last_updated") is not None and str(
        row.get("source_shot_zones_last_updated")
    ) not in ("NaT", "nan")
    lines = []
    for f in FEATURES:
        tag = tags.get(f.index, "default")
        defaulted = tag in DEFAULT_TAGS
        # feature_N_value is NULL for a defaulted feature; the array holds its registry default (0.0 when missing)
        stored = _number(row.get(f.value_column))
        in_array = _number(values[f.index]) if f.index < len(values) and tag != "missing" else None
        value = stored if stored is not None else in_array
        reason = reasons.get(f.index, f.effective_fallback_reason) if defaulted else None
        origin = f"none: {reason}" if defaulted else _origin(f.index, tag, cache_miss, shot_zone_row, upstream)
        weight = int(_number(row.get(f.quality_column)) or source_weight(tag))
        lines.append(FeatureLine(f.index, f.name, f.required, value, tag, weight, defaulted, reason, origin))
    return Explanation(
        player_lookup=str(row["player_lookup"]),
        game_date=str(row["game_date"])[:10],
        features=lines,
        score=float(row["feature_quality_score"]),
        score_text=score_text(lines, float(row["feature_quality_score"])),
        tier=str(row["quality_tier"]),
        alert_level=str(row["quality_alert_level"]),
        alert_level_text=alert_level_text(lines, row),
        alerts=[{"alert": alert, "features": alert_features(alert, lines)} for alert in (row["quality_alerts"] or [])],
        missing_processors=row.get("missing_processors"),
        upstream_processors_ran=row.get("upstream_processors_ran"),
    )


def _named(lines: list[FeatureLine]) -> list[str]:
    return [f"#{line.index} {line.name} ({line.tag})" for line in lines]


def score_text(lines: list[FeatureLine], score: float) -> str:
    """How the score came about: the mean weight (optional defaults skipped) and the cap of required defaults."""
    counted = [line.weight for line in lines if not (not line.required and line.defaulted)]
    mean = round(sum(counted) / len(counted), 2) if counted else 0.0
    required_defaults = [line for line in lines if line.required and line.defaulted]
    text = f"mean weight {mean} over {len(counted)} features (optional defaults skipped)"
    if required_defaults:
        text += f"; {len(required_defaults)} required default(s) cap it at {score}: " + ", ".join(_named(required_defaults))
    return text


def _category(lines: list[FeatureLine], category: str) -> list[FeatureLine]:
    members = set(indices(category=category))
    return [line for line in lines if line.index in members]


def alert_level_text(lines: list[FeatureLine], row: Mapping) -> str:
    level, matchup, score = row["quality_alert_level"], float(row["matchup_quality_pct"]), float(row["feature_quality_score"])
    weak_matchup = _named([line for line in _category(lines, "matchup") if line.weight < 100])
    if level == "red":
        why = [f"matchup quality {matchup} < 50" if matchup < 50 else "", f"score {score} < 50" if score < 50 else ""]
    elif level == "yellow":
        required = [line for line in lines if line.required and line.defaulted]
        why = [
            f"{len(required)} required default(s)" if required else "",
            f"score {score} < 70" if score < 70 else "",
            f"matchup quality {matchup} < 70" if matchup < 70 else "",
        ]
    else:
        why = [f"score {score} >= 70, matchup quality {matchup} >= 70, no required default"]
    text = f"{level}: " + "; ".join(w for w in why if w)
    return text + (
        f" (matchup features below full weight: {', '.join(weak_matchup)})" if weak_matchup and level != "green" else ""
    )


def alert_features(alert: str, lines: list[FeatureLine]) -> list[str]:
    """The features behind one quality alert string (docs/RULES.md#alert-level-and-alerts)."""
    by_index = {line.index: line for line in lines}
    if alert in ("all_matchup_features_defaulted", "matchup_quality_critical"):
        return _named([line for line in _category(lines, "matchup") if line.defaulted or line.weight < 100])
    if alert == "composite_factors_missing":
        return _named([by_index[i] for i in COMPOSITE_INDICES if by_index[i].defaulted])
    if alert == "opponent_defense_missing":
        return _named([by_index[i] for i in OPPONENT_DEFENSE_INDICES if by_index[i].defaulted])
    if alert.startswith("high_default_rate_"):
        return _named([line for line in lines if line.defaulted])
    if alert == "game_context_quality_critical":
        return _named([line for line in _category(lines, "game_context") if line.weight < 100])
    return []


def render_explanation(explanation: Explanation) -> str:
    e = explanation
    out = [f"{e.player_lookup} on {e.game_date}: score {e.score} ({e.tier}), alert level {e.alert_level}"]
    out.append(f"  score: {e.score_text}")
    out.append(f"  alert level: {e.alert_level_text}")
    for alert in e.alerts:
        out.append(f"  alert {alert['alert']}: {', '.join(alert['features']) or '-'}")
    out.append(f"  missing_processors: {e.missing_processors!r}; upstream_processors_ran: {e.upstream_processors_ran!r}")
    out.append("")
    out.append(f"  {'#':>2} {'feature':<30} {'R/O':<3} {'value':>9} {'tag':<16} {'weight':>6}  origin")
    for line in e.features:
        value = "NULL" if line.value is None else f"{line.value:.4g}"
        out.append(
            f"  {line.index:>2} {line.name:<30} {'R' if line.required else 'O':<3} {value:>9} {line.tag:<16} {line.weight:>6}  {line.origin}"
        )
    return "\n".join(out)
