"""Each app declares the personal data it holds, so residents can download and erase it.

An app registers one section in its ``AppConfig.ready()``::

    from accounts import personal_data

    personal_data.register(
        "bookings",
        export=lambda user: [booking_as_dict(b) for b in user.bookings.all()],
        erase=bookings_erase_for,   # (user) -> None: delete or anonymise the rows
    )

``export(user)`` returns JSON-serialisable data (dates and datetimes are fine) and must be
empty (``[]``/``{}``) when the app holds nothing about the person: that is how a declined
first sign-in knows the new account can simply go. A section of things others addressed to
the person (an invitation to their number) registers with ``keeps_account=False``: it is
exported and erased, but does not make an account that did nothing worth keeping. ``erase(user)`` runs inside the account
deletion's transaction, before the user row is deleted; rows that must survive for
statistics (a visit count) should lose the person (FK set to NULL), not block deletion.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from accounts.models import User

Export = Callable[[User], dict | list]
Erase = Callable[[User], None]

FORMAT = "linli-personal-data"
FORMAT_VERSION = 1


@dataclass(frozen=True)
class Section:
    name: str
    export: Export
    erase: Erase | None = None
    keeps_account: bool = True


_sections: dict[str, Section] = {}


def register(
    name: str, *, export: Export, erase: Erase | None = None, keeps_account: bool = True
) -> None:
    """Declare (or replace, so ``ready()`` may run twice) the section called ``name``."""
    _sections[name] = Section(name=name, export=export, erase=erase, keeps_account=keeps_account)


def unregister(name: str) -> None:
    _sections.pop(name, None)


def sections() -> list[Section]:
    """In registration order; ``accounts`` registers first."""
    return list(_sections.values())


def export_all(*, user: User) -> dict[str, Any]:
    """Everything Linli holds about ``user``: the body of their download."""
    from accounts.privacy import PRIVACY_POLICY_VERSION

    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "exported_at": timezone.now(),
        "privacy_policy_version": PRIVACY_POLICY_VERSION,
        "sections": {section.name: section.export(user) for section in sections()},
    }


def holds_data(*, user: User, ignore: tuple[str, ...] = ("account",)) -> bool:
    """Whether any app other than those in ``ignore`` exports something the account holds."""
    return any(
        section.export(user)
        for section in sections()
        if section.keeps_account and section.name not in ignore
    )


def erase_all(*, user: User) -> None:
    """Run every eraser, latest registered first (apps that build on others go first).

    The caller holds the transaction (``accounts.services.account_delete``).
    """
    for section in reversed(sections()):
        if section.erase is not None:
            section.erase(user)
