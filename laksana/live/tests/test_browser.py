"""The wall and a desk in a real browser, served by uvicorn (see live.server): Django's
live_server cannot hold an async stream open."""

import os
import re
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import expect

from laksana.accounts.services import create_token

from .support import session_cookie

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's sync API runs an event loop
pytestmark = pytest.mark.django_db(transaction=True)
SCREENSHOTS = Path(settings.BASE_DIR) / "test-results"


def test_a_complaint_submitted_through_the_api_appears_on_the_open_wall(served, operator, browse):
    page = browse(session_cookie(operator.user), "/kota-tangerang/live/")
    expect(page.locator('#wall-mode[data-state="live"]')).to_be_visible()
    number = served.submit(category="BANJIR")
    row = page.locator(f'#incoming li[data-number="{number}"]')
    expect(row).to_be_visible()
    expect(row.locator(".cat")).to_have_text("Banjir / genangan air")
    expect(page.locator('dd[data-n="received"]')).to_have_text("1")
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "live-wall.png")


def test_a_liaison_sees_a_new_disposition_and_acknowledges_it(served, operator, pupr, browse):
    token = create_token(user=operator.user, name="test")[1]
    page = browse(session_cookie(pupr.user), "/kota-tangerang/live/desk/PUPR/")
    expect(page.locator("#desk-state")).to_have_text("Langsung")
    number = served.submit()
    base = "/api/v1/regions/kota-tangerang/staff/complaints/"
    assert served.request("POST", f"{base}{number}/verify", {}, token=token)[0] == 200
    assert served.request("POST", f"{base}{number}/dispose", {}, token=token)[0] == 200
    row = page.locator(f'#desk-queue tr[data-number="{number}"]')
    expect(row).to_have_class("unacknowledged new")
    row.get_by_role("button", name="Konfirmasi").click()
    expect(row.get_by_role("button")).to_have_count(0)
    expect(row).not_to_have_class("unacknowledged")
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "live-desk.png")


def test_an_emergency_report_is_flagged_on_the_wall_at_once(served, operator, browse):
    page = browse(session_cookie(operator.user), "/kota-tangerang/live/")
    expect(page.locator('#wall-mode[data-state="live"]')).to_be_visible()
    ordinary = served.submit(category="BANJIR")
    fire = served.submit(category="KEBAKARAN")
    row = page.locator(f'#incoming li[data-number="{fire}"]')
    expect(row).to_have_class(re.compile(r"\bemergency\b"))
    expect(row.locator(".cat")).to_have_text("DARURAT · Kebakaran / penyelamatan")
    other = page.locator(f'#incoming li[data-number="{ordinary}"]')
    expect(other).to_be_visible()
    expect(other).not_to_have_class(re.compile(r"\bemergency\b"))


def test_the_wall_map_draws_the_kecamatan_and_kelurahan(served, operator, browse):
    """No tile server on a closed network: the region's outlines are the map (issue 13, item 15)."""
    page = browse(session_cookie(operator.user), "/kota-tangerang/live/")
    page.wait_for_selector("#wall-map[data-boundaries-kecamatan][data-boundaries-kelurahan]")
    drawn = page.locator("#wall-map")
    assert int(drawn.get_attribute("data-boundaries-kecamatan")) == 13
    assert int(drawn.get_attribute("data-boundaries-kelurahan")) >= 100
    assert page.locator("#wall-map .leaflet-overlay-pane path").count() > 113
    expect(page.locator("#wall-map .kec-label", has_text="Karawaci")).to_be_visible()


def test_reports_of_one_incident_are_one_row_on_the_wall(served, operator, browse):
    page = browse(session_cookie(operator.user), "/kota-tangerang/live/")
    expect(page.locator('#wall-mode[data-state="live"]')).to_be_visible()
    tree = "Pohon besar tumbang menutup jalan, mobil tidak bisa lewat"
    first = served.submit(category="POHON", description=tree)
    again = served.submit(category="POHON", description=tree.lower())
    row = page.locator(f'#incoming li[data-number="{first}"]')
    expect(row.locator(".similar")).to_have_text("+1 laporan serupa")
    expect(page.locator(f'#incoming li[data-number="{again}"]')).to_have_count(0)
    page.reload()  # the panel's first render folds it the same way
    expect(page.locator(f'#incoming li[data-number="{first}"] .similar')).to_have_text(
        "+1 laporan serupa"
    )
    expect(page.locator(f'#incoming li[data-number="{again}"]')).to_have_count(0)
