"""A group organiser's weekly series pages (bookings.series_views)."""

from django.urls import path

from bookings import series_views
from linli import converters  # noqa: F401  (registers <id:...>)

urlpatterns: list = [
    path("groups/<id:group_id>/series/new/", series_views.series_new, name="series-new"),
    path("series/<str:public_id>/", series_views.series_detail, name="series-detail"),
    path("series/<str:public_id>/cancel/", series_views.series_cancel_all, name="series-cancel"),
    path(
        "series/<str:public_id>/dates/<str:booking_id>/cancel/",
        series_views.series_cancel_date,
        name="series-cancel-date",
    ),
]
