"""Fault suite, database (issue 15): the database goes away under keyed intake.

`laksana serve` (two granian workers) takes submissions from CLIENTS concurrent client threads,
each submission with its own Idempotency-Key, retried with the same key after a 503 or a lost
connection until acknowledged (see faults.Load). Meanwhile:
- every backend of the database is terminated, a few times (what a failover or an operator's
  pg_terminate_backend does), on the test database;
- PostgreSQL is restarted, `-m fast` (sessions ended, checkpoint) and `-m immediate` (crash and
  recovery), on a throwaway cluster of its own on another port (initdb/pg_ctl, run as the
  `postgres` user when the tests run as root): skipped, loudly, where no cluster can be made.
What must hold: every acknowledged submission stored exactly once, under the number the client
was given; no answer but 503 while the database is away (never a 500); submissions acknowledged
again within seconds of the fault; the counters the services keep equal to COUNT(*).

The figures (sent, stored, lost, duplicated, client errors, recovery time) are printed; run with
`-s` to see them. A web worker killed outright is test_fault_processes.py.
"""

import contextlib
import glob
import os
import pwd
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
from django.db import connection

from laksana.live.server import database_url, free_port
from laksana.testing.personas import TANGERANG_DIR, ensure_region

from .faults import Load, audit, figures, serve

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.xdist_group("fault-database"),  # one worker: one load at a time on the database
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="PostgreSQL only: terminates server backends and restarts a PostgreSQL cluster; "
        "SQLite has no server to lose (its outage is laksana/common/tests/test_outage.py)",
    ),
]

CLIENTS = 20
PER_CLIENT = 10
FAULTS = 3  # faults per run, spread over the load
RECOVERY_BOUND = 15.0  # seconds: "within seconds", a bound on never recovering, not a benchmark


@dataclass
class Fault:
    at: float  # monotonic, as it began
    back: float  # monotonic, once the database took connections again
    detail: object  # backends terminated, or seconds the restart took


@pytest.fixture(autouse=True, scope="module")
def connections_renewed_after_the_faults():
    """The faults end every session on the test database, this process's own included (the
    terminating call runs on the load's thread): close the dead ones, so the tests that run next
    on this worker connect afresh instead of failing at their setup."""
    yield
    from django.db import connections

    from laksana.live import bus, pool

    for alias in connections:
        with contextlib.suppress(Exception):  # already dead: closing it is all that was wanted
            connections[alias].close()
    bus.stop_listener()
    pool.close_connections()


