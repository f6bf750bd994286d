from django.apps import AppConfig


class BookingsConfig(AppConfig):
    name = "bookings"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from accounts import resume
        from bookings import booking_resume
        from bookings.resident_views import book_action
        from spaces.extensions import register_venue_panel

        # The venue page's "预约" button, first in its call-to-action row.
        register_venue_panel(
            "bookings.book",
            template="bookings/_book_action.html",
            context=book_action,
            order=10,
            slot="actions",
        )
        # Tapping a start time before signing in comes back to it after sign-in.
        resume.register(
            booking_resume.KIND,
            booking_resume.finish_booking_start,
            label=booking_resume.resume_label,
        )
