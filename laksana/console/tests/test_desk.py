"""The agency desk: incoming dispositions, accept, return, forward, responses, notes, resolve."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from laksana.complaints.models import Complaint, Event
from laksana.complaints.tests.images import jpeg_bytes
from laksana.console.models import ResponseTemplate
from laksana.testing.personas import staff

from .conftest import url

pytestmark = pytest.mark.django_db


def test_desk_shows_only_dispositions_to_the_liaisons_agency(client, in_state, pupr, tangerang):
    mine = in_state("dispatched")
    theirs = in_state("verified")
    from laksana.complaints import services
    from laksana.testing.personas import staff as make

    theirs = services.dispose(
        staff=make("op-tng", tangerang, "operator"), complaint=theirs, agency_code="DLH"
    )
    client.force_login(pupr.user)
    html = client.get(url(tangerang.slug, "meja-opd")).content.decode()
    assert mine.number in html and theirs.number not in html
    assert client.get(url(tangerang.slug, "laporan", theirs.number)).status_code == 404


def test_liaison_accepts_from_the_desk_row_with_htmx(client, in_state, pupr, tangerang):
    c = in_state("dispatched")
    client.force_login(pupr.user)
    response = client.post(
        url(tangerang.slug, "laporan", c.number, "accept"),
        {"version": c.version, "fragment": "row"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    row = response.content.decode()
    assert row.lstrip().startswith("<tr>") and "Ditindaklanjuti" in row
    assert Complaint.objects.get(pk=c.pk).status == "in_progress"


def test_return_as_not_our_authority_needs_a_reason(client, in_state, pupr, tangerang):
    c = in_state("dispatched")
    client.force_login(pupr.user)
    act = url(tangerang.slug, "laporan", c.number, "return")
    assert client.post(act, {"version": c.version, "reason": " "}).status_code == 422
    assert client.post(act, {"version": c.version, "reason": "Jalan provinsi."}).status_code == 302
    c.refresh_from_db()
    assert c.status == "verified" and c.agency is None
    event = Event.objects.filter(complaint=c).last()
    assert event.type == "returned" and not event.is_public and event.text == "Jalan provinsi."


def test_forward_to_another_agency_with_a_reason(client, in_state, pupr, tangerang):
    c = in_state("dispatched")
    client.force_login(pupr.user)
    client.post(
        url(tangerang.slug, "laporan", c.number, "forward"),
        {"version": c.version, "agency": "DLH", "reason": "Sampah menutup jalan."},
    )
    c.refresh_from_db()
    assert c.agency.code == "DLH" and c.status == "dispatched"


def test_response_templates_are_per_agency_and_fill_a_response(client, in_state, pupr, tangerang):
    admin = staff("pupradm-tng", tangerang, "agency_admin", "PUPR")
    client.force_login(admin.user)
    client.post(
        url(tangerang.slug, "templat", "tanggapan"),
        {"agency": "PUPR", "title": "Jadwal", "text": "Perbaikan dijadwalkan pekan ini."},
    )
    refused = client.post(
        url(tangerang.slug, "templat", "tanggapan"),
        {"agency": "DLH", "title": "Bukan OPD saya", "text": "x"},
    )
    assert refused.status_code == 422
    assert list(ResponseTemplate.objects.values_list("agency__code", flat=True)) == ["PUPR"]
    c = in_state("in_progress")
    client.force_login(pupr.user)
    page = client.get(url(tangerang.slug, "laporan", c.number)).content.decode()
    assert "Perbaikan dijadwalkan pekan ini." in page
    client.post(
        url(tangerang.slug, "laporan", c.number, "respond"),
        {"version": c.version, "text": "", "text_template": "Perbaikan dijadwalkan pekan ini."},
    )
    event = Event.objects.filter(complaint=c).last()
    assert (event.type, event.is_public) == ("responded", True)


def test_internal_note_stays_internal(client, in_state, pupr, tangerang):
    c = in_state("in_progress")
    client.force_login(pupr.user)
    client.post(
        url(tangerang.slug, "laporan", c.number, "note"),
        {"version": c.version, "text": "Butuh aspal 2 ton."},
    )
    event = Event.objects.filter(complaint=c).last()
    assert (event.type, event.is_public, event.actor) == ("note", False, pupr.user)


def test_resolving_field_work_needs_a_photo_and_takes_one_in_the_same_form(
    client, in_state, pupr, tangerang, media_root
):
    c = in_state("in_progress")
    client.force_login(pupr.user)
    act = url(tangerang.slug, "laporan", c.number, "resolve")
    missing = client.post(act, {"version": c.version, "response": "Sudah ditambal."})
    assert missing.status_code == 422
    assert "foto bukti" in missing.content.decode()
    done = client.post(
        act,
        {
            "version": c.version,
            "response": "Sudah ditambal.",
            "photo": SimpleUploadedFile("bukti.jpg", jpeg_bytes()),
        },
    )
    assert done.status_code == 302
    c.refresh_from_db()
    assert c.status == "resolved" and c.attachments.get().purpose == "evidence"
    types = list(Event.objects.filter(complaint=c).values_list("type", flat=True))
    assert types[-2:] == ["attachment", "resolved"]