def _terminate_every_backend() -> int:
    """Every other session on the test database ended; returns once they are gone."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_terminate_backend(pid, 5000)) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0]


def _under_load(load: Load, fault, times: int = FAULTS) -> list[Fault]:
    """Run `load`, calling `fault()` `times` times spread over it."""
    load.start()
    faults = []
    try:
        for k in range(1, times + 1):
            assert load.wait_acked(load.sent * k // (times + 1))
            at = time.monotonic()
            detail = fault()
            faults.append(Fault(at, time.monotonic(), detail))
    finally:
        load.join()
    return faults


def _report(title: str, load: Load, stored, faults: list[Fault], **measured) -> dict:
    """Print the figures line; returns what _check asserts on."""
    # A fault that came after the last acknowledgement (a slow fault on a busy machine lets the
    # load finish first) had nothing left to recover.
    mid_load = [f for f in faults if f.at < max(load.ack_times, default=0.0)]
    assert mid_load, "every fault came after the load had finished"
    recoveries = [load.recovery_after(f.at) for f in mid_load]
    measured["fault_took"] = max(f.back - f.at for f in faults)
    # Failed between the database's return and the next fault: nothing should, but a request
    # handed a connection of before the fault (a pooled one) would.
    ends = [f.at for f in faults[1:]] + [float("inf")]
    once_back = [
        e for f, end in zip(faults, ends, strict=True) for e in load.errors_within(f.back, end)
    ]
    worst = None if None in recoveries else max(recoveries)
    waits = [a.ended - a.started for a in load.attempts if a.status not in (200, 201)]
    print(
        figures(
            title,
            load,
            stored,
            **measured,
            slowest_error=max(waits, default=0.0),
            errors_once_back=len(once_back),
            recovery=worst,
        )
    )
    return {"recoveries": recoveries, "once_back": once_back}


def _check(
    load: Load, stored, *, recoveries: list[float | None], once_back: list[str], pool: str
) -> None:
    assert load.unacked == []  # every submission was acknowledged in the end
    assert stored.lost(load) == [] and stored.duplicated == 0
    assert len(load.acked) == load.sent == stored.rows
    # While the database is away: 503, never a 500, another error or a dropped connection.
    assert {e for e in load.errors if not e.startswith("503 ")} == set()
    # Once it is back, nothing fails: no connection of before the fault is handed out again.
    # Not so with the pool, yet: its dead idle connections cost a 503 each (laksana.common.dbpool).
    if pool == "0":
        assert once_back == []
    for name, (kept, counted) in stored.counters.items():
        assert kept == counted, f"{name}: counter {kept}, COUNT(*) {counted}"
    assert None not in recoveries, "no submission was acknowledged after a fault"
    assert max(recoveries) < RECOVERY_BOUND


POOLS = pytest.mark.parametrize("pool", ["0", "1"], ids=["per-request", "pool"])


@POOLS
def test_terminating_every_backend_mid_intake_loses_and_doubles_nothing(tangerang, pool):
    port = free_port()
    with serve(port, database_url(), env={"DATABASE_POOL": pool}):
        load = Load(port, clients=CLIENTS, per_client=PER_CLIENT, prefix=f"term{pool}")
        faults = _under_load(load, _terminate_every_backend)
    with connection.cursor() as cursor:
        stored = audit(cursor, region_id=tangerang.id, prefix=load.prefix)
    title = f"terminate every backend x{FAULTS}, DATABASE_POOL={pool}"
    found = _report(title, load, stored, faults, terminated=[f.detail for f in faults])
    _check(load, stored, **found, pool=pool)


class Cluster:
    """A throwaway PostgreSQL cluster on a free port, in a temporary folder (trust auth, local
    only), made with the server's own initdb and pg_ctl; `restart` is the fault."""

    def __init__(self, bin_dir: Path):
        self.bin = bin_dir
        # initdb refuses to run as root: the cluster then belongs to the `postgres` user.
        self.as_owner = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        self.folder = Path(tempfile.mkdtemp(prefix="laksana-fault-pg-"))
        if self.as_owner:
            owner = pwd.getpwnam("postgres")
            os.chown(self.folder, owner.pw_uid, owner.pw_gid)
        self.data = self.folder / "data"
        self.port = free_port()
        # fsync off: a restart, even -m immediate, is a crash of PostgreSQL's processes, not of
        # the machine, so what was written reaches the disk anyway (the page cache survives);
        # spares the shared disk of the machine running the tests.
        self.options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off"

    def run(self, tool: str, *args: str, timeout: float = 60) -> subprocess.CompletedProcess:
        command = [*self.as_owner, str(self.bin / tool), *args]
        return subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=True)

    def pg_ctl(self, action: str, *args: str) -> None:
        self.run("pg_ctl", action, "-D", str(self.data), "-w", "-t", "60", *args)

    def start(self) -> "Cluster":
        self.run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8")
        self.pg_ctl("start", "-l", str(self.folder / "log"), "-o", self.options)
        return self

    def restart(self, mode: str) -> float:
        """Restart with shutdown `mode`; returns the seconds until it accepted connections."""
        started = time.monotonic()
        self.pg_ctl("restart", "-m", mode, "-l", str(self.folder / "log"), "-o", self.options)
        return time.monotonic() - started

    def away(self, seconds: float) -> float:
        """Stopped (-m fast) for `seconds`, then started: a longer outage (an upgrade, a
        failover, a restart with much to flush). Returns the seconds it was away."""
        started = time.monotonic()
        self.pg_ctl("stop", "-m", "fast")
        time.sleep(seconds)  # the outage itself, not a test's wait
        self.pg_ctl("start", "-l", str(self.folder / "log"), "-o", self.options)
        return time.monotonic() - started

    def url(self, name: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}"

    def connect(self, name: str = "postgres") -> psycopg.Connection:
        return psycopg.connect(self.url(name), autocommit=True, connect_timeout=5)

    def copy_of_test_database(self, name: str) -> str:
        """A database `name` holding the test database's schema and data (its regions);
        returns its URL."""
        with self.connect() as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
            admin.execute(f'CREATE DATABASE "{name}"')
        db = connection.settings_dict
        dump = subprocess.run(
            [str(self.bin / "pg_dump"), "--no-owner", "--no-privileges"]
            + ["-h", db["HOST"] or "127.0.0.1", "-p", str(db["PORT"] or 5432)]
            + ["-U", db["USER"], db["NAME"]],
            capture_output=True,
            check=True,
            timeout=60,
            env={**os.environ, "PGPASSWORD": db["PASSWORD"] or ""},
        )
        subprocess.run(
            [str(self.bin / "psql"), "-q", "-X", "-v", "ON_ERROR_STOP=1", self.url(name)],
            input=dump.stdout,
            capture_output=True,
            check=True,
            timeout=60,
        )
        with self.connect() as admin:
            admin.execute("CHECKPOINT")  # a crash then replays the load's writes, not the copy's
        return self.url(name)

    def remove(self) -> None:
        try:
            if (self.data / "postmaster.pid").exists():
                self.pg_ctl("stop", "-m", "immediate")
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)


