from django.urls import path

from linli import converters  # noqa: F401  (registers <id:...>)
from spaces import media_views, operator_views, views

app_name = "spaces"
urlpatterns = [
    path("venues/", views.venue_list, name="venue-list"),
    path("venues/<id:venue_id>/", views.venue_detail, name="venue-detail"),
    path("operate/", operator_views.index, name="operate"),
    path("operate/venues/<id:venue_id>/", operator_views.venue_edit, name="operate-venue"),
    path("operate/venues/<id:venue_id>/rooms/", operator_views.rooms, name="operate-rooms"),
    path("operate/rooms/<id:room_id>/", operator_views.room_edit, name="operate-room"),
    path("operate/venues/<id:venue_id>/hours/", operator_views.hours_edit, name="operate-hours"),
    path(
        "operate/venues/<id:venue_id>/exceptions/",
        operator_views.exceptions,
        name="operate-exceptions",
    ),
    path("operate/venues/<id:venue_id>/photos/", operator_views.photos, name="operate-photos"),
    path("photos/<path:path>", media_views.serve_photo, name="photo"),
]
