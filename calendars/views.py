"""The .ics endpoints. Calendar apps fetch them without cookies, every hour or so.

Each answers GET and HEAD with ``text/calendar``, an ETag and a Last-Modified from the
feed's stamp (calendars.feeds), and 304 to a conditional request that still matches,
before any entry is built. Whatever is not there, not published, not yours, or behind a
rotated token is the site's plain 404, the same for all of them.
"""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone, translation
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date, quote_etag
from django.views.decorators.http import require_safe

from accounts.decorators import resident_gate
from bookings.selectors.bookings import booking_get
from calendars import feeds, ics
from calendars.services import feed_token_find
from linli.errors import NotFound
from scenes.selectors.events import event_get
from spaces.models import Room
from spaces.selectors import venue_get

# Calendar apps refresh on their own schedule (REFRESH-INTERVAL asks for hourly); a
# cache in between may keep a feed five minutes.
MAX_AGE = 300


def serve(request: HttpRequest, source) -> HttpResponse:
    """``source``'s feed, or 304 when the client's copy is current (RFC 9110 13.2:
    If-None-Match first, If-Modified-Since only without it; malformed ones are ignored)."""
    stamp = source.stamp()
    etag = quote_etag(stamp.etag)
    modified = int(stamp.last_modified.timestamp())
    response = get_conditional_response(request, etag=etag, last_modified=modified)
    if response is None:
        with translation.override(settings.LANGUAGE_CODE):
            body = ics.render(source.feed())
        response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
        response["Content-Disposition"] = f'inline; filename="{source.filename}"'
    response["ETag"] = etag
    response["Last-Modified"] = http_date(modified)
    if source.private:
        patch_cache_control(response, private=True, max_age=MAX_AGE)
        response["X-Robots-Tag"] = "noindex"
    else:
        patch_cache_control(response, public=True, max_age=MAX_AGE)
    # linli.middleware.GZipMiddleware: no random padding, so equal feeds stay equal bytes.
    response.deterministic_body = True
    return response


def _or_404(find):
    try:
        return find()
    except NotFound:
        raise Http404 from None


@require_safe
def venue_feed(request: HttpRequest, venue_id: int) -> HttpResponse:
    venue = _or_404(lambda: venue_get(venue_id=venue_id, with_rooms=False))
    scenes = request.GET.get("scenes") == "1"
    return serve(request, feeds.VenueFeed(request, venue, scenes=scenes, now=timezone.now()))


@require_safe
def room_feed(request: HttpRequest, room_id: int) -> HttpResponse:
    room = Room.objects.select_related("venue").filter(pk=room_id).first()
    if room is None or not room.venue.is_published:
        raise Http404
    return serve(request, feeds.RoomFeed(request, room, now=timezone.now()))


@require_safe
def personal_feed(request: HttpRequest, token: str) -> HttpResponse:
    found = feed_token_find(token=token)
    if found is None or found.group_id is not None:
        raise Http404
    return serve(request, feeds.PersonalFeed(request, found.user, now=timezone.now()))


@require_safe
def group_feed(request: HttpRequest, token: str) -> HttpResponse:
    found = feed_token_find(token=token)
    if found is None or found.group is None:
        raise Http404
    return serve(request, feeds.GroupFeed(request, found.group, now=timezone.now()))


@require_safe
def booking_file(request: HttpRequest, public_id: str) -> HttpResponse:
    """One booking to add to a calendar: its resident only (an operator of the venue,
    who may open the booking's page, gets 404 here like anyone else)."""
    if not request.user.is_authenticated:
        return resident_gate(request)  # to sign-in and back, whatever the id
    booking = _or_404(lambda: booking_get(user=request.user, public_id=public_id))
    if booking.resident_id != request.user.pk:
        raise Http404
    return serve(request, feeds.BookingFile(request, booking, now=timezone.now()))


@require_safe
def event_file(request: HttpRequest, event_id: int) -> HttpResponse:
    event = _or_404(lambda: event_get(event_id=event_id))
    return serve(request, feeds.EventFile(request, event, now=timezone.now()))
