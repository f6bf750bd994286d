from django.apps import AppConfig


class ScenesConfig(AppConfig):
    name = "scenes"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from scenes.event_views import venue_events_panel
        from spaces.extensions import register_venue_panel

        # Upcoming events with seats left and a register button, after the week's hours.
        register_venue_panel(
            "scenes.events",
            template="scenes/events/_venue_panel.html",
            context=venue_events_panel,
            order=60,
        )
