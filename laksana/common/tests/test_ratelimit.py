"""Rate limits over HTTP: a sliding window, every public write, and guessing tracking tokens."""

import json
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from laksana.complaints.models import Complaint
from laksana.complaints.tests.images import jpeg_bytes
from laksana.open311.keys import create_key
from laksana.testing.personas import IN_TANGERANG

pytestmark = pytest.mark.django_db
SUBMIT = "/api/v1/regions/kota-tangerang/complaints"


def _body(n: int) -> str:
    return json.dumps(
        {
            "category": "SAMPAH",
            "description": f"Sampah menumpuk di depan pasar nomor {n}, sudah lima hari.",
            "lat": IN_TANGERANG[0],
            "lng": IN_TANGERANG[1],
            "name": "Dewi Lestari",
            "phone": "0813-1111-2222",
        }
    )


def _submit(client, n: int, **extra):
    return client.post(SUBMIT, data=_body(n), content_type="application/json", **extra)


def test_a_burst_straddling_a_minute_boundary_is_refused(client, tangerang, settings):
    settings.RATE_LIMITS = {"submit": (5, 60)}
    start = datetime(2026, 3, 2, 3, 0, 50, tzinfo=UTC)
    with time_machine.travel(start, tick=False) as traveller:
        assert [_submit(client, n).status_code for n in range(5)] == [201] * 5
        # A fixed window per clock minute starts counting afresh here; the sliding one does not.
        traveller.move_to(start + timedelta(seconds=15))
        refused = _submit(client, 5)
        assert refused.status_code == 429
        assert refused.json()["code"] == "rate_limited"
        assert "Terlalu banyak permintaan" in refused.json()["detail"]
        assert refused["Retry-After"] == "45"
        other = _submit(client, 6, REMOTE_ADDR="10.9.8.7")
        assert other.status_code == 201  # the limit is per address
        traveller.move_to(start + timedelta(seconds=61))
        assert _submit(client, 7).status_code == 201
    assert Complaint.objects.filter(description__contains="nomor 5,").count() == 0


def test_the_portal_form_and_the_api_share_one_submit_limit(client, tangerang, settings):
    settings.RATE_LIMITS = {"submit": (2, 600)}
    assert _submit(client, 1).status_code == 201
    assert _submit(client, 2).status_code == 201
    page = client.post("/kota-tangerang/lapor/", {"description": "x"})
    assert page.status_code == 429 and "Terlalu banyak laporan" in page.content.decode()


def test_photos_reopen_and_rating_are_rate_limited(client, tangerang, settings):
    settings.RATE_LIMITS = {"write": (3, 600)}
    token = _submit(client, 1).json()["token"]
    base = f"/api/v1/track/{token}"
    codes = [
        client.post(
            f"{base}/rate", data='{"rating": 9}', content_type="application/json"
        ).status_code
        for _ in range(3)
    ]
    assert codes == [422, 422, 422]
    for path, body in [("rate", '{"rating": 4}'), ("reopen", '{"reason": "Belum beres."}')]:
        refused = client.post(f"{base}/{path}", data=body, content_type="application/json")
        assert refused.status_code == 429 and refused.json()["code"] == "rate_limited"
        assert int(refused["Retry-After"]) > 0
    upload = SimpleUploadedFile("a.jpg", jpeg_bytes(), content_type="image/jpeg")
    photo = client.post(f"{base}/photos", {"photo": upload})
    assert photo.status_code == 429
    assert client.get(base).status_code == 200  # reading one's own complaint is not a write


def test_guessing_tracking_tokens_is_stopped_everywhere(client, tangerang, settings):
    settings.RATE_LIMITS = {"token_miss": (4, 600)}
    token = _submit(client, 1).json()["token"]
    misses = [
        client.get("/api/v1/track/tebakan-1").status_code,
        client.get("/kota-tangerang/lacak/tebakan-2/").status_code,
        client.get("/open311/v2/tokens/tebakan-3.json?jurisdiction_id=kota-tangerang").status_code,
        client.get("/api/v1/track/tebakan-4").status_code,
    ]
    assert misses == [404, 404, 404, 404]
    # Now even the right token is refused from this address, in each interface's own shape.
    api = client.get(f"/api/v1/track/{token}")
    assert api.status_code == 429 and api.json()["code"] == "rate_limited"
    page = client.get(f"/kota-tangerang/lacak/{token}/")
    assert page.status_code == 429 and "Terlalu banyak" in page.content.decode()
    assert int(page["Retry-After"]) > 0
    open311 = client.get(f"/open311/v2/tokens/{token}.json?jurisdiction_id=kota-tangerang")
    assert open311.status_code == 429 and open311.json()[0]["code"] == 429
    # A citizen elsewhere opening their own link again and again is never refused.
    own = [client.get(f"/api/v1/track/{token}", REMOTE_ADDR="10.1.1.1").status_code] * 10
    assert own == [200] * 10


def test_open311_posts_are_rate_limited_per_address(client, tangerang, settings):
    settings.RATE_LIMITS = {"submit": (1, 600), "write": (1, 600)}
    key = create_key(region=tangerang, name="Uji", rate_limit=1000)[1]
    form = {
        "jurisdiction_id": "kota-tangerang",
        "api_key": key,
        "service_code": "DRAINASE",
        "description": "Saluran di depan pasar tersumbat sampah, air meluap ke jalan.",
        "lat": str(IN_TANGERANG[0]),
        "long": str(IN_TANGERANG[1]),
    }
    assert client.post("/open311/v2/requests.json", form).status_code == 200
    refused = client.post("/open311/v2/requests.xml", form)
    assert refused.status_code == 429 and b"<errors>" in refused.content
    assert int(refused["Retry-After"]) > 0
    update = {"jurisdiction_id": "kota-tangerang", "api_key": key}
    assert client.post("/open311/v2/servicerequestupdates.json", update).status_code != 429
    assert client.post("/open311/v2/servicerequestupdates.json", update).status_code == 429
