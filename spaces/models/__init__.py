from spaces.models.hours import HolidayPolicy, OpeningException, OpeningHours
from spaces.models.photos import Photo
from spaces.models.venues import (
    AccessibilityFeature,
    Community,
    Room,
    Venue,
    VenueKind,
    VenueRole,
)

__all__ = [
    "AccessibilityFeature",
    "Community",
    "HolidayPolicy",
    "OpeningException",
    "OpeningHours",
    "Photo",
    "Room",
    "Venue",
    "VenueKind",
    "VenueRole",
]
