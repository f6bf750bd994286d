"""Operator pages for one venue: details, rooms, weekly hours, dated exceptions, photos.

Each view parses a form, calls the same service the API calls, and re-renders the form with
the service's message on failure, so nothing the operator typed is lost.
"""

import datetime as dt
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from linli.errors import DomainError
from linli.forms import add_domain_error
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

STAFF_SIGN_IN = "/accounts/staff/sign-in/"


def operator_view(view):
    """Signed-in staff who operate the venue in the URL; others get 403, never a peek."""

    @login_required(login_url=STAFF_SIGN_IN)
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


def _render(request, template, venue, **context):
    context.update(venue=venue, section=template.rsplit("/", 1)[-1].split(".")[0])
    name = f"spaces/operate/{template}"
    if request.htmx and request.htmx.target == "operate-form":
        name += "#form"
    return TemplateResponse(request, name, context)


@login_required(login_url=STAFF_SIGN_IN)
def index(request):
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
    form = VenueForm(
        request.POST or None, instance=venue, initial={"accessibility": venue.accessibility}
    )
    if request.method == "POST" and request.POST.get("action") == "geocode":
        _geocode_into(form)
        if not form.errors:
            messages.info(request, _("已根据地址填入坐标，请核对后保存。"))
        return _render(request, "venue.html", venue, form=form, geocoder=True)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            services.venue_update(
                user=request.user,
                venue=Venue.objects.get(pk=venue.pk),
                latitude=data.pop("latitude"),
                longitude=data.pop("longitude"),
                coordinate_system=data.pop("coordinate_system"),
                **data,
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("场馆信息已保存。"))
            return redirect("spaces:operate-venue", venue_id=venue.pk)
    return _render(request, "venue.html", venue, form=form, geocoder=geocoder_configured())


@operator_view
def rooms(request, venue):
    form = RoomForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.room_create(user=request.user, venue=venue, **form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("功能室已添加。"))
            return redirect("spaces:operate-rooms", venue_id=venue.pk)
    return _render(request, "rooms.html", venue, form=form, rooms=venue.rooms.all())


@operator_view
def room_edit(request, venue, room):
    delete_conflict = None
    if request.method == "POST" and request.POST.get("action") == "delete":
        try:
            services.room_delete(
                user=request.user,
                room=room,
                on_conflict=request.POST.get("on_conflict") or "ask",
                message=request.POST.get("cancel_message", ""),
            )
        except ImpactConflict as exc:
            delete_conflict = exc
        else:
            messages.success(request, _("功能室已删除。"))
            return redirect("spaces:operate-rooms", venue_id=venue.pk)
    initial = {
        "name": room.name,
        "capacity": room.capacity,
        "description": room.description,
        "amenities": join_list(room.amenities or []),
        "is_bookable": room.is_bookable,
        "order": room.order,
    }
    form = RoomForm(None if delete_conflict else request.POST or None, initial=initial)
    if request.method == "POST" and not delete_conflict and form.is_valid():
        try:
            services.room_update(user=request.user, room=room, **form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("功能室已保存。"))
            return redirect("spaces:operate-room", room_id=room.pk)
    return _render(
        request,
        "room.html",
        venue,
        form=form,
        room=room,
        delete_message=delete_conflict.message if delete_conflict else "",
        delete_affected=delete_conflict.items if delete_conflict else [],
    )


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


@operator_view
def hours_edit(request, venue, room=None):
    room_id = request.POST.get("room") or request.GET.get("room")
    room = get_object_or_404(Room, pk=room_id, venue=venue) if room_id else None
    form = WeeklyHoursForm(
        request.POST or None,
        initial=hours_initial(venue.hours.filter(room=room)),
        for_room=room is not None,
    )
    affected: list = []
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
                field_map = {f"rules.{i}": name for i, name in index.items()}
                field_map.update(
                    {
                        f"rules.{i}.{k}": name
                        for i, name in index.items()
                        for k in ("day", "opens", "closes")
                    }
                )
                add_domain_error(form, exc, field_map=field_map)
            else:
                if not affected:
                    messages.success(request, _("开放时间已保存。"))
                    url = f"{request.path}?room={room.pk}" if room else request.path
                    return redirect(url)
    return _render(
        request,
        "hours.html",
        venue,
        form=form,
        room=room,
        rooms=venue.rooms.all(),
        room_hidden=[("room", room.pk)] if room else [],
        affected=affected,
    )


@operator_view
def exceptions(request, venue):
    rooms = list(venue.rooms.all())
    if request.method == "POST" and request.POST.get("action") == "delete":
        row = get_object_or_404(OpeningException, pk=request.POST.get("id"), venue=venue)
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
            return _render(
                request,
                "exceptions.html",
                venue,
                form=ExceptionForm(rooms=rooms),
                upcoming=_upcoming(venue),
                delete_row=row,
                delete_message=exc.message,
                delete_affected=exc.items,
            )
        messages.success(request, _("已删除该日期的调整。"))
        return redirect("spaces:operate-exceptions", venue_id=venue.pk)
    form = ExceptionForm(request.POST or None, rooms=rooms)
    affected: list = []
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
            if not affected:
                messages.success(request, _("日期调整已保存。"))
                return redirect("spaces:operate-exceptions", venue_id=venue.pk)
    return _render(
        request, "exceptions.html", venue, form=form, upcoming=_upcoming(venue), affected=affected
    )


def _upcoming(venue):
    return venue.exceptions.filter(
        date__gte=selectors.local_today(venue) - dt.timedelta(days=1)
    ).select_related("room")


@operator_view
def photos(request, venue):
    from spaces.photos import photo_create, photo_delete

    rooms = list(venue.rooms.all())
    if request.method == "POST" and request.POST.get("action") == "delete":
        photo = get_object_or_404(Photo, pk=request.POST.get("id"), venue=venue)
        photo_delete(user=request.user, photo=photo)
        messages.success(request, _("照片已删除。"))
        return redirect("spaces:operate-photos", venue_id=venue.pk)
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
            messages.success(request, _("照片已上传。"))
            return redirect("spaces:operate-photos", venue_id=venue.pk)
    return _render(
        request,
        "photos.html",
        venue,
        form=form,
        photos=venue.photos.select_related("room"),
    )
