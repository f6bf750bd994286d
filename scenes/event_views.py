"""Pages for events, and operators' group approvals: residents browse and register;
operators publish events and approve groups. Residents' group pages: scenes.group_views.

Each view parses a form and calls the same service as the API; on a DomainError the form
is shown again with the message next to the field, keeping what was typed.
"""

from django.contrib import messages
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from accounts import resume
from accounts.decorators import resident_gate, resident_required
from linli.errors import DomainError, NotFound
from linli.forms import add_domain_error
from linli.pages import confirmation, confirmed, render_region, saved
from scenes import event_filters, event_resume
from scenes.event_forms import (
    PUBLISH_FIELD_MAP,
    DecisionForm,
    EventCancelForm,
    EventPublishForm,
)
from scenes.models import Event, GroupVenueApproval
from scenes.selectors import events as event_selectors
from scenes.selectors import groups as group_selectors
from scenes.services import events as event_services
from scenes.services import groups as group_services
from scenes.services import registrations as registration_services
from spaces.extensions import VenuePage
from spaces.models import Venue
from spaces.operator_views import REGION as OPERATE_REGION
from spaces.operator_views import operator_view

UPCOMING_LIST_LIMIT = 100
PANEL_LIMIT = 3  # cards on the venue page
PANEL_SCAN = 30  # events read to fill them: a weekly series counts once


def _event_or_404(event_id: int) -> Event:
    try:
        return event_selectors.event_get(event_id=event_id)
    except NotFound:
        raise Http404 from None


def card_context(request: HttpRequest, events, *, compact: bool = False) -> list[dict]:
    """One dict per event for scenes/events/_card.html, with the visitor's registration."""
    mine = event_selectors.registrations_by_event(user=request.user, events=events)
    cards = []
    for event in events:
        registration = mine.get(event.pk)
        position = registration_services.waitlist_position(registration) if registration else None
        cards.append(
            {"event": event, "registration": registration, "position": position, "compact": compact}
        )
    return cards


# --- residents: events --------------------------------------------------------------------


def events_list(request: HttpRequest) -> HttpResponse:
    venues = Venue.objects.filter(is_published=True).order_by("name")
    filters = event_filters.filters_from(request.GET, venues)
    events = list(
        event_selectors.events_upcoming(
            where=event_filters.as_q(filters), limit=UPCOMING_LIST_LIMIT
        )
    )
    groups = event_filters.group_by_series(events)
    cards = card_context(request, [group.first for group in groups])
    for card, group in zip(cards, groups, strict=True):
        card["series"] = group if group.is_series else None
    context = {
        "venues": venues,
        "filters": filters,
        "when_choices": event_filters.WHEN_CHOICES,
        "kind_choices": event_filters.KIND_CHOICES,
        "cards": cards,
        "mine": list(event_selectors.registrations_for_resident(user=request.user)),
    }
    template = "scenes/events/list.html"
    if request.htmx and request.htmx.target == "event-results":
        template += "#results"
    return TemplateResponse(request, template, context)


def event_series(request: HttpRequest, series_id: int) -> HttpResponse:
    """Every coming date of a weekly series, each with its own register button."""
    events = list(event_selectors.events_upcoming(where=Q(series_id=series_id)))
    if not events:
        raise Http404
    [group] = event_filters.group_by_series(events)
    context = {"group": group, "event": group.first, "cards": card_context(request, events)}
    return TemplateResponse(request, "scenes/events/series.html", context)


def event_detail(request: HttpRequest, event_id: int) -> HttpResponse:
    event = _event_or_404(event_id)
    [card] = card_context(request, [event])
    return TemplateResponse(request, "scenes/events/detail.html", {"event": event, "card": card})


def _back(request: HttpRequest, event: Event) -> str:
    target = request.POST.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("scenes:event-detail", args=[event.pk])


def _card_again(request: HttpRequest, event: Event, **extra) -> dict:
    """The card a register / unregister form came from, drawn again the same way: compact,
    a row of the series page, or a whole series (its pattern, next date, all dates)."""
    [card] = card_context(request, [event], compact=request.POST.get("compact") == "1")
    if request.POST.get("as_series") == "1" and event.series_id:
        coming = event_selectors.events_upcoming(where=Q(series_id=event.series_id))
        [group] = event_filters.group_by_series(list(coming)) or [None]
        card["series"] = group if group and group.is_series else None
    card.update(
        next=request.POST.get("next", ""),
        in_series=request.POST.get("in_series") == "1",
        **extra,
    )
    return card


