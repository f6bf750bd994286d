"""Pages: subscribe to a venue's or a room's calendar, and the resident's own feed URLs.

A subscription is a URL pasted into a calendar app or opened as webcal:// (which hands it
to the phone's calendar). WeChat's in-app browser blocks webcal://, so there the page
says how to open it in the phone's browser instead, and keeps the copyable https link.

Personal and group feed URLs carry a secret that is stored hashed: a new one is shown
once, right after it is made (kept in the session until that page is shown). Making a
new one, or turning the feed off, kills the old URL at once, so both ask first.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.decorators import resident_required
from calendars import services
from linli.errors import NotFound
from linli.pages import confirmation, confirmed
from scenes.models import Group, GroupMembership
from spaces.models import Room
from spaces.selectors import venue_get

FRESH = "calendars.fresh"  # session: {feed key: plain token} made and not yet shown


def in_wechat(request: HttpRequest) -> bool:
    return "MicroMessenger" in request.headers.get("User-Agent", "")


def subscription(request: HttpRequest, path: str) -> dict:
    """Context for calendars/_subscribe.html: the feed at ``path`` as https and webcal."""
    https = request.build_absolute_uri(path)
    return {
        "https": https,
        "webcal": "webcal://" + https.split("://", 1)[1],
        "wechat": in_wechat(request),
    }


def _page(request: HttpRequest, template: str, context: dict) -> HttpResponse:
    response = render(request, template, context)
    patch_vary_headers(response, ["User-Agent"])  # the WeChat hint
    return response


def venue_subscribe(request: HttpRequest, venue_id: int) -> HttpResponse:
    try:
        venue = venue_get(venue_id=venue_id)
    except NotFound:
        raise Http404 from None
    path = reverse("calendars:venue-feed", args=[venue.pk])
    return _page(
        request,
        "calendars/venue.html",
        {
            "venue": venue,
            "events": subscription(request, path),
            "with_scenes": subscription(request, path + "?scenes=1"),
        },
    )


def room_subscribe(request: HttpRequest, room_id: int) -> HttpResponse:
    room = Room.objects.select_related("venue").filter(pk=room_id).first()
    if room is None or not room.venue.is_published:
        raise Http404
    path = reverse("calendars:room-feed", args=[room.pk])
    return _page(
        request,
        "calendars/room.html",
        {"room": room, "venue": room.venue, "feed": subscription(request, path)},
    )


def _key(group: Group | None) -> str:
    return f"group-{group.pk}" if group else "me"


def _feed_path(group: Group | None, token: str) -> str:
    if group is None:
        return reverse("calendars:personal-feed", args=[token])
    return reverse("calendars:group-feed", args=[token])


def _target_group(request: HttpRequest) -> Group | None:
    """The group a POST names (its ``group`` field), which must be one of the resident's;
    no field: the personal feed."""
    value = request.POST.get("group", "")
    if not value:
        return None
    if not value.isdigit() or len(value) > 18:
        raise Http404
    membership = (
        GroupMembership.objects.select_related("group")
        .filter(user=request.user, group_id=int(value))
        .first()
    )
    if membership is None:
        raise Http404
    return membership.group


def _feeds(request: HttpRequest, fresh: dict) -> list[dict]:
    tokens = services.feed_tokens_of(user=request.user)
    groups = [
        m.group
        for m in GroupMembership.objects.filter(user=request.user)
        .select_related("group")
        .order_by("group__name")
    ]
    feeds = []
    for group in [None, *groups]:
        key = _key(group)
        plain = fresh.get(key)
        feeds.append(
            {
                "key": key,
                "group": group,
                "token": tokens.get(group.pk if group else None),
                "fresh": subscription(request, _feed_path(group, plain)) if plain else None,
            }
        )
    return feeds


@resident_required
@require_http_methods(["GET", "POST"])
def mine(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        return _act(request)
    fresh = request.session.pop(FRESH, {})
    return _page(request, "calendars/mine.html", {"feeds": _feeds(request, fresh)})


def _act(request: HttpRequest) -> HttpResponse:
    group = _target_group(request)
    action = request.POST.get("action")
    exists = services.feed_tokens_of(user=request.user).get(group.pk if group else None)
    name = group.name if group else _("我的预约和活动")
    fields = {"action": action, **({"group": group.pk} if group else {})}
    here = reverse("calendars:mine") + f"#feed-{_key(group)}"
    # A query of its own: the page that asks is /calendars/ too, and a link differing only
    # by its #fragment would not load the page again.
    back = reverse("calendars:mine") + f"?feed={_key(group)}#feed-{_key(group)}"
    if action == "issue":
        if exists and not confirmed(request):
            return _confirm(
                request,
                group,
                confirmation(
                    question=_("为“%(name)s”生成新的订阅链接吗？") % {"name": name},
                    detail=_("旧链接会立即失效，已经订阅的日历要用新链接重新订阅。"),
                    label=_("生成新链接"),
                    fields=fields,
                    cancel_url=back,
                ),
            )
        plain = services.feed_token_issue(user=request.user, group=group)
        request.session[FRESH] = {**request.session.get(FRESH, {}), _key(group): plain}
        messages.success(request, _("订阅链接已生成。它只显示这一次，请现在就添加到日历。"))
        return redirect(here)
    if action == "revoke":
        if not exists:
            return redirect(here)
        if not confirmed(request):
            return _confirm(
                request,
                group,
                confirmation(
                    question=_("关闭“%(name)s”的日历订阅吗？") % {"name": name},
                    detail=_("链接会立即失效，日历里的这些日程将不再更新。以后可以再生成新链接。"),
                    label=_("关闭订阅"),
                    fields=fields,
                    cancel_url=back,
                ),
            )
        services.feed_token_revoke(user=request.user, group=group)
        messages.success(request, _("已关闭订阅，旧链接已失效。"))
        return redirect(here)
    raise Http404


def _confirm(request: HttpRequest, group: Group | None, confirm: dict) -> HttpResponse:
    return _page(
        request,
        "calendars/mine.html",
        {"feeds": _feeds(request, {}), "confirm": confirm, "confirm_key": _key(group)},
    )
