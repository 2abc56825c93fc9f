"""Fault suite, processes (issue 15): a web worker killed with SIGKILL under keyed load.

`laksana serve` runs two granian workers; client threads send submissions, each with its own
Idempotency-Key and retried with the same key until acknowledged (what a careful client or the
portal's form does after a lost connection). One worker is killed mid-load. The other keeps
serving, granian replaces the dead one, and every submission is stored exactly once: nothing
acknowledged is lost, nothing retried is stored twice.

The figures (sent, stored, lost, duplicated, client errors, recovery time) are printed; run with
`-s` to see them. The worker killed mid-delivery is laksana/notify/tests/test_crash.py; the worker
losing its database is laksana/notify/tests/test_worker_outage.py.
"""

import http.client
import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.db.models import Count

from laksana.complaints.models import Complaint
from laksana.live.server import _wait_until_up, database_url, free_port
from laksana.testing.personas import IN_TANGERANG

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="PostgreSQL only: several web workers are refused on SQLite (one live bus "
        "per process), so there is no second worker to keep serving",
    ),
]

URL = "/api/v1/regions/kota-tangerang/complaints"
CLIENTS = 4
PER_CLIENT = 30
KILL_AFTER = 20  # acknowledged submissions before the kill
GIVE_UP = 60.0  # seconds one submission may take with its retries: a bound, not a measurement


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


class Load:
    """Client threads sending keyed submissions, each retried until acknowledged."""

    def __init__(self, port: int):
        self.port = port
        self.lock = threading.Lock()
        self.acked: dict[str, str] = {}  # key -> complaint number
        self.ack_times: list[float] = []  # monotonic time of each acknowledgement
        self.requests = 0
        self.errors: list[str] = []
        self.first_acked = threading.Event()
        self.unacked: list[str] = []
        self.replayed = 0  # retries answered 200: the lost attempt had been stored, not again

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
        for n in range(PER_CLIENT):
            key = f"fault-{c}-{n}"
            deadline = time.monotonic() + GIVE_UP
            retry = False
            while True:
                with self.lock:
                    self.requests += 1
                try:
                    status, body = self._post(key)
                except (OSError, http.client.HTTPException, ValueError) as exc:
                    status, body = 0, {"error": type(exc).__name__}
                if status in (200, 201):
                    with self.lock:
                        self.acked[key] = body["number"]
                        self.ack_times.append(time.monotonic())
                        self.replayed += retry and status == 200
                        if len(self.acked) >= KILL_AFTER:
                            self.first_acked.set()
                    break
                with self.lock:
                    self.errors.append(f"{status} {body.get('error', '')}".strip())
                retry = True
                if time.monotonic() > deadline:
                    with self.lock:
                        self.unacked.append(key)
                    break
                time.sleep(0.2)  # a client's pause before its retry

    def run(self) -> list[threading.Thread]:
        threads = [threading.Thread(target=self.client, args=(c,)) for c in range(CLIENTS)]
        for thread in threads:
            thread.start()
        return threads


def test_a_killed_web_worker_is_replaced_and_no_submission_is_lost_or_doubled(tangerang):
    port = int(os.environ.get("LAKSANA_TEST_PORT") or free_port())
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "SECRET_KEY": settings.SECRET_KEY,
        "DEBUG": "0",
        "ALLOWED_HOSTS": "127.0.0.1",
        "RATE_LIMIT_EXEMPT_ADDRESSES": "127.0.0.1",  # the load generator, not a flood
    }
    command = [sys.executable, "-m", "laksana.cli", "serve", "--host", "127.0.0.1"]
    command += ["--port", str(port), "--workers", "2", "--log-level", "warning", "--no-access-log"]
    server = subprocess.Popen(command, env=env, cwd=settings.BASE_DIR)
    threads = []
    try:
        _wait_until_up(f"http://127.0.0.1:{port}", server, 60)
        workers = _children(server.pid)
        assert len(workers) == 2
        load = Load(port)
        threads = load.run()
        assert load.first_acked.wait(GIVE_UP)
        victim = workers[0]
        os.kill(victim, signal.SIGKILL)
        killed_at = time.monotonic()
        respawned_after = None
        while respawned_after is None and time.monotonic() - killed_at < GIVE_UP:
            now = _children(server.pid)
            if len(now) == 2 and victim not in now:
                respawned_after = time.monotonic() - killed_at
            else:
                time.sleep(0.05)  # polling the process table, not a test timing
        for thread in threads:
            thread.join(300)
        assert not [thread for thread in threads if thread.is_alive()]
        assert server.poll() is None, "the server went down with its worker"
    finally:
        if server.poll() is None:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()

    sent = CLIENTS * PER_CLIENT
    rows = Complaint.objects.filter(region=tangerang, idempotency_key__startswith="fault-")
    stored = dict(rows.values_list("idempotency_key", "number"))
    doubled = rows.values("idempotency_key").annotate(n=Count("id")).filter(n__gt=1).count()
    lost = [key for key, number in load.acked.items() if stored.get(key) != number]
    after_kill = [t - killed_at for t in load.ack_times if t > killed_at]
    served_again_after = min(after_kill) if after_kill else None
    print(
        f"\nFAULT kill -9 web worker: sent={sent} requests={load.requests} "
        f"acknowledged={len(load.acked)} stored={rows.count()} lost={len(lost)} "
        f"duplicated={doubled} retries_answered_from_store={load.replayed} "
        f"client_errors={len(load.errors)} {sorted(set(load.errors))} "
        f"first_ack_after_kill={served_again_after and round(served_again_after, 2)}s "
        f"worker_respawned_after={respawned_after and round(respawned_after, 2)}s"
    )
    assert load.unacked == []  # every submission was acknowledged in the end
    assert len(load.acked) == sent == rows.count() == len(stored)
    assert lost == [] and doubled == 0
    assert respawned_after is not None, "granian did not replace the killed worker"
    assert served_again_after is not None  # submissions were acknowledged after the kill
