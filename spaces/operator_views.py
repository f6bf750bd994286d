"""Operator pages for one venue: details, rooms, weekly hours, dated exceptions, photos.

Each view parses a form, calls the same service the API calls, and re-renders the form with
the service's message on failure, so nothing the operator typed is lost. Every page follows
the form convention of linli/pages.py: its ``page()`` renders the region (#operate-region)
from the database, for the first GET, a failed POST and, under htmx, after a save.
"""

import datetime as dt
from functools import wraps

from django.contrib import messages
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.decorators import staff_login_required
from linli.errors import DomainError
from linli.forms import add_domain_error
from linli.pages import confirmation, confirmed, id_or_404, render_region, saved
from linli.text import join_list
from spaces import selectors, services
from spaces.forms import (
    ExceptionForm,
    PhotoForm,
    RoomForm,
    VenueForm,
    WeeklyHoursForm,
    hours_initial,
)
from spaces.geocoding import geocoder_configured
from spaces.impact import ImpactConflict
from spaces.models import OpeningException, Photo, Room, Venue
from spaces.permissions import venue_can_operate, venues_operated_by


def operator_view(view):
    """Signed-in staff who operate the venue in the URL; others get 403, never a peek."""

    @staff_login_required
    @wraps(view)
    def wrapper(request, *args, venue_id=None, room_id=None, **kwargs):
        if room_id is not None:
            room = get_object_or_404(Room.objects.select_related("venue"), pk=room_id)
            venue, kwargs["room"] = room.venue, room
        else:
            venue = get_object_or_404(Venue, pk=venue_id)
        if not venue_can_operate(user=request.user, venue=venue):
            raise DjangoPermissionDenied
        return view(request, venue, *args, **kwargs)

    return wrapper


# Every operator page swaps this element (see linli/pages.py for the convention).
REGION = "operate-region"


def _render(request, template, venue, **context):
    context.update(venue=venue, section=template.rsplit("/", 1)[-1].split(".")[0])
    return render_region(request, f"spaces/operate/{template}", context, region_id=REGION)


@staff_login_required
def index(request):
    # Residents never see staff pages, not even an empty list of venues.
    if not request.user.is_staff:
        raise DjangoPermissionDenied
    venues = venues_operated_by(user=request.user).select_related("community")
    return TemplateResponse(request, "spaces/operate/index.html", {"venues": venues})


def _geocode_into(form: VenueForm) -> None:
    """Fill the coordinates from the address; the operator still reviews and saves."""
    from spaces.geocoding import geocode_address

    data = form.data.copy()
    try:
        lat, lon = geocode_address(data.get("address", ""))
    except DomainError as exc:
        form.is_valid()
        form.add_error(
            "address" if "address" in exc.fields or not exc.fields else None, str(exc.message)
        )
        return
    data.update(latitude=f"{lat:.6f}", longitude=f"{lon:.6f}", coordinate_system="wgs84")
    form.data = data
    form.is_valid()


