"""The operator desk's pages (filled in by the desk work)."""

urlpatterns: list = []
