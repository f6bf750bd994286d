"""Registering for an event that was tapped before signing in (see accounts.resume).

The register view stores the intent when the visitor is not signed in (or has not agreed
yet); the sign-in or consent POST finishes it through ``finish_event_register`` and lands
on the event page with the outcome as a message, the card showing 已报名 or the waitlist.
"""

from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.resume import Resumed
from linli.errors import DomainError, NotFound
from scenes.models import EventRegistration
from scenes.selectors import events as event_selectors
from scenes.services import registrations as registration_services

KIND = "event_register"


def registration_flash(registration: EventRegistration) -> str:
    """What a resident is told right after registering: done, or their waitlist place."""
    if registration.status == EventRegistration.Status.WAITLISTED:
        return _("名额已满，你已加入候补（第 %(n)s 位），有人取消时会自动递补。") % {
            "n": registration_services.waitlist_position(registration)
        }
    return _("报名成功。")


def resume_label(*, title: str) -> str:
    """What the sign-in pages say will be done, in the language they are shown in."""
    return _("报名“%(title)s”") % {"title": title}


def finish_event_register(*, user, event_id: int) -> Resumed:
    try:
        event = event_selectors.event_get(event_id=event_id)
    except NotFound as exc:
        return Resumed(url=reverse("scenes:events"), message=str(exc.message), ok=False)
    url = reverse("scenes:event-detail", args=[event.pk])
    try:
        registration = registration_services.event_register(user=user, event=event)
    except DomainError as exc:  # full is not an error (waitlist); cancelled, started, twice are
        return Resumed(url=url, message=str(exc.message), ok=False)
    return Resumed(url=url, message=registration_flash(registration), ok=True)
