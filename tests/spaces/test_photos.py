"""Photo upload, normalisation, storage and serving (spaces.photos, spaces.media_views).

Every image is generated in memory with Pillow; MEDIA_ROOT is a fresh temporary directory
per test so "nothing was written" can be checked by listing it.
"""

import hashlib
import io
import os
import re
import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError
from django.http import Http404
from django.test import RequestFactory
from PIL import ExifTags, Image, ImageCms

from linli.errors import DomainError, PermissionDenied
from spaces import photos as photos_module
from spaces.media_views import CACHE_FOREVER, serve_photo
from spaces.models import Photo
from spaces.photos import photo_create, photo_delete, photo_files, photo_srcset, photo_url
from tests.factories import RoomFactory, UserFactory, VenueFactory, VenueRoleFactory

RED = (220, 20, 20)
BLUE = (20, 20, 220)


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    root = tmp_path / "media"
    settings.MEDIA_ROOT = root
    return root


def stored_files(root) -> list[str]:
    if not root.exists():
        return []
    return sorted(
        os.path.relpath(os.path.join(d, f), root) for d, _, files in os.walk(root) for f in files
    )


def two_tone(size, mode="RGB", left=RED, right=BLUE):
    """Left half one colour, right half another, so rotations are visible."""
    img = Image.new(mode, size, left)
    img.paste(Image.new(mode, (size[0] - size[0] // 2, size[1]), right), (size[0] // 2, 0))
    return img


def encode(img, fmt, **params) -> bytes:
    buf = io.BytesIO()
    img.save(buf, fmt, **params)
    return buf.getvalue()


def upload(data: bytes, name="photo.jpg", content_type="image/jpeg"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def phone_jpeg(size=(2000, 1200), orientation=6) -> bytes:
    """A JPEG as a phone writes it: sideways pixels, an orientation tag and a GPS fix."""
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = orientation
    exif[ExifTags.Base.Make] = "TestPhone"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (30.0, 42.0, 18.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (104.0, 5.0, 31.2)
    data = encode(two_tone(size), "JPEG", exif=exif, quality=90)
    # The fixture really carries what we promise to remove.
    with Image.open(io.BytesIO(data)) as check:
        assert check.getexif().get_ifd(ExifTags.IFD.GPSInfo)[ExifTags.GPS.GPSLatitude]
    return data


def png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def png_declaring(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims ``width`` x ``height`` pixels: a decompression bomb."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", header)
        + png_chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + png_chunk(b"IEND", b"")
    )


def open_stored(root, name):
    return Image.open(root / name)


def assert_no_metadata(path):
    data = path.read_bytes()
    with Image.open(path) as img:
        assert len(img.getexif()) == 0
        assert "exif" not in img.info
        assert "icc_profile" not in img.info
        assert "xmp" not in img.info and "XML:com.adobe.xmp" not in img.info
    assert b"Exif" not in data
    assert b"TestPhone" not in data


def assert_nothing_written(media_root):
    assert Photo.objects.count() == 0
    assert stored_files(media_root) == []


# --- a phone photo ---------------------------------------------------------------------


def test_it_rotates_strips_exif_and_makes_phone_variants(venue, media_root, operator):
    photo = photo_create(
        user=operator, venue=venue, upload=upload(phone_jpeg()), caption=" 茶亭 ", order=2
    )

    photo.refresh_from_db()
    assert (photo.width, photo.height) == (1200, 2000)  # orientation 6: stored sideways
    assert photo.caption == "茶亭"
    assert photo.order == 2
    assert photo.room is None
    assert re.fullmatch(rf"photos/venue-{venue.pk}/[0-9a-f]{{16}}\.jpg", photo.image.name)
    assert set(photo.variants) == {"480", "960"}
    for width in ("480", "960"):
        assert re.fullmatch(
            rf"photos/venue-{venue.pk}/[0-9a-f]{{16}}-{width}\.jpg", photo.variants[width]
        )
    assert stored_files(media_root) == sorted(photo_files(photo))

    with open_stored(media_root, photo.image.name) as original:
        assert original.format == "JPEG"
        assert original.size == (1200, 2000)
        # Rotated 90° clockwise for display: the left (red) half is now on top.
        top, bottom = original.getpixel((600, 100)), original.getpixel((600, 1900))
        assert top[0] > 180 and top[2] < 80
        assert bottom[2] > 180 and bottom[0] < 80
    assert_no_metadata(media_root / photo.image.name)

    for width, expected in (("480", (480, 800)), ("960", (960, 1600))):
        with open_stored(media_root, photo.variants[width]) as variant:
            assert variant.format == "JPEG"
            assert variant.size == expected
        assert_no_metadata(media_root / photo.variants[width])


def test_file_names_are_hashes_of_their_content(venue, media_root, operator):
    photo = photo_create(user=operator, venue=venue, upload=upload(phone_jpeg()))

    for name in photo_files(photo):
        digest = hashlib.sha1((media_root / name).read_bytes()).hexdigest()
        assert os.path.basename(name).startswith(digest[:16])


def test_a_room_photo_belongs_to_the_room(venue, room, operator):
    photo = photo_create(
        user=operator, venue=venue, room=room, upload=upload(phone_jpeg((800, 600), 1))
    )

    assert photo.room == room
    assert photo.venue == venue
    assert (photo.width, photo.height) == (800, 600)
    assert set(photo.variants) == {"480"}  # 800 px wide: no upscaled 960 variant


def test_a_small_photo_gets_no_variants(venue, media_root, operator):
    photo = photo_create(
        user=operator, venue=venue, upload=upload(encode(two_tone((300, 200)), "JPEG"))
    )

    assert photo.variants == {}
    assert stored_files(media_root) == [photo.image.name]
    assert photo_url(photo, 480) == photo_url(photo, None)
    assert photo_srcset(photo) == f"{photo_url(photo)} 300w"


def test_a_colour_profile_is_converted_and_dropped(venue, media_root, operator):
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    data = encode(two_tone((600, 400)), "JPEG", icc_profile=srgb)

    photo = photo_create(user=operator, venue=venue, upload=upload(data))

    assert_no_metadata(media_root / photo.image.name)


# --- transparency and other modes --------------------------------------------------------


def test_a_transparent_png_stays_png_with_webp_variants(venue, media_root, operator):
    img = two_tone((600, 400), "RGBA", left=(*RED, 255), right=(0, 0, 0, 0))

    photo = photo_create(
        user=operator, venue=venue, upload=upload(encode(img, "PNG"), "logo.png", "image/png")
    )

    assert photo.image.name.endswith(".png")
    with open_stored(media_root, photo.image.name) as original:
        assert original.format == "PNG"
        assert original.mode == "RGBA"
        assert original.getpixel((500, 200))[3] == 0
        assert original.getpixel((100, 200))[3] == 255
    assert set(photo.variants) == {"480"}
    with open_stored(media_root, photo.variants["480"]) as variant:
        assert variant.format == "WEBP"
        assert variant.size == (480, 320)
        assert variant.mode == "RGBA"
        assert variant.getpixel((400, 160))[3] == 0
    # Small enough to be offered as it is, next to its variant.
    assert photo_srcset(photo) == (f"{photo_url(photo, 480)} 480w, {photo_url(photo)} 600w")


def test_a_png_whose_alpha_is_all_opaque_is_stored_as_jpeg(venue, media_root, operator):
    img = two_tone((600, 400), "RGBA", left=(*RED, 255), right=(*BLUE, 255))

    photo = photo_create(
        user=operator, venue=venue, upload=upload(encode(img, "PNG"), "x.png", "image/png")
    )

    assert photo.image.name.endswith(".jpg")
    with open_stored(media_root, photo.image.name) as original:
        assert (original.format, original.mode) == ("JPEG", "RGB")


@pytest.mark.parametrize(
    ("make", "fmt", "stored_mode"),
    [
        (lambda: two_tone((500, 300), "L", left=30, right=220), "PNG", "L"),
        (lambda: two_tone((500, 300)).convert("P"), "PNG", "RGB"),
        (lambda: two_tone((500, 300)).convert("CMYK"), "JPEG", "RGB"),
        (lambda: Image.new("I;16", (500, 300), 40000), "PNG", "L"),
        (lambda: two_tone((500, 300)), "WEBP", "RGB"),
    ],
)
def test_other_colour_modes_are_normalised(venue, media_root, make, fmt, stored_mode, operator):
    photo = photo_create(user=operator, venue=venue, upload=upload(encode(make(), fmt)))

    with open_stored(media_root, photo.image.name) as original:
        assert original.format == "JPEG"
        assert original.mode == stored_mode
        assert original.size == (500, 300)
    with open_stored(media_root, photo.variants["480"]) as variant:
        assert variant.size == (480, 288)


def test_sixteen_bit_grey_keeps_its_brightness(venue, media_root, operator):
    data = encode(Image.new("I;16", (100, 100), 40000), "PNG")

    photo = photo_create(user=operator, venue=venue, upload=upload(data))

    with open_stored(media_root, photo.image.name) as original:
        assert abs(original.getpixel((50, 50)) - 40000 // 256) <= 2


# --- judged by content, not by name ------------------------------------------------------


def test_a_multi_picture_jpeg_from_a_phone_camera_is_accepted(venue, media_root, operator):
    first, second = two_tone((600, 400)), two_tone((600, 400), left=BLUE, right=RED)
    data = encode(first, "MPO", save_all=True, append_images=[second])
    with Image.open(io.BytesIO(data)) as check:
        assert check.format == "MPO"

    photo = photo_create(user=operator, venue=venue, upload=upload(data))

    with open_stored(media_root, photo.image.name) as original:
        assert original.format == "JPEG"
        assert original.getpixel((10, 10))[0] > 180  # the first picture, not the second


def test_an_animated_webp_keeps_its_first_frame(venue, media_root, operator):
    frames = [two_tone((600, 400)), two_tone((600, 400), left=BLUE, right=RED)]
    data = encode(frames[0], "WEBP", save_all=True, append_images=frames[1:], lossless=True)

    photo = photo_create(user=operator, venue=venue, upload=upload(data, "a.webp", "image/webp"))

    with open_stored(media_root, photo.image.name) as original:
        assert original.format == "JPEG"
        assert original.getpixel((10, 10))[0] > 180


def test_a_png_named_jpg_is_judged_by_its_content(venue, media_root, operator):
    data = encode(two_tone((500, 300)), "PNG")

    photo = photo_create(user=operator, venue=venue, upload=upload(data, "photo.jpg", "image/jpeg"))

    assert (photo.width, photo.height) == (500, 300)


def test_a_jpeg_named_txt_is_accepted(venue, operator):
    data = encode(two_tone((500, 300)), "JPEG")

    photo = photo_create(user=operator, venue=venue, upload=upload(data, "notes.txt", "text/plain"))

    assert photo.pk is not None


@pytest.mark.parametrize(
    ("data", "name"),
    [
        ("这不是照片，只是一段文字。\n".encode() * 20, "photo.jpg"),
        (b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\n%%EOF\n", "scan.jpg"),
        (b"\xff\xd8\xff\xe0" + b"\x00" * 50, "broken.jpg"),
        (b"\x89PNG\r\n\x1a\n" + b"garbage" * 10, "broken.png"),
        (b"", "empty.jpg"),
    ],
    ids=["text", "pdf", "jpeg-header-only", "png-header-only", "empty"],
)
def test_what_is_not_an_image_is_refused(venue, media_root, data, name, operator):
    with pytest.raises(DomainError) as exc:
        photo_create(user=operator, venue=venue, upload=upload(data, name))

    assert exc.value.code == "photo_not_image"
    assert exc.value.status == 422
    assert exc.value.fields == {
        "image": ["这个文件不是可用的图片，请上传 JPEG、PNG 或 WebP 照片。"]
    }
    assert_nothing_written(media_root)


def test_a_truncated_jpeg_is_refused(venue, media_root, operator):
    data = encode(two_tone((800, 600)), "JPEG")

    with pytest.raises(DomainError) as exc:
        photo_create(user=operator, venue=venue, upload=upload(data[: len(data) // 2]))

    assert exc.value.code == "photo_not_image"
    assert_nothing_written(media_root)


@pytest.mark.parametrize(
    ("data", "label"),
    [
        (encode(two_tone((50, 50)), "GIF"), "GIF"),
        (encode(two_tone((50, 50)), "BMP"), "BMP"),
        (encode(two_tone((50, 50)), "TIFF"), "TIFF"),
        (b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 40, "HEIC/AVIF"),
    ],
    ids=["gif", "bmp", "tiff", "heic"],
)
def test_other_image_formats_are_refused_by_name(venue, media_root, data, label, operator):
    with pytest.raises(DomainError) as exc:
        photo_create(user=operator, venue=venue, upload=upload(data, "photo.jpg"))

    assert exc.value.code == "photo_format"
    assert exc.value.fields["image"] == [
        f"不支持 {label} 格式的图片，请上传 JPEG、PNG 或 WebP 照片。"
    ]
    assert_nothing_written(media_root)


# --- limits ------------------------------------------------------------------------------


def test_a_file_over_the_byte_limit_is_refused(venue, media_root, settings, operator):
    settings.PHOTO_MAX_BYTES = 2000
    data = encode(two_tone((400, 300)), "PNG") + b"\x00" * 2000

    with pytest.raises(DomainError) as exc:
        photo_create(user=operator, venue=venue, upload=upload(data))

    assert exc.value.code == "photo_too_large"
    assert "image" in exc.value.fields
    assert_nothing_written(media_root)


def test_the_byte_limit_does_not_trust_the_declared_size(venue, media_root, settings, operator):
    settings.PHOTO_MAX_BYTES = 2000
    lying = upload(encode(two_tone((400, 300)), "PNG") + b"\x00" * 2000)
    lying.size = 10

    with pytest.raises(DomainError) as exc:
        photo_create(user=operator, venue=venue, upload=lying)

    assert exc.value.code == "photo_too_large"
    assert_nothing_written(media_root)


def test_the_default_byte_limit_is_ten_megabytes(venue, media_root, operator):
    too_big = upload(b"\x00")
    too_big.size = 10 * 1024 * 1024 + 1

    with pytest.raises(DomainError) as exc:
        photo_create(user=operator, venue=venue, upload=too_big)

    assert exc.value.code == "photo_too_large"
    assert str(exc.value.message) == "照片太大了，请上传不超过 10 MB 的照片。"


# Pillow only warns between its limit and twice that; make the warning an error here to
# prove it is caught either way (production leaves it a warning and our own check refuses).
@pytest.mark.filterwarnings("error::PIL.Image.DecompressionBombWarning")
@pytest.mark.parametrize(
    ("width", "height"),
    [(100_000, 100_000), (10_000, 10_000), (8_000, 5_001)],
    ids=["pillow-refuses", "pillow-warns", "just-over-our-limit"],
)
def test_a_decompression_bomb_is_refused_before_decoding(
    venue, media_root, width, height, operator
):
    with pytest.raises(DomainError) as exc:
        photo_create(
            user=operator, venue=venue, upload=upload(png_declaring(width, height), "bomb.png")
        )

    assert exc.value.code == "photo_too_many_pixels"
    assert "image" in exc.value.fields
    assert_nothing_written(media_root)


def test_the_pixel_limit_comes_from_settings(venue, media_root, settings, operator):
    settings.PHOTO_MAX_PIXELS = 10_000

    with pytest.raises(DomainError) as exc:
        photo_create(
            user=operator, venue=venue, upload=upload(encode(two_tone((200, 100)), "JPEG"))
        )
    photo = photo_create(
        user=operator, venue=venue, upload=upload(encode(two_tone((100, 100)), "JPEG"))
    )

    assert exc.value.code == "photo_too_many_pixels"
    assert str(exc.value.message) == "照片像素太多了，请上传不超过 0.01 百万像素的照片。"
    assert Photo.objects.get() == photo


# --- other refusals, atomicity ------------------------------------------------------------


def test_a_room_of_another_venue_is_refused(venue, media_root, operator):
    elsewhere = RoomFactory(venue=VenueFactory(name="长者空间"), name="书屋")

    with pytest.raises(DomainError) as exc:
        photo_create(user=operator, venue=venue, room=elsewhere, upload=upload(phone_jpeg()))

    assert exc.value.code == "room_not_in_venue"
    assert "room" in exc.value.fields
    assert_nothing_written(media_root)


def test_an_overlong_caption_is_refused(venue, media_root, operator):
    with pytest.raises(DomainError) as exc:
        photo_create(user=operator, venue=venue, upload=upload(phone_jpeg()), caption="茶" * 121)

    assert exc.value.code == "caption_too_long"
    assert_nothing_written(media_root)


def test_files_are_removed_when_the_database_write_fails(venue, media_root, monkeypatch, operator):
    def fail(self, *args, **kwargs):
        raise IntegrityError("simulated")

    monkeypatch.setattr(Photo, "save", fail)

    with pytest.raises(IntegrityError):
        photo_create(user=operator, venue=venue, upload=upload(phone_jpeg()))

    assert_nothing_written(media_root)


def test_files_are_removed_when_a_later_file_cannot_be_written(
    venue, media_root, monkeypatch, operator
):
    storage = Photo._meta.get_field("image").storage
    real_save = storage.save
    saved = []

    def save_then_fail(name, content, *args, **kwargs):
        if saved:
            raise OSError("disk full")
        saved.append(name)
        return real_save(name, content, *args, **kwargs)

    monkeypatch.setattr(storage, "save", save_then_fail)

    with pytest.raises(OSError):
        photo_create(user=operator, venue=venue, upload=upload(phone_jpeg()))

    assert len(saved) == 1
    assert_nothing_written(media_root)


# --- who may ------------------------------------------------------------------------------


def someone_else(venue):
    """A resident, a viewer of this venue and an operator of another one."""
    viewer = UserFactory(username="viewer", is_staff=True)
    VenueRoleFactory(user=viewer, venue=venue, role="viewer")
    elsewhere = UserFactory(username="elsewhere", is_staff=True)
    VenueRoleFactory(user=elsewhere, venue=VenueFactory(name="长者空间"), role="operator")
    return [UserFactory(username="resident"), viewer, elsewhere]


def test_only_an_operator_of_the_venue_may_add_a_photo(venue, media_root):
    for user in someone_else(venue):
        with pytest.raises(PermissionDenied) as caught:
            photo_create(user=user, venue=venue, upload=upload(phone_jpeg()))
        assert caught.value.code == "not_venue_operator"
    assert not Photo.objects.exists()
    assert_nothing_written(media_root)


def test_only_an_operator_of_the_venue_may_delete_a_photo(
    venue, media_root, operator, django_capture_on_commit_callbacks
):
    photo = photo_create(user=operator, venue=venue, upload=upload(phone_jpeg()))
    for user in someone_else(venue):
        with django_capture_on_commit_callbacks(execute=True), pytest.raises(PermissionDenied):
            photo_delete(user=user, photo=photo)
    assert Photo.objects.filter(pk=photo.pk).exists()
    assert len(stored_files(media_root)) == 3


# --- deleting ----------------------------------------------------------------------------


def test_delete_removes_the_row_and_its_files(
    venue, media_root, django_capture_on_commit_callbacks, operator
):
    photo = photo_create(user=operator, venue=venue, upload=upload(phone_jpeg()))
    assert len(stored_files(media_root)) == 3

    with django_capture_on_commit_callbacks(execute=True):
        photo_delete(user=operator, photo=photo)

    assert_nothing_written(media_root)


def test_the_same_picture_twice_shares_files_until_the_last_is_deleted(
    venue, room, media_root, django_capture_on_commit_callbacks, operator
):
    data = phone_jpeg()
    first = photo_create(user=operator, venue=venue, upload=upload(data))
    second = photo_create(user=operator, venue=venue, room=room, upload=upload(data))
    assert photo_files(first) == photo_files(second)
    assert len(stored_files(media_root)) == 3

    with django_capture_on_commit_callbacks(execute=True):
        photo_delete(user=operator, photo=first)

    assert stored_files(media_root) == sorted(photo_files(second))

    with django_capture_on_commit_callbacks(execute=True):
        photo_delete(user=operator, photo=second)

    assert_nothing_written(media_root)


def test_a_failed_duplicate_upload_keeps_the_shared_files(venue, media_root, monkeypatch, operator):
    data = phone_jpeg()
    first = photo_create(user=operator, venue=venue, upload=upload(data))

    def fail(self, *args, **kwargs):
        raise OSError("simulated")

    monkeypatch.setattr(Photo, "save", fail)

    with pytest.raises(OSError):
        photo_create(user=operator, venue=venue, upload=upload(data))

    # The second attempt wrote nothing new, so its clean-up must not touch the first's files.
    assert stored_files(media_root) == sorted(photo_files(first))


# --- URLs --------------------------------------------------------------------------------


def test_urls_pick_the_smallest_rendition_wide_enough(venue, operator):
    photo = photo_create(user=operator, venue=venue, upload=upload(phone_jpeg()))
    base = f"/photos/venue-{venue.pk}/"

    def url_of(name):
        return "/" + name

    assert photo_url(photo, 480) == url_of(photo.variants["480"])
    assert photo_url(photo, 300) == url_of(photo.variants["480"])
    assert photo_url(photo, 700) == url_of(photo.variants["960"])
    assert photo_url(photo, 960) == url_of(photo.variants["960"])
    assert photo_url(photo, 1100) == url_of(photo.image.name)
    assert photo_url(photo, 5000) == url_of(photo.image.name)
    assert photo_url(photo, None) == url_of(photo.image.name)
    assert photo_url(photo).startswith(base)


def test_srcset_leaves_out_a_large_original(venue, operator):
    photo = photo_create(user=operator, venue=venue, upload=upload(phone_jpeg()))

    assert photo_srcset(photo) == (f"/{photo.variants['480']} 480w, /{photo.variants['960']} 960w")


def test_srcset_never_mixes_descriptors_when_the_width_is_unknown(venue, operator):
    photo = photo_create(
        user=operator, venue=venue, upload=upload(encode(two_tone((600, 400)), "JPEG"))
    )
    photo.width = 0

    assert photo_srcset(photo) == f"/{photo.variants['480']} 480w"
    photo.variants = {}
    assert photo_srcset(photo) == f"/{photo.image.name}"


def test_urls_of_an_empty_photo_are_empty(venue):
    photo = Photo(venue=venue)

    assert photo_url(photo) == ""
    assert photo_url(photo, 480) == ""
    assert photo_srcset(photo) == ""


# --- serving -----------------------------------------------------------------------------


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_a_photo_is_served_with_cache_forever_headers(venue, media_root, client, operator):
    photo = photo_create(user=operator, venue=venue, upload=upload(phone_jpeg()))

    response = client.get(photo_url(photo, 480))

    assert response.status_code == 200
    assert response["Cache-Control"] == CACHE_FOREVER == "public, max-age=31536000, immutable"
    assert response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["ETag"]
    assert response["Last-Modified"]
    assert body(response) == (media_root / photo.variants["480"]).read_bytes()


def test_webp_and_png_get_their_content_types(venue, client, operator):
    img = two_tone((600, 400), "RGBA", left=(*RED, 255), right=(0, 0, 0, 0))
    photo = photo_create(user=operator, venue=venue, upload=upload(encode(img, "PNG")))

    assert client.get(photo_url(photo))["Content-Type"] == "image/png"
    assert client.get(photo_url(photo, 480))["Content-Type"] == "image/webp"


def test_a_revalidation_gets_304(venue, client, operator):
    photo = photo_create(user=operator, venue=venue, upload=upload(phone_jpeg()))
    first = client.get(photo_url(photo))

    by_etag = client.get(photo_url(photo), headers={"If-None-Match": first["ETag"]})
    by_date = client.get(photo_url(photo), headers={"If-Modified-Since": first["Last-Modified"]})

    assert by_etag.status_code == 304
    assert by_etag["Cache-Control"] == CACHE_FOREVER
    assert by_date.status_code == 304


def test_head_works_and_writes_are_refused(venue, client, operator):
    photo = photo_create(user=operator, venue=venue, upload=upload(phone_jpeg()))

    assert client.head(photo_url(photo)).status_code == 200
    assert client.post(photo_url(photo)).status_code == 405


@pytest.fixture
def secrets(media_root, tmp_path):
    """Files a traversal would want: one beside photos/, one outside MEDIA_ROOT."""
    (media_root / "photos").mkdir(parents=True)
    (media_root / "secret.jpg").write_bytes(b"media secret")
    (tmp_path / "outside.jpg").write_bytes(b"outside secret")
    (media_root / "photos" / "notes.txt").write_text("not an image")
    (media_root / "photos" / "venue-1.jpg").mkdir()
    return tmp_path


@pytest.mark.parametrize(
    "path",
    [
        "../secret.jpg",
        "venue-1/../../secret.jpg",
        "../../outside.jpg",
        "..\\secret.jpg",
        "notes.txt",
        "venue-1.jpg",
        "missing.jpg",
        "venue-1/missing.jpg",
        "a\x00.jpg",
    ],
)
def test_serve_photo_refuses_anything_but_a_stored_photo(db, secrets, path):
    request = RequestFactory().get("/photos/x")

    with pytest.raises(Http404):
        serve_photo(request, path)


def test_serve_photo_refuses_absolute_paths(db, secrets):
    with pytest.raises(Http404):
        serve_photo(RequestFactory().get("/photos/x"), str(secrets / "outside.jpg"))


def test_serve_photo_refuses_a_symlink_out_of_photos(db, secrets, media_root):
    (media_root / "photos" / "link.jpg").symlink_to(secrets / "outside.jpg")

    with pytest.raises(Http404):
        serve_photo(RequestFactory().get("/photos/link.jpg"), "link.jpg")


@pytest.mark.parametrize(
    "url", ["/photos/..%2Fsecret.jpg", "/photos/%2E%2E/secret.jpg", "/photos/venue-1/..%2F..%2Fsecret.jpg"]
)  # fmt: skip
def test_traversal_through_the_url_is_a_404(db, secrets, client, url):
    response = client.get(url)

    assert response.status_code == 404
    assert b"secret" not in response.content


def test_photo_module_settings_have_sane_defaults():
    assert photos_module.DEFAULT_MAX_BYTES == 10 * 1024 * 1024
    assert photos_module.DEFAULT_MAX_PIXELS == 40_000_000
    assert photos_module.VARIANT_WIDTHS == (480, 960)
