"""On a phone-sized screen with the GPS granted: an officer starts, checks in, finishes with a
photo, and the complaint's staff API shows the evidence and the field steps."""

import os
from pathlib import Path

import pytest
from django.test import Client
from playwright.sync_api import expect

from laksana.complaints.tests.images import jpeg_bytes
from laksana.dispatch import assignments as work
from laksana.dispatch import officers
from laksana.dispatch.models import Assignment, FieldOfficer
from laksana.dispatch.officers import officer_for
from laksana.dispatch.tests.helpers import NEAR
from laksana.testing.browser import launch_chromium, playwright_session

# Playwright's sync API runs an event loop in this thread; the ORM calls here are still sync.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
SHOTS = Path(__file__).resolve().parents[3] / "test-results"


@pytest.mark.django_db(transaction=True)
def test_officer_starts_checks_in_and_finishes_on_a_phone(
    live_server, client, dispatched, pupr, officer, media_root
):
    complaint = dispatched()
    (task,) = work.assign(staff=pupr, complaint=complaint, officers=[officer_for(officer)])
    client.force_login(officer.user)
    session = client.cookies["sessionid"].value
    SHOTS.mkdir(exist_ok=True)
    with playwright_session() as p:
        browser = launch_chromium(p)
        context = browser.new_context(
            viewport={"width": 360, "height": 740},
            geolocation={"latitude": NEAR[0], "longitude": NEAR[1], "accuracy": 8},
            permissions=["geolocation"],
            locale="id-ID",
        )
        context.add_cookies([{"name": "sessionid", "value": session, "url": live_server.url}])
        page = context.new_page()
        page.goto(f"{live_server.url}/kota-tangerang/field/")
        page.get_by_text(complaint.display_title).click()
        expect(page.locator("#task-state")).to_have_text("Ditugaskan")
        page.screenshot(path=SHOTS / "dispatch-1-task.png", full_page=True)

        page.locator("#start").click()
        expect(page.locator("#task-state")).to_have_text("Menuju lokasi")
        expect(page.locator(".geo-status")).to_contain_text("Lokasi terbaca")
        page.locator("#check-in").click()
        expect(page.locator("#task-state")).to_have_text("Di lokasi")
        expect(page.locator(".message").first).to_contain_text("m dari titik laporan")
        page.screenshot(path=SHOTS / "dispatch-2-on-site.png", full_page=True)

        page.locator("#after").set_input_files(
            {"name": "sesudah.jpg", "mimeType": "image/jpeg", "buffer": jpeg_bytes(gps=True)}
        )
        page.locator("#notes").fill("Lubang sudah ditambal.")
        page.locator("#finish").click()
        expect(page.locator(".message").first).to_contain_text("Pekerjaan selesai")
        page.screenshot(path=SHOTS / "dispatch-3-done.png", full_page=True)

        # Opt in to sharing: the page sends the phone's position at once, then every minute.
        page.get_by_role("button", name="Bagikan lokasi saya").click()
        expect(page.locator("#share-status")).to_contain_text(f"({NEAR[0]:.5f}, {NEAR[1]:.5f})")
        page.screenshot(path=SHOTS / "dispatch-4-sharing.png", full_page=True)

        detail = page.request.get(
            f"{live_server.url}/api/v1/regions/kota-tangerang/staff/complaints/{complaint.number}"
        )
        assert detail.ok
        body = detail.json()
        context.close()
        browser.close()

    assert [photo["purpose"] for photo in body["photos"]] == ["evidence"]
    steps = {e["data"].get("step"): e["data"] for e in body["timeline"] if e["type"] == "field"}
    assert list(steps) == ["en_route", "on_site", "finished"]
    assert 40 <= steps["on_site"]["distance_m"] <= 60 and steps["on_site"]["warning"] == ""
    assert steps["finished"]["notes"] == "Lubang sudah ditambal."
    assert FieldOfficer.objects.get(user=officer.user).last_lat == pytest.approx(NEAR[0])
    done = Assignment.objects.get(pk=task.pk)
    assert done.state == "finished"
    assert done.checkin_lat == pytest.approx(NEAR[0]) and done.checkin_accuracy_m == 8


MAP_DRAWN = "[data-map][data-boundaries-kecamatan][data-boundaries-kelurahan]"


def _boundaries_drawn(page) -> None:
    """The map of the complaint's place draws the region's kecamatan and kelurahan (no tiles on
    a closed network: the outlines are the base layer), and prints the point plainly."""
    page.wait_for_selector(MAP_DRAWN)
    drawn = page.locator("[data-map]")
    assert int(drawn.get_attribute("data-boundaries-kecamatan")) == 13
    assert int(drawn.get_attribute("data-boundaries-kelurahan")) >= 100
    assert page.locator("[data-map] .leaflet-overlay-pane path").count() > 113
    expect(page.locator(".coordinates")).to_have_text("-6.17280, 106.63180")


@pytest.mark.django_db(transaction=True)
def test_the_field_pages_map_the_complaint_over_the_boundaries_and_print_points_plainly(
    live_server, settings, dispatched, pupr, officer
):
    settings.MAP_TILE_URL = ""  # offline
    complaint = dispatched()
    (task,) = work.assign(staff=pupr, complaint=complaint, officers=[officer_for(officer)])
    profile = officer_for(officer)
    officers.set_location_sharing(officer=profile, enabled=True)
    officers.remember_position(profile, (NEAR[0], NEAR[1], 8.0))
    sessions = {}
    for person in (officer, pupr):  # a client each: signing in another person ends the session
        signed_in = Client()
        signed_in.force_login(person.user)
        sessions[person.user.username] = signed_in.cookies["sessionid"].value
    with playwright_session() as p:
        browser = launch_chromium(p)
        try:

            def open_as(person, path: str):
                context = browser.new_context(
                    viewport={"width": 360, "height": 740}, locale="id-ID"
                )
                cookie = sessions[person.user.username]
                context.add_cookies(
                    [{"name": "sessionid", "value": cookie, "url": live_server.url}]
                )
                page = context.new_page()
                page.goto(live_server.url + path)
                return page

            task_page = open_as(officer, f"/kota-tangerang/field/tasks/{task.pk}/")
            _boundaries_drawn(task_page)
            task_page.screenshot(path=SHOTS / "dispatch-task-map.png", full_page=True)
            home = open_as(officer, "/kota-tangerang/field/")
            expect(home.locator("#share-status")).to_contain_text(f"({NEAR[0]:.5f}, {NEAR[1]:.5f})")
            _boundaries_drawn(open_as(pupr, f"/kota-tangerang/field/assign/{complaint.number}/"))
        finally:
            browser.close()
