"""The Pillow side of venue photos: reading, validating, normalising and rendering.

spaces.photos owns the storage, the rows and the URLs and is what the rest of the project
imports; this module turns an upload into bytes ready to store, or a DomainError.

Only Pillow's JPEG, PNG and WebP decoders ever parse an upload, and the pixel limit is
checked on the header before any decoding. Other image formats are recognised by their
signature only, to give the operator a "wrong format" message instead of "not an image".
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

from linli.errors import DomainError
from spaces.models import Photo
from spaces.models.photos import photo_upload_to

# The same logger as spaces.photos: one name for the whole photo pipeline.
logger = logging.getLogger("spaces.photos")

# Pillow's JPEG decoder also opens the multi-picture JPEGs (MPO) many phones write.
ALLOWED_FORMATS = ("JPEG", "PNG", "WEBP")
VARIANT_WIDTHS = (480, 960)
DEFAULT_MAX_BYTES = 10 * 1024 * 1024
DEFAULT_MAX_PIXELS = 40_000_000
JPEG_QUALITY = 85
VARIANT_JPEG_QUALITY = 80
WEBP_QUALITY = 80

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
class Rendition:
    name: str
    data: bytes
    width: int
    height: int


# --- reading and validating -------------------------------------------------------------


def _setting(name: str, default: int) -> int:
    return int(getattr(settings, name, default) or default)


def read_upload(upload: UploadedFile) -> bytes:
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


def decode_image(data: bytes) -> Image.Image:
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


def render(image: Image.Image, *, venue_id: int) -> tuple[Rendition, dict[int, Rendition]]:
    clean = _normalise(image)
    stub = Photo(venue_id=venue_id)

    def rendition(img: Image.Image, suffix: str, *, variant: bool) -> Rendition:
        data, ext = _encode(img, variant=variant)
        digest = hashlib.sha1(data, usedforsecurity=False).hexdigest()[:16]
        name = photo_upload_to(stub, f"{digest}{suffix}{ext}")
        return Rendition(name, data, img.width, img.height)

    original = rendition(clean, "", variant=False)
    variants: dict[int, Rendition] = {}
    for width in VARIANT_WIDTHS:
        if clean.width <= width:
            continue
        height = max(1, round(clean.height * width / clean.width))
        resized = clean.resize((width, height), Image.Resampling.LANCZOS, reducing_gap=3.0)
        variants[width] = rendition(resized, f"-{width}", variant=True)
        resized.close()
    clean.close()
    return original, variants
