"""Turn venues, rooms and hours into plain data for the API (templates use the same)."""

import datetime as dt
from dataclasses import dataclass

from spaces.models import AccessibilityFeature, Photo, Room, Venue


def photo_payload(photo: Photo) -> dict:
    from spaces.photos import photo_url

    urls = {str(w): photo_url(photo, int(w)) for w in sorted(photo.variants, key=int)}
    urls["original"] = photo_url(photo, None)
    return {
        "id": photo.pk,
        "caption": photo.caption,
        "width": photo.width,
        "height": photo.height,
        "urls": urls,
    }


def status_payload(status) -> dict:
    return {"is_open": status.is_open, "changes_at": status.changes_at, "label": status.label()}


def venue_summary(venue: Venue, *, status, distance_m: float | None = None) -> dict:
    c = venue.community
    return {
        "id": venue.pk,
        "name": venue.name,
        "kind": venue.kind,
        "kind_label": str(venue.get_kind_display()),
        "community": {
            "id": c.pk,
            "name": c.name,
            "street": c.street,
            "district": c.district,
            "city": c.city,
        },
        "address": venue.address,
        "latitude": venue.latitude,
        "longitude": venue.longitude,
        "distance_m": round(distance_m, 1) if distance_m is not None else None,
        "status": status_payload(status),
    }


def room_payload(room: Room) -> dict:
    return {
        "id": room.pk,
        "name": room.name,
        "description": room.description,
        "capacity": room.capacity,
        "amenities": list(room.amenities or []),
        "is_bookable": room.is_bookable,
        "photos": [photo_payload(p) for p in room.photos.all()],
    }


def accessibility_labels(venue: Venue) -> list[str]:
    labels = dict(AccessibilityFeature.choices)
    return [str(labels[c]) for c in venue.accessibility if c in labels]


def map_links(venue: Venue) -> dict[str, str]:
    from spaces.geo import amap_link, baidu_link

    return {
        "amap": amap_link(lat=venue.latitude, lon=venue.longitude, name=venue.name),
        "baidu": baidu_link(lat=venue.latitude, lon=venue.longitude, name=venue.name),
    }


def venue_detail(venue: Venue, *, status, distance_m: float | None = None) -> dict:
    return {
        **venue_summary(venue, status=status, distance_m=distance_m),
        "description": venue.description,
        "time_zone": venue.time_zone,
        "contact_phone": venue.contact_phone,
        "accessibility": list(venue.accessibility),
        "accessibility_labels": accessibility_labels(venue),
        "holiday_policy": venue.holiday_policy,
        "map_links": map_links(venue),
        "rooms": [room_payload(r) for r in venue.rooms.all()],
        "photos": [photo_payload(p) for p in venue.photos.all() if p.room_id is None],
    }


def day_payload(day) -> dict:
    return {
        "date": day.date,
        "intervals": [{"start": i.start, "end": i.end} for i in day.intervals],
        "kind": day.kind,
        "label": str(day.label) if day.label else None,
        "announced": getattr(day, "announced", True),
    }


@dataclass
class WeekRow:
    """Consecutive days with the same hours (and the same details under them) as one line
    of the venue page's week, as notices print them: "12月2日 周三 至 12月4日 周五"."""

    day: object  # the first day's hours.DaySchedule
    details: list
    last: dt.date

    @property
    def first(self) -> dt.date:
        return self.day.date

    @property
    def dates(self) -> list[dt.date]:
        return [self.first + dt.timedelta(days=n) for n in range((self.last - self.first).days + 1)]


def week_rows(days, details: dict, *, today: dt.date) -> list[WeekRow]:
    """Merge runs of alike days; today, holidays and exceptions always stand alone."""

    def same_as(row: WeekRow, day, extra) -> bool:
        prev = row.day
        return (
            today not in (row.last, day.date)
            and not (prev.label or day.label)
            and prev.kind == day.kind
            and prev.announced == day.announced
            and [(i.start.time(), i.duration) for i in prev.intervals]
            == [(i.start.time(), i.duration) for i in day.intervals]
            and [str(d) for d in row.details] == [str(d) for d in extra]
        )

    rows: list[WeekRow] = []
    for day in days:
        extra = details.get(day.date, [])
        if (
            rows
            and rows[-1].last == day.date - dt.timedelta(days=1)
            and same_as(rows[-1], day, extra)
        ):
            rows[-1].last = day.date
        else:
            rows.append(WeekRow(day=day, details=extra, last=day.date))
    return rows
