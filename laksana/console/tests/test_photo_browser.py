"""In Chromium: a confidential complaint's photo loads on the operator's complaint page and on
the reporter's tracking page, not for a stranger with its plain address (issue 14, item 8)."""

import os

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from laksana.complaints import services
from laksana.complaints.media import photo_url
from laksana.complaints.tests.images import jpeg_bytes
from laksana.testing.browser import launch_chromium, loaded_width, playwright_session
from laksana.testing.personas import PASSWORD

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's sync API runs an event loop
playwright = pytest.importorskip("playwright.sync_api")


@pytest.mark.django_db(transaction=True)
def test_a_confidential_photo_loads_for_staff_and_reporter_only(
    live_server, settings, submit, operator, media_root
):
    settings.MAP_TILE_URL = ""  # no tiles from the internet in tests
    complaint, token = submit(is_confidential=True)
    photo = services.add_photo(
        complaint=complaint,
        actor=services.Citizen(),
        upload=SimpleUploadedFile("foto.jpg", jpeg_bytes((320, 240))),
    )
    with playwright_session() as p:
        browser = launch_chromium(p)
        try:
            staff_page = browser.new_context(locale="id-ID").new_page()
            staff_page.goto(f"{live_server.url}/accounts/login/")
            staff_page.get_by_label("Nama pengguna").fill(operator.user.username)
            staff_page.get_by_label("Kata sandi").fill(PASSWORD)
            staff_page.get_by_role("button", name="Masuk").click()
            staff_page.wait_for_url("**/console/")
            staff_page.goto(f"{live_server.url}/kota-tangerang/console/laporan/{complaint.number}/")
            image = staff_page.locator("#complaint ul.photos img").first
            assert loaded_width(image) == 320

            reporter = browser.new_context(locale="id-ID").new_page()
            reporter.goto(f"{live_server.url}/kota-tangerang/lacak/{token}/")
            shown = reporter.locator("img[src*='/media/']").first
            assert loaded_width(shown) == 320

            stranger = browser.new_context().new_page()
            answer = stranger.goto(live_server.url + photo_url(photo, public=True))
            assert answer is not None and answer.status == 404
        finally:
            browser.close()
