from django.apps import AppConfig


class BookingsConfig(AppConfig):
    name = "bookings"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # An event cannot be published over a booking that holds its room.
        from bookings.occupancy import booked
        from scenes.occupancy import register_room_occupancy

        register_room_occupancy("bookings", booked)

        # A scene, hours or exception change (or deleting a room, turning its bookings
        # off) that strands pending or confirmed bookings asks the operator first: keep
        # them as exceptions, or cancel them and tell each resident by SMS.
        from bookings import impact
        from spaces.impact import register_impact_provider

        register_impact_provider(
            "bookings",
            find=impact.find,
            keep=impact.keep,
            cancel=impact.cancel,
            default_message=impact.default_message,
        )

        # A resident's bookings, check-ins and ratings in their data download; deleting
        # the account frees future slots and anonymises the visit records metrics count.
        from bookings import personal_data

        personal_data.register()

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

        from django.utils.translation import gettext_lazy as _

        from spaces.extensions import register_operator_link

        # The front desk: check-ins, approvals, walk-ins, payments (bookings.desk_views).
        register_operator_link("desk", label=_("前台"), url_name="bookings:desk", order=20)
        # A community's history from its spreadsheets (bookings.ledger_views).
        register_operator_link("ledger", label=_("导入台账"), url_name="bookings:ledger", order=70)
