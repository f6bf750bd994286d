"""Where calendars shows its buttons: through the extension points of the pages it
belongs on (spaces' venue page, linli.extensions' page sections), so that nothing below
calendars imports it."""

from django.utils import timezone

from bookings.models import Status
from bookings.states import effective_status


def _booking_context(request, booking, **_):
    # Only what is still going to happen: a cancelled, rejected or past booking has
    # nothing left to add to a calendar.
    now = timezone.now()
    if booking.ends_at <= now or effective_status(booking, now) in (
        Status.CANCELLED,
        Status.REJECTED,
    ):
        return None
    return {}


def register() -> None:
    from linli.extensions import register_page_section
    from spaces.extensions import register_venue_panel

    register_venue_panel(
        "calendars.subscribe",
        template="calendars/_venue_link.html",
        context=lambda request, page: {},
        order=85,
    )
    register_page_section(
        "event", "calendars.add", template="calendars/_add_event.html", context=lambda r, **o: {}
    )
    register_page_section(
        "booking", "calendars.add", template="calendars/_add_booking.html", context=_booking_context
    )
    register_page_section(
        "group",
        "calendars.subscribe",
        template="calendars/_group_link.html",
        context=lambda r, **o: {},
    )
    register_page_section(
        "me", "calendars.mine", template="calendars/_me_link.html", context=lambda r, **o: {}
    )
    register_page_section(
        "operate.room",
        "calendars.room",
        template="calendars/_room_operate.html",
        context=lambda r, **o: {},
    )
