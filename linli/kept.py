"""A bounded per-process store for values derived from a venue's schedule.

The availability grid (bookings.selectors.grid) and the metrics' schedule hours
(metrics.selectors.hours) are expensive to compute and change only with the venue's
``schedule_token`` (spaces.schedule). Each process keeps the last ``size`` of them under
keys that include the token: an entry under an old token is never asked for again and
ages out, so nothing needs invalidating across processes. Unlike Django's cache nothing
is pickled: callers must treat what they get as read-only (or copy it).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable


class Kept:
    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[Hashable, object] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable):
        """The value kept under ``key`` (now the most recently used), or None."""
        with self._lock:
            value = self._items.get(key)
            if value is not None:
                self._items.move_to_end(key)
            return value

    def put(self, key: Hashable, value) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()

    def __len__(self) -> int:
        return len(self._items)
