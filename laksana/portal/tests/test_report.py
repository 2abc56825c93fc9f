"""Reporting without JavaScript (Django's test client): the form, photos, double submits, and a
clear Indonesian message next to the field for every kind of bad input, with nothing stored."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from laksana.complaints.models import Complaint
from laksana.complaints.tests.images import jpeg_bytes, png_bytes
from laksana.testing.personas import OUTSIDE

from .helpers import KECAMATAN_TANGERANG, SUKARASA, field_error, report_data, stored

pytestmark = pytest.mark.django_db

URL = "/kota-tangerang/lapor/"


def _key(html: str) -> str:
    return re.search(r'name="idempotency_key" value="([^"]+)"', html).group(1)


def test_form_groups_categories_explains_privacy_and_carries_a_fresh_key(client, tangerang):
    first, second = client.get(URL), client.get(URL)
    html = first.content.decode()
    assert first.status_code == 200
    assert '<optgroup label="Infrastruktur">' in html
    assert '<option value="JALAN-RUSAK"' in html
    assert "nama Anda disembunyikan" in html  # anonim, in one sentence
    assert "tidak ditampilkan untuk umum" in html  # rahasia, in one sentence
    assert '<optgroup label="Tangerang">' in html  # kelurahan grouped by kecamatan, no JS needed
    assert _key(html) != _key(second.content.decode())


def test_category_from_the_home_page_is_preselected(client, tangerang):
    html = client.get(URL + "?kategori=SAMPAH").content.decode()
    assert '<option value="SAMPAH" selected data-keywords="Lingkungan">' in html


def test_report_by_kelurahan_with_a_photo_stores_it_without_exif(client, tangerang, media_root):
    photo = SimpleUploadedFile("jalan.jpg", jpeg_bytes(gps=True), content_type="image/jpeg")
    data = report_data(lat="", lng="", kecamatan=KECAMATAN_TANGERANG, kelurahan=SUKARASA)
    response = client.post(URL, {**data, "photos": [photo]})
    assert response.status_code == 302
    complaint = Complaint.objects.get()
    assert complaint.area.code == SUKARASA and complaint.lat is None
    assert complaint.reporter.phone == "081234567890"
    with Image.open(complaint.attachments.get().file.path) as image:
        assert not image.getexif()
    page = client.get(response["Location"])
    html = page.content.decode()
    assert page.status_code == 200 and page["Referrer-Policy"] == "same-origin"
    assert complaint.number in html
    assert f"/kota-tangerang/lacak/{response['Location'].split('/')[-2]}/" in html
    assert "0812••••7890" in html and "belum mengirim kabar lewat SMS atau WhatsApp" in html


def test_report_by_map_point_finds_the_kelurahan(client, tangerang):
    response = client.post(URL, report_data(name="", phone=""))
    assert response.status_code == 302
    complaint = Complaint.objects.get()
    assert complaint.area.code == SUKARASA and complaint.reporter is None
    html = client.get(response["Location"]).content.decode()
    assert "tidak meninggalkan nomor HP atau e-mail" in html


def test_double_submit_creates_one_complaint_and_its_photos_once(client, tangerang, media_root):
    responses = [
        client.post(URL, {**report_data(), "photos": [SimpleUploadedFile("a.png", png_bytes())]})
        for _attempt in range(2)
    ]
    assert [r.status_code for r in responses] == [302, 302]
    assert responses[0]["Location"] == responses[1]["Location"]
    assert stored()[:2] == (1, 1)


def test_a_reused_form_with_other_words_gets_a_new_key_and_then_goes_through(client, tangerang):
    client.post(URL, report_data())
    changed = report_data(description="Lampu jalan mati total di gang Melati sejak kemarin.")
    response = client.post(URL, changed)
    assert response.status_code == 409 and Complaint.objects.count() == 1
    html = response.content.decode()
    assert "sudah pernah terkirim" in html
    new_key = _key(html)
    assert new_key != "form-key-1"
    assert client.post(URL, {**changed, "idempotency_key": new_key}).status_code == 302
    assert Complaint.objects.count() == 2


def _pdf_named_jpg():
    return SimpleUploadedFile("foto.jpg", b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF", "image/jpeg")


def _thirty_megabytes():
    return SimpleUploadedFile("besar.jpg", jpeg_bytes() + b"\0" * (30 * 1024 * 1024), "image/jpeg")


BAD_INPUT = [
    # (case, changes to a good report, where the message must be, words it must contain)
    ("empty description", {"description": ""}, "id_description", "Wajib diisi"),
    ("long description", {"description": "a" * 4001}, "id_description", "Terlalu panjang"),
    ("thin description", {"description": "rusak"}, "id_description", "lebih rinci"),
    ("no category", {"category": ""}, "id_category", "Pilih kategori"),
    ("unknown category", {"category": "GOSIP"}, "id_category", "Kategori tidak dikenal"),
    ("unknown kind", {"kind": "gosip"}, "id_kind", "Jenis laporan tidak dikenal"),
    ("latitude not a number", {"lat": "utara"}, "location", "Titik lokasi tidak terbaca"),
    ("point in the sea", {"lat": OUTSIDE[0], "lng": OUTSIDE[1]}, "location", "di luar wilayah"),
    ("latitude only", {"lng": ""}, "location", "lintang dan bujur"),
    ("no location", {"lat": "", "lng": ""}, "location", "Tentukan lokasi"),
    (
        "kelurahan of another kecamatan",
        {"lat": "", "lng": "", "kecamatan": "36.71.02", "kelurahan": SUKARASA},
        "id_kelurahan",
        "tidak berada di kecamatan",
    ),
    ("unknown kelurahan", {"kelurahan": "36.71.99.1"}, "id_kelurahan", "Kelurahan tidak dikenal"),
    ("long address", {"address": "J" * 301}, "id_address", "Terlalu panjang"),
    ("long name", {"name": "S" * 121}, "id_name", "Terlalu panjang"),
    ("letters in phone", {"phone": "0812-ABCD-99"}, "id_phone", "Nomor telepon tidak valid"),
    ("short phone", {"phone": "0812"}, "id_phone", "Nomor telepon tidak valid"),
    ("broken e-mail", {"email": "siti@"}, "id_email", "e-mail tidak valid"),
    ("long e-mail", {"email": "s" * 250 + "@a.id"}, "id_email", "Terlalu panjang"),
    ("pdf renamed .jpg", {"photos": [_pdf_named_jpg]}, "id_photos", "bukan foto"),
    ("30 MB image", {"photos": [_thirty_megabytes]}, "id_photos", "Foto terlalu besar"),
    ("six photos", {"photos": [lambda: SimpleUploadedFile("a.png", png_bytes())] * 6},
     "id_photos", "Paling banyak 5 foto"),
    (
        "second photo bad",
        {"photos": [lambda: SimpleUploadedFile("a.png", png_bytes()), _pdf_named_jpg]},
        "id_photos",
        "Foto 2 (foto.jpg)",
    ),
]  # fmt: skip


@pytest.mark.parametrize(("change", "field", "words"), [c[1:] for c in BAD_INPUT],
                         ids=[c[0] for c in BAD_INPUT])  # fmt: skip
def test_bad_input_is_explained_next_to_its_field_and_nothing_is_stored(
    client, tangerang, media_root, change, field, words
):
    change = dict(change)
    if "photos" in change:
        change["photos"] = [make() for make in change["photos"]]
    before = stored()
    response = client.post(URL, report_data(**change))
    html = response.content.decode()
    assert response.status_code in (400, 409, 413, 422)
    assert words in field_error(html, field), field_error(html, field) or html
    assert stored() == before
    assert not media_root.exists() or not any(media_root.rglob("*.*"))
    assert 'role="alert"' in html and "Laporan belum terkirim" in html


def test_field_errors_are_tied_to_their_inputs_for_screen_readers(client, tangerang):
    html = client.post(URL, report_data(description="", phone="12")).content.decode()
    assert 'aria-invalid="true"' in html
    assert 'aria-describedby="id_description_helptext id_description_error"' in html
    # Entries of the summary link to the fields they are about.
    assert '<a href="#id_description">' in html


def test_every_error_is_shown_at_once_not_one_round_each(client, tangerang):
    """An empty description (the form's check) and a missing place and a bad e-mail (the
    service's checks) come back together, and nothing is stored."""
    before = stored()
    data = report_data(description="", lat="", lng="", email="bukan-email", phone="12")
    response = client.post(URL, data)
    html = response.content.decode()
    assert response.status_code == 422
    assert "Wajib diisi." in field_error(html, "id_description")
    assert "Tentukan lokasi" in html
    assert "Alamat e-mail tidak valid." in field_error(html, "id_email")
    assert "Nomor telepon tidak valid" in field_error(html, "id_phone")
    summary = re.search(r'<div class="error-summary".*?</div>', html, re.S).group(0)
    assert summary.count("<li>") == 4
    assert stored() == before


def test_a_field_with_its_own_error_does_not_get_the_service_error_twice(client, tangerang):
    response = client.post(URL, report_data(description="", category="HILANG", lat="x"))
    html = response.content.decode()
    assert field_error(html, "id_category").count("Kategori") == 1
    location = re.search(r'id="location_error">(.*?)</ul>', html, re.S).group(1)
    assert location.count("<li>") == 1 and "Titik lokasi tidak terbaca" in location
    assert "Tentukan lokasi" not in html


def _submitted_updates(client, **fields) -> str:
    response = client.post(URL, report_data(**fields))
    html = client.get(response["Location"]).content.decode()
    return re.search(r'<section aria-labelledby="updates-title".*?</section>', html, re.S).group(0)


def test_the_confirmation_promises_only_the_channels_configured(client, tangerang, settings):
    """E-mail is configured, SMS and WhatsApp are not: the phone gets no promise."""
    both = _submitted_updates(client, email="siti@contoh.id", idempotency_key="k1")
    assert "tautan pelacakan" in both
    assert "kami kirim lewat e-mail ke s•••@contoh.id" in both
    assert "kami kirim lewat SMS" not in both and "kami kirim lewat WhatsApp" not in both
    assert "belum mengirim kabar lewat SMS atau WhatsApp" in both
    form = client.get(URL).content.decode()
    assert "dikirim lewat e-mail (belum lewat SMS)" in form

    # The region switches SMS on (laksana/channels): a phone given on the form is reached by SMS
    # (not WhatsApp, which allows only pre-approved templates to someone who has not written).
    from laksana.channels.models import ChannelSettings
    from laksana.channels.services import forget_settings

    ChannelSettings.objects.create(region=tangerang, provider="sms", enabled=True)
    forget_settings(tangerang.id)
    phone_only = _submitted_updates(client, idempotency_key="k2")
    assert "kami kirim lewat SMS ke 0812••••7890" in phone_only
    assert "belum mengirim" not in phone_only and "e-mail ke" not in phone_only
    assert "dikirim ke nomor HP dan e-mail Anda" in client.get(URL).content.decode()


def test_the_confirmation_says_the_report_is_not_public_until_verified(client, tangerang):
    updates = _submitted_updates(client, idempotency_key="k3")
    assert "belum tampil untuk umum" in updates
