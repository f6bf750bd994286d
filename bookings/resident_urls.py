"""The resident's booking pages (filled in by the resident pages work)."""

urlpatterns: list = []
