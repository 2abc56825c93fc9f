import json

import pytest

from laksana.complaints import services
from laksana.complaints.privacy import mask

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("text", "hidden"),
    [
        ("Hubungi saya di 0812-3456-7890 ya", "0812-3456-7890"),
        ("WA +62 812 3456 7890", "812 3456 7890"),
        ("email: siti.aminah@example.co.id", "siti.aminah@example.co.id"),
        ("NIK 3671012345670001 belum terdaftar", "3671012345670001"),
        ("NIK 3671 0123 4567 0001", "3671 0123 4567 0001"),
        # The shortest a phone number can be (08 + seven digits) and a NIK beside it.
        ("tel 081234567", "081234567"),
        ("3671012345670001 / 081234567", "081234567"),
        ("3671012345670001 / 081234567", "3671012345670001"),
    ],
)
def test_personal_numbers_are_masked_in_public_text(text, hidden):
    assert hidden not in mask(text)


def test_ordinary_numbers_stay_readable():
    text = "Lubang 30 cm di RT 03/RW 05, sudah 2 minggu, Jl. Daan Mogot No. 112"
    assert mask(text) == text


def test_anonymous_reporter_never_appears_in_public_view(client, submit):
    complaint, token = submit(
        is_anonymous=True,
        reporter_name="Rahmat Hidayat",
        email="rahmat@example.com",
        description="Saya Rahmat, 0812 9999 8888, jalan rusak parah.",
    )
    body = client.get(f"/api/v1/track/{token}").json()
    text = json.dumps(body)
    assert body["reporter"] == "Anonim"
    assert "Rahmat Hidayat" not in text and "rahmat@example.com" not in text
    assert "0812 9999 8888" not in text


def test_agency_does_not_see_an_anonymous_reporter_but_the_operator_does(
    client, submit, operator, pupr
):
    from laksana.testing.personas import PASSWORD

    complaint, _token = submit(is_anonymous=True)
    c = services.dispose(
        staff=operator, complaint=services.verify(staff=operator, complaint=complaint)
    )
    url = f"/api/v1/regions/kota-tangerang/staff/complaints/{c.number}"
    client.login(username=pupr.user.username, password=PASSWORD)
    assert client.get(url).json()["contact_available"] is False
    assert client.get(url + "?include=contact").status_code == 403
    client.login(username=operator.user.username, password=PASSWORD)
    assert client.get(url).json()["reporter"] is None  # only when asked for
    shown = client.get(url + "?include=contact").json()
    assert shown["reporter"]["phone"] == "081234567890"


def test_internal_events_are_not_in_the_public_timeline(client, submit, operator):
    complaint, token = submit()
    services.note(staff=operator, complaint=complaint, text="Pelapor sering mengirim spam.")
    body = client.get(f"/api/v1/track/{token}").json()
    assert [e["type"] for e in body["timeline"]] == ["submitted"]
    assert "spam" not in json.dumps(body)
