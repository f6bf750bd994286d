from scenes.choices import DayFilter, SceneKind, WhoMayBook
from scenes.models.events import Event, EventRegistration, EventSeries
from scenes.models.groups import Group, GroupInvitation, GroupMembership, GroupVenueApproval
from scenes.models.scenes import Scene

__all__ = [
    "DayFilter",
    "Event",
    "EventRegistration",
    "EventSeries",
    "Group",
    "GroupInvitation",
    "GroupMembership",
    "GroupVenueApproval",
    "Scene",
    "SceneKind",
    "WhoMayBook",
]
