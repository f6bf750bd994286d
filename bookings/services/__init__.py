"""Writes for bookings: bookings (create, cancel, decide), checkins (desk, poster,
headcounts, ratings, payments), series (a group's weekly bookings)."""
