"""Venue and room photos: validated, stripped of metadata, resized for phones.

An upload is judged by its content, never by its name or declared type: Pillow must
recognise it as JPEG, PNG or WebP, within the byte and pixel limits
(``settings.PHOTO_MAX_BYTES``, default 10 MB; ``settings.PHOTO_MAX_PIXELS``, default 40 MP,
which is what stops decompression bombs). The EXIF orientation is applied and then every
piece of metadata (EXIF with GPS, XMP, comments) is dropped, because residents' phones
put the photographer's location in it. Colour profiles are converted to sRGB and dropped.

What is stored, under ``photos/venue-<id>/``, each named by a hash of its own bytes so it
can be cached forever (``spaces.media_views.serve_photo``):
- the normalised original: JPEG (quality 85), or PNG when it really uses transparency;
- variants ``<hash>-480`` and ``<hash>-960`` for phones, JPEG (WebP when transparent),
  only for widths smaller than the original: nothing is upscaled.

``Photo.variants`` maps the width as a string to the stored name, e.g.
``{"480": "photos/venue-3/0a1b…-480.jpg"}``; a photo narrower than 480 px has none.
Templates and the API should use ``photo_url``/``photo_srcset`` rather than the names.

The Pillow work (reading, validating, normalising, rendering) lives in
spaces.photo_processing; this module stores the files and rows and builds the URLs.
"""

from __future__ import annotations

import logging

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from accounts.models import User
from linli.errors import DomainError
from spaces.models import Photo, Room, Venue
from spaces.permissions import venue_require_operator
from spaces.photo_processing import (
    ALLOWED_FORMATS,
    DEFAULT_MAX_BYTES,
    DEFAULT_MAX_PIXELS,
    VARIANT_WIDTHS,
    Rendition,
    decode_image,
    read_upload,
    render,
)

__all__ = [
    "ALLOWED_FORMATS",
    "DEFAULT_MAX_BYTES",
    "DEFAULT_MAX_PIXELS",
    "VARIANT_WIDTHS",
    "photo_create",
    "photo_delete",
    "photo_files",
    "photo_srcset",
    "photo_url",
]

logger = logging.getLogger(__name__)

URL_PREFIX = "photos/"


# --- public API ------------------------------------------------------------------------


def photo_create(
    *,
    user: User,
    venue: Venue,
    room: Room | None = None,
    upload: UploadedFile,
    caption: str = "",
    order: int = 0,
) -> Photo:
    """Validate and store an uploaded photo of ``venue`` (or of one of its rooms).

    Only an operator of the venue may (PermissionDenied ``not_venue_operator``, before the
    upload is read). Raises DomainError (field ``image`` unless noted): ``photo_too_large``,
    ``photo_too_many_pixels``, ``photo_not_image``, ``photo_format``; ``room_not_in_venue``
    (field ``room``); ``caption_too_long`` (field ``caption``). On any error no row and no
    file is left behind.
    """
    venue_require_operator(user=user, venue=venue)
    if room is not None and room.venue_id != venue.pk:
        raise DomainError(_("这个功能室不属于该场馆。"), code="room_not_in_venue", field="room")
    caption = (caption or "").strip()
    max_caption = Photo._meta.get_field("caption").max_length
    if len(caption) > max_caption:
        raise DomainError(
            _("说明不能超过 %(n)s 个字。") % {"n": max_caption},
            code="caption_too_long",
            field="caption",
        )
    image = decode_image(read_upload(upload))
    try:
        original, variants = render(image, venue_id=venue.pk)
    finally:
        image.close()

    storage = Photo._meta.get_field("image").storage
    written: list[str] = []
    try:
        for rendition in (original, *variants.values()):
            if _store(storage, rendition):
                written.append(rendition.name)
        with transaction.atomic():
            photo = Photo(
                venue=venue,
                room=room,
                image=original.name,
                width=original.width,
                height=original.height,
                variants={str(w): r.name for w, r in variants.items()},
                caption=caption,
                order=order,
            )
            photo.save()
    except BaseException:
        for name in written:
            _delete_quietly(storage, name)
        raise
    return photo


