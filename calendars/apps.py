from django.apps import AppConfig


class CalendarsConfig(AppConfig):
    """iCalendar feeds of events, rooms, bookings and groups (RFC 5545), for calendar apps
    to subscribe to. It reads scenes and bookings; nothing depends on it: its buttons reach
    other apps' pages through their extension points."""

    name = "calendars"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from calendars import panels, personal_data

        panels.register()
        personal_data.register()
