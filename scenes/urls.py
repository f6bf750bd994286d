from django.urls import path

from linli import converters  # noqa: F401  (registers <id:...>)
from scenes import event_views, group_views, views

app_name = "scenes"
urlpatterns: list = []

# The operator's weekly scene planner (scenes/views.py).
urlpatterns += [
    path("operate/venues/<id:venue_id>/scenes/", views.planner, name="planner"),
    path(
        "operate/venues/<id:venue_id>/scenes/<id:scene_id>/",
        views.planner_scene,
        name="planner-scene",
    ),
]

# Groups and events (scenes/event_views.py).
urlpatterns += [
    path("events/", event_views.events_list, name="events"),
    path("events/<id:event_id>/", event_views.event_detail, name="event-detail"),
    path("events/series/<id:series_id>/", event_views.event_series, name="event-series"),
    path("events/<id:event_id>/register/", event_views.event_register, name="event-register"),
    path(
        "events/<id:event_id>/unregister/",
        event_views.event_unregister,
        name="event-unregister",
    ),
    path(
        "operate/venues/<id:venue_id>/events/",
        event_views.operate_events,
        name="operate-events",
    ),
    path(
        "operate/venues/<id:venue_id>/events/<id:event_id>/",
        event_views.operate_event,
        name="operate-event",
    ),
    path(
        "operate/venues/<id:venue_id>/groups/",
        event_views.operate_groups,
        name="operate-groups",
    ),
]

# Residents' groups (scenes/group_views.py).
urlpatterns += [
    path("groups/", group_views.groups_mine, name="groups"),
    path("groups/new/", group_views.group_new, name="group-new"),
    path("groups/join/", group_views.group_join, name="group-join"),
    path("groups/<id:group_id>/", group_views.group_detail, name="group-detail"),
    path("groups/<id:group_id>/invite/", group_views.group_invite, name="group-invite"),
    path(
        "groups/<id:group_id>/invite-code/",
        group_views.group_invite_code_reset,
        name="group-invite-code",
    ),
    path(
        "groups/invitations/<id:invitation_id>/accept/",
        group_views.invitation_accept,
        name="invitation-accept",
    ),
    path(
        "groups/invitations/<id:invitation_id>/decline/",
        group_views.invitation_decline,
        name="invitation-decline",
    ),
]
