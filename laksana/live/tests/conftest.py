import time
from contextlib import ExitStack

import pytest
from django.db import connection

from laksana.live import bus, pool
from laksana.live.server import uvicorn
from laksana.live.tests.support import Server
from laksana.testing.browser import launch_chromium, playwright_session


@pytest.fixture(scope="session")
def served(django_db_setup):
    """One uvicorn process per test worker, on this worker's test database."""
    # These servers stand for a whole city's screens and citizens on one address: the public
    # rate limits (tested in common/tests) would refuse the bursts the stream tests need.
    with uvicorn(env={"RATE_LIMIT_EXEMPT_ADDRESSES": "127.0.0.1"}) as base:
        yield Server(base)


@pytest.fixture(scope="session", autouse=True)
def live_connections_closed(django_db_setup, django_db_blocker):
    """The bus listener, the stream pool and the servers keep connections: close them and wait
    until PostgreSQL has ended their sessions, before the test database is dropped."""
    yield
    bus.stop_listener()
    pool.close_connections()
    if connection.vendor != "postgresql":
        return
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        others = (
            "FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        deadline = time.monotonic() + 3
        while time.monotonic() < deadline:
            cursor.execute(f"SELECT count(*) {others}")
            if cursor.fetchone()[0] == 0:
                break
            time.sleep(0.1)  # a closed client's backend takes a moment to exit
        else:
            # A session still open this late is one no test holds any more (a PostgreSQL run
            # measured here spent 16.5 s in its last teardown, the whole former 15-s wait): end
            # it, as the test database is dropped next anyway.
            cursor.execute(f"SELECT count(pg_terminate_backend(pid, 5000)) {others}")
    connection.close()


@pytest.fixture
def browse(served):
    """browse(cookie, path, viewport=(1920, 1080)) -> a page of the server, signed in.

    Playwright starts at the first page: database work inside its event loop would open a
    connection of its own, so a test makes its accounts and tokens before opening a page.
    """
    with ExitStack() as stack:
        browsers = []

        def open_page(cookie: str, path: str, viewport: tuple[int, int] = (1920, 1080)):
            if not browsers:
                playwright = stack.enter_context(playwright_session())
                browser = launch_chromium(playwright)
                stack.callback(browser.close)
                browsers.append(browser)
            context = browsers[0].new_context(
                viewport={"width": viewport[0], "height": viewport[1]}, locale="id-ID"
            )
            context.add_cookies([{"name": "sessionid", "value": cookie, "url": served.base}])
            page = context.new_page()
            page.goto(served.base + path)
            return page

        yield open_page
