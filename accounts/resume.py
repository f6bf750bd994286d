"""Carry what a resident started through sign-in and consent, and finish it afterwards.

A visitor taps 报名 before signing in. The register view (a POST with a CSRF token) stores
the intent here, in the server-side session, and sends them to sign in. The intent runs
once, from the POST that completes sign-in: the code step, or the consent step when the
resident still has to agree. Both carry a CSRF token too, so nothing that changes data
ever runs from a GET or from a link someone else crafted, and an intent cannot be planted
from another site. Django's login() keeps the session's data (it only rotates the key);
declining consent logs out, which flushes the session and the intent with it.

Apps register the kinds of intent they can finish in ``AppConfig.ready()`` (scenes:
registering for an event; bookings next), so accounts need not know about them::

    resume.register("event_register", finish_event_register, label=register_label)
    resume.intent_store(request, kind="event_register", target="/events/12/",
                        label_args={"title": "品茶议事"}, event_id=12)

A handler takes ``user=`` and the stored keyword arguments and returns a ``Resumed``. The
label ("报名“品茶议事”") is worded when it is shown, from ``label_args``, so it follows a
language switch made on the sign-in page.
"""

import time
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme

SESSION_KEY = "linli_resume"
# Long enough to wait for a text message and read the privacy statement; short enough
# that a forgotten tap on a shared phone does not fire hours later.
MAX_AGE_SECONDS = 30 * 60


@dataclass(frozen=True)
class Resumed:
    url: str  # where to land: the event, with the outcome shown on it
    message: str
    ok: bool


_handlers: dict[str, Callable[..., Resumed]] = {}
_labels: dict[str, Callable[..., str]] = {}


def register(kind: str, handler: Callable[..., Resumed], *, label: Callable[..., str]) -> None:
    _handlers[kind] = handler
    _labels[kind] = label


def intent_store(
    request: HttpRequest, *, kind: str, target: str, label_args: dict, **params
) -> None:
    """Remember one pending action (the newest replaces any older one)."""
    if kind not in _handlers:
        raise ValueError(f"no resume handler registered for {kind!r}")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts=None):
        raise ValueError("a resume target must be a path on this site")
    request.session[SESSION_KEY] = {
        "kind": kind,
        "target": target,
        "label_args": label_args,
        "params": params,
        "at": time.time(),
    }


def _pending(request: HttpRequest) -> dict | None:
    intent = request.session.get(SESSION_KEY)
    if not isinstance(intent, dict) or intent.get("kind") not in _handlers:
        return None
    if time.time() - float(intent.get("at", 0)) > MAX_AGE_SECONDS:
        return None
    return intent


def intent_label(request: HttpRequest) -> str:
    """What will be finished after signing in ("报名“品茶议事”"), for the sign-in pages."""
    intent = _pending(request)
    return _labels[intent["kind"]](**intent.get("label_args", {})) if intent else ""


def intent_resume(request: HttpRequest) -> str | None:
    """Run the pending intent for the signed-in user, once; the URL to land on, or None.

    Call only from a POST that completes sign-in or consent. The outcome is a message on
    the landing page (success or the reason it could not be done).
    """
    intent = _pending(request)
    request.session.pop(SESSION_KEY, None)
    if intent is None or not request.user.is_authenticated:
        return None
    result = _handlers[intent["kind"]](user=request.user, **intent["params"])
    (messages.success if result.ok else messages.error)(request, result.message)
    return result.url