def _after_registration_change(request, event_id: int, *, flash: str, ok: bool) -> HttpResponse:
    event = _event_or_404(event_id)
    if request.htmx:
        card = _card_again(request, event, flash=flash, flash_ok=ok)
        return TemplateResponse(request, "scenes/events/_card.html", card)
    (messages.success if ok else messages.error)(request, flash)
    return redirect(_back(request, event))


def event_register(request: HttpRequest, event_id: int) -> HttpResponse:
    # A GET arrives here after signing in from an old register link: show the event.
    if request.method != "POST":
        return redirect("scenes:event-detail", event_id=event_id)
    event = _event_or_404(event_id)
    detail = reverse("scenes:event-detail", args=[event.pk])
    gate = resident_gate(request, next_path=detail)
    if gate is not None:
        # Not signed in (or not agreed yet): remember the tap, finish it after sign-in.
        resume.intent_store(
            request,
            kind=event_resume.KIND,
            target=detail,
            label_args={"title": event.title},
            event_id=event.pk,
        )
        return gate
    try:
        registration = registration_services.event_register(user=request.user, event=event)
    except DomainError as exc:
        return _after_registration_change(request, event_id, flash=str(exc.message), ok=False)
    flash = event_resume.registration_flash(registration)
    return _after_registration_change(request, event_id, flash=flash, ok=True)


def _ask_before_unregistering(request: HttpRequest, event: Event) -> HttpResponse | None:
    """The first tap on 取消报名: the card asks, in place (htmx) or on the event's page.
    None when there is nothing to cancel (the service then says so)."""
    card = _card_again(request, event, confirm_unregister=True)
    if card["registration"] is None:
        return None
    if request.htmx:
        return TemplateResponse(request, "scenes/events/_card.html", card)
    # detail.html includes the card with the page's context: the question rides along, on
    # the event's own full card (not as a row of a series).
    card.update(in_series=False, series=None)
    return TemplateResponse(
        request, "scenes/events/detail.html", {"event": event, "card": card, **card}
    )


@resident_required
def event_unregister(request: HttpRequest, event_id: int) -> HttpResponse:
    if request.method != "POST":
        return redirect("scenes:event-detail", event_id=event_id)
    event = _event_or_404(event_id)
    if not confirmed(request):
        asked = _ask_before_unregistering(request, event)
        if asked is not None:
            return asked
    try:
        result = registration_services.event_unregister(user=request.user, event=event)
    except DomainError as exc:
        return _after_registration_change(request, event_id, flash=str(exc.message), ok=False)
    if result.registration.status == result.registration.Status.CANCELLED and result.promoted:
        flash = _("已取消报名，名额已自动让给候补的居民。")
    else:
        flash = _("已取消报名。")
    return _after_registration_change(request, event_id, flash=flash, ok=True)


def venue_events_panel(request: HttpRequest, page: VenuePage) -> dict | None:
    """What is on now and next at the venue (spaces' "now" slot): the soonest few events,
    a weekly series as one card, each with its register button."""
    events = list(event_selectors.events_upcoming(venue=page.venue, limit=PANEL_SCAN))
    groups = event_filters.group_by_series(events)[:PANEL_LIMIT]
    cards = card_context(request, [group.first for group in groups], compact=True)
    for card, group in zip(cards, groups, strict=True):
        card["series"] = group if group.is_series else None
    return {"cards": cards, "panel_venue": page.venue}


# --- operators ----------------------------------------------------------------------------


def _operate(request, template: str, venue: Venue, section: str, **context) -> HttpResponse:
    context.update(venue=venue, section=section)
    return render_region(request, template, context, region_id=OPERATE_REGION)


