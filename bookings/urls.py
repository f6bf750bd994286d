"""Booking pages: the resident's (bookings.resident_urls) and the operator desk's
(bookings.desk_urls), a group's series (bookings.series_urls) and the ledger upload
(bookings.ledger_urls), kept apart so each side's views stay small."""

from bookings.desk_urls import urlpatterns as desk_patterns
from bookings.ledger_urls import urlpatterns as ledger_patterns
from bookings.resident_urls import urlpatterns as resident_patterns
from bookings.series_urls import urlpatterns as series_patterns

app_name = "bookings"
urlpatterns: list = [*resident_patterns, *desk_patterns, *series_patterns, *ledger_patterns]
