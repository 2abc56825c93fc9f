import pytest

from laksana.live import bus, pool
from laksana.live.server import uvicorn
from laksana.live.tests.support import Server


@pytest.fixture(scope="session")
def served(django_db_setup):
    """One uvicorn process per test worker, on this worker's test database."""
    with uvicorn() as base:
        yield Server(base)


@pytest.fixture(scope="session", autouse=True)
def live_connections_closed(django_db_setup):
    """The bus listener and the stream pool keep connections: close them before the test
    database is dropped."""
    yield
    bus.stop_listener()
    pool.close_connections()
