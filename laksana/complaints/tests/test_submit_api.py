"""Submitting and tracking through the public JSON API: every bad input gets a clear 4xx and
stores nothing."""

import json

import pytest

from laksana.complaints.models import Attachment, Complaint, Event, Reporter
from laksana.testing.personas import IN_CONTOH, IN_TANGERANG, OUTSIDE

pytestmark = pytest.mark.django_db
URL = "/api/v1/regions/kota-tangerang/complaints"


def _post(client, body, **headers):
    return client.post(URL, data=json.dumps(body), content_type="application/json", **headers)


def _valid(**overrides):
    body = {
        "category": "SAMPAH",
        "description": "Sampah menumpuk di depan pasar sudah lima hari, bau sekali.",
        "lat": IN_TANGERANG[0],
        "lng": IN_TANGERANG[1],
        "name": "Dewi Lestari",
        "phone": "0813-1111-2222",
    }
    body.update(overrides)
    return body


def _stored():
    return (Complaint.objects.count(), Event.objects.count(), Reporter.objects.count())


def test_citizen_submits_and_tracks_with_the_secret_link(client, tangerang):
    response = _post(client, _valid())
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["number"].startswith("TNG-") and body["status"] == "submitted"
    track = client.get(f"/api/v1/track/{body['token']}")
    assert track.status_code == 200
    seen = track.json()
    assert seen["number"] == body["number"]
    assert seen["kelurahan"] == "Sukarasa" and seen["kecamatan"] == "Tangerang"
    assert seen["timeline"][0]["type"] == "submitted"
    assert seen["submitted_at"].endswith("+07:00")  # shown in WIB
    assert seen["reporter"] == "Dewi"  # a first name only: never the full name or contact
    assert "Lestari" not in json.dumps(seen) and "0813" not in json.dumps(seen)


def test_retry_with_the_same_idempotency_key_creates_one_complaint(client, tangerang):
    first = _post(client, _valid(), HTTP_IDEMPOTENCY_KEY="retry-abc-1")
    second = _post(client, _valid(), HTTP_IDEMPOTENCY_KEY="retry-abc-1")
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["number"] == second.json()["number"]
    assert first.json()["token"] == second.json()["token"]
    assert Complaint.objects.filter(number=first.json()["number"]).count() == 1
    other = _post(
        client,
        _valid(description="Laporan yang lain sama sekali."),
        HTTP_IDEMPOTENCY_KEY="retry-abc-1",
    )
    assert other.status_code == 409


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"description": ""}, "description"),
        ({"description": "x" * 4001}, "description"),
        ({"description": "rusak"}, "description"),
        ({"category": "TIDAK-ADA"}, "category"),
        ({"lat": OUTSIDE[0], "lng": OUTSIDE[1]}, "lat"),
        ({"lat": IN_CONTOH[0], "lng": IN_CONTOH[1]}, "lat"),
        ({"lat": None, "lng": None}, "location"),
        ({"lng": None}, "lat"),
        ({"email": "bukan-email"}, "email"),
        ({"phone": "12"}, "phone"),
        ({"name": "N" * 121}, "name"),
        ({"kind": "gosip"}, "kind"),
        ({"area": "36.71.99.9999", "lat": None, "lng": None}, "area"),
    ],
)
def test_bad_input_is_refused_with_a_message_and_nothing_is_stored(
    client, tangerang, overrides, field
):
    before = _stored()
    response = _post(client, _valid(**overrides))
    assert response.status_code == 422, response.content
    body = response.json()
    assert body["code"] == "validation_error"
    assert field in body["fields"], body
    assert body["fields"][field]  # a message a person can read
    assert _stored() == before


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"lat": "utara"}, "lat"),
        ({"anonymous": "mungkin"}, "anonymous"),
        ({"category": 12}, "category"),
    ],
)
def test_wrong_types_get_422_in_the_same_shape(client, tangerang, overrides, field):
    before = _stored()
    response = _post(client, _valid(**overrides))
    assert response.status_code == 422
    assert field in response.json()["fields"]
    assert _stored() == before


def test_missing_fields_and_broken_json(client, tangerang):
    response = _post(client, {"lat": 1})
    assert response.status_code == 422
    assert {"category", "description"} <= set(response.json()["fields"])
    broken = client.post(URL, data="{not json", content_type="application/json")
    assert broken.status_code in (400, 422)
    assert "detail" in broken.json()


def test_an_area_without_coordinates_is_enough(client, tangerang):
    response = _post(client, _valid(lat=None, lng=None, area="36.71.01.1001"))
    assert response.status_code == 201
    assert Complaint.objects.get(number=response.json()["number"]).area.name == "Sukarasa"


def test_unknown_region_and_unknown_token_are_404(client, tangerang):
    assert _post_to(client, "/api/v1/regions/atlantis/complaints").status_code == 404
    assert client.get("/api/v1/track/bukan-token").status_code == 404


def _post_to(client, url):
    return client.post(url, data=json.dumps(_valid()), content_type="application/json")


def test_oversize_body_is_413(client, tangerang, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2000
    before = _stored()
    response = _post(client, _valid(description="a" * 3000))
    assert response.status_code == 413
    assert _stored() == before


def test_citizen_adds_photos_only_real_images_and_at_most_five(client, tangerang, media_root):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from laksana.complaints.tests.images import jpeg_bytes, png_bytes

    token = _post(client, _valid()).json()["token"]
    url = f"/api/v1/track/{token}/photos"
    pdf = SimpleUploadedFile("foto.jpg", b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n", "image/jpeg")
    refused = client.post(url, {"photo": pdf})
    assert refused.status_code == 422 and refused.json()["code"] == "not_an_image"
    for i in range(5):
        ok = client.post(url, {"photo": SimpleUploadedFile(f"{i}.png", png_bytes())})
        assert ok.status_code == 201, ok.content
    sixth = client.post(url, {"photo": SimpleUploadedFile("6.jpg", jpeg_bytes())})
    assert sixth.status_code == 422 and sixth.json()["code"] == "too_many_photos"
    assert Attachment.objects.count() == 5
