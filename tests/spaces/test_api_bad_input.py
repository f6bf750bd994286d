"""Issue 3's bad input at the API and page edges: 422 with field messages, nothing saved."""

import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from spaces.models import OpeningHours, Photo, Venue


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def jpeg_bytes(size=(1200, 800)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (180, 40, 30)).save(buffer, "JPEG")
    return buffer.getvalue()


def test_a_real_photo_uploads_with_phone_variants(operator_client, venue, tmp_path):
    response = operator_client.post(
        f"/api/venues/{venue.pk}/photos",
        {"image": SimpleUploadedFile("tea.jpg", jpeg_bytes(), "image/jpeg"), "caption": "茶亭"},
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["width"], body["height"], body["caption"]) == (1200, 800, "茶亭")
    assert sorted(body["urls"]) == ["480", "960", "original"]
    assert body["urls"]["480"].startswith("/photos/")
    cached = operator_client.get(body["urls"]["480"])
    assert cached["Cache-Control"] == "public, max-age=31536000, immutable"


def test_a_resident_may_neither_upload_nor_delete_photos(owner_client, operator_client, venue):
    upload = {"image": SimpleUploadedFile("tea.jpg", jpeg_bytes(), "image/jpeg")}
    response = owner_client.post(f"/api/venues/{venue.pk}/photos", upload)
    assert response.status_code == 403
    assert response.json()["code"] == "not_venue_operator"
    assert not Photo.objects.exists()

    upload = {"image": SimpleUploadedFile("tea.jpg", jpeg_bytes(), "image/jpeg")}
    photo_id = operator_client.post(f"/api/venues/{venue.pk}/photos", upload).json()["id"]
    response = owner_client.delete(f"/api/photos/{photo_id}")
    assert response.status_code == 403
    assert response.json()["code"] == "not_venue_operator"
    assert Photo.objects.filter(pk=photo_id).exists()


def test_a_forged_extension_is_refused_with_a_field_message(operator_client, venue, tmp_path):
    fake = SimpleUploadedFile("photo.jpg", b"%PDF-1.4 not an image", "image/jpeg")
    response = operator_client.post(f"/api/venues/{venue.pk}/photos", {"image": fake})
    assert response.status_code == 422
    body = response.json()
    assert body["code"] in {"photo_not_image", "photo_format"}
    assert body["fields"]["image"]
    assert not Photo.objects.exists()
    assert not any(tmp_path.rglob("*.*"))


def test_an_oversize_upload_is_refused(operator_client, venue, settings):
    settings.PHOTO_MAX_BYTES = 1000
    response = operator_client.post(
        f"/api/venues/{venue.pk}/photos",
        {"image": SimpleUploadedFile("big.jpg", jpeg_bytes(), "image/jpeg")},
    )
    assert response.status_code == 422
    assert response.json()["code"] == "photo_too_large"
    assert not Photo.objects.exists()


def test_the_photo_page_shows_the_error_and_saves_nothing(operator_client, venue):
    fake = SimpleUploadedFile("photo.png", b"just text", "image/png")
    response = operator_client.post(
        f"/operate/venues/{venue.pk}/photos/", {"image": fake, "caption": "门口"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "errorlist" in html
    assert 'value="门口"' in html
    assert not Photo.objects.exists()


def test_an_unknown_time_zone_is_a_field_error(operator_client, venue):
    response = operator_client.patch(
        f"/api/venues/{venue.pk}",
        json.dumps({"time_zone": "Asia/Atlantis"}),
        content_type="application/json",
    )
    assert response.status_code == 422
    assert "time_zone" in response.json()["fields"]
    assert Venue.objects.get(pk=venue.pk).time_zone == "Asia/Shanghai"


def test_coordinates_out_of_range_are_a_field_error_in_chinese(operator_client, venue):
    response = operator_client.patch(
        f"/api/venues/{venue.pk}",
        json.dumps({"latitude": 91, "longitude": 104}),
        content_type="application/json",
    )
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "coordinates_out_of_range"
    assert "纬度" in body["fields"]["latitude"][0]


def test_malformed_hours_name_each_bad_field(operator_client, venue):
    response = operator_client.put(
        f"/api/venues/{venue.pk}/hours",
        json.dumps({"rules": [{"day": "monday", "opens": "9am", "closes": "18:00"}]}),
        content_type="application/json",
    )
    assert response.status_code == 422
    fields = response.json()["fields"]
    assert set(fields) == {"rules.0.day", "rules.0.opens"}
    assert not OpeningHours.objects.exists()
