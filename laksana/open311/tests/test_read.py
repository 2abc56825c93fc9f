import json
from datetime import UTC, datetime, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from laksana.common import clock
from laksana.complaints import services
from laksana.complaints.models import Complaint
from laksana.complaints.tests.images import jpeg_bytes
from laksana.open311.tests.helpers import TNG, both, descriptions, validate
from laksana.testing.personas import IN_CONTOH

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("publish_at_once")]

NOW = datetime(2026, 11, 20, 3, 0, tzinfo=UTC)  # 10:00 WIB


def _at(moment, action):
    with clock.at(moment):
        return action()


def _ids(body):
    return [r["service_request_id"] for r in body]


@pytest.fixture
def history(submit, operator, pupr, media_root):
    """Complaints at known times and states: submitted, in progress, resolved, rejected."""
    fresh, _t = _at(NOW - timedelta(days=1), lambda: submit())
    working, _t = _at(NOW - timedelta(days=5), lambda: submit(category_code="DRAINASE"))
    done, _t = _at(NOW - timedelta(days=10), lambda: submit())
    refused, _t = _at(NOW - timedelta(days=20), lambda: submit(category_code="SAMPAH"))
    old, _t = _at(NOW - timedelta(days=120), lambda: submit())
    with clock.at(NOW - timedelta(days=4)):
        w = services.verify(staff=operator, complaint=working)
        w = services.dispose(staff=operator, complaint=w, agency_code="PUPR")
        w = services.accept(staff=pupr, complaint=w)
        services.note(staff=pupr, complaint=w, text="Internal: tunggu alat berat.")
    with clock.at(NOW - timedelta(days=9)):
        d = services.verify(staff=operator, complaint=done)
        d = services.dispose(staff=operator, complaint=d)
        d = services.accept(staff=pupr, complaint=d)
        photo = SimpleUploadedFile("bukti.jpg", jpeg_bytes())
        services.add_photo(complaint=d, actor=pupr, upload=photo, purpose="evidence")
        services.resolve(staff=pupr, complaint=d, response="Sudah ditambal. Info: 081299998888")
    _at(
        NOW - timedelta(days=19),
        lambda: services.reject(staff=operator, complaint=refused, reason="Bukan di jalan kota."),
    )
    return {"fresh": fresh, "working": working, "done": done, "refused": refused, "old": old}


@pytest.fixture
def now():
    with clock.at(NOW):
        yield NOW


def test_list_shows_requests_of_the_last_90_days_newest_first(client, history, now):
    body = both(client, "requests")
    validate("requests", body)
    h = history
    assert _ids(body) == [h[k].number for k in ("fresh", "working", "done", "refused")]


def test_request_fields_map_the_complaint(client, history, now):
    done = history["done"]
    row = both(client, f"requests/{done.number}")
    validate("requests", row)
    assert len(row) == 1
    row = row[0]
    assert row["status"] == "closed" and row["service_notice"] == "Selesai ditangani"
    assert row["service_code"] == "JALAN-RUSAK"
    assert row["service_name"] == "Jalan rusak / berlubang"
    assert row["agency_responsible"] == "Dinas Pekerjaan Umum dan Penataan Ruang"
    assert row["status_notes"] == "Sudah ditambal. Info: [nomor disamarkan]"
    assert row["address_id"] == "36.71.01.1001" and row["zipcode"] == "15111"
    assert row["requested_datetime"] == "2026-11-10T10:00:00+07:00"
    assert row["updated_datetime"] == "2026-11-11T10:00:00+07:00"
    assert row["expected_datetime"] is None
    assert (row["lat"], row["long"]) == (done.lat, done.lng)
    assert row["media_url"].startswith("http://testserver/media/")


def test_open_and_closed_follow_the_lifecycle(client, history, now):
    rows = {r["service_request_id"]: r["status"] for r in both(client, "requests")}
    h = history
    assert rows == {
        h["fresh"].number: "open",
        h["working"].number: "open",
        h["done"].number: "closed",
        h["refused"].number: "closed",
    }


