"""Reads for metrics: ``metrics_for`` / ``metrics_series`` (the figures), ``metrics_venues``
(whose figures a user may read). Read-only: nothing here writes."""

from .access import metrics_venues
from .metrics import Metrics, SceneShares, metrics_for, metrics_series, metrics_with_series
from .visits import Cohort, Satisfaction

__all__ = [
    "Cohort",
    "Metrics",
    "Satisfaction",
    "SceneShares",
    "metrics_for",
    "metrics_series",
    "metrics_venues",
    "metrics_with_series",
]
