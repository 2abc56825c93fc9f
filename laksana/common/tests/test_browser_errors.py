"""In Chromium: a liaison refused the duty report and a citizen on a missing page see the site's
design in Indonesian and a link to where they can go next."""

import os

import pytest
from playwright.sync_api import expect

from laksana.testing.browser import launch_chromium, playwright_session

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"


@pytest.mark.django_db(transaction=True)
def test_liaison_403_and_citizen_404_are_designed_pages_with_a_next_step(live_server, client, pupr):
    client.force_login(pupr.user)
    session = client.cookies["sessionid"].value
    with playwright_session() as p:
        browser = launch_chromium(p)
        staff = browser.new_context(locale="id-ID")
        staff.add_cookies([{"name": "sessionid", "value": session, "url": live_server.url}])
        page = staff.new_page()
        response = page.goto(f"{live_server.url}/kota-tangerang/field/roster/report/")
        assert response.status == 403
        expect(page.locator("h1")).to_have_text("Anda tidak memiliki akses")
        expect(page.locator("body")).not_to_contain_text("Forbidden")
        page.locator("#next-step").click()
        expect(page).to_have_url(f"{live_server.url}/kota-tangerang/console/")

        citizen = browser.new_context(locale="id-ID").new_page()
        response = citizen.goto(f"{live_server.url}/kota-tangerang/tidak-ada/")
        assert response.status == 404
        expect(citizen.locator("h1")).to_have_text("Halaman tidak ditemukan")
        expect(citizen.locator("#next-step")).to_have_text("Kembali ke beranda Kota Tangerang")
        citizen.locator("#next-step").click()
        expect(citizen).to_have_url(f"{live_server.url}/kota-tangerang/")
        browser.close()