@operator_view
def venue_edit(request, venue):
    def page(form=None, **extra):
        form = form or VenueForm(instance=venue, initial={"accessibility": venue.accessibility})
        extra.setdefault("geocoder", geocoder_configured())
        return _render(request, "venue.html", venue, form=form, **extra)

    if request.method != "POST":
        return page()
    form = VenueForm(request.POST, instance=venue, initial={"accessibility": venue.accessibility})
    if request.POST.get("action") == "geocode":
        _geocode_into(form)
        found = None if form.errors else _("已根据地址填入坐标，请核对后保存。")
        return page(form, geocoder=True, saved_message=found)
    if form.is_valid():
        data = dict(form.cleaned_data)
        try:
            services.venue_update(
                user=request.user,
                # A fresh copy: the form has already written the input onto ``venue``.
                venue=Venue.objects.get(pk=venue.pk),
                latitude=data.pop("latitude"),
                longitude=data.pop("longitude"),
                coordinate_system=data.pop("coordinate_system"),
                **data,
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            venue = Venue.objects.get(pk=venue.pk)
            return saved(
                request,
                _("场馆信息已保存。"),
                url=reverse("spaces:operate-venue", args=[venue.pk]),
                render=page,
            )
    return page(form)


@operator_view
def rooms(request, venue):
    def page(form=None, **extra):
        form = form or RoomForm()
        return _render(request, "rooms.html", venue, form=form, rooms=venue.rooms.all(), **extra)

    form = RoomForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.room_create(user=request.user, venue=venue, **form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            return saved(
                request,
                _("功能室已添加。"),
                url=reverse("spaces:operate-rooms", args=[venue.pk]),
                render=page,
            )
    return page(form)


def _room_initial(room: Room) -> dict:
    return {
        "name": room.name,
        "capacity": room.capacity,
        "description": room.description,
        "amenities": join_list(room.amenities or []),
        "is_bookable": room.is_bookable,
        "order": room.order,
    }


@operator_view
def room_edit(request, venue, room):
    def page(form=None, **extra):
        fresh = Room.objects.get(pk=room.pk)
        form = form or RoomForm(initial=_room_initial(fresh))
        return _render(request, "room.html", venue, form=form, room=fresh, **extra)

    if request.method == "POST" and request.POST.get("action") == "delete":
        # The impact step (events to cancel) already asks; otherwise ask once here.
        if not (confirmed(request) or request.POST.get("on_conflict")):
            return page(
                confirm=confirmation(
                    question=_("确定删除功能室“%(name)s”吗？") % {"name": room.name},
                    detail=_("它的照片和开放时间会一起删除，删除后无法恢复。"),
                    label=_("确认删除"),
                    fields={"action": "delete"},
                    cancel_url=request.path,
                )
            )
        try:
            services.room_delete(
                user=request.user,
                room=room,
                on_conflict=request.POST.get("on_conflict") or "ask",
                message=request.POST.get("cancel_message", ""),
            )
        except ImpactConflict as exc:
            # Events to come in this room: ask first, in the delete section of the page.
            return page(
                delete_message=exc.message,
                delete_affected=exc.items,
                delete_kinds={item.kind for item in exc.items},
            )
        # The room's page is gone: the confirmation waits on the list of rooms.
        messages.success(request, _("功能室已删除。"))
        return redirect("spaces:operate-rooms", venue_id=venue.pk)

    form = RoomForm(request.POST or None, initial=_room_initial(room))
    if request.method == "POST" and form.is_valid():
        changes = {
            k: v for k, v in form.cleaned_data.items() if k not in ("on_conflict", "cancel_message")
        }
        try:
            # Turning bookings off with bookings to come asks first (keep / cancel).
            affected = _settle(
                form,
                lambda **impact: services.room_update(
                    user=request.user, room=room, **changes, **impact
                ),
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            if affected:
                return page(form, affected=affected)
            return saved(
                request,
                _("功能室已保存。"),
                url=reverse("spaces:operate-room", args=[room.pk]),
                render=page,
            )
    return page(form)


def _settle(form, call) -> list:
    """Run a write that may close time promised to residents; on ImpactConflict put the
    question on the form (keep / cancel) and return the affected items."""
    try:
        call(**form.impact_params())
    except ImpactConflict as exc:
        form.add_error(None, str(exc.message))
        form.ask_about(exc.items)
        return exc.items
    return []


def _hours_field_map(index: dict) -> dict:
    """Service error fields (rules.3.opens) -> the form's day field that held that rule."""
    field_map = {f"rules.{i}": name for i, name in index.items()}
    field_map.update(
        {f"rules.{i}.{k}": name for i, name in index.items() for k in ("day", "opens", "closes")}
    )
    return field_map


@operator_view
def hours_edit(request, venue, room=None):
    room_id = request.POST.get("room") or request.GET.get("room")
    room = get_object_or_404(Room, pk=id_or_404(room_id), venue=venue) if room_id else None

    def initial():
        return hours_initial(venue.hours.filter(room=room))

    def page(form=None, **extra):
        return _render(
            request,
            "hours.html",
            venue,
            form=form or WeeklyHoursForm(initial=initial(), for_room=room is not None),
            room=room,
            rooms=venue.rooms.all(),
            room_hidden=[("room", room.pk)] if room else [],
            **extra,
        )

    form = WeeklyHoursForm(request.POST or None, initial=initial(), for_room=room is not None)
    if request.method == "POST" and form.is_valid():
        rules, index = form.rules()
        if not form.errors:
            try:
                affected = _settle(
                    form,
                    lambda **impact: services.hours_set(
                        user=request.user, venue=venue, room=room, rules=rules, **impact
                    ),
                )
            except DomainError as exc:
                add_domain_error(form, exc, field_map=_hours_field_map(index))
            else:
                if affected:
                    return page(form, affected=affected)
                return saved(
                    request,
                    _("开放时间已保存。"),
                    url=f"{request.path}?room={room.pk}" if room else request.path,
                    render=page,
                )
    return page(form)


def _ask_delete(page, pk: int, *, question: str, detail: str, cancel_url: str):
    """The first tap on a list row's delete: the region asks, beside that row."""
    return page(
        confirm_id=pk,
        confirm=confirmation(
            question=question,
            detail=detail,
            label=_("确认删除"),
            fields={"action": "delete", "id": pk},
            cancel_url=cancel_url,
            region=REGION,
        ),
    )


@operator_view
def exceptions(request, venue):
    rooms = list(venue.rooms.all())
    url = reverse("spaces:operate-exceptions", args=[venue.pk])

    def page(form=None, **extra):
        upcoming = venue.exceptions.filter(
            date__gte=selectors.local_today(venue) - dt.timedelta(days=1)
        ).select_related("room")
        form = form or ExceptionForm(rooms=rooms)
        return _render(request, "exceptions.html", venue, form=form, upcoming=upcoming, **extra)

    if request.method == "POST" and request.POST.get("action") == "delete":
        row = get_object_or_404(OpeningException, pk=id_or_404(request.POST.get("id")), venue=venue)
        if not (confirmed(request) or request.POST.get("on_conflict")):
            return _ask_delete(
                page,
                row.pk,
                question=_("确定删除这条日期调整吗？"),
                detail=_("删除后这一天恢复平常的开放时间。"),
                cancel_url=url,
            )
        try:
            services.exception_delete(
                user=request.user,
                venue=venue,
                date=row.date,
                room=row.room,
                on_conflict=request.POST.get("on_conflict") or "ask",
                message=request.POST.get("cancel_message", ""),
            )
        except ImpactConflict as exc:
            return page(
                delete_row=row,
                delete_message=exc.message,
                delete_affected=exc.items,
                delete_kinds={item.kind for item in exc.items},
            )
        return saved(request, _("已删除该日期的调整。"), url=url, render=page)
    form = ExceptionForm(request.POST or None, rooms=rooms)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        room = next((r for r in rooms if r.pk == data["room"]), None)
        try:
            affected = _settle(
                form,
                lambda **impact: services.exception_set(
                    user=request.user,
                    venue=venue,
                    room=room,
                    date=data["date"],
                    reason=data["reason"],
                    intervals=data["hours"],
                    **impact,
                ),
            )
        except DomainError as exc:
            add_domain_error(form, exc, field_map={f"intervals.{i}": "hours" for i in range(20)})
        else:
            if affected:
                return page(form, affected=affected)
            return saved(request, _("日期调整已保存。"), url=url, render=page)
    return page(form)


@operator_view
def photos(request, venue):
    from spaces.photos import photo_create, photo_delete

    rooms = list(venue.rooms.all())
    url = reverse("spaces:operate-photos", args=[venue.pk])

    def page(form=None, **extra):
        form = form or PhotoForm(rooms=rooms)
        photos = venue.photos.select_related("room")
        return _render(request, "photos.html", venue, form=form, photos=photos, **extra)

    if request.method == "POST" and request.POST.get("action") == "delete":
        photo = get_object_or_404(Photo, pk=id_or_404(request.POST.get("id")), venue=venue)
        if not confirmed(request):
            return _ask_delete(
                page,
                photo.pk,
                question=_("确定删除这张照片吗？"),
                detail=_("删除后无法恢复，居民页面上也不再显示。"),
                cancel_url=url,
            )
        photo_delete(user=request.user, photo=photo)
        return saved(request, _("照片已删除。"), url=url, render=page)
    form = PhotoForm(request.POST or None, request.FILES or None, rooms=rooms)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        room = next((r for r in rooms if r.pk == data["room"]), None)
        try:
            photo_create(
                user=request.user,
                venue=venue,
                room=room,
                upload=data["image"],
                caption=data["caption"],
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            return saved(request, _("照片已上传。"), url=url, render=page)
    return page(form)
