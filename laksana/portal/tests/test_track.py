"""Following one's own complaint without JavaScript: by the private link or by number + contact;
answering, rating and reopening through the real services."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from laksana.complaints import services
from laksana.complaints.models import Complaint, Event
from laksana.complaints.tests.images import jpeg_bytes

from . import helpers
from .helpers import field_error, resolve, stored

pytestmark = pytest.mark.django_db


def _track(token: str) -> str:
    return f"/kota-tangerang/lacak/{token}/"


def test_track_page_shows_status_in_plain_words_agency_deadline_and_timeline(
    client, submit, operator
):
    complaint, token = submit(description="Jalan berlubang, hubungi saya di 0812 3456 7890.")
    complaint = services.verify(staff=operator, complaint=complaint)
    complaint = services.dispose(staff=operator, complaint=complaint)
    deadline = timezone.now() + timedelta(days=3)
    Complaint.objects.filter(pk=complaint.pk).update(next_deadline=deadline)
    response = client.get(_track(token))
    html = response.content.decode()
    assert response.status_code == 200
    assert response["Referrer-Policy"] == "same-origin"
    assert "Laporan Anda sudah diteruskan ke Dinas Pekerjaan Umum" in html
    assert "Batas waktu tahap ini" in html and "WIB" in html
    assert "Didisposisikan ke OPD" in html  # the public timeline
    assert "[nomor disamarkan]" in html and "3456 7890" not in html
    assert "Beri nilai" not in html and "Buka kembali" not in html


def test_a_wrong_or_foreign_token_is_not_found(client, submit, contoh):
    _complaint, token = submit()
    foreign = helpers.foreign(contoh)
    assert client.get(_track("bukan-token-yang-benar")).status_code == 404
    assert client.get(_track(foreign.token)).status_code == 404
    assert client.get(f"/kota-contoh/lacak/{token}/").status_code == 404
    assert client.get(f"/kota-tangerang/lapor/terkirim/{foreign.token}/").status_code == 404


def test_the_reporter_answers_a_question_while_the_complaint_waits(client, submit, operator):
    complaint, token = submit()
    services.ask_reporter(staff=operator, complaint=complaint, question="Di depan nomor berapa?")
    html = client.get(_track(token)).content.decode()
    assert "Di depan nomor berapa?" in html and "Kirim jawaban" in html
    empty = client.post(_track(token), {"action": "answer", "answer-text": ""})
    assert empty.status_code == 422 and "Wajib diisi" in field_error(
        empty.content.decode(), "id_answer-text"
    )
    response = client.post(_track(token), {"action": "answer", "answer-text": "Depan nomor 12."})
    assert response.status_code == 302
    complaint.refresh_from_db()
    assert complaint.status == "submitted"
    assert "jawaban Anda sudah dikirim" in client.get(_track(token)).content.decode()


def test_rate_once_after_resolution(client, submit, operator, pupr, media_root):
    complaint, token = submit()
    resolve(complaint, operator=operator, pupr=pupr)
    html = client.get(_track(token)).content.decode()
    assert "Beri nilai penanganan" in html and "Buka kembali laporan" in html
    bad = client.post(_track(token), {"action": "rate", "rate-rating": "9"})
    assert bad.status_code == 422
    assert "Nilai harus 1 sampai 5" in field_error(bad.content.decode(), "id_rate-rating")
    ok = client.post(_track(token), {"action": "rate", "rate-rating": "4", "rate-comment": "Oke"})
    assert ok.status_code == 302
    complaint.refresh_from_db()
    assert (complaint.rating, complaint.rating_comment) == (4, "Oke")
    page = client.get(_track(token)).content.decode()
    assert "Terima kasih atas penilaian Anda" in page and "Beri nilai penanganan" not in page
    before = stored()
    again = client.post(_track(token), {"action": "rate", "rate-rating": "1"})
    assert again.status_code == 409 and stored() == before


def test_reopen_with_a_reason_within_ten_working_days(client, submit, operator, pupr, media_root):
    complaint, token = submit()
    resolve(complaint, operator=operator, pupr=pupr)
    empty = client.post(_track(token), {"action": "reopen", "reopen-reason": "  "})
    assert empty.status_code == 422
    assert "Wajib diisi" in field_error(empty.content.decode(), "id_reopen-reason")
    response = client.post(
        _track(token), {"action": "reopen", "reopen-reason": "Lubangnya muncul lagi."}
    )
    assert response.status_code == 302
    complaint.refresh_from_db()
    assert complaint.status == "in_progress"
    assert complaint.events.filter(type=Event.Type.REOPENED).count() == 1


def test_reopening_after_the_deadline_is_refused_and_the_form_is_gone(
    client, submit, operator, pupr, media_root
):
    complaint, token = submit()
    complaint = resolve(complaint, operator=operator, pupr=pupr)
    with time_machine.travel(complaint.resolved_at + timedelta(days=30)):
        html = client.get(_track(token)).content.decode()
        assert "Buka kembali laporan" not in html and "Beri nilai penanganan" in html
        late = client.post(_track(token), {"action": "reopen", "reopen-reason": "Belum beres."})
    assert late.status_code == 409
    assert "sudah lewat" in late.content.decode()
    complaint.refresh_from_db()
    assert complaint.status == "resolved"


def test_track_by_number_and_the_phone_used_in_any_spelling(client, submit):
    complaint, _token = submit(phone="0812-3456-7890")
    response = client.post(
        "/kota-tangerang/lacak/", {"number": complaint.number, "contact": "+62 812 3456 7890"}
    )
    assert response.status_code == 302
    assert response["Location"] == f"/kota-tangerang/lacak/nomor/{complaint.number}/"
    assert complaint.number in client.get(response["Location"]).content.decode()


def test_track_by_number_and_e_mail_ignores_case(client, submit):
    complaint, _token = submit(phone="", email="Siti@Contoh.id")
    response = client.post(
        "/kota-tangerang/lacak/", {"number": complaint.number, "contact": "siti@contoh.ID"}
    )
    assert response.status_code == 302


def test_a_wrong_contact_and_an_unknown_number_get_the_same_answer(client, submit):
    complaint, _token = submit()
    wrong_contact = client.post(
        "/kota-tangerang/lacak/", {"number": complaint.number, "contact": "0899 1111 2222"}
    )
    unknown_number = client.post(
        "/kota-tangerang/lacak/", {"number": "TNG-0000-999999", "contact": "0812 3456 7890"}
    )
    assert wrong_contact.status_code == unknown_number.status_code == 404

    def message(response):
        html = response.content.decode()
        return html[html.index('class="error-summary"') : html.index("</form>")]

    assert message(wrong_contact).replace(complaint.number, "") == message(unknown_number).replace(
        "TNG-0000-999999", ""
    )
    # Without a proven look-up the number page sends the visitor to the form.
    page = client.get(f"/kota-tangerang/lacak/nomor/{complaint.number}/")
    assert page.status_code == 302 and page["Location"] == "/kota-tangerang/lacak/"


def test_a_number_of_another_region_cannot_be_tracked_here(client, contoh):
    foreign = helpers.foreign(contoh, phone="081311112222").complaint
    response = client.post(
        "/kota-tangerang/lacak/", {"number": foreign.number, "contact": "081311112222"}
    )
    assert response.status_code == 404


def test_look_ups_are_rate_limited(client, submit, settings):
    settings.PORTAL_LOOKUP_RATE = (2, 600)
    complaint, _token = submit()
    data = {"number": complaint.number, "contact": "0899 0000 0000"}
    codes = [client.post("/kota-tangerang/lacak/", data).status_code for _i in range(3)]
    assert codes == [404, 404, 429]
    good = client.post("/kota-tangerang/lacak/", {**data, "contact": "081234567890"})
    assert good.status_code == 429 and "Terlalu banyak percobaan" in good.content.decode()


def test_after_a_reopen_the_citizen_rates_the_new_outcome_and_both_ratings_stay(
    client, submit, operator, pupr, media_root
):
    complaint, token = submit()
    resolve(complaint, operator=operator, pupr=pupr)
    client.post(_track(token), {"action": "rate", "rate-rating": "2", "rate-comment": "Asal"})
    client.post(_track(token), {"action": "reopen", "reopen-reason": "Lubangnya muncul lagi."})
    complaint.refresh_from_db()
    assert (complaint.status, complaint.rating, complaint.rating_comment) == (
        "in_progress",
        None,
        "",
    )
    assert "Beri nilai penanganan" not in client.get(_track(token)).content.decode()

    services.resolve(staff=pupr, complaint=complaint, response="Ditambal ulang dengan aspal.")
    assert "Beri nilai penanganan" in client.get(_track(token)).content.decode()
    ok = client.post(_track(token), {"action": "rate", "rate-rating": "5", "rate-comment": "Bagus"})
    assert ok.status_code == 302
    complaint.refresh_from_db()
    assert (complaint.rating, complaint.rating_comment) == (5, "Bagus")  # the latest counts
    rated = complaint.events.filter(type=Event.Type.RATED).order_by("id")
    assert [e.data["rating"] for e in rated] == [2, 5]
    assert complaint.events.get(type=Event.Type.REOPENED).data == {"previous_rating": 2}
    page = client.get(_track(token)).content.decode()
    assert "Nilai 2 dari 5" in page and "Nilai 5 dari 5" in page  # the history, on the page
    assert client.get(f"/api/v1/track/{token}").json()["rating"] == 5


def _photos(html: str, section: str) -> list[str]:
    match = re.search(rf'<ul class="photos" id="{section}">(.*?)</ul>', html, re.S)
    captions = re.findall(r"<figcaption>(.*?)</figcaption>", match.group(1), re.S) if match else []
    return [re.sub(r"<[^>]+>|\s+", " ", c).strip().split(" · ")[0] for c in captions]


def test_photos_say_who_took_them_and_stay_after_a_reopen(
    client, submit, operator, pupr, media_root
):
    complaint, token = submit()
    services.add_photo(
        complaint=complaint,
        actor=services.Citizen(),
        upload=SimpleUploadedFile("a.jpg", jpeg_bytes()),
    )
    c = services.dispose(
        staff=operator, complaint=services.verify(staff=operator, complaint=complaint)
    )
    c = services.accept(staff=pupr, complaint=c)
    for stage in ("before", "after"):
        services.add_photo(
            complaint=c, actor=pupr, purpose="evidence", stage=stage,
            upload=SimpleUploadedFile(f"{stage}.jpg", jpeg_bytes()),
        )  # fmt: skip
    c.refresh_from_db()
    html = client.get(_track(token)).content.decode()
    assert _photos(html, "report-photos") == ["Foto dari pelapor"]
    assert _photos(html, "handling-photos") == []  # evidence is shown once resolved
    c = services.resolve(staff=pupr, complaint=c, response="Lubang sudah ditambal.")
    handling = ["Petugas lapangan, sebelum ditangani", "Petugas lapangan, sesudah ditangani"]
    html = client.get(_track(token)).content.decode()
    assert _photos(html, "report-photos") == ["Foto dari pelapor"]
    assert _photos(html, "handling-photos") == handling
    assert "WIB" in re.search(r'id="handling-photos">(.*?)</ul>', html, re.S).group(1)

    client.post(_track(token), {"action": "reopen", "reopen-reason": "Lubangnya muncul lagi."})
    c.refresh_from_db()
    services.add_photo(
        complaint=c,
        actor=pupr,
        purpose="evidence",
        upload=SimpleUploadedFile("b.jpg", jpeg_bytes()),
    )
    for page in (_track(token), f"/kota-tangerang/laporan/{c.number}/"):
        html = client.get(page).content.decode()
        assert _photos(html, "handling-photos") == handling, page  # kept; the new one waits
    api = client.get(f"/api/v1/track/{token}").json()["photos"]
    assert [(p["purpose"], p["stage"]) for p in api] == [
        ("report", ""), ("evidence", "before"), ("evidence", "after")
    ]  # fmt: skip
