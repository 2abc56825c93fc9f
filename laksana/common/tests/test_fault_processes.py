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

import os
import signal
import time
from pathlib import Path

import pytest
from django.db import connection

from laksana.live.server import database_url, free_port

from .faults import GIVE_UP, Load, audit, figures, serve

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="PostgreSQL only: several web workers are refused on SQLite (one live bus "
        "per process), so there is no second worker to keep serving",
    ),
]

CLIENTS = 4
PER_CLIENT = 30
KILL_AFTER = 20  # acknowledged submissions before the kill


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


def test_a_killed_web_worker_is_replaced_and_no_submission_is_lost_or_doubled(tangerang):
    port = int(os.environ.get("LAKSANA_TEST_PORT") or free_port())
    with serve(port, database_url()) as server:
        workers = _children(server.pid)
        assert len(workers) == 2
        load = Load(port, clients=CLIENTS, per_client=PER_CLIENT, prefix="fault").start()
        assert load.wait_acked(KILL_AFTER)
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
        load.join()
        assert server.poll() is None, "the server went down with its worker"

    with connection.cursor() as cursor:
        stored = audit(cursor, region_id=tangerang.id, prefix=load.prefix)
    after_kill = [t - killed_at for t in load.ack_times if t > killed_at]
    served_again_after = min(after_kill) if after_kill else None
    print(
        figures(
            "kill -9 web worker",
            load,
            stored,
            first_ack_after_kill=served_again_after,
            worker_respawned_after=respawned_after,
        )
    )
    assert load.unacked == []  # every submission was acknowledged in the end
    assert len(load.acked) == load.sent == stored.rows == len(stored.by_key)
    assert stored.lost(load) == [] and stored.duplicated == 0
    for name, (kept, counted) in stored.counters.items():
        assert kept == counted, f"{name}: counter {kept}, COUNT(*) {counted}"
    assert respawned_after is not None, "granian did not replace the killed worker"
    assert served_again_after is not None  # submissions were acknowledged after the kill