def test_expected_datetime_is_the_current_deadline_in_local_time(client, history, now):
    working = history["working"]
    Complaint.objects.filter(pk=working.pk).update(next_deadline=NOW + timedelta(days=2))
    row = both(client, f"requests/{working.number}")[0]
    assert row["expected_datetime"] == "2026-11-22T10:00:00+07:00"


def test_status_filter(client, history, now):
    h = history
    assert _ids(both(client, "requests", {**TNG, "status": "open"})) == [
        h["fresh"].number,
        h["working"].number,
    ]
    closed = both(client, "requests", {**TNG, "status": "closed"})
    assert _ids(closed) == [h["done"].number, h["refused"].number]
    assert len(both(client, "requests", {**TNG, "status": "open,closed"})) == 4


def test_service_code_filter_takes_a_comma_list(client, history, now):
    h = history
    body = both(client, "requests", {**TNG, "service_code": "DRAINASE,SAMPAH"})
    assert _ids(body) == [h["working"].number, h["refused"].number]


def test_start_and_end_date_filter_requested_datetime(client, history, now):
    h = history
    params = {**TNG, "start_date": "2026-11-08T00:00:00+07:00", "end_date": "2026-11-16T00:00:00Z"}
    assert _ids(both(client, "requests", params)) == [h["working"].number, h["done"].number]
    older = both(client, "requests", {**TNG, "start_date": "2026-07-01"})
    assert h["old"].number in _ids(older)


def test_updated_after_and_before_filter_updated_datetime(client, history, now):
    h = history
    after = both(client, "requests", {**TNG, "updated_after": "2026-11-15T12:00:00+07:00"})
    assert _ids(after) == [h["fresh"].number, h["working"].number]
    before = both(client, "requests", {**TNG, "updated_before": "2026-11-02T00:00:00+07:00"})
    assert _ids(before) == [h["refused"].number, h["old"].number]


def test_service_request_id_overrides_every_other_filter(client, history, now):
    h = history
    params = {
        **TNG,
        "service_request_id": f"{h['old'].number},{h['fresh'].number},TNG-0000-000000",
        "status": "closed",
        "service_code": "SAMPAH",
    }
    assert _ids(both(client, "requests", params)) == [h["fresh"].number, h["old"].number]


def test_pages_of_requests(client, history, now):
    h = history
    first = both(client, "requests", {**TNG, "page_size": "3"})
    second = both(client, "requests", {**TNG, "page_size": "3", "page": "2"})
    assert _ids(first) == [h[k].number for k in ("fresh", "working", "done")]
    assert _ids(second) == [h["refused"].number]
    assert both(client, "requests", {**TNG, "page": "5"}) == []


def test_wrong_filters_are_all_reported_at_once(client, tangerang):
    params = {
        **TNG,
        "status": "pending",
        "start_date": "kemarin",
        "updated_after": "2026-13-01",
        "page": "0",
        "page_size": "1001",
    }
    body = both(client, "requests", params, status=400)
    arguments = sorted(e["description"].split(":")[0] for e in body)
    assert arguments == ["page", "page_size", "start_date", "status", "updated_after"]


def test_unknown_request_is_404(client, tangerang):
    body = both(client, "requests/TNG-2611-999999", status=404)
    assert body[0]["code"] == 404


def test_extensions_add_public_timeline_and_attributes(client, history, now):
    working = history["working"]
    row = both(client, f"requests/{working.number}", {**TNG, "extensions": "true"})[0]
    validate("requests", [row])
    assert [n["type"] for n in row["notes"]] == ["submitted", "verified", "disposed", "accepted"]
    assert "Internal" not in json.dumps(row)
    assert row["notes"][0]["datetime"] == "2026-11-15T10:00:00+07:00"
    assert row["extended_attributes"] == {
        "status": "in_progress",
        "kind": "pengaduan",
        "channel": "web",
        "kecamatan": "Tangerang",
        "kelurahan": "Sukarasa",
        "duplicate_of": None,
        "photos": [],
    }
    listed = both(client, "requests", {**TNG, "extensions": "true"})
    assert all("notes" in r for r in listed)
    assert "notes" not in both(client, f"requests/{working.number}")[0]


