"""The wall in a real browser: a complaint submitted through the API appears on the open wall.

Served by uvicorn (see live.server): Django's live_server cannot hold an async stream open.
"""

import os
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import expect, sync_playwright

from .support import session_cookie

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's sync API runs an event loop
pytestmark = pytest.mark.django_db(transaction=True)
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(settings.BASE_DIR) / "test-results"


def test_a_complaint_submitted_through_the_api_appears_on_the_open_wall(served, operator):
    # Before Playwright's loop starts: database work inside it would open a connection of its own.
    cookie = session_cookie(operator.user)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport={"width": 1920, "height": 1080})
            context.add_cookies([{"name": "sessionid", "value": cookie, "url": served.base}])
            page = context.new_page()
            page.goto(f"{served.base}/kota-tangerang/live/")
            expect(page.locator('#wall-mode[data-state="live"]')).to_be_visible()
            number = served.submit(category="BANJIR")
            row = page.locator(f'#incoming li[data-number="{number}"]')
            expect(row).to_be_visible()
            expect(row.locator(".cat")).to_have_text("Banjir / genangan air")
            expect(page.locator('dd[data-n="received"]')).to_have_text("1")
            SCREENSHOTS.mkdir(exist_ok=True)
            page.screenshot(path=SCREENSHOTS / "live-wall.png")
        finally:
            browser.close()