def photo_delete(*, user: User, photo: Photo) -> None:
    """Delete the photo and, once the transaction commits, its files; only an operator of
    its venue may (PermissionDenied ``not_venue_operator``).

    A file another photo of the same venue still uses (the same picture uploaded twice
    gives the same content-hashed names) is kept.
    """
    venue_require_operator(user=user, venue=photo.venue)
    names = photo_files(photo)
    venue_id = photo.venue_id
    storage = Photo._meta.get_field("image").storage

    def remove_files() -> None:
        in_use: set[str] = set()
        for other in Photo.objects.filter(venue_id=venue_id).only("image", "variants"):
            in_use |= photo_files(other)
        for name in sorted(names - in_use):
            _delete_quietly(storage, name)

    with transaction.atomic():
        photo.delete()
        transaction.on_commit(remove_files)


def photo_files(photo: Photo) -> set[str]:
    """Every stored name belonging to ``photo`` (original and variants)."""
    names = {name for name in (photo.variants or {}).values() if name}
    if photo.image and photo.image.name:
        names.add(photo.image.name)
    return names


def photo_url(photo: Photo, width: int | None = None) -> str:
    """URL of the smallest rendition at least ``width`` px wide (the largest if none is).

    ``width=None`` gives the original. URLs point at ``spaces:photo`` and never change for
    a given file, so they may be cached forever.
    """
    if width is None:
        return _url(photo.image.name if photo.image else "")
    renditions = _renditions(photo)
    if not renditions:
        return ""
    for rendition_width, name in renditions:
        if rendition_width >= width:
            return _url(name)
    return _url(renditions[-1][1])


def photo_srcset(photo: Photo) -> str:
    """``srcset`` value: the phone variants, plus the original when it is no bigger.

    A large original is left out on purpose: a 3x phone would otherwise pick the
    multi-megabyte original over the 960 px variant on a weak network.
    """
    original = photo.image.name if photo.image else ""
    chosen = [(w, name) for w, name in _renditions(photo) if name != original]
    if original and photo.width and (not chosen or photo.width <= max(VARIANT_WIDTHS)):
        chosen.append((photo.width, original))
    if not chosen and original:
        # Width unknown and no variants: a bare URL (read as "1x") is still a valid srcset;
        # mixing it with "w" descriptors would not be.
        return _url(original)
    return ", ".join(f"{_url(name)} {w}w" for w, name in chosen)


# --- storage and URLs -------------------------------------------------------------------


def _store(storage, rendition: Rendition) -> bool:
    """Write the file unless identical content is already stored; True if we wrote it."""
    if storage.exists(rendition.name):
        return False
    saved = storage.save(rendition.name, ContentFile(rendition.data))
    if saved != rendition.name:
        # Another upload of the same picture won the race; its file has the same bytes.
        _delete_quietly(storage, saved)
        return False
    return True


def _delete_quietly(storage, name: str) -> None:
    try:
        storage.delete(name)
    except OSError:
        logger.warning("could not delete photo file %s", name, exc_info=True)


def _renditions(photo: Photo) -> list[tuple[int, str]]:
    """(width, name) for every stored rendition, narrowest first."""
    items: list[tuple[int, str]] = []
    for key, name in (photo.variants or {}).items():
        try:
            items.append((int(key), name))
        except (TypeError, ValueError):
            continue
    if photo.image and photo.image.name:
        # An original without recorded dimensions is treated as the largest rendition.
        items.append((photo.width or 10**9, photo.image.name))
    return sorted(items)


def _url(name: str) -> str:
    if not name:
        return ""
    if name.startswith(URL_PREFIX):
        try:
            return reverse("spaces:photo", kwargs={"path": name[len(URL_PREFIX) :]})
        except NoReverseMatch:
            pass
    return Photo._meta.get_field("image").storage.url(name)
