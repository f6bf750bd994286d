from django.apps import AppConfig


class MetricsConfig(AppConfig):
    """Openness and repeat-visit figures (DOMAIN.md, "Metric definitions"). Read-only: it
    reads spaces, scenes and bookings; nothing depends on it."""

    name = "metrics"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from spaces.extensions import register_operator_link, register_venue_panel

        # The figures of the venue, after the venue's day-to-day tabs.
        register_operator_link(
            "metrics", label=_("数据"), url_name="metrics:venue-dashboard", order=90
        )

        # The venue page links to its public openness figures (信息公开), after the hours;
        # a link only: the figures are computed on their own page.
        register_venue_panel(
            "metrics.openness",
            template="metrics/_openness_link.html",
            context=lambda request, page: {},
            order=80,
        )
