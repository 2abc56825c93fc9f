"""The complaint page: timeline, map, photos, related complaints, and who sees the reporter."""

import pytest
from django.conf import settings

from laksana.complaints import services
from laksana.complaints.models import Event
from laksana.testing.personas import staff

from .conftest import url

pytestmark = pytest.mark.django_db


def test_page_shows_timeline_public_and_internal_apart_with_map(
    client, in_state, operator, pupr, tangerang
):
    c = in_state("in_progress")
    services.note(staff=pupr, complaint=c, text="Catatan rahasia tim.")
    client.force_login(operator.user)
    html = client.get(url(tangerang.slug, "laporan", c.number)).content.decode()
    assert 'class="event internal"' in html and 'class="event public"' in html
    assert "Catatan rahasia tim." in html
    assert "leaflet/leaflet.js" in html and "data-map" in html
    assert "django_htmx/htmx-2.min.js" in html
    assert "Dinas PUPR" in html  # who did what: the agency next to the actor


def test_reporter_contact_is_revealed_on_request_and_each_view_is_logged(
    client, in_state, operator, tangerang
):
    c = in_state("submitted")
    client.force_login(operator.user)
    page = client.get(url(tangerang.slug, "laporan", c.number)).content.decode()
    assert "081234567890" not in page and "Tampilkan kontak pelapor" in page
    for _view in range(2):
        shown = client.post(url(tangerang.slug, "laporan", c.number, "reporter"))
        assert shown.status_code == 200 and "081234567890" in shown.content.decode()
    viewed = Event.objects.filter(complaint=c, type="viewed")
    assert viewed.count() == 2
    assert all(not e.is_public and e.actor == operator.user for e in viewed)


def test_auditor_views_of_personal_data_are_logged_too(client, in_state, tangerang):
    auditor = staff("aud-tng", tangerang, "auditor")
    c = in_state("dispatched")
    client.force_login(auditor.user)
    page = client.get(url(tangerang.slug, "laporan", c.number)).content.decode()
    assert "<form" not in page.split('class="actions"')[1].split("</section>")[0]
    assert client.post(url(tangerang.slug, "laporan", c.number, "reporter")).status_code == 200
    assert Event.objects.filter(complaint=c, type="viewed", actor=auditor.user).count() == 1


def test_anonymous_reporter_is_hidden_from_the_agency_not_from_the_command_center(
    client, in_state, operator, pupr, tangerang
):
    c = in_state("dispatched", is_anonymous=True)
    client.force_login(pupr.user)
    page = client.get(url(tangerang.slug, "laporan", c.number)).content.decode()
    assert "Siti" not in page and "Tampilkan kontak pelapor" not in page
    refused = client.post(url(tangerang.slug, "laporan", c.number, "reporter"))
    assert refused.status_code == 403 and "081234567890" not in refused.content.decode()
    assert not Event.objects.filter(complaint=c, type="viewed").exists()
    client.force_login(operator.user)
    page = client.get(url(tangerang.slug, "laporan", c.number)).content.decode()
    assert "081234567890" not in page and "tidak diteruskan ke OPD" in page
    shown = client.post(url(tangerang.slug, "laporan", c.number, "reporter"))
    assert shown.status_code == 200 and "081234567890" in shown.content.decode()
    assert Event.objects.get(complaint=c, type="viewed").data["via"] == "console"


def test_viewers_see_no_personal_data_even_inside_the_text(client, in_state, tangerang):
    viewer = staff("view-tng", tangerang, "viewer")
    c = in_state("dispatched", description="Jalan berlubang, hubungi saya di 081298765432.")
    client.force_login(viewer.user)
    page = client.get(url(tangerang.slug, "laporan", c.number)).content.decode()
    assert "081298765432" not in page and "[nomor disamarkan]" in page
    assert "Tampilkan kontak pelapor" not in page
    assert client.post(url(tangerang.slug, "laporan", c.number, "reporter")).status_code == 403