@operator_view
def operate_events(request: HttpRequest, venue: Venue) -> HttpResponse:
    def page(form=None, **extra):
        return _operate(
            request,
            "scenes/events/operate.html",
            venue,
            "events",
            form=form or EventPublishForm(venue=venue),
            events=event_selectors.events_for_operator(venue=venue),
            **extra,
        )

    form = EventPublishForm(request.POST or None, venue=venue)
    if request.method == "POST" and form.is_valid():
        starts_at, ends_at = form.times()
        try:
            events = event_services.event_publish(
                user=request.user,
                venue=venue,
                room=form.cleaned_data["room"],
                title=form.cleaned_data["title"],
                description=form.cleaned_data["description"],
                organiser_group=form.cleaned_data["organiser_group"],
                capacity=form.cleaned_data["capacity"],
                starts_at=starts_at,
                ends_at=ends_at,
                weeks=form.cleaned_data["weeks"],
            )
        except DomainError as exc:
            add_domain_error(form, exc, field_map=PUBLISH_FIELD_MAP)
        else:
            return saved(
                request,
                _("已发布 %(n)s 场活动。") % {"n": len(events)},
                url=reverse("scenes:operate-events", kwargs={"venue_id": venue.pk}),
                render=page,
            )
    return page(form)


@operator_view
def operate_event(request: HttpRequest, venue: Venue, event_id: int) -> HttpResponse:
    event = event_selectors.with_counts(Event.objects.filter(pk=event_id, venue=venue)).first()
    if event is None:
        raise Http404
    form = EventCancelForm(request.POST or None)
    notices = []
    confirm = None
    if request.method == "POST" and form.is_valid() and not confirmed(request):
        # Cancelling tells every registrant: ask once more, saying how many it reaches.
        whole_series = form.cleaned_data["whole_series"] and event.series_id
        confirm = confirmation(
            question=_("确定取消此后每周的这个活动吗？")
            if whole_series
            else _("确定取消“%(title)s”吗？") % {"title": event.title},
            detail=_("已报名和候补的 %(n)s 位居民会收到取消通知，取消后不能恢复。")
            % {
                "n": event_selectors.residents_reached_by_cancel(
                    event=event, whole_series=bool(whole_series)
                )
            },
            label=_("确认取消活动"),
            fields={k: v for k, v in form.cleaned_data.items() if v},
            cancel_url=request.path,
        )
    elif request.method == "POST" and form.is_valid():
        try:
            result = event_services.event_cancel(
                user=request.user,
                event=event,
                reason=form.cleaned_data["reason"],
                whole_series=form.cleaned_data["whole_series"],
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            notices = result.notices
            messages.success(
                request,
                _("已取消 %(events)s 场活动，已通知 %(people)s 位居民。")
                % {
                    "events": len(result.events),
                    "people": len({n.resident_id for n in result.notices}),
                },
            )
            event = event_selectors.with_counts(Event.objects.filter(pk=event.pk)).get()
            form = EventCancelForm()
    registrants = list(event_selectors.event_registrants(event=event))
    return _operate(
        request,
        "scenes/events/operate_event.html",
        venue,
        "events",
        event=event,
        form=form,
        registrants=registrants,
        notices=notices,
        confirm=confirm,
    )


@operator_view
def operate_groups(request: HttpRequest, venue: Venue) -> HttpResponse:
    approvals = list(group_selectors.group_approvals_for_venue(venue=venue))
    forms_by_id = {}
    if request.method == "POST":
        approval = next(
            (a for a in approvals if str(a.pk) == request.POST.get("approval", "")), None
        )
        if approval is None:
            raise Http404
        form = DecisionForm(request.POST, prefix=f"d{approval.pk}")
        if form.is_valid():
            approve = request.POST.get("decision") == "approve"
            try:
                group_services.group_approval_decide(
                    user=request.user,
                    approval=approval,
                    approve=approve,
                    note=form.cleaned_data["note"],
                )
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                text = _("已批准“%(group)s”。") if approve else _("已拒绝“%(group)s”的申请。")
                messages.success(request, text % {"group": approval.group.name})
                return redirect("scenes:operate-groups", venue_id=venue.pk)
        forms_by_id[approval.pk] = form
    pending = [
        (a, forms_by_id.get(a.pk) or DecisionForm(prefix=f"d{a.pk}"))
        for a in approvals
        if a.status == GroupVenueApproval.Status.PENDING
    ]
    decided = [
        (a, forms_by_id.get(a.pk) or DecisionForm(prefix=f"d{a.pk}", initial={"note": a.note}))
        for a in approvals
        if a.status != GroupVenueApproval.Status.PENDING
    ]
    return _operate(
        request,
        "scenes/groups/operate.html",
        venue,
        "groups",
        pending=pending,
        decided=decided,
    )
