"""What the fault suite (issue 15) shares: keyed load from client threads, `laksana serve` as a
subprocess, and the audit of what was stored against what the clients were told.

A careful client (or the portal's form) sends each submission with its own Idempotency-Key and
repeats it, with the same key, after a 503 or a lost connection until it is acknowledged: the
server must then store it exactly once, whatever broke in between.
"""

import http.client
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass

from django.conf import settings

from laksana.live.server import _wait_until_up
from laksana.testing.personas import IN_TANGERANG

URL = "/api/v1/regions/kota-tangerang/complaints"
GIVE_UP = 60.0  # seconds one submission may take with its retries: a bound, not a measurement


@dataclass
class Attempt:
    started: float  # monotonic
    ended: float
    status: int  # 0: no HTTP answer (connection refused, reset, timed out)
    error: str = ""


class Load:
    """`clients` threads, each sending `per_client` keyed submissions, each retried with the
    same key until acknowledged (or GIVE_UP). Every attempt is recorded with its times."""

    def __init__(self, port: int, *, clients: int, per_client: int, prefix: str):
        self.port = port
        self.clients = clients
        self.per_client = per_client
        self.prefix = prefix
        self.lock = threading.Condition()
        self.acked: dict[str, str] = {}  # key -> complaint number
        self.ack_times: list[float] = []  # monotonic time of each acknowledgement
        self.attempts: list[Attempt] = []
        self.unacked: list[str] = []
        self.replayed = 0  # retries answered 200: the lost attempt had been stored, not again
        self.threads: list[threading.Thread] = []

    @property
    def sent(self) -> int:
        return self.clients * self.per_client

    @property
    def requests(self) -> int:
        return len(self.attempts)

    @property
    def errors(self) -> list[str]:
        """Each failed attempt as "<status> <code>": "503 unavailable", "0 ConnectionResetError"."""
        return [
            f"{a.status} {a.error}".strip() for a in self.attempts if a.status not in (200, 201)
        ]

    def errors_within(self, start: float, end: float) -> list[str]:
        """The failed attempts sent and answered between the monotonic times `start` and `end`."""
        with self.lock:
            return [
                f"{a.status} {a.error}".strip()
                for a in self.attempts
                if start <= a.started and a.ended < end and a.status not in (200, 201)
            ]

    def error_counts(self) -> dict[str, int]:
        return dict(sorted(Counter(self.errors).items()))

    def wait_acked(self, n: int, timeout: float = GIVE_UP) -> bool:
        """Until `n` submissions are acknowledged (or every client has finished)."""
        with self.lock:
            return self.lock.wait_for(
                lambda: len(self.acked) >= n or not any(t.is_alive() for t in self.threads),
                timeout,
            )

    def _post(self, key: str) -> tuple[int, dict]:
        body = json.dumps(
            {
                "category": "SAMPAH",
                "description": f"Sampah menumpuk di depan pasar, laporan uji gangguan {key}.",
                "lat": IN_TANGERANG[0],
                "lng": IN_TANGERANG[1],
            }
        )
        client = http.client.HTTPConnection("127.0.0.1", self.port, timeout=15)
        try:
            client.request(
                "POST",
                URL,
                body=body,
                headers={"Content-Type": "application/json", "Idempotency-Key": key},
            )
            response = client.getresponse()
            return response.status, json.loads(response.read() or b"{}")
        finally:
            client.close()

    def client(self, c: int) -> None:
        for n in range(self.per_client):
            key = f"{self.prefix}-{c}-{n}"
            deadline = time.monotonic() + GIVE_UP
            retry = False
            while True:
                started = time.monotonic()
                try:
                    status, body = self._post(key)
                    error = str(body.get("code") or body.get("error") or "")
                except (OSError, http.client.HTTPException, ValueError) as exc:
                    status, body, error = 0, {}, type(exc).__name__
                ended = time.monotonic()
                with self.lock:
                    self.attempts.append(Attempt(started, ended, status, error))
                    if status in (200, 201):
                        self.acked[key] = body["number"]
                        self.ack_times.append(ended)
                        self.replayed += retry and status == 200
                    self.lock.notify_all()
                if status in (200, 201):
                    break
                retry = True
                if time.monotonic() > deadline:
                    with self.lock:
                        self.unacked.append(key)
                    break
                time.sleep(0.2)  # a client's pause before its retry
        with self.lock:
            self.lock.notify_all()

    def start(self) -> "Load":
        self.threads = [
            threading.Thread(target=self.client, args=(c,)) for c in range(self.clients)
        ]
        for thread in self.threads:
            thread.start()
        return self

    def join(self, timeout: float = 300) -> None:
        for thread in self.threads:
            thread.join(timeout)
        assert not [thread for thread in self.threads if thread.is_alive()]

    def recovery_after(self, fault_at: float) -> float | None:
        """Seconds from `fault_at` until an attempt sent after it was acknowledged: how long
        before the service took submissions again (None: never did)."""
        with self.lock:
            served = [
                a.ended for a in self.attempts if a.started >= fault_at and a.status in (200, 201)
            ]
        return min(served) - fault_at if served else None