def _skip_loudly(why: str):
    banner = "#" * 78
    message = f"SKIPPED the PostgreSQL restart faults: {why}"
    print(f"\n{banner}\n{message}\n{banner}", file=sys.__stderr__, flush=True)
    pytest.skip(message)


@pytest.fixture(scope="module")
def cluster():
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: Path(p).parts[4])
    bin_dir = Path(found[-1]).parent if found else None
    if bin_dir is None and shutil.which("initdb"):
        bin_dir = Path(shutil.which("initdb")).parent
    if bin_dir is None:
        _skip_loudly("no initdb (Debian: apt-get install postgresql) to make a cluster with")
    if os.geteuid() == 0 and (shutil.which("runuser") is None or not _has_user("postgres")):
        _skip_loudly("running as root, but no `postgres` user and runuser to run initdb as")
    made = Cluster(bin_dir)
    try:
        made.start()
    except (OSError, subprocess.SubprocessError) as exc:
        made.remove()
        detail = getattr(exc, "stderr", "") or exc
        _skip_loudly(f"could not make a throwaway cluster in {made.folder}: {detail}")
    try:
        yield made
    finally:
        made.remove()


def _has_user(name: str) -> bool:
    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True


AWAY_SECONDS = 5.0


@pytest.fixture(scope="module", params=["0", "1"], ids=["per-request", "pool"])
def on_cluster(request, cluster, django_db_setup, django_db_blocker):
    """`laksana serve` on a copy of the test database in the throwaway cluster, with
    DATABASE_POOL=<param>; one per module and pool value (starting a server costs seconds):
    yields (port, database name, pool). Each test sends its own keys."""
    pool = request.param
    with django_db_blocker.unblock():
        ensure_region(TANGERANG_DIR)  # committed, so that the copy has it
    name = f"laksana_fault_{pool}"
    url = cluster.copy_of_test_database(name)
    port = free_port()
    with serve(port, url, env={"DATABASE_POOL": pool}):
        yield port, name, pool


@pytest.mark.parametrize("mode", ["fast", "immediate", "away"])
def test_restarting_postgresql_mid_intake_loses_and_doubles_nothing(cluster, on_cluster, mode):
    """`fast` and `immediate`: pg_ctl restart -m <mode>, FAULTS times; `away`: stopped for
    AWAY_SECONDS, once."""
    port, name, pool = on_cluster
    load = Load(port, clients=CLIENTS, per_client=PER_CLIENT, prefix=f"restart-{mode}")
    if mode == "away":
        faults = _under_load(load, lambda: cluster.away(AWAY_SECONDS), times=1)
        title = f"PostgreSQL away {AWAY_SECONDS:.0f} s, DATABASE_POOL={pool}"
    else:
        faults = _under_load(load, lambda: cluster.restart(mode))
        title = f"PostgreSQL restart -m {mode} x{FAULTS}, DATABASE_POOL={pool}"
    with cluster.connect(name) as db, db.cursor() as cursor:
        cursor.execute("SELECT id FROM regions_region WHERE slug = 'kota-tangerang'")
        stored = audit(cursor, region_id=cursor.fetchone()[0], prefix=load.prefix)
    found = _report(title, load, stored, faults, down=max(f.detail for f in faults))
    _check(load, stored, **found, pool=pool)
