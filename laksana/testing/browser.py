"""Browser tests drive Debian's Chromium (installed by `make test`) through Playwright."""

from contextlib import contextmanager

CHROMIUM = "/usr/bin/chromium"
# Without the background-networking flags Chromium keeps calling home, which this closed
# network refuses; sandboxing needs a user namespace that CI's root does not get.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def launch_chromium(playwright):
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


def close_dead_connections() -> None:
    """Close every database connection of this context that the server has ended.

    The fault tests (database faults, worker outage, the SMTP journal) end sessions on the test
    database, this process's own included; a dead connection left behind would fail the next
    test at its setup with AdminShutdown instead of connecting afresh."""
    from django.db import connections

    for conn in connections.all(initialized_only=True):
        if conn.connection is not None and not conn.in_atomic_block and not conn.is_usable():
            conn.close()


@contextmanager
def playwright_session():
    """Playwright's sync API, for `with playwright_session() as p:`.

    While its event loop runs, Django keeps database connections per async context (asgiref),
    apart from the ones the test uses outside the block, and they outlive the block: a
    connection opened inside one test would be found inside the next test's block, possibly
    ended by a fault test in between. So: dead ones closed on the way in, all closed on the way
    out (which also lets PostgreSQL drop the test database at the end)."""
    from django.db import connections
    from playwright.sync_api import expect, sync_playwright

    # Waits, not timings: a shared machine under load takes more than Playwright's default 5 s
    # to store a phone photo; a real failure still fails, later.
    expect.set_options(timeout=20_000)
    with sync_playwright() as playwright:
        close_dead_connections()
        try:
            yield playwright
        finally:
            connections.close_all()


def loaded_width(image, timeout: int = 20_000) -> int:
    """The natural width of `image` (a Playwright locator) once the browser has loaded it.

    Visible is not loaded: an <img> with width and height is laid out before its bytes arrive
    (a busy server takes its time), and its naturalWidth is 0 until then; a broken image
    stays 0 and fails the wait."""
    image.scroll_into_view_if_needed()
    image.page.wait_for_function(
        "img => img.complete && img.naturalWidth > 0",
        arg=image.element_handle(),
        timeout=timeout,
    )
    return image.evaluate("img => img.naturalWidth")
