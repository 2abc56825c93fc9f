"""In a real browser: the operator verifies and disposes, the PUPR liaison accepts, responds and
resolves with a photo, and the citizen's tracking link shows it all."""

import os
from pathlib import Path

import pytest
from django.conf import settings as django_settings

from laksana.complaints.tests.images import jpeg_bytes
from laksana.testing.browser import launch_chromium, playwright_session
from laksana.testing.personas import PASSWORD

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's sync API runs an event loop
playwright = pytest.importorskip("playwright.sync_api")
SHOTS = Path(django_settings.BASE_DIR) / "test-results"


def _sign_in(browser, live_server, username: str):
    context = browser.new_context(locale="id-ID", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Nama pengguna").fill(username)
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_url("**/console/")
    return page


@pytest.mark.django_db(transaction=True)
def test_operator_and_liaison_handle_a_complaint_the_citizen_sees_it(
    live_server, settings, submit, operator, pupr, media_root, tmp_path
):
    settings.MAP_TILE_URL = ""  # no tiles from the internet in tests
    complaint, token = submit()
    photo = tmp_path / "bukti.jpg"
    photo.write_bytes(jpeg_bytes((320, 240)))
    SHOTS.mkdir(exist_ok=True)
    expect = playwright.expect
    with playwright_session() as p:
        browser = launch_chromium(p)
        try:
            page = _sign_in(browser, live_server, operator.user.username)
            page.get_by_role("link", name="Kotak masuk").click()
            page.get_by_role("link", name=complaint.number).click()
            page.get_by_label("Judul ringkas (teks warga tetap utuh)").fill("Jalan berlubang SDN 3")
            page.get_by_role("button", name="Verifikasi & disposisikan").click()
            expect(page.locator("#complaint .badge.status-dispatched")).to_be_visible()
            expect(page.get_by_role("status")).to_contain_text("Dinas Pekerjaan Umum")
            page.screenshot(path=str(SHOTS / "console-operator-disposed.png"), full_page=True)

            page = _sign_in(browser, live_server, pupr.user.username)
            page.get_by_role("link", name="Meja OPD").click()
            page.get_by_role("row", name=complaint.number).get_by_role(
                "button", name="Terima"
            ).click()
            expect(page.get_by_role("row", name=complaint.number)).to_contain_text(
                "Ditindaklanjuti"
            )
            page.get_by_role("link", name=complaint.number).click()
            page.get_by_label("Tanggapan", exact=True).fill("Tim dijadwalkan besok pagi.")
            page.get_by_role("button", name="Kirim tanggapan").click()
            expect(page.get_by_role("status")).to_contain_text("Tanggapan dikirim")
            page.get_by_label("Tanggapan akhir untuk pelapor").fill("Lubang sudah ditambal.")
            page.get_by_label("Foto bukti penanganan (wajib untuk kategori ini)").set_input_files(
                str(photo)
            )
            page.get_by_role("button", name="Tandai selesai").click()
            expect(page.locator("#complaint .badge.status-resolved")).to_be_visible()
            page.screenshot(path=str(SHOTS / "console-liaison-resolved.png"), full_page=True)

            tracked = page.request.get(f"{live_server.url}/api/v1/track/{token}").json()
        finally:
            browser.close()
    assert tracked["status"] == "resolved"
    texts = [entry["text"] for entry in tracked["timeline"]]
    assert "Tim dijadwalkan besok pagi." in texts and "Lubang sudah ditambal." in texts
    assert any(photo["purpose"] == "evidence" for photo in tracked["photos"])