def test_extensions_show_evidence_photos_once_resolved(client, history, now):
    row = both(client, f"requests/{history['done'].number}", {**TNG, "extensions": "true"})[0]
    assert [p["purpose"] for p in row["extended_attributes"]["photos"]] == ["evidence"]


def test_duplicate_points_at_the_original(client, submit, operator, now):
    first, _t = submit()
    second, _t = submit(description="Jalan berlubang di depan SDN 3 belum diperbaiki juga.")
    services.merge(staff=operator, complaint=second, into=first)
    row = both(client, f"requests/{second.number}", {**TNG, "extensions": "1"})[0]
    assert row["status"] == "closed"
    assert row["extended_attributes"]["duplicate_of"] == first.number


def test_reporter_never_appears_and_public_text_is_masked(client, submit, now):
    complaint, _t = submit(
        description="Jalan rusak parah, hubungi saya di 081277776666 atau budi@example.com",
        email="siti@example.com",
    )
    body = both(client, f"requests/{complaint.number}", {**TNG, "extensions": "true"})
    text = json.dumps(body)
    for secret in ("Siti", "Aminah", "081234567890", "081277776666", "example.com"):
        assert secret not in text
    assert "[nomor disamarkan]" in body[0]["description"]


def test_confidential_complaints_are_never_listed(client, submit, api_key, now):
    hidden, token = submit(is_confidential=True)
    shown, _t = submit()
    assert _ids(both(client, "requests")) == [shown.number]
    assert both(client, "requests", {**TNG, "service_request_id": hidden.number}) == []
    both(client, f"requests/{hidden.number}", status=404)
    both(client, f"tokens/{token}", status=404)


def test_anonymous_complaints_are_listed_without_reporter(client, submit, now):
    complaint, _t = submit(is_anonymous=True)
    assert _ids(both(client, "requests")) == [complaint.number]


def test_other_regions_requests_are_not_listed_here(client, tangerang, contoh, now):
    other = services.submit(
        region=contoh,
        category_code="SAMPAH",
        description="Sampah menumpuk di tepi pantai sejak minggu lalu.",
        lat=IN_CONTOH[0],
        lng=IN_CONTOH[1],
    ).complaint
    assert both(client, "requests") == []
    assert both(client, "requests", {**TNG, "service_request_id": other.number}) == []
    both(client, f"requests/{other.number}", status=404)
    row = both(client, f"requests/{other.number}", {"jurisdiction_id": "kota-contoh"})[0]
    assert row["requested_datetime"] == "2026-11-20T11:00:00+08:00"  # WITA


def test_queries_do_not_grow_with_the_number_of_requests(client, submit, media_root, now):
    def count_queries():
        with CaptureQueriesContext(connection) as ctx:
            body = both(client, "requests", {**TNG, "extensions": "true"})
        return len(ctx.captured_queries), len(body)

    for _i in range(3):
        c, _t = submit()
        services.add_photo(
            complaint=c, actor=services.Citizen(), upload=SimpleUploadedFile("a.jpg", jpeg_bytes())
        )
    few, n_few = count_queries()
    for _i in range(12):
        submit()
    many, n_many = count_queries()
    assert (n_few, n_many) == (3, 15)
    assert many == few


def test_nul_in_the_query_string_is_a_400_not_a_crash(client, tangerang):
    assert descriptions(both(client, "requests", {**TNG, "status": "\x00"}, status=400))


def test_service_notice_is_the_human_status(client, submit, now):
    complaint, _t = submit()
    assert both(client, f"requests/{complaint.number}")[0]["service_notice"] == "Diterima"


def test_no_key_or_session_widens_what_is_read(client, submit, operator, contoh_key, now):
    """Open311 reads are public: staff sessions and other regions' keys see the public view."""
    hidden, _t = submit(is_confidential=True)
    shown, _t = submit()
    client.force_login(operator.user)
    params = {**TNG, "api_key": contoh_key}
    assert _ids(both(client, "requests", params)) == [shown.number]
    both(client, f"requests/{hidden.number}", params, status=404)