@contextmanager
def serve(port: int, database_url: str, *, workers: int = 2, env: dict | None = None):
    """`laksana serve` (the production server) on 127.0.0.1:`port` against `database_url`;
    yields the server process. Stopped with SIGTERM (then SIGKILL) on the way out."""
    environment = {
        **os.environ,
        "DATABASE_URL": database_url,
        "SECRET_KEY": settings.SECRET_KEY,
        "DEBUG": "0",
        "ALLOWED_HOSTS": "127.0.0.1",
        "RATE_LIMIT_EXEMPT_ADDRESSES": "127.0.0.1",  # the load generator, not a flood
        **(env or {}),
    }
    command = [sys.executable, "-m", "laksana.cli", "serve", "--host", "127.0.0.1"]
    command += ["--port", str(port), "--workers", str(workers)]
    command += ["--log-level", "warning", "--no-access-log"]
    server = subprocess.Popen(command, env=environment, cwd=settings.BASE_DIR)
    try:
        _wait_until_up(f"http://127.0.0.1:{port}", server, 60)
        yield server
    finally:
        if server.poll() is None:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


@dataclass
class Stored:
    rows: int  # complaints stored under the load's keys
    by_key: dict[str, str]  # key -> number
    duplicated: int  # keys stored more than once
    counters: dict[str, tuple[int, int]]  # counter -> (kept value, COUNT(*))

    def lost(self, load: Load) -> list[str]:
        """Acknowledged keys not stored under the number the client was given."""
        return [key for key, number in load.acked.items() if self.by_key.get(key) != number]


def audit(cursor, *, region_id: int, prefix: str) -> Stored:
    """What the database holds for the keys `prefix`-*, and each counter the services keep
    beside its COUNT(*): the region's stream head (its events), the status counters (the
    `submitted` complaints) and the room's `submitted` tally (the `submitted` events).

    `cursor`: a DB-API cursor on the database the server used (Django's or psycopg's)."""
    pattern = prefix.replace("_", r"\_") + "-%"
    cursor.execute(
        "SELECT idempotency_key, number FROM complaints_complaint"
        " WHERE region_id = %s AND idempotency_key LIKE %s",
        [region_id, pattern],
    )
    rows = cursor.fetchall()
    keys = Counter(key for key, _number in rows)
    queries = {
        "stream head": (
            "SELECT COALESCE(SUM(events), 0) FROM live_streamhead WHERE region_id = %s",
            "SELECT COUNT(*) FROM complaints_event WHERE region_id = %s",
        ),
        "status submitted": (
            "SELECT COALESCE(SUM(count), 0) FROM complaints_statuscount"
            " WHERE region_id = %s AND status = 'submitted'",
            "SELECT COUNT(*) FROM complaints_complaint WHERE region_id = %s"
            " AND status = 'submitted'",
        ),
        "tally submitted": (
            "SELECT COALESCE(SUM(value), 0) FROM live_tally"
            " WHERE region_id = %s AND name = 'submitted'",
            "SELECT COUNT(*) FROM complaints_event WHERE region_id = %s AND type = 'submitted'",
        ),
    }
    counters = {}
    for name, (kept, counted) in queries.items():
        cursor.execute(kept, [region_id])
        value = cursor.fetchone()[0]
        cursor.execute(counted, [region_id])
        counters[name] = (int(value), cursor.fetchone()[0])
    return Stored(
        rows=len(rows),
        by_key=dict(rows),
        duplicated=sum(1 for n in keys.values() if n > 1),
        counters=counters,
    )


def figures(fault: str, load: Load, stored: Stored, **measured) -> str:
    """One line of the fault table (issue 15's closing note)."""

    def shown(value) -> str:
        if value is None:
            return "never"
        return f"{value:.2f}s" if isinstance(value, float) else str(value)

    extra = " ".join(f"{name}={shown(value)}" for name, value in measured.items())
    return (
        f"\nFAULT {fault}: sent={load.sent} requests={load.requests} "
        f"acknowledged={len(load.acked)} stored={stored.rows} lost={len(stored.lost(load))} "
        f"duplicated={stored.duplicated} retries_answered_from_store={load.replayed} "
        f"client_errors={len(load.errors)} {load.error_counts()} {extra}"
    )
