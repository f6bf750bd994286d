from django.apps import AppConfig


class MetricsConfig(AppConfig):
    """Openness and repeat-visit figures (DOMAIN.md, "Metric definitions"). Read-only: it
    reads spaces, scenes and bookings; nothing depends on it."""

    name = "metrics"
    default_auto_field = "django.db.models.BigAutoField"
