"""The citizen's journey in a real browser on a 360 x 740 phone screen (Playwright + Debian's
Chromium): report with a camera-sized photo and a map tap, track, rate, reopen; switch language,
browse, and track by number.
Each page is saved as a screenshot under test-results/portal/."""

import io
import os
from pathlib import Path

import pytest
from django.conf import settings
from PIL import Image
from playwright.sync_api import expect

from laksana.complaints import services
from laksana.complaints.models import Complaint
from laksana.testing.browser import launch_chromium, loaded_width, playwright_session

from .helpers import resolve

# Playwright's sync API runs an event loop in this thread; the ORM calls of the test are still
# plain synchronous calls.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = pytest.mark.usefixtures("regions_after_flush")

SHOTS = Path(settings.BASE_DIR) / "test-results" / "portal"


@pytest.fixture
def page(live_server, settings):
    settings.MAP_TILE_URL = ""  # boundaries only: no request leaves 127.0.0.1
    SHOTS.mkdir(parents=True, exist_ok=True)
    with playwright_session() as playwright:
        browser = launch_chromium(playwright)
        context = browser.new_context(viewport={"width": 360, "height": 740}, locale="id-ID")
        context.set_default_timeout(15_000)
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        yield page
        browser.close()
    assert errors == []  # no JavaScript error on any page


def _camera_photo() -> bytes:
    """A 3000 x 2000 JPEG of several megabytes, like a phone camera's."""
    out = io.BytesIO()
    Image.effect_noise((3000, 2000), 60).convert("RGB").save(out, "JPEG", quality=92)
    return out.getvalue()


def shot(page, name: str) -> None:
    page.screenshot(path=SHOTS / f"{name}.png", full_page=True)


