"""The operator's weekly scene planner and the residents' venue-page panels.

Every action is a real link or form; htmx (when present) opens the form in place
(#scene-editor), shows errors and conflicts inside it, and after a save swaps in the
re-rendered planner (#scene-planner). The same services as the API do the work.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from linli.errors import DomainError, NotFound
from linli.forms import add_domain_error
from linli.pages import confirmed, id_or_404, id_or_none
from scenes.booking_rules import KIND_DEFAULTS
from scenes.forms import SERVICE_FIELD_MAP, SceneForm, initial_for, initial_for_new
from scenes.impact import SceneImpactConflict
from scenes.models import Scene
from scenes.selectors import scenes as selectors
from scenes.selectors.planner import planner_week
from scenes.services.scenes import scene_create, scene_delete, scene_update
from spaces.operator_views import operator_view
from spaces.selectors import local_today

TEMPLATE = "scenes/planner.html"


def _date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value or "")
    except ValueError:
        return None


def _week_start(request: HttpRequest, venue) -> dt.date:
    day = _date(request.GET.get("day")) or _date(
        request.GET.get("week") or request.POST.get("week")
    )
    return _monday(day or local_today(venue))


def _day_shown(request: HttpRequest, venue, week_start: dt.date) -> dt.date:
    """The day a phone shows: ?day=, else today when in the week, else its Monday."""
    day = _date(request.GET.get("day") or request.POST.get("day"))
    if day is not None and _monday(day) == week_start:
        return day
    today = local_today(venue)
    return today if _monday(today) == week_start else week_start


def _planner_url(venue, week: dt.date, **params) -> str:
    query = urlencode({"week": week.isoformat(), **params})
    return f"{reverse('scenes:planner', args=[venue.pk])}?{query}"


def _defaults_text() -> list[str]:
    lines = []
    for kind, label in Scene._meta.get_field("kind").choices:
        d = KIND_DEFAULTS[kind]
        lines.append(
            _(
                "%(kind)s：每小时 %(price)s 元，粒度 %(slot)s 分钟，"
                "时长 %(low)s-%(high)s 分钟，提前 %(notice)s 分钟至 %(days)s 天预约"
            )
            % {
                "kind": label,
                "price": f"{d['price_per_hour_fen'] / 100:g}",
                "slot": d["slot_minutes"],
                "low": d["min_duration_minutes"],
                "high": d["max_duration_minutes"],
                "notice": d["min_notice_minutes"],
                "days": d["max_days_ahead"],
            }
        )
    return lines


def _render(request, venue, *, week_start, form=None, scene=None, partial=None, **extra):
    """The full page, or the part htmx asked for (``partial`` overrides the choice)."""
    context = {
        "venue": venue,
        "section": "scenes",
        "form": form,
        "scene": scene,
        "week_start": week_start,
        "prev_week": week_start - dt.timedelta(days=7),
        "next_week": week_start + dt.timedelta(days=7),
        "this_week": _monday(local_today(venue)),
        "kind_defaults": _defaults_text(),
        **extra,
    }
    context["day"] = day = _day_shown(request, venue, week_start)
    if form is not None:
        context["form_action"] = (
            reverse("scenes:planner-scene", args=[venue.pk, scene.pk])
            if scene is not None
            else reverse("scenes:planner", args=[venue.pk])
        )
    target = request.htmx.target if request.htmx else None
    if partial is None and target == "scene-editor":
        partial = "editor"
    elif partial is None and target == "scene-planner":
        partial = "planner"
    if partial == "editor" and form is None:
        return HttpResponse("")  # "取消": the editor closes
    if partial != "editor":
        context["week"] = week = planner_week(venue=venue, start=week_start)
        context["scenes"] = selectors.scene_list(venue=venue)
        context.update(
            day_info=next(d for d in week.days if d.date == day),
            day_rows=week.day_rows(day),
            prev_day=day - dt.timedelta(days=1),
            next_day=day + dt.timedelta(days=1),
            today=local_today(venue),
        )
    name = f"{TEMPLATE}#{partial}" if partial else TEMPLATE
    # Errors come back with 200: htmx swaps only successful responses.
    return TemplateResponse(request, name, context)


def _monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def _saved(request, venue, scene: Scene | None, week_start: dt.date, message: str):
    warnings = [n.message for n in selectors.scene_warnings(scene=scene)] if scene else []
    if request.htmx:
        response = _render(
            request,
            venue,
            week_start=week_start,
            partial="planner",
            saved_message=message,
            saved_warnings=warnings,
        )
        response["HX-Retarget"] = "#scene-planner"
        response["HX-Reswap"] = "innerHTML"
        return response
    messages.success(request, message)
    for warning in warnings:
        messages.warning(request, warning)
    # Back to the day the phone showed (the form carries it).
    day = _date(request.POST.get("day"))
    return redirect(_planner_url(venue, week_start, **({"day": day.isoformat()} if day else {})))


def _scene_or_404(scene_id: int, venue) -> Scene:
    try:
        return selectors.scene_get(scene_id=scene_id, venue=venue)
    except NotFound as exc:
        raise Http404(str(exc.message)) from None


def _call(form: SceneForm, action) -> tuple[Scene | None, list]:
    """Run a service; put its error on the form. Returns (scene, affected items)."""
    if not form.is_bound:
        form.cleaned_data = {}  # the delete form is unbound; add_error needs this
    try:
        return action(), []
    except SceneImpactConflict as exc:
        form.add_error(None, str(exc.message))
        form.ask_about(exc.items)
        return None, exc.items
    except DomainError as exc:
        add_domain_error(form, exc, field_map=SERVICE_FIELD_MAP)
        return None, []


@operator_view
def planner(request: HttpRequest, venue) -> HttpResponse:
    """GET: the week; ?new=1 or ?edit=<id> opens the form. POST: create a scene."""
    week_start = _week_start(request, venue)
    if request.method == "POST":
        form = SceneForm(request.POST, venue=venue)
        affected: list = []
        if form.is_valid():
            fields = form.service_fields()
            scene, affected = _call(
                form,
                lambda: scene_create(
                    user=request.user,
                    venue=venue,
                    on_conflict=form.cleaned_data["on_conflict"] or "ask",
                    message=form.cleaned_data["cancel_message"],
                    **fields,
                ),
            )
            if scene is not None:
                return _saved(
                    request,
                    venue,
                    scene,
                    week_start,
                    _("场景“%(name)s”已创建。") % {"name": scene.name},
                )
        return _render(request, venue, week_start=week_start, form=form, affected=affected)
    form = scene = None
    if edit := request.GET.get("edit"):
        scene = _scene_or_404(id_or_404(edit), venue)
        form = SceneForm(venue=venue, scene=scene, initial=initial_for(scene))
    elif request.GET.get("new"):
        room_id = request.GET.get("room")
        start = request.GET.get("start")
        try:
            start_time = dt.time.fromisoformat(start) if start else None
        except ValueError:
            start_time = None
        day = _date(request.GET.get("date"))
        form = SceneForm(
            venue=venue,
            initial=initial_for_new(
                day=day,
                valid_from=day or max(week_start, local_today(venue)),
                room_id=id_or_none(room_id),
                start=start_time,
            ),
        )
    return _render(request, venue, week_start=week_start, form=form, scene=scene)


@operator_view
def planner_scene(request: HttpRequest, venue, scene_id: int) -> HttpResponse:
    """POST: save changes to a scene, or delete it (action=delete)."""
    week_start = _week_start(request, venue)
    scene = _scene_or_404(scene_id, venue)
    if request.method != "POST":
        return redirect(_planner_url(venue, week_start, edit=scene.pk))
    if request.POST.get("action") == "delete":
        # Unbound (the scene as saved), keeping the operator's choice if asked again.
        form = SceneForm(
            venue=venue,
            scene=scene,
            initial={
                **initial_for(scene),
                "on_conflict": request.POST.get("on_conflict", ""),
                "cancel_message": request.POST.get("cancel_message", ""),
            },
        )
        name = scene.name
        # The question first (the impact step, when there is one, asks again with details).
        if not (confirmed(request) or request.POST.get("on_conflict")):
            return _render(
                request, venue, week_start=week_start, form=form, scene=scene, deleting=True
            )

        def delete() -> Scene:
            scene_delete(
                user=request.user,
                scene=scene,
                on_conflict=request.POST.get("on_conflict") or "ask",
                message=request.POST.get("cancel_message", ""),
            )
            return scene

        _deleted, affected = _call(form, delete)
        if not form.errors:
            return _saved(
                request, venue, None, week_start, _("场景“%(name)s”已删除。") % {"name": name}
            )
        return _render(
            request,
            venue,
            week_start=week_start,
            form=form,
            scene=scene,
            affected=affected,
            deleting=True,
        )
    form = SceneForm(request.POST, venue=venue, scene=scene)
    affected = []
    if form.is_valid():
        fields = form.service_fields()
        rooms = fields.pop("rooms")
        saved, affected = _call(
            form,
            lambda: scene_update(
                user=request.user,
                scene=scene,
                rooms=rooms,
                on_conflict=form.cleaned_data["on_conflict"] or "ask",
                message=form.cleaned_data["cancel_message"],
                **fields,
            ),
        )
        if saved is not None:
            return _saved(
                request,
                venue,
                saved,
                week_start,
                _("场景“%(name)s”已保存。") % {"name": saved.name},
            )
    return _render(request, venue, week_start=week_start, form=form, scene=scene, affected=affected)
