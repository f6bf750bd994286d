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
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

from linli.errors import DomainError
from spaces.models import Photo, Room, Venue
from spaces.models.photos import photo_upload_to

__all__ = [
    "ALLOWED_FORMATS",
    "VARIANT_WIDTHS",
    "photo_create",
    "photo_delete",
    "photo_files",
    "photo_srcset",
    "photo_url",
]

logger = logging.getLogger(__name__)

# Pillow's JPEG decoder also opens the multi-picture JPEGs (MPO) many phones write.
ALLOWED_FORMATS = ("JPEG", "PNG", "WEBP")
VARIANT_WIDTHS = (480, 960)
DEFAULT_MAX_BYTES = 10 * 1024 * 1024
DEFAULT_MAX_PIXELS = 40_000_000
JPEG_QUALITY = 85
VARIANT_JPEG_QUALITY = 80
WEBP_QUALITY = 80
URL_PREFIX = "photos/"

_SRGB = ImageCms.createProfile("sRGB")
_IMAGE_ERRORS = (OSError, SyntaxError, ValueError, TypeError, IndexError, EOFError, KeyError)
# Pillow's own last line of defence fires before our limit when a header declares more
# than Image.MAX_IMAGE_PIXELS; it means the same thing.
_BOMB_ERRORS = (Image.DecompressionBombError, Image.DecompressionBombWarning)

# Recognised only to tell the operator "wrong format" instead of "not an image"; they are
# never handed to a Pillow decoder.
_OTHER_IMAGE_SIGNATURES = {
    b"GIF87a": "GIF",
    b"GIF89a": "GIF",
    b"BM": "BMP",
    b"II*\x00": "TIFF",
    b"MM\x00*": "TIFF",
    b"8BPS": "PSD",
    b"\x00\x00\x01\x00": "ICO",
    b"\x00\x00\x00\x0cjP  ": "JPEG 2000",
}
_ISO_BMFF_IMAGE_BRANDS = {b"heic", b"heix", b"hevc", b"heim", b"heis", b"mif1", b"msf1", b"avif"}


@dataclass(frozen=True)
class _Rendition:
    name: str
    data: bytes
    width: int
    height: int


# --- public API ------------------------------------------------------------------------


def photo_create(
    *,
    venue: Venue,
    room: Room | None = None,
    upload: UploadedFile,
    caption: str = "",
    order: int = 0,
) -> Photo:
    """Validate and store an uploaded photo of ``venue`` (or of one of its rooms).

    Raises DomainError (field ``image`` unless noted): ``photo_too_large``,
    ``photo_too_many_pixels``, ``photo_not_image``, ``photo_format``; ``room_not_in_venue``
    (field ``room``); ``caption_too_long`` (field ``caption``). On any error no row and no
    file is left behind.
    """
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
    image = _decode(_read_upload(upload))
    try:
        original, variants = _render(image, venue_id=venue.pk)
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


def photo_delete(*, photo: Photo) -> None:
    """Delete the photo and, once the transaction commits, its files.

    A file another photo of the same venue still uses (the same picture uploaded twice
    gives the same content-hashed names) is kept.
    """
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


# --- reading and validating -------------------------------------------------------------


def _setting(name: str, default: int) -> int:
    return int(getattr(settings, name, default) or default)


def _read_upload(upload: UploadedFile) -> bytes:
    max_bytes = _setting("PHOTO_MAX_BYTES", DEFAULT_MAX_BYTES)
    size = getattr(upload, "size", None)
    if size is not None and size > max_bytes:
        raise _too_large(max_bytes)
    with contextlib.suppress(AttributeError, OSError, ValueError):
        upload.seek(0)
    # Read one byte more than allowed, so a lying ``size`` cannot sneak past the limit.
    data = upload.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise _too_large(max_bytes)
    if not data:
        raise _not_image()
    return data


def _decode(data: bytes) -> Image.Image:
    """A fully loaded, validated image; raises DomainError otherwise."""
    max_pixels = _setting("PHOTO_MAX_PIXELS", DEFAULT_MAX_PIXELS)
    try:
        # Only the three allowed decoders may parse the upload at all.
        with Image.open(io.BytesIO(data), formats=ALLOWED_FORMATS) as probe:
            _check_pixels(probe.size, max_pixels)
            probe.verify()
        image = Image.open(io.BytesIO(data), formats=ALLOWED_FORMATS)
        _check_pixels(image.size, max_pixels)
        image.load()
    except DomainError:
        raise
    except _BOMB_ERRORS:
        raise _too_many_pixels(max_pixels) from None
    except UnidentifiedImageError:
        raise _unsupported(data) from None
    except _IMAGE_ERRORS:
        raise _not_image() from None
    return image


def _check_pixels(size: tuple[int, int], max_pixels: int) -> None:
    width, height = size
    if width <= 0 or height <= 0:
        raise _not_image()
    if width * height > max_pixels:
        raise _too_many_pixels(max_pixels)