def _no_horizontal_scroll(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


@pytest.mark.django_db(transaction=True)
def test_report_with_a_photo_and_a_map_tap_then_track_rate_and_reopen(
    page, live_server, tangerang, operator, pupr, media_root
):
    page.goto(f"{live_server.url}/kota-tangerang/lapor/")
    page.get_by_label("Cari kategori").fill("lubang")
    expect(page.locator("#id_category")).to_have_value("JALAN-RUSAK")
    page.get_by_label("Ceritakan masalahnya").fill("Jalan berlubang dalam di depan SDN 3.")
    page.wait_for_selector("#map[data-boundaries-kelurahan]")  # kecamatan, then kelurahan
    assert page.locator("#map .leaflet-overlay-pane path").count() > 113
    page.locator("#map").click()  # the map's middle lies in Kecamatan Tangerang
    expect(page.locator("#point-status")).to_contain_text("Kecamatan Tangerang")
    photo = _camera_photo()
    page.get_by_label("Foto (boleh dikosongkan)").set_input_files(
        [{"name": "jalan.jpg", "mimeType": "image/jpeg", "buffer": photo}]
    )
    uploaded: list[int] = []
    page.route(
        "**/lapor/",
        lambda route, request: (uploaded.append(len(request.post_data_buffer or b"")),
                                route.continue_()),
    )  # fmt: skip
    page.get_by_label("Nama (boleh dikosongkan)").fill("Siti Aminah")
    page.get_by_label("Nomor HP (boleh dikosongkan)").fill("0812 3456 7890")
    _no_horizontal_scroll(page)
    shot(page, "1-report-form")
    page.get_by_role("button", name="Kirim laporan").click()
    expect(page.get_by_role("heading", name="Laporan terkirim. Terima kasih!")).to_be_visible()
    number = page.locator("#complaint-number").inner_text()
    complaint = Complaint.objects.get(number=number)
    assert complaint.area.parent.name == "Tangerang" and complaint.lat is not None
    stored = complaint.attachments.get()
    assert max(stored.width, stored.height) == 2048
    assert uploaded[0] < len(photo) / 2  # shrunk in the phone before a slow upload
    shot(page, "2-submitted")

    page.get_by_role("link", name="Lihat status laporan").click()
    expect(page.locator(".status-box")).to_contain_text("Diterima")
    _no_horizontal_scroll(page)
    shot(page, "3-track")

    resolve(complaint, operator=operator, pupr=pupr)
    page.reload()
    page.get_by_label("4 — baik").check()
    page.get_by_label("Komentar (boleh dikosongkan)").fill("Cepat ditangani.")
    shot(page, "4-track-resolved")
    page.get_by_role("button", name="Kirim nilai").click()
    expect(page.get_by_text("Terima kasih atas penilaian Anda.")).to_be_visible()
    shot(page, "5-rated")

    page.get_by_label("Apa yang belum selesai?").fill("Lubangnya muncul lagi setelah hujan.")
    page.get_by_role("button", name="Buka kembali laporan").click()
    expect(page.locator(".status-box")).to_contain_text("Ditindaklanjuti")
    shot(page, "6-reopened")
    complaint.refresh_from_db()
    assert (complaint.status, complaint.rating) == ("in_progress", None)

    # The agency fixes it again: the citizen rates the new outcome; the first rating stays.
    services.resolve(staff=pupr, complaint=complaint, response="Ditambal ulang dengan aspal.")
    page.reload()
    page.get_by_label("5 — sangat baik").check()
    page.get_by_role("button", name="Kirim nilai").click()
    expect(page.get_by_text("Terima kasih atas penilaian Anda.")).to_be_visible()
    expect(page.locator(".timeline")).to_contain_text("Nilai 4 dari 5")
    expect(page.locator(".timeline")).to_contain_text("Nilai 5 dari 5")
    expect(page.locator(".facts")).to_contain_text("5 / 5")
    shot(page, "6b-rated-again")


@pytest.mark.django_db(transaction=True)
def test_switch_language_browse_public_pages_and_track_by_number(
    page, live_server, submit, operator
):
    complaint, _token = submit()
    services.verify(staff=operator, complaint=complaint)  # public only once verified
    page.goto(f"{live_server.url}/kota-tangerang/")
    expect(page.get_by_role("link", name="Buat laporan")).to_be_visible()
    _no_horizontal_scroll(page)
    shot(page, "7-home")

    with page.expect_navigation():
        page.get_by_label("Bahasa").select_option("en")
    expect(page.get_by_role("link", name="Report a problem")).to_be_visible()
    shot(page, "8-home-english")
    page.get_by_role("link", name="All reports", exact=True).click()
    expect(page.locator(".cards")).to_contain_text(complaint.number)
    shot(page, "9-list-english")
    page.get_by_role("link", name="Jalan rusak / berlubang").first.click()
    expect(page.get_by_role("heading", name="History")).to_be_visible()
    shot(page, "10-complaint-english")

    page.goto(f"{live_server.url}/kota-tangerang/lacak/")  # the choice is remembered
    page.get_by_label("Report number").fill(complaint.number)
    page.get_by_label("The mobile number or e-mail").fill("+62 812-3456-7890")
    shot(page, "11-lookup-english")
    page.get_by_role("button", name="Track").click()
    expect(page.locator("h1")).to_contain_text(complaint.number)
    expect(page.locator(".status-box")).to_contain_text("Verified")
    shot(page, "12-track-by-number-english")


@pytest.mark.django_db(transaction=True)
def test_every_error_at_once_then_an_emergency_with_a_photo_preview_and_honest_promises(
    page, live_server, tangerang, media_root
):
    page.goto(f"{live_server.url}/kota-tangerang/lapor/")
    expect(page.locator("#emergency")).to_be_hidden()
    page.get_by_label("E-mail (boleh dikosongkan)").fill("bukan-email")
    # The browser's own checks stop at the first empty field; many phone browsers have none. The
    # server's answer is what must list everything at once.
    page.locator("#report-form").evaluate("f => { f.noValidate = true; }")
    page.get_by_role("button", name="Kirim laporan").click()
    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    # One round: the form's own errors and the service's, together.
    expect(summary).to_contain_text("Ceritakan masalahnya: Wajib diisi.")
    expect(summary).to_contain_text("Tentukan lokasi")
    expect(summary).to_contain_text("Alamat e-mail tidak valid.")
    expect(summary).to_contain_text("Pilih kategori")
    _no_horizontal_scroll(page)
    shot(page, "13-every-error-at-once")

    page.get_by_label("Cari kategori").fill("kebakaran")
    banner = page.locator("#emergency")
    expect(banner).to_be_visible()
    expect(banner.get_by_role("link", name="Telepon 112")).to_have_attribute("href", "tel:112")
    assert banner.evaluate("b => b.getBoundingClientRect().top") < 740  # scrolled into view
    shot(page, "14-emergency-banner")

    page.get_by_label("Ceritakan masalahnya").fill("Rumah terbakar di gang Melati, api besar.")
    page.get_by_label("Kecamatan", exact=True).select_option(label="Tangerang")
    page.get_by_label("E-mail (boleh dikosongkan)").fill("siti@contoh.id")
    page.get_by_label("Nomor HP (boleh dikosongkan)").fill("0812 3456 7890")
    small = io.BytesIO()
    Image.new("RGB", (64, 48), "orange").save(small, "JPEG")
    page.get_by_label("Foto (boleh dikosongkan)").set_input_files(
        [{"name": "api<b>.jpg", "mimeType": "image/jpeg", "buffer": small.getvalue()}]
    )
    preview = page.locator("#photo-preview li")
    expect(preview).to_have_count(1)
    expect(preview.locator("span")).to_have_text("api<b>.jpg")  # a name is text, never markup
    assert loaded_width(preview.locator("img")) == 64
    assert preview.locator("img").get_attribute("src").startswith("blob:")
    shot(page, "15-photo-preview")
    page.get_by_role("button", name="Kirim laporan").click()

    expect(page.get_by_role("heading", name="Laporan terkirim. Terima kasih!")).to_be_visible()
    first = page.locator("main h2").first
    expect(first).to_have_text("Keadaan darurat? Telepon 112 sekarang.")
    updates = page.locator("#updates")
    expect(updates).to_contain_text("tautan pelacakan")
    expect(updates).to_contain_text("kami kirim lewat e-mail ke s•••@contoh.id")
    expect(updates).to_contain_text("belum mengirim kabar lewat SMS atau WhatsApp")
    expect(updates).not_to_contain_text("kami kirim lewat SMS")
    expect(updates).to_contain_text("belum tampil untuk umum")
    _no_horizontal_scroll(page)
    shot(page, "16-submitted-emergency")
    assert Complaint.objects.get().attachments.count() == 1


@pytest.mark.django_db(transaction=True)
def test_labelled_photos_stay_after_a_reopen(page, live_server, submit, operator, pupr, media_root):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from laksana.complaints.tests.images import jpeg_bytes

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
    services.resolve(staff=pupr, complaint=c, response="Lubang sudah ditambal.")

    page.goto(f"{live_server.url}/kota-tangerang/lacak/{token}/")
    page.get_by_label("Apa yang belum selesai?").fill("Lubangnya muncul lagi setelah hujan.")
    page.get_by_role("button", name="Buka kembali laporan").click()
    expect(page.locator(".status-box")).to_contain_text("Ditindaklanjuti")
    mine = page.locator("#report-photos figcaption")
    expect(mine).to_have_count(1)
    expect(mine).to_contain_text("Foto dari pelapor")
    handling = page.locator("#handling-photos figcaption")
    expect(handling).to_have_count(2)
    expect(handling.nth(0)).to_contain_text("Petugas lapangan, sebelum ditangani")
    expect(handling.nth(1)).to_contain_text("Petugas lapangan, sesudah ditangani")
    expect(handling.nth(1)).to_contain_text("WIB")
    expect(page.get_by_role("img", name="Petugas lapangan, sesudah ditangani")).to_be_visible()
    _no_horizontal_scroll(page)
    shot(page, "17-photos-after-reopen")
