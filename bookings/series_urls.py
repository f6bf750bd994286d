"""A group organiser's weekly series pages (filled in by the series work)."""

urlpatterns: list = []
