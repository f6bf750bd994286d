from django.urls import path

from calendars import pages, views

app_name = "calendars"
urlpatterns = [
    # Feeds (text/calendar; no session needed, except for one's own booking)
    path("calendars/venues/<id:venue_id>.ics", views.venue_feed, name="venue-feed"),
    path("calendars/rooms/<id:room_id>.ics", views.room_feed, name="room-feed"),
    path("calendars/me/<str:token>.ics", views.personal_feed, name="personal-feed"),
    path("calendars/groups/<str:token>.ics", views.group_feed, name="group-feed"),
    path("calendars/bookings/<str:public_id>.ics", views.booking_file, name="booking-file"),
    path("calendars/events/<id:event_id>.ics", views.event_file, name="event-file"),
    # Pages
    path("calendars/", pages.mine, name="mine"),
    path("calendars/venues/<id:venue_id>/", pages.venue_subscribe, name="venue"),
    path("calendars/rooms/<id:room_id>/", pages.room_subscribe, name="room"),
]
