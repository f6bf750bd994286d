from django.apps import AppConfig


class MetricsConfig(AppConfig):
    """Openness and repeat-visit figures (DOMAIN.md, "Metric definitions"). Read-only: it
    reads spaces, scenes and bookings; nothing depends on it."""

    name = "metrics"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from spaces.extensions import register_venue_panel

        # The venue page links to its public openness figures (信息公开), after the hours;
        # a link only: the figures are computed on their own page.
        register_venue_panel(
            "metrics.openness",
            template="metrics/_openness_link.html",
            context=lambda request, page: {},
            order=80,
        )