def test_related_complaints_link_both_ways(client, in_state, operator, tangerang):
    original = in_state("submitted")
    copy = in_state("submitted", description="Jalan depan SDN 3 berlubang, mohon diperbaiki.")
    services.merge(staff=operator, complaint=copy, into=original)
    client.force_login(operator.user)
    page = client.get(url(tangerang.slug, "laporan", original.number)).content.decode()
    assert copy.number in page
    page = client.get(url(tangerang.slug, "laporan", copy.number)).content.decode()
    assert original.number in page


def test_page_is_translated_to_english(client, in_state, operator, tangerang):
    c = in_state("submitted")
    client.force_login(operator.user)
    # Indonesian whatever the browser says; English once chosen with the switch (a cookie).
    assert (
        "Verifikasi"
        in client.get(
            url(tangerang.slug, "laporan", c.number), HTTP_ACCEPT_LANGUAGE="en"
        ).content.decode()
    )
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(url(tangerang.slug, "laporan", c.number)).content.decode()
    assert "Verify & dispose" in page
    assert "History" in page and "Riwayat" not in page


def test_timeline_names_the_citizen_plainly_and_the_agency_only_beside_its_people(
    client, in_state, operator, pupr, tangerang
):
    c = in_state("resolved", category_code="ADMINDUK", description="KTP belum jadi 3 bulan.")
    services.rate(complaint=c, rating=4, comment="Cepat.")
    services.reopen(complaint=c, reason="Ternyata belum selesai.")
    services.note(staff=operator, complaint=c, text="Dipantau ruang kendali.")
    client.force_login(operator.user)
    html = client.get(url(tangerang.slug, "laporan", c.number)).content.decode()
    agency = c.agency.short_name
    assert f"Pelapor ({agency})" not in html
    assert "Penilaian pelapor</strong> · Pelapor" in html
    assert "Dibuka kembali oleh pelapor</strong> · Pelapor" in html
    liaison = pupr.user.get_full_name() or pupr.user.get_username()
    assert f"Diterima OPD</strong> · {liaison} ({agency})" in html
    staff_name = operator.user.get_full_name() or operator.user.get_username()
    assert f"Catatan internal</strong> · {staff_name}" in html
    assert f"{staff_name} ({agency})" not in html
    api = client.get(f"/api/v1/regions/{tangerang.slug}/staff/complaints/{c.number}").json()
    rated = next(e for e in api["timeline"] if e["type"] == "rated")
    assert rated["actor_display"] == "Pelapor"


def test_confirming_a_disposition_was_seen_is_offered_only_until_it_is_accepted(
    client, in_state, pupr, tangerang
):
    client.force_login(pupr.user)
    dispatched = in_state("dispatched")
    page = client.get(url(tangerang.slug, "laporan", dispatched.number)).content.decode()
    assert "Konfirmasi disposisi sudah dilihat" in page
    accepted = in_state("in_progress")
    page = client.get(url(tangerang.slug, "laporan", accepted.number)).content.decode()
    assert "Konfirmasi disposisi sudah dilihat" not in page


def test_a_demo_complaint_has_a_deadline_at_every_stage_including_after_acceptance(
    client, in_state, pupr, tangerang
):
    """The demo region's data (policy.json) sets a budget for every stage, as a real region's
    does: the page never shows 'Batas waktu: —' while the complaint is open or resolved."""
    client.force_login(pupr.user)
    stages = {}
    for status in ("submitted", "verified", "dispatched", "in_progress", "resolved"):
        c = in_state(status, category_code="ADMINDUK")
        assert c.next_deadline is not None, status
        stages[status] = c.deadline_stage
        if status in ("dispatched", "in_progress", "resolved"):
            page = client.get(url(tangerang.slug, "laporan", c.number)).content.decode()
            assert "deadline-none" not in page, status
    responded = services.respond(
        staff=pupr, complaint=in_state("in_progress"), text="Petugas ke lokasi besok."
    )
    assert (responded.deadline_stage, responded.next_deadline is not None) == ("resolve", True)
    assert stages["in_progress"] in ("respond", "resolve")
    assert stages["resolved"] == "autoclose"
