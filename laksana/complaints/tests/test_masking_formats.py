"""Personal numbers as Indonesians really write them: masked everywhere the public reads text."""

import json

import pytest

from laksana.complaints import services
from laksana.complaints.privacy import mask
from laksana.open311.tests.helpers import TNG, both

# (as written in a complaint, what must not survive)
WRITTEN = [
    ("HP081299998888", "081299998888"),
    ("telp081255554444", "081255554444"),
    ("WA081398765432", "081398765432"),
    ("hp 0896-1234-5678", "0896-1234-5678"),
    ("wa: 0857 1234 5678", "0857 1234 5678"),
    ("(0812) 3456-7890", "3456-7890"),
    ("0812/3456/7890", "0812/3456/7890"),
    ("0812 - 3456 - 7890", "3456 - 7890"),
    ("0812.3456.7890", "0812.3456.7890"),
    ("08.12.3456.7890", "08.12.3456.7890"),
    ("0812 345 678 90", "0812 345 678 90"),
    ("0813 1111 2222", "0813 1111 2222"),
    ("0811-999-888", "0811-999-888"),
    ("081234567", "081234567"),
    ("0812345678901", "0812345678901"),
    ("0812\u20113456\u20117890", "3456\u20117890"),  # non-breaking hyphens
    ("0812\u00a03456\u00a07890", "3456\u00a07890"),  # no-break spaces
    ("０８１２３４５６７８９０", "３４５６７８９０"),  # full-width digits
    ("+62 812 3456 7890", "812 3456 7890"),
    ("+62-812-3456-7890", "812-3456-7890"),
    ("+6281234567890", "6281234567890"),
    ("+62 (812) 3456 7890", "3456 7890"),
    ("6281234567890", "6281234567890"),
    ("62812-3456-7890", "62812-3456-7890"),
    ("021-5551234", "5551234"),
    ("021 5551234", "5551234"),
    ("(021) 5551234", "5551234"),
    ("Telp. (021) 557-1234", "557-1234"),
    ("+62 21 5551234", "5551234"),
    ("(0251) 8321234", "8321234"),
    ("0361-234567", "234567"),
    ("0274 512345", "512345"),
    ("NIK 3671012345678901", "3671012345678901"),
    ("NIK 3671 0123 4567 8901", "4567 8901"),
    ("NIK 3671/0123/4567/8901", "4567/8901"),
    ("NIK:3671-0123-4567-8901", "4567-8901"),
    ("3671 - 0123 - 4567 - 8901", "4567 - 8901"),
    ("3671.0123.4567.8901", "4567.8901"),
    ("siti.aminah@example.co.id", "example.co.id"),
    ("budi @ gmail.com", "gmail.com"),
    ("siti [at] example.com", "example.com"),
    ("siti(at)example.co.id", "example.co.id"),
    ("budi [at] gmail [dot] com", "gmail"),
    ("siti at example dot com", "example dot com"),
    ("ｂｕｄｉ＠ｇｍａｉｌ．ｃｏｍ", "ｇｍａｉｌ"),
]

# Numbers that belong in a complaint and must stay readable.
ORDINARY = [
    "tanggal 12/05/2026",
    "12-05-2026",
    "RT 03/RW 05",
    "RT 003 RW 005 No. 08",
    "Gg. Haji 07 RT 01/02",
    "Jl. Daan Mogot No. 112",
    "Blok C2 No. 15",
    "Rp 1.500.000",
    "Rp 62.500.000",
    "Rp 250.000,00",
    "Rp2.000–Rp5.000",
    "jam 08.30 - 10.00 WIB",
    "pukul 08.00-12.00",
    "kode pos 15111",
    "tahun 2025-2026",
    "km 12,5",
    "luas 120 m²",
    "No. 0012/SK/2026",
    "lubang 3 x 4 meter, 30 cm",
]


def test_the_table_holds_at_least_forty_real_formats():
    assert len({text for text, _hidden in WRITTEN}) >= 40


@pytest.mark.parametrize(("text", "hidden"), WRITTEN)
def test_each_way_of_writing_a_personal_number_is_masked(text, hidden):
    masked = mask(f"Mohon ditindak, {text}, terima kasih.")
    assert hidden not in masked
    assert "disamarkan]" in masked
    assert masked.startswith("Mohon ditindak, ") and masked.endswith(", terima kasih.")


@pytest.mark.parametrize("text", ORDINARY)
def test_ordinary_numbers_are_not_masked(text):
    assert mask(f"Laporan: {text}.") == f"Laporan: {text}."


def _description() -> str:
    return "Jalan rusak. " + " ; ".join(text for text, _hidden in WRITTEN)


def _assert_masked(text: str) -> None:
    for written, hidden in WRITTEN:
        assert hidden not in text, written


@pytest.mark.django_db
def test_numbers_are_masked_on_every_public_surface(client, submit, operator):
    complaint, token = submit(description=_description())
    complaint = services.verify(staff=operator, complaint=complaint)

    page = client.get(f"/kota-tangerang/laporan/{complaint.number}/")
    assert page.status_code == 200
    _assert_masked(page.content.decode())

    opened = both(client, f"requests/{complaint.number}", {**TNG, "extensions": "true"})
    _assert_masked(json.dumps(opened, ensure_ascii=False))
    xml = client.get(f"/open311/v2/requests/{complaint.number}.xml", TNG)
    assert xml.status_code == 200
    _assert_masked(xml.content.decode())

    tracked = client.get(f"/api/v1/track/{token}")
    assert tracked.status_code == 200
    assert "[nomor disamarkan]" in tracked.json()["description"]
    _assert_masked(json.dumps(tracked.json(), ensure_ascii=False))

    client.force_login(operator.user)
    wall = client.get("/api/v1/regions/kota-tangerang/live/wall")
    assert wall.status_code == 200
    assert complaint.number in wall.content.decode()
    _assert_masked(json.dumps(wall.json(), ensure_ascii=False))
