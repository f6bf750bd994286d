"""The feeds, each a class with ``stamp()`` and ``feed()`` (calendars.feeds.base says how
the two stay in step): public ones in ``public``, a resident's and a group's in
``private``."""

from calendars.feeds.base import KEEP_CANCELLED_DAYS, WEEKS_AHEAD, WEEKS_BACK, Stamp, Window
from calendars.feeds.private import BookingFile, GroupFeed, PersonalFeed
from calendars.feeds.public import EventFile, RoomFeed, VenueFeed, scene_bands

__all__ = [
    "KEEP_CANCELLED_DAYS",
    "WEEKS_AHEAD",
    "WEEKS_BACK",
    "BookingFile",
    "EventFile",
    "GroupFeed",
    "PersonalFeed",
    "RoomFeed",
    "Stamp",
    "VenueFeed",
    "Window",
    "scene_bands",
]
