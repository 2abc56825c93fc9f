"""`laksana serve` with several workers: each accepts its own connections (laksana.common.serving),
so a burst of keep-alive clients is spread over them instead of landing on one."""

import http.client
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings

from laksana.live.server import _wait_until_up, database_url, free_port

pytestmark = pytest.mark.django_db(transaction=True)


def _established(port: int) -> set[int]:
    """Socket inodes of established connections to `port` on this machine."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            if int(fields[1].rsplit(":", 1)[1], 16) == port and fields[3] == "01":
                inodes.add(int(fields[9]))
    return inodes


def _connections_per_process(pids: list[int], port: int) -> dict[int, int]:
    inodes = _established(port)
    counts = {}
    for pid in pids:
        sockets = set()
        for fd in Path(f"/proc/{pid}/fd").iterdir():
            try:
                target = os.readlink(fd)
            except OSError:
                continue
            if target.startswith("socket:["):
                sockets.add(int(target[8:-1]))
        counts[pid] = len(sockets & inodes)
    return counts


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
                command = (entry / "cmdline").read_bytes()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid and b"resource_tracker" not in command:
                found.append(int(entry.name))
    return found


def test_several_workers_on_sqlite_are_refused_at_start_up():
    from django.core.exceptions import ImproperlyConfigured
    from django.db import connection

    from laksana.common.serving import check_database

    if connection.vendor != "sqlite":
        pytest.skip("SQLite only: PostgreSQL serves several workers")
    with pytest.raises(ImproperlyConfigured, match="WEB_WORKERS=2 needs PostgreSQL"):
        check_database(2)


def test_two_workers_share_a_burst_of_connections_and_stop_on_sigterm(tangerang):
    from django.db import connection

    if connection.vendor == "sqlite":
        pytest.skip("SKIPPED LOUDLY: several web workers need PostgreSQL (refused on SQLite)")
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "SECRET_KEY": settings.SECRET_KEY,
        "DEBUG": "0",
        "ALLOWED_HOSTS": "127.0.0.1",
    }
    command = [sys.executable, "-m", "laksana.cli", "serve", "--host", "127.0.0.1"]
    command += ["--port", str(port), "--workers", "2", "--log-level", "warning", "--no-access-log"]
    server = subprocess.Popen(command, env=env, cwd=settings.BASE_DIR)
    try:
        _wait_until_up(f"http://127.0.0.1:{port}", server, 60)
        workers = _children(server.pid)
        assert len(workers) == 2
        # 16 keep-alive clients at once: by chance alone all on one worker 2 times in 65,536.
        clients = [http.client.HTTPConnection("127.0.0.1", port, timeout=15) for _ in range(16)]
        for client in clients:
            client.request("GET", "/api/v1/regions")
        for client in clients:
            assert client.getresponse().read()
        counts = _connections_per_process(workers, port)
        assert sum(counts.values()) == 16
        assert all(counts.values()), counts
        for client in clients:
            client.close()
        server.send_signal(signal.SIGTERM)
        assert server.wait(timeout=20) == 0
        time.sleep(0.1)  # let the kernel reap the workers before looking
        assert not [pid for pid in workers if Path(f"/proc/{pid}").exists()]
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()


def test_a_worker_takes_as_many_requests_at_once_as_web_connections_says(monkeypatch):
    """Granian's default let a worker of two handle 512 requests at once: a live stream never
    ends, so the wall streams hashed onto a worker past its 512th waited forever (the bench's
    fan-out of 1,000 streams: 973-999 joined, in 4 of 6 runs)."""
    import granian

    given = {}

    class Recording:
        def __init__(self, target, **options):
            given.update(options)

        def serve(self):
            pass

    monkeypatch.setattr(granian, "Granian", Recording)
    monkeypatch.setenv("WEB_CONNECTIONS", "3000")
    from django.core.management import call_command

    call_command("serve", "--workers", "1", "--port", "8999")
    assert given["backpressure"] == 3000 and given["backlog"] == 3000
    assert given["workers"] == 1
    monkeypatch.delenv("WEB_CONNECTIONS")
    call_command("serve", "--workers", "1", "--port", "8999")
    assert given["backpressure"] == 2048 >= 2 * 1000  # a wall of 1,000 on one worker
