from scenes.models.events import Event, EventRegistration, EventSeries
from scenes.models.groups import Group, GroupInvitation, GroupMembership, GroupVenueApproval
from scenes.models.scenes import DayFilter, Scene, SceneKind, WhoMayBook

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
