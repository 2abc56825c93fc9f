"""In a real browser: the one staff menu on every staff page for each role (and sign-out from
the field pages), the inbox rows, the complaint map's boundaries without tiles, and coordinates
printed the same in both languages."""

import os

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from laksana.complaints import services
from laksana.complaints.tests.images import jpeg_bytes
from laksana.dispatch import assignments as work
from laksana.dispatch.officers import officer_for, set_availability
from laksana.testing.browser import launch_chromium, loaded_width, playwright_session
from laksana.testing.personas import PASSWORD, staff

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's sync API runs an event loop
playwright = pytest.importorskip("playwright.sync_api")

SLUG = "kota-tangerang"
# Each role: the pages it opens, and the menu entries it must (and must not) see on every one.
CONSOLE = f"/{SLUG}/console/"
FIELD = f"/{SLUG}/field/"
OPERATOR_MENU = ["Kotak masuk", "Siap disposisi", "Semua laporan", "Lapangan", "Piket"]
LIAISON_MENU = ["Meja OPD", "Meja langsung Dinas PUPR", "Lapangan", "Petugas", "Piket"]
OFFICER_MENU = ["Tugas saya", "Piket"]
VIEWER_MENU = ["Ringkasan", "Semua laporan", "Statistik", "Ruang kendali", "Piket"]


