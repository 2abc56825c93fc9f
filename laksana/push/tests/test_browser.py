"""The "Nyalakan notifikasi" button in Chromium, on the agency desk and the officer's home, served
by uvicorn with a VAPID key: the script loads without any Content-Security-Policy violation, the
service worker registers at the site's root and the button shows.

What headless Chromium cannot show: a real permission prompt, and a real subscription (that needs
the browser vendor's push service, out of reach here). With the permission granted by the test,
subscribing fails for want of that service and the page says so in text; the server side of a
subscription is covered end to end in test_push.py."""

import os
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import expect

from laksana.dispatch.officers import officer_for, set_availability
from laksana.live.server import uvicorn
from laksana.live.tests.support import session_cookie
from laksana.testing.browser import launch_chromium, playwright_session
from laksana.testing.personas import staff

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's sync API runs an event loop
pytestmark = pytest.mark.django_db(transaction=True)
SCREENSHOTS = Path(settings.BASE_DIR) / "test-results"

# Runs before the page's own scripts, outside its CSP: records every violation the page causes.
WATCH_CSP = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__csp.push(e.violatedDirective + " " + e.blockedURI);
});
"""


def test_the_button_shows_on_the_desk_and_the_officers_home_without_csp_violations(
    pupr, tangerang, push_configured
):
    joko = staff("joko-tng", tangerang, "field_officer", "PUPR")
    set_availability(officer=officer_for(joko), availability="on_duty")
    cookies = {"desk": session_cookie(pupr.user), "field": session_cookie(joko.user)}
    env = {"VAPID_PRIVATE_KEY": settings.VAPID_PRIVATE_KEY, "VAPID_PUBLIC_KEY": push_configured}
    pages = {"desk": "/kota-tangerang/live/desk/PUPR/", "field": "/kota-tangerang/field/"}
    SCREENSHOTS.mkdir(exist_ok=True)
    with uvicorn(env=env) as base, playwright_session() as p:
        browser = launch_chromium(p)
        try:
            for name, path in pages.items():
                context = browser.new_context(
                    viewport={"width": 390, "height": 844},
                    locale="id-ID",
                    permissions=["notifications"],
                )
                context.add_init_script(WATCH_CSP)
                context.add_cookies([{"name": "sessionid", "value": cookies[name], "url": base}])
                page = context.new_page()
                console = []
                page.on("console", lambda m, console=console: console.append(m.text))
                page.goto(base + path)
                button = page.get_by_role("button", name="Nyalakan notifikasi")
                expect(button).to_be_visible()
                worker = page.evaluate(
                    "navigator.serviceWorker.ready.then((r) => r.active && r.active.scriptURL)"
                )
                assert worker == base + "/push-sw.js"
                assert page.evaluate("navigator.serviceWorker.controller !== undefined")
                page.screenshot(path=SCREENSHOTS / f"push-{name}.png")
                # Granted, but no push service can be reached from here: said in text.
                button.click()
                expect(page.locator("#push-status")).to_have_text(
                    "Notifikasi tidak dapat dinyalakan."
                )
                assert page.evaluate("window.__csp") == []
                assert not [t for t in console if "Content Security Policy" in t], console
                context.close()
        finally:
            browser.close()
