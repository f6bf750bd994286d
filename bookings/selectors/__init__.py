"""Reads for bookings: availability (slots) and bookings (getters, lists)."""
