"""Feature-store quality: the scorer (pure) and, alongside it, thresholds, checks and reports."""

from nba_features.phase4.ml_features.quality_scorer import DEFAULT_TAGS, SOURCE_WEIGHTS, quality_tier, score_feature_sources

__all__ = ["DEFAULT_TAGS", "SOURCE_WEIGHTS", "quality_tier", "score_feature_sources"]
