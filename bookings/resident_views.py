"""The resident's way to a booking: venue -> room and day -> start time -> confirm.

Real links and forms first: every start time on the grid is a link to the confirm step
with that start chosen; the confirm form posts to ``booking_create`` with a hidden
idempotency key made when the form was drawn, so a double tap books once. A signed-out
visitor who taps a start time signs in first and comes back to it (bookings.booking_resume).
Errors from the service appear next to the field they concern, with what was typed kept;
an ``overlap`` (someone was faster) shows the grid again with a message.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts import resume
from accounts.decorators import resident_gate
from bookings import booking_resume, idempotency
from bookings.booking_resume import START_FORMAT, confirm_url, grid_url
from bookings.resident_forms import BookingForm
from bookings.selectors.availability import Slot, room_availability
from bookings.services.bookings import booking_create
from linli.dates import month_day, month_day_weekday, relative_time
from linli.errors import DomainError
from linli.forms import add_domain_error, supported_date
from linli.pages import id_or_none
from scenes.models import Group, GroupMembership
from scenes.selectors.groups import group_can_book_at
from spaces import selectors as space_selectors
from spaces.extensions import VenuePage
from spaces.models import Room

DAYS_SHOWN = 14  # date chips: the next two weeks (within the selector's 31-day limit)


def yuan(fen: int) -> str:
    return f"¥{fen // 100}" if fen % 100 == 0 else f"¥{fen / 100:.2f}"


def duration_words(minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    if not rest:
        return ngettext("%(n)s 小时", "%(n)s 小时", hours) % {"n": hours}
    if not hours:
        return _("%(m)s 分钟") % {"m": rest}
    return _("%(h)s 小时 %(m)s 分钟") % {"h": hours, "m": rest}


def book_action(request: HttpRequest, page: VenuePage) -> dict | None:
    """The venue page's "预约" button (spaces' ``actions`` slot), when a room takes bookings."""
    if not any(room.is_bookable for room in page.rooms):
        return None
    return {"book_url": reverse("bookings:book", args=[page.venue.pk])}


@dataclass
class SceneBlock:
    """Start times of one scene on the chosen day, with what the scene means for a booking."""

    name: str
    kind: str
    price: str
    requires_approval: bool
    cells: list[dict]


def _blocks(room: Room, slots: list[Slot]) -> list[SceneBlock]:
    blocks: list[SceneBlock] = []
    for slot in slots:
        if not slot.can_start:
            continue
        if not blocks or blocks[-1].name != slot.scene_name:
            step = (slot.ends_at - slot.starts_at) / dt.timedelta(minutes=1)
            hourly = round(slot.price_fen * 60 / step) if step else 0
            blocks.append(
                SceneBlock(
                    name=slot.scene_name,
                    kind=slot.kind,
                    price=_("免费") if not hourly else _("每小时 %(p)s") % {"p": yuan(hourly)},
                    requires_approval=slot.requires_approval,
                    cells=[],
                )
            )
        blocks[-1].cells.append(
            {"time": f"{slot.starts_at:%H:%M}", "url": confirm_url(room, slot.starts_at)}
        )
    return blocks


def _day_label(day: dt.date, today: dt.date) -> str:
    if day == today:
        return _("今天")
    if day == today + dt.timedelta(days=1):
        return _("明天")
    return month_day_weekday(day).split(" ")[-1]


def grid_context(request: HttpRequest, venue, *, room_id=None, day=None) -> dict:
    today = space_selectors.local_today(venue)
    rooms = [r for r in venue.rooms.all() if r.is_bookable]
    context: dict = {"venue": venue, "rooms": rooms, "room": None, "days": [], "blocks": []}
    if not rooms:
        return context
    room = next((r for r in rooms if r.pk == room_id), rooms[0])
    slots = room_availability(
        room=room, start=today, end=today + dt.timedelta(days=DAYS_SHOWN), user=request.user
    )
    by_day: dict[dt.date, list[Slot]] = {}
    for slot in slots:
        by_day.setdefault(slot.day, []).append(slot)
    days = [d for d in sorted(by_day) if any(s.can_start for s in by_day[d])]
    if day not in days:
        day = days[0] if days else None
    context.update(
        room=room,
        day=day,
        day_words=month_day_weekday(day) if day else "",
        days=[
            {
                "date": d,
                "label": _day_label(d, today),
                "short": month_day(d),
                "url": grid_url(room, d),
                "current": d == day,
            }
            for d in days
        ],
        room_links=[{"room": r, "url": grid_url(r), "current": r == room} for r in rooms],
        blocks=_blocks(room, by_day.get(day, [])) if day else [],
    )
    return context


def book(request: HttpRequest, venue_id: int) -> HttpResponse:
    """Choose a room and a day, then tap a start time."""
    venue = space_selectors.venue_get(venue_id=venue_id)
    try:
        day = dt.date.fromisoformat(request.GET.get("date", ""))
    except ValueError:
        day = None
    context = grid_context(request, venue, room_id=id_or_none(request.GET.get("room")), day=day)
    return TemplateResponse(request, "bookings/book.html", context)


def _room_or_404(room_id: int) -> Room:
    room = space_selectors.room_get(room_id=room_id)
    if not room.venue.is_published:
        space_selectors.venue_get(venue_id=room.venue_id)  # raises the venue's 404
    return room


def _parse_start(room: Room, text: str) -> dt.datetime | None:
    try:
        start = dt.datetime.strptime(text or "", START_FORMAT).replace(tzinfo=room.venue.zone)
    except ValueError:
        return None
    return start if supported_date(start.date()) else None


def _leader_groups(user, venue) -> list[tuple[int, str]]:
    if not user.is_authenticated:
        return []
    groups = Group.objects.filter(
        memberships__user=user, memberships__role=GroupMembership.Role.LEADER
    ).order_by("name")
    return [(g.pk, g.name) for g in groups if group_can_book_at(group=g, venue=venue)]


def _lengths(slot: Slot) -> list[tuple[int, str]]:
    step = int((slot.ends_at - slot.starts_at) / dt.timedelta(minutes=1))
    first = -(-slot.min_duration_minutes // step) * step
    choices = []
    for minutes in range(first, slot.longest_minutes + 1, step):
        end = slot.starts_at + dt.timedelta(minutes=minutes)
        price = slot.price_for(minutes)
        words = _("%(length)s（%(start)s-%(end)s）") % {
            "length": duration_words(minutes),
            "start": f"{slot.starts_at:%H:%M}",
            "end": f"{end:%H:%M}",
        }
        if price:
            words += " " + yuan(price)
        choices.append((minutes, words))
    return choices


def _confirm_context(request, room: Room, slot: Slot, form: BookingForm) -> dict:
    now = timezone.now().astimezone(room.venue.zone)
    return {
        "venue": room.venue,
        "room": room,
        "slot": slot,
        "form": form,
        "when": f"{month_day_weekday(slot.starts_at)} {slot.starts_at:%H:%M}",
        "when_relative": relative_time(slot.starts_at, now),
        "back_url": grid_url(room, slot.day),
        "free": slot.price_fen == 0,
        "start_value": slot.starts_at.strftime(START_FORMAT),
    }


def book_confirm(request: HttpRequest, room_id: int) -> HttpResponse:
    """The chosen start: how long, how many people, what for; then book."""
    room = _room_or_404(room_id)
    source = request.POST if request.method == "POST" else request.GET
    starts_at = _parse_start(room, source.get("start", ""))
    if starts_at is None:
        messages.error(request, _("请先选择一个开始时间。"))
        return redirect(grid_url(room))
    gate = resident_gate(request, next_path=confirm_url(room, starts_at))
    if gate is not None:
        # Signed out (or not agreed yet): sign in first, then come back to this start.
        resume.intent_store(
            request,
            kind=booking_resume.KIND,
            target=confirm_url(room, starts_at),
            label_args={
                "room": room.name,
                "when": f"{month_day_weekday(starts_at)} {starts_at:%H:%M}",
            },
            room_id=room.pk,
            start=starts_at.strftime(START_FORMAT),
        )
        return gate
    if request.method == "POST":
        done = idempotency.stored(user=request.user, key=request.POST.get("key", ""))
        if done is not None:
            return redirect(
                "bookings:booking_detail",
                public_id=done.body.get("public_id") or done.body.get("id"),
            )
    day = starts_at.date()
    slots = room_availability(
        room=room, start=day, end=day + dt.timedelta(days=1), user=request.user
    )
    slot = next((s for s in slots if s.starts_at == starts_at and s.can_start), None)
    if slot is None:
        if request.method == "POST":
            # The first of two taps may have booked it a moment ago: that booking, no error.
            done = idempotency.stored(user=request.user, key=request.POST.get("key", ""))
            if done is not None:
                return redirect(
                    "bookings:booking_detail",
                    public_id=done.body.get("public_id") or done.body.get("id"),
                )
        messages.error(request, _("这个时段刚刚被别人约走了，或已不能预约，请另选时段。"))
        return redirect(grid_url(room, day))
    kwargs = {
        "lengths": _lengths(slot),
        "max_people": min(slot.max_people, room.capacity or slot.max_people),
        "groups": _leader_groups(request.user, room.venue),
    }
    if request.method != "POST":
        minutes = id_or_none(request.GET.get("minutes"))
        initial = {"key": secrets.token_urlsafe(16), "people": 1}
        if minutes:
            initial["minutes"] = minutes
        form = BookingForm(initial=initial, **kwargs)
        return TemplateResponse(
            request, "bookings/confirm.html", _confirm_context(request, room, slot, form)
        )
    form = BookingForm(request.POST, **kwargs)
    if form.is_valid():
        made = _create(request, room, starts_at, form)
        if made is not None:
            return made
    return TemplateResponse(
        request, "bookings/confirm.html", _confirm_context(request, room, slot, form)
    )


def _create(request, room: Room, starts_at: dt.datetime, form: BookingForm) -> HttpResponse | None:
    data = form.cleaned_data
    key = data.get("key") or ""
    group = Group.objects.filter(pk=data.get("group")).first() if data.get("group") else None
    ends_at = starts_at + dt.timedelta(minutes=data["minutes"])
    asked = {
        "room": room.pk,
        "starts_at": starts_at.isoformat(),
        "ends_at": ends_at.isoformat(),
        "people": data["people"],
        "purpose": data["purpose"],
        "group": group.pk if group else None,
    }

    def run(joined: bool):
        booking = booking_create(
            user=request.user,
            room=room,
            starts_at=starts_at,
            ends_at=ends_at,
            people=data["people"],
            purpose=data["purpose"],
            group=group,
            savepoint=not joined,  # see idempotency.idempotent()
        )
        return 201, {"public_id": booking.public_id}

    try:
        # The form's hidden key makes a double tap book once (bookings.idempotency, as
        # the API's Idempotency-Key does).
        _status, body = idempotency.idempotent(
            user=request.user,
            key=key or None,
            fingerprint=idempotency.fingerprint(asked),
            run=run,
        )
    except DomainError as exc:
        if exc.code == "idempotency_mismatch":
            # This form already booked (then came back, changed and sent again): that
            # booking; a different booking needs a fresh form.
            done = idempotency.stored(user=request.user, key=key)
            return redirect(
                "bookings:booking_detail",
                public_id=done.body.get("public_id") or done.body.get("id"),
            )
        if exc.code == "overlap":
            # The same form tapped twice at once: the first tap's booking, not an error.
            done = idempotency.stored(user=request.user, key=key)
            if done is not None:
                return redirect(
                    "bookings:booking_detail",
                    public_id=done.body.get("public_id") or done.body.get("id"),
                )
            messages.error(request, str(exc.message))
            return redirect(grid_url(room, starts_at.date()))
        add_domain_error(form, exc, field_map={"ends_at": "minutes", "starts_at": "__none__"})
        return None
    return redirect("bookings:booking_detail", public_id=body["public_id"])
