"""A real uvicorn process for tests and measurements of the streams.

Django's live_server is a threaded WSGI server: it cannot hold async streams open. The stream
tests and the latency measurement start `uvicorn laksana.asgi:application` as a subprocess on a
free 127.0.0.1 port, pointed at the given database (pytest-django's test database in tests).
"""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.db import connections


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def database_url() -> str:
    """The URL of the database this process uses now (in tests: the test database)."""
    db = connections["default"].settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{Path(db['NAME']).resolve()}"
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@contextmanager
def uvicorn(*, env: dict | None = None, timeout: float = 60) -> Iterator[str]:
    """Serve Laksana on a free port against this process's database; yields the base URL."""
    port = free_port()
    environment = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "SECRET_KEY": settings.SECRET_KEY,
        "DEBUG": "1" if settings.DEBUG else "0",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "MAP_TILE_URL": "",  # no network: boundaries only
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        # The caller changes the database under the server (tests recreate their regions):
        # nothing of it may be kept from one request to the next (laksana.common.configcache).
        "CONFIG_CACHE_SECONDS": "0",
        **(env or {}),
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "laksana.asgi:application"]
        + ["--host", "127.0.0.1", "--port", str(port), "--lifespan", "off"]
        + ["--log-level", "warning", "--no-access-log", "--timeout-graceful-shutdown", "2"],
        env=environment,
        cwd=settings.BASE_DIR,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(base, process, timeout)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def _wait_until_up(base: str, process: subprocess.Popen, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"uvicorn exited with {process.returncode}")
        try:
            urllib.request.urlopen(f"{base}/api/v1/openapi.json", timeout=2).close()
            return
        except OSError:
            time.sleep(0.1)  # polling a starting server, not a test timing
    raise RuntimeError(f"uvicorn did not answer at {base} within {timeout} s")