def _sign_in(browser, live_server, username: str, locale: str = "id-ID"):
    context = browser.new_context(locale=locale, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Nama pengguna").fill(username)
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_load_state()
    return page


def _menu(page) -> list[str]:
    nav = page.get_by_role("navigation", name="Menu utama")
    return [text.strip() for text in nav.get_by_role("link").all_inner_texts()]


def _check_menu(page, url: str, want: list[str], never: list[str]) -> None:
    page.goto(url)
    menu = _menu(page)
    for entry in want:
        assert entry in menu, (url, entry, menu)
    for entry in never:
        assert entry not in menu, (url, entry, menu)
    nav = page.get_by_role("navigation", name="Menu utama")
    playwright.expect(nav.get_by_role("button", name="Keluar")).to_be_visible()


@pytest.fixture
def scene(submit, operator, pupr, tangerang, media_root):
    complaint, _token = submit(description="Lubang besar di depan SDN 3.\nSudah dua minggu.")
    services.add_photo(
        complaint=complaint,
        actor=services.Citizen(),
        upload=SimpleUploadedFile("lubang.jpg", jpeg_bytes((320, 240))),
    )
    disposed, _token = submit(description="Saluran mampet di Jl. Merdeka.")
    disposed = services.dispose(
        staff=operator, complaint=services.verify(staff=operator, complaint=disposed)
    )
    officer = staff("joko-tng", tangerang, "field_officer", "PUPR")
    set_availability(officer=officer_for(officer), availability="on_duty")
    (task,) = work.assign(staff=pupr, complaint=disposed, officers=[officer_for(officer)])
    return {"new": complaint, "disposed": disposed, "task": task, "officer": officer}


@pytest.mark.django_db(transaction=True)
def test_every_role_sees_its_places_on_every_staff_page_and_can_sign_out(
    live_server, settings, scene, operator, pupr, tangerang
):
    settings.MAP_TILE_URL = ""
    viewer = staff("pimpinan-tng", tangerang, "viewer")
    disposed, task = scene["disposed"], scene["task"]
    pages = {
        "operator": (
            operator,
            [
                CONSOLE,
                f"{CONSOLE}kotak-masuk/",
                f"{CONSOLE}laporan/{disposed.number}/",
                FIELD,
                f"{FIELD}assign/{disposed.number}/",
                f"{FIELD}roster/",
            ],
            OPERATOR_MENU + ["Ruang kendali"],
            ["Meja OPD", "Tugas saya"],
        ),
        "liaison": (
            pupr,
            [
                CONSOLE,
                f"{CONSOLE}meja-opd/",
                f"{CONSOLE}laporan/{disposed.number}/",
                FIELD,
                f"{FIELD}assign/{disposed.number}/",
                f"{FIELD}officers/",
                f"{FIELD}roster/",
                f"/{SLUG}/live/desk/PUPR/",
            ],
            LIAISON_MENU + ["Ringkasan", "Semua laporan"],
            ["Kotak masuk", "Staf"],
        ),
        "officer": (
            scene["officer"],
            [FIELD, f"{FIELD}tasks/{task.pk}/", f"{FIELD}roster/"],
            OFFICER_MENU,
            ["Ringkasan", "Kotak masuk", "Meja OPD", "Lapangan", "Statistik"],
        ),
        "viewer": (
            viewer,
            [CONSOLE, f"{CONSOLE}laporan/", f"{FIELD}roster/"],
            VIEWER_MENU,
            ["Kotak masuk", "Meja OPD", "Lapangan"],
        ),
    }
    with playwright_session() as p:
        browser = launch_chromium(p)
        try:
            for person, urls, want, never in pages.values():
                page = _sign_in(browser, live_server, person.user.username)
                for url in urls:
                    _check_menu(page, live_server.url + url, want, never)
                page.context.close()

            # The liaison goes from a complaint to dispatching an officer and back by the menu.
            page = _sign_in(browser, live_server, pupr.user.username)
            page.goto(f"{live_server.url}{CONSOLE}laporan/{disposed.number}/")
            page.get_by_role("link", name="Tugaskan petugas lapangan").click()
            playwright.expect(page).to_have_url(
                f"{live_server.url}{FIELD}assign/{disposed.number}/"
            )
            nav = page.get_by_role("navigation", name="Menu utama")
            nav.get_by_role("link", name="Meja langsung Dinas PUPR").click()
            playwright.expect(page).to_have_url(f"{live_server.url}/{SLUG}/live/desk/PUPR/")
            page.get_by_role("navigation", name="Menu utama").get_by_role(
                "link", name="Meja OPD", exact=True
            ).click()
            playwright.expect(page).to_have_url(f"{live_server.url}{CONSOLE}meja-opd/")
            page.context.close()

            # The officer signs in straight to the tasks, and signs out from a field page.
            page = _sign_in(browser, live_server, scene["officer"].user.username)
            playwright.expect(page).to_have_url(f"{live_server.url}{FIELD}")
            page.get_by_role("button", name="Keluar").click()
            page.goto(f"{live_server.url}{FIELD}")
            playwright.expect(page).to_have_url(f"{live_server.url}/accounts/login/?next={FIELD}")
        finally:
            browser.close()


@pytest.mark.django_db(transaction=True)
def test_inbox_rows_show_the_citizens_words_and_photo(live_server, settings, scene, operator):
    settings.MAP_TILE_URL = ""
    with playwright_session() as p:
        browser = launch_chromium(p)
        try:
            page = _sign_in(browser, live_server, operator.user.username)
            page.get_by_role("link", name="Kotak masuk").click()
            row = page.get_by_role("row", name=scene["new"].number)
            playwright.expect(row).to_contain_text("Lubang besar di depan SDN 3.")
            playwright.expect(row).not_to_contain_text("Sudah dua minggu")
            photo = row.get_by_role("img", name="Foto dari pelapor")
            playwright.expect(photo).to_be_visible()
            assert loaded_width(photo) > 0  # the photo really loads
            text = row.inner_text()
            assert text.count(scene["new"].category.name) == 1
        finally:
            browser.close()


@pytest.mark.django_db(transaction=True)
def test_complaint_map_draws_boundaries_without_tiles_and_prints_coordinates_plainly(
    live_server, settings, scene, operator
):
    settings.MAP_TILE_URL = ""  # offline: boundaries are all the map has
    number = scene["new"].number
    with playwright_session() as p:
        browser = launch_chromium(p)
        try:
            for locale, language in (("id-ID", "id"), ("en-US", "en")):
                page = _sign_in(browser, live_server, operator.user.username, locale)
                page.context.add_cookies(
                    [{"name": "django_language", "value": language, "url": live_server.url}]
                )
                page.goto(f"{live_server.url}{CONSOLE}laporan/{number}/")
                playwright.expect(page.locator(".coordinates")).to_have_text("-6.17280, 106.63180")
                page.wait_for_selector("[data-map][data-boundaries-kecamatan]")
                page.wait_for_selector("[data-map][data-boundaries-kelurahan]")
                drawn = page.locator("[data-map]")
                assert int(drawn.get_attribute("data-boundaries-kecamatan")) == 13
                assert int(drawn.get_attribute("data-boundaries-kelurahan")) >= 100
                outlines = page.locator("[data-map] .leaflet-overlay-pane path")
                assert outlines.count() > 13  # kecamatan, kelurahan and the point
                page.context.close()
        finally:
            browser.close()
