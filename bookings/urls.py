"""Booking pages: the resident's (bookings.resident_urls) and the operator desk's
(bookings.desk_urls), kept apart so each side's views stay small."""

from bookings.desk_urls import urlpatterns as desk_patterns
from bookings.resident_urls import urlpatterns as resident_patterns

app_name = "bookings"
urlpatterns: list = [*resident_patterns, *desk_patterns]
