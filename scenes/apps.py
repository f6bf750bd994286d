from django.apps import AppConfig


class ScenesConfig(AppConfig):
    name = "scenes"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from scenes.event_views import venue_events_panel
        from scenes.panels import now_panel, week_panel
        from spaces.extensions import register_venue_panel

        # "现在：公益时段（至 18:00），之后：商业时段" under the open/closed badge, and the
        # coming week's scene bands right after the opening hours.
        register_venue_panel(
            "scenes.now",
            template="scenes/_now_panel.html",
            context=now_panel,
            order=10,
            slot="status",
        )
        register_venue_panel(
            "scenes.week",
            template="scenes/_week_strip.html",
            context=week_panel,
            order=20,
        )

        # Upcoming events with seats left and a register button, after the week's hours.
        register_venue_panel(
            "scenes.events",
            template="scenes/events/_venue_panel.html",
            context=venue_events_panel,
            order=60,
        )
