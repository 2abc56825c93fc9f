"""Reports the command center takes down for citizens who called, wrote, came by or posted."""

import os

import pytest
from django.conf import settings

from laksana.complaints.models import Complaint, Event
from laksana.regions.models import Area
from laksana.testing.browser import launch_chromium, playwright_session
from laksana.testing.personas import PASSWORD, staff

from .conftest import url

pytestmark = pytest.mark.django_db


def _kelurahan(region) -> Area:
    return Area.objects.filter(region=region, level="kelurahan").order_by("code").first()


def _form(region, **overrides) -> dict:
    data = {
        "channel": "phone",
        "source": "Telepon 08:15 dari Pak Darto",
        "kind": "pengaduan",
        "category": "JALAN-RUSAK",
        "description": "Jalan di depan pasar berlubang dalam, motor sering jatuh sejak Senin.",
        "kelurahan": _kelurahan(region).code,
        "address": "Depan Pasar Anyar",
        "name": "Darto",
        "phone": "0812-3456-7890",
        "idempotency_key": "taken-1",
    }
    data.update(overrides)
    return data


def test_operator_records_a_phone_report_that_names_them_and_hands_out_the_link(client, tangerang):
    op = staff("op-record", tangerang, "operator")
    client.force_login(op.user)
    page = client.get(url(tangerang.slug, "catat-laporan"))
    assert page.status_code == 200
    assert "Telepon" in page.content.decode() and "Datang langsung" in page.content.decode()

    response = client.post(url(tangerang.slug, "catat-laporan"), _form(tangerang))
    assert response.status_code == 200, response.content.decode()[:800]
    complaint = Complaint.objects.get(region=tangerang, idempotency_key="taken-1")
    html = response.content.decode()
    assert complaint.number in html
    assert f'value="http://testserver/{tangerang.slug}/lacak/' in html  # the citizen's link
    assert complaint.channel == "phone"
    assert complaint.source == "Telepon 08:15 dari Pak Darto"
    assert complaint.reporter.name == "Darto"
    assert complaint.status == "submitted"
    submitted = Event.objects.get(complaint=complaint, type="submitted")
    assert submitted.actor_id == op.user.pk
    assert submitted.data["channel"] == "phone"

    # The same form sent twice (a double click) records one report.
    again = client.post(url(tangerang.slug, "catat-laporan"), _form(tangerang))
    assert again.status_code == 200
    assert "tidak ada laporan ganda" in again.content.decode()
    assert (
        Complaint.objects.filter(region=tangerang, source__startswith="Telepon 08:15").count() == 1
    )

    # The tracking link works for the citizen (anonymous client).
    link = html.split('id="track-url" value="', 1)[1].split('"', 1)[0]
    client.logout()
    assert client.get(link).status_code == 200


def test_every_error_at_once_in_indonesian_and_nothing_stored(client, tangerang):
    op = staff("op-record", tangerang, "operator")
    client.force_login(op.user)
    before = Complaint.objects.count()
    bad = _form(tangerang, channel="fax", description="", kelurahan="", category="NOPE")
    response = client.post(url(tangerang.slug, "catat-laporan"), bad)
    assert response.status_code == 422
    html = response.content.decode()
    assert "Saluran tidak dikenal." in html
    assert "Wajib diisi." in html
    assert "Kategori tidak dikenal" in html
    assert Complaint.objects.count() == before


def test_only_operators_of_the_region_record_reports(client, tangerang, contoh):
    for role, agency in (("agency_staff", "PUPR"), ("field_officer", "PUPR"), ("viewer", None)):
        person = staff(f"{role}-record", tangerang, role, *([agency] if agency else []))
        client.force_login(person.user)
        response = client.post(url(tangerang.slug, "catat-laporan"), _form(tangerang))
        assert response.status_code == 403, role
    outsider = staff("op-contoh-record", contoh, "operator")
    client.force_login(outsider.user)
    assert client.get(url(tangerang.slug, "catat-laporan")).status_code == 404
    assert client.post(url(tangerang.slug, "catat-laporan"), _form(tangerang)).status_code == 404
    assert not Complaint.objects.filter(idempotency_key="taken-1").exists()


def test_the_channel_shows_on_the_staff_complaint_page_and_filters_the_list(client, tangerang):
    op = staff("op-record", tangerang, "operator")
    client.force_login(op.user)
    client.post(url(tangerang.slug, "catat-laporan"), _form(tangerang, channel="letter"))
    complaint = Complaint.objects.get(idempotency_key="taken-1")
    page = client.get(url(tangerang.slug, "laporan", complaint.number)).content.decode()
    assert "saluran Surat" in page
    listed = client.get(url(tangerang.slug, "laporan") + "?channel=letter").content.decode()
    assert complaint.number in listed


def test_the_form_reads_in_english_for_staff_who_chose_english(client, tangerang):
    op = staff("op-record", tangerang, "operator")
    client.force_login(op.user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # the language switch
    page = client.get(url(tangerang.slug, "catat-laporan"))
    html = page.content.decode()
    for english in ("Record a citizen's report", "Received by", "In person", "Save report"):
        assert english in html, english


@pytest.mark.django_db(transaction=True)
def test_in_a_browser_the_operator_records_a_walk_in_from_the_menu(live_server, tangerang):
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's sync API runs an event loop
    sync_api = pytest.importorskip("playwright.sync_api")
    staff("op-record", tangerang, "operator")
    kelurahan = _kelurahan(tangerang)
    with playwright_session() as p:
        browser = launch_chromium(p)
        page = browser.new_page(locale="id-ID", viewport={"width": 390, "height": 844})
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("Nama pengguna").fill("op-record")
        page.get_by_label("Kata sandi").fill(PASSWORD)
        page.get_by_role("button", name="Masuk").click()
        page.wait_for_load_state()
        page.goto(f"{live_server.url}{url(tangerang.slug)}")
        page.get_by_role("navigation", name="Menu utama").get_by_role(
            "link", name="Catat laporan"
        ).click()
        page.get_by_role("button", name="Simpan laporan").click()  # empty: every error at once
        summary = page.locator("#error-summary")
        sync_api.expect(summary).to_contain_text("Wajib diisi.")
        sync_api.expect(summary).to_contain_text("Pilih kategori")
        page.get_by_label("Datang langsung").check()
        page.get_by_label("Kategori").select_option("JALAN-RUSAK")
        page.get_by_label("Isi laporan").fill("Warga datang: jalan berlubang depan balai warga.")
        page.get_by_label("Kelurahan").select_option(kelurahan.code)
        page.get_by_label("Nama pelapor (boleh dikosongkan)").fill("Bu Sari")
        page.get_by_role("button", name="Simpan laporan").click()
        sync_api.expect(page.get_by_role("heading", name="Laporan tercatat")).to_be_visible()
        number = page.locator("#recorded-number").inner_text()
        link = page.get_by_label("Tautan pelacakan untuk pelapor").input_value()
        browser.close()
    complaint = Complaint.objects.get(number=number)
    assert (complaint.channel, complaint.reporter.name) == ("walk_in", "Bu Sari")
    assert link.startswith(live_server.url + f"/{tangerang.slug}/lacak/")
