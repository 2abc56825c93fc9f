"""The API docs on a closed network: Swagger UI must come from this server, not a CDN."""

import os
from urllib.parse import urlparse

from playwright.sync_api import expect

from laksana.testing.browser import launch_chromium, playwright_session

# Playwright's sync API runs an event loop in this thread.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"


def test_api_docs_render_swagger_ui_with_other_hosts_blocked(live_server):
    ours = urlparse(live_server.url).netloc
    elsewhere: list[str] = []

    def only_ours(route):
        if urlparse(route.request.url).netloc == ours:
            route.continue_()
        else:
            elsewhere.append(route.request.url)
            route.abort()

    with playwright_session() as playwright:
        browser = launch_chromium(playwright)
        page = browser.new_page()
        page.route("**/*", only_ours)
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(f"{live_server.url}/api/v1/docs")
        expect(page.locator(".swagger-ui .info .title")).to_contain_text("Laksana API")
        expect(page.locator(".opblock").first).to_be_visible()
        icon = page.request.get(f"{live_server.url}/favicon.ico")
        status, kind, magic = icon.status, icon.headers["content-type"], icon.body()[:4]
        browser.close()
    assert elsewhere == [] and errors == []
    assert (status, kind, magic) == (200, "image/x-icon", b"\x00\x00\x01\x00")  # an ICO file
