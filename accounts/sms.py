"""Sending a text message, through a backend chosen by ``settings.SMS_BACKEND``.

A backend is any class with ``send(self, phone: str, message: str) -> None`` that raises
``SmsError`` (or any exception) when the message was not accepted. Built-in names:

- ``"console"``: log the message (development; ``make demo`` shows it in the terminal);
- ``"file"``: append a line to ``settings.SMS_FILE_PATH`` (var/sms.log by default);
- ``"locmem"``: keep it in ``accounts.sms.outbox`` (tests: the ``sms_outbox`` fixture);
- otherwise a dotted path to a class, e.g. ``"myproject.sms.AliyunSender"``.

The backend is resolved on every send so that tests can switch it with ``settings``.
"""

import datetime as dt
import logging
import os
import threading
from dataclasses import dataclass, field
from typing import Protocol

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone
from django.utils.module_loading import import_string

logger = logging.getLogger("accounts.sms")


class SmsError(Exception):
    """The message could not be handed to the carrier."""


class SmsBackend(Protocol):
    def send(self, phone: str, message: str) -> None: ...


@dataclass(frozen=True)
class SmsMessage:
    phone: str
    message: str
    sent_at: dt.datetime = field(default_factory=timezone.now)


# The in-memory outbox of the "locmem" backend. A live_server test runs the site in another
# thread of the same process, so the test reads codes from here too.
outbox: list[SmsMessage] = []


class ConsoleBackend:
    def send(self, phone: str, message: str) -> None:
        # WARNING so the code reaches the terminal whatever LOG_LEVEL says.
        logger.warning("SMS to %s: %s", phone, message)


def _owner_only(path: str, flags: int) -> int:
    """Open for ``open(..., opener=)``, creating the file readable by its owner only: it
    holds phone numbers and live sign-in codes."""
    return os.open(path, flags, 0o600)


class FileBackend:
    _lock = threading.Lock()

    def send(self, phone: str, message: str) -> None:
        path = settings.SMS_FILE_PATH
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            line = f"{timezone.now().isoformat(timespec='seconds')}\t{phone}\t{message}\n"
            with self._lock, open(path, "a", encoding="utf-8", opener=_owner_only) as handle:
                handle.write(line)
        except OSError as exc:
            raise SmsError(f"cannot append to {path}: {exc}") from exc


class LocmemBackend:
    def send(self, phone: str, message: str) -> None:
        outbox.append(SmsMessage(phone=phone, message=message))


BUILTIN_BACKENDS = {
    "console": ConsoleBackend,
    "file": FileBackend,
    "locmem": LocmemBackend,
}


def backend_class(name: str | None = None) -> type:
    name = settings.SMS_BACKEND if name is None else name
    if not name:
        raise ImproperlyConfigured(
            "SMS_BACKEND is empty: residents could not receive sign-in codes. Set it to "
            '"console", "file", "locmem" or the dotted path of a class with '
            "send(phone, message)."
        )
    if name in BUILTIN_BACKENDS:
        return BUILTIN_BACKENDS[name]
    try:
        cls = import_string(name)
    except ImportError as exc:
        raise ImproperlyConfigured(f"SMS_BACKEND={name!r} cannot be imported: {exc}") from exc
    if not callable(getattr(cls, "send", None)):
        raise ImproperlyConfigured(f"SMS_BACKEND={name!r} has no send(phone, message) method")
    return cls


def get_backend() -> SmsBackend:
    return backend_class()()


def send(phone: str, message: str) -> None:
    """Send ``message`` to ``phone``; raises SmsError (or the backend's error) on failure."""
    get_backend().send(phone, message)


def check_settings() -> None:
    """Refuse to start when production has no way to deliver codes (AccountsConfig.ready)."""
    if not settings.DEBUG and not settings.SMS_BACKEND:
        raise ImproperlyConfigured(
            "DEBUG is off and SMS_BACKEND is empty: residents could not receive sign-in "
            'codes. Set SMS_BACKEND to the dotted path of your SMS sender (or "file" to '
            "write codes to SMS_FILE_PATH on a test server)."
        )
    if settings.SMS_BACKEND:
        backend_class()