def _unsupported(data: bytes) -> DomainError:
    head = data[:64]
    name = next((fmt for sig, fmt in _OTHER_IMAGE_SIGNATURES.items() if head.startswith(sig)), "")
    if not name and head[4:8] == b"ftyp" and head[8:12] in _ISO_BMFF_IMAGE_BRANDS:
        name = "HEIC/AVIF"
    if not name and b"<svg" in data[:1024].lower():
        name = "SVG"
    if name:
        return DomainError(
            _("不支持 %(format)s 格式的图片，请上传 JPEG、PNG 或 WebP 照片。") % {"format": name},
            code="photo_format",
            field="image",
        )
    return _not_image()


def _not_image() -> DomainError:
    return DomainError(
        _("这个文件不是可用的图片，请上传 JPEG、PNG 或 WebP 照片。"),
        code="photo_not_image",
        field="image",
    )


def _too_large(max_bytes: int) -> DomainError:
    return DomainError(
        _("照片太大了，请上传不超过 %(mb)s MB 的照片。") % {"mb": _mb(max_bytes)},
        code="photo_too_large",
        field="image",
    )


def _too_many_pixels(max_pixels: int) -> DomainError:
    return DomainError(
        _("照片像素太多了，请上传不超过 %(mp)s 百万像素的照片。") % {"mp": _mp(max_pixels)},
        code="photo_too_many_pixels",
        field="image",
    )


def _mb(n: int) -> str:
    return f"{round(n / (1024 * 1024), 2):g}"


def _mp(n: int) -> str:
    return f"{round(n / 1_000_000, 2):g}"


# --- normalising and rendering ----------------------------------------------------------


def _normalise(image: Image.Image) -> Image.Image:
    """Upright, sRGB, RGB/L or RGBA (only if transparency is used), with no metadata."""
    try:
        upright = ImageOps.exif_transpose(image)
    except _IMAGE_ERRORS:
        # A broken EXIF block must not cost the operator the photo; it is dropped below.
        upright = image.copy()
    for step in (_plain_mode, _to_srgb, _drop_unused_alpha):
        upright = _replace(upright, step(upright))
    # Copy the pixels into a fresh image so no EXIF/XMP/ICC/comment can ride along.
    clean = Image.new(upright.mode, upright.size)
    clean.paste(upright)
    upright.close()
    return clean


def _replace(old: Image.Image, new: Image.Image) -> Image.Image:
    # Close intermediates as we go: a 40 MP photo is 120 MB per copy.
    if new is not old:
        old.close()
    return new


def _drop_unused_alpha(image: Image.Image) -> Image.Image:
    if image.mode == "RGBA" and image.getchannel("A").getextrema()[0] == 255:
        return image.convert("RGB")
    return image


def _plain_mode(image: Image.Image) -> Image.Image:
    mode = image.mode
    if mode in ("RGB", "L", "RGBA", "CMYK"):
        return image
    if mode.startswith("I"):
        # 16-bit greyscale PNG: keep the top 8 bits instead of clipping to white.
        return image.convert("I").point(lambda v: v * (1 / 256)).convert("L")
    has_alpha = "A" in mode or "a" in mode or "transparency" in image.info
    return image.convert("RGBA" if has_alpha else "RGB")


def _to_srgb(image: Image.Image) -> Image.Image:
    icc = image.info.get("icc_profile")
    if icc:
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
            out_mode = "RGBA" if image.mode == "RGBA" else "RGB"
            converted = ImageCms.profileToProfile(image, source, _SRGB, outputMode=out_mode)
            if converted is not None:
                return converted
        except (ImageCms.PyCMSError, *_IMAGE_ERRORS):
            logger.info("ignoring an unusable colour profile", exc_info=True)
    if image.mode == "CMYK":
        return image.convert("RGB")
    return image


def _encode(image: Image.Image, *, variant: bool) -> tuple[bytes, str]:
    buffer = io.BytesIO()
    if image.mode == "RGBA":
        if variant:
            image.save(buffer, "WEBP", quality=WEBP_QUALITY, method=4)
            return buffer.getvalue(), ".webp"
        image.save(buffer, "PNG", compress_level=6)
        return buffer.getvalue(), ".png"
    quality = VARIANT_JPEG_QUALITY if variant else JPEG_QUALITY
    image.save(buffer, "JPEG", quality=quality, optimize=True, progressive=True)
    return buffer.getvalue(), ".jpg"


def _render(image: Image.Image, *, venue_id: int) -> tuple[_Rendition, dict[int, _Rendition]]:
    clean = _normalise(image)
    stub = Photo(venue_id=venue_id)

    def rendition(img: Image.Image, suffix: str, *, variant: bool) -> _Rendition:
        data, ext = _encode(img, variant=variant)
        digest = hashlib.sha1(data, usedforsecurity=False).hexdigest()[:16]
        name = photo_upload_to(stub, f"{digest}{suffix}{ext}")
        return _Rendition(name, data, img.width, img.height)

    original = rendition(clean, "", variant=False)
    variants: dict[int, _Rendition] = {}
    for width in VARIANT_WIDTHS:
        if clean.width <= width:
            continue
        height = max(1, round(clean.height * width / clean.width))
        resized = clean.resize((width, height), Image.Resampling.LANCZOS, reducing_gap=3.0)
        variants[width] = rendition(resized, f"-{width}", variant=True)
        resized.close()
    clean.close()
    return original, variants


# --- storage and URLs -------------------------------------------------------------------


def _store(storage, rendition: _Rendition) -> bool:
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
