"""A resident's pseudonym in visit records (see bookings.models.Visitor)."""

from __future__ import annotations

import uuid

from bookings.models import Visitor


def visitor_key(user) -> uuid.UUID:
    """The resident's visitor key, created on first use."""
    visitor, _ = Visitor.objects.get_or_create(user=user)
    return visitor.key
