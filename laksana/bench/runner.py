"""The benchmark run: per data size, a throwaway PostgreSQL database filled by the generator,
Laksana under uvicorn (2 workers, production settings), load from a separate process, then the
peer on the same data size; figures collected over repeated runs."""

import json
import os
import secrets
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse, urlunparse

import psycopg
from django.conf import settings

from . import peer as peer_mod
from . import scenarios as sc
from . import server as srv
from .report import Results, git_commit, machine

ROOT = Path(settings.BASE_DIR)
PEERS = ROOT / "bench" / "peers"
TEXTS = ROOT / "laksana" / "demo" / "data" / "texts.json"


@dataclass
class Options:
    database_url: str
    sizes: list[int]
    repeat: int
    quick: bool
    read_clients: int
    intake_clients: int
    port: int
    peer: bool
    seed: int
    days: int
    region: str
    output: Path
    command: str
    read_seconds: float = 0
    intake_seconds: float = 0

    def __post_init__(self):
        self.read_seconds = self.read_seconds or (2 if self.quick else 5)
        self.intake_seconds = self.intake_seconds or (4 if self.quick else 10)

    @property
    def warmup(self) -> float:
        return 0.5 if self.quick else 1.5


def say(text: str) -> None:
    sys.stderr.write(text + "\n")
    sys.stderr.flush()


def database(url: str, suffix: str = "") -> str:
    """A throwaway database named after the URL's (which must start with laksana_bench)."""
    parts = urlparse(url)
    name = parts.path.lstrip("/") + suffix
    if not name.startswith("laksana_bench"):
        raise SystemExit(
            f"refusing to drop and recreate {name!r}: its name must start laksana_bench"
        )
    admin = urlunparse(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return urlunparse(parts._replace(path=f"/{name}"))


def pg_version(url: str) -> str:
    with psycopg.connect(url) as conn:
        return "PostgreSQL " + conn.execute("SHOW server_version").fetchone()[0].split()[0]


def run_load(spec: dict) -> dict:
    """Run the load generator in its own process and return its figures."""
    done = subprocess.run(
        [sys.executable, "-m", "laksana.bench.load"],
        input=json.dumps(spec),
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    if done.returncode != 0:
        raise RuntimeError(f"load generator failed: {done.stderr[-1000:]}")
    return json.loads(done.stdout)


class Bench:
    def __init__(self, options: Options):
        self.o = options
        self.results = Results()
        self.secret = secrets.token_urlsafe(40)
        self.data_dir = ROOT / "var" / "bench"
        self.logs = self.data_dir / "logs"
        self.intake_bodies: list[dict] = []

    def env(self, database_url: str) -> dict:
        env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
        env.update(
            DEBUG="0",
            SECRET_KEY=self.secret,
            ALLOWED_HOSTS="127.0.0.1",
            DATABASE_URL=database_url,
            LAKSANA_DATA_DIR=str(self.data_dir),
            DJANGO_SETTINGS_MODULE="laksana.settings",
            LOG_LEVEL="WARNING",
            # Production settings include the connection pool (README); DATABASE_POOL=0 to compare.
            DATABASE_POOL=os.environ.get("DATABASE_POOL", "1"),
        )
        return env

    def run(self) -> Results:
        o = self.o
        started = time.monotonic()
        load_before = os.getloadavg()[0]
        (self.data_dir / "static").mkdir(parents=True, exist_ok=True)
        python = None
        if o.peer:
            try:
                python = peer_mod.venv(PEERS)
            except peer_mod.PeerUnavailable as exc:
                self.results.notes.append(f"Peer not measured: {exc}")
        for size in o.sizes:
            say(f"\n== {size:,} complaints")
            self.laksana(size)
            if python is not None:
                try:
                    self.helpdesk(python, size)
                except (peer_mod.PeerUnavailable, RuntimeError) as exc:
                    self.results.notes.append(f"Peer at {size:,} not measured: {exc}")
                    say(f"  peer failed: {exc}")
        for name, why in sc.PENDING_ALWAYS.items():
            self.results.pending[name] = why
        elapsed = time.monotonic() - started
        say(f"\nbench finished in {elapsed:,.0f}s")
        # Other work on the machine skews every figure: say how busy it was.
        self.results.notes.append(
            f"Load average (1 min) {load_before:.1f} at the start and {os.getloadavg()[0]:.1f} at "
            f"the end on {os.cpu_count()} cores; the run took {elapsed:,.0f} s."
        )
        commit = git_commit(ROOT)
        machine_text = machine(pg_version(o.database_url.rsplit("/", 1)[0] + "/postgres"))
        self.results.write(o.output, commit=commit, machine_text=machine_text, command=o.command)
        return self.results

    # --- Laksana ------------------------------------------------------------------------------

    def laksana(self, size: int) -> None:
        o = self.o
        url = database(o.database_url)
        env = self.env(url)
        say(f"  generating in {urlparse(url).path.lstrip('/')}")
        prepared = subprocess.run(
            [sys.executable, "-m", "laksana.cli", "bench", "--prepare", "--sizes", str(size)]
            + ["--seed", str(o.seed), "--days", str(o.days), "--region", o.region],
            env=env,
            stdout=subprocess.PIPE,
            text=True,
            cwd=ROOT,
        )
        if prepared.returncode != 0:
            raise RuntimeError("preparing the bench database failed (see above)")
        context = json.loads(prepared.stdout.strip().splitlines()[-1])
        self.intake_bodies = context["intake"]
        command = [sys.executable, "-m", "uvicorn", "laksana.asgi:application", "--workers", "2"]
        command += ["--host", "127.0.0.1", "--port", str(o.port), "--lifespan", "off"]
        command += ["--no-access-log", "--log-level", "warning"]
        server = srv.start(
            "laksana",
            command,
            env=env,
            port=o.port,
            ready_path="/api/v1/regions",
            log=self.logs / f"laksana-{size}.log",
            cwd=ROOT,
        )
        try:
            context["token"] = self.token(context)
            for run in range(o.repeat):
                say(f"  run {run + 1}/{o.repeat}")
                self.reads(size, context)
                self.intake(size, context)
            self.results.add("memory", size, "peak_rss_per_worker", "MB", max(server.peak_rss_mb()))
        finally:
            server.stop()

    def token(self, context: dict) -> str:
        import http.client

        conn = http.client.HTTPConnection("127.0.0.1", self.o.port, timeout=30)
        body = json.dumps({"username": context["username"], "password": context["password"]})
        conn.request("POST", "/api/v1/auth/token", body, {"Content-Type": "application/json"})
        response = conn.getresponse()
        data = json.loads(response.read())
        if response.status != 201:
            raise RuntimeError(f"POST /api/v1/auth/token: {response.status} {data}")
        return data["token"]

    def measure(self, requests: list[dict], *, clients: int, seconds: float, ok, port=None):
        return run_load(
            {
                "port": port or self.o.port,
                "clients": clients,
                "duration": seconds,
                "warmup": self.o.warmup,
                # A page taking seconds (the peer's, at 10^6) still gets a sample of 8, within
                # a bound that keeps a full run under half an hour.
                "min_requests": 8 if clients < 10 else 100,
                "max_seconds": 40,
                "requests": requests,
                "ok": ok,
            }
        )

    def reads(self, size: int, context: dict) -> None:
        for read in sc.READS:
            if read.name in self.results.pending:
                continue
            headers = sc.headers(read.auth, context)
            paths = read.paths(context)
            status, body = srv.get(self.o.port, paths[0], headers)
            if status == 404 and read.pending:
                self.results.pending[read.name] = f"{read.pending}: {paths[0]} answers 404"
                say(f"    {read.name:<28} pending ({paths[0]} → 404)")
                continue
            if status != 200:
                self.results.notes.append(f"{read.name} at {size:,}: HTTP {status} {body[:200]!r}")
                say(f"    {read.name:<28} HTTP {status}: skipped")
                continue
            requests = [{"path": p, "headers": headers} for p in paths]
            figures = self.measure(
                requests, clients=self.o.read_clients, seconds=self.o.read_seconds, ok=[200]
            )
            self.record(read.name, size, figures)

    def intake(self, size: int, context: dict) -> None:
        figures = self.measure(
            sc.intake_requests(context),
            clients=self.o.intake_clients,
            seconds=self.o.intake_seconds,
            ok=[201],
        )
        self.record("intake", size, figures, throughput=True)

    def record(self, name: str, size: int, figures: dict, *, throughput: bool = False) -> None:
        bad = {k: v for k, v in figures["statuses"].items() if not k.startswith("2")}
        if not figures["ok"]:
            self.results.notes.append(f"{name} at {size:,}: no successful request ({figures})")
            say(f"    {name:<28} failed: {figures['statuses']} {figures['errors'][:2]}")
            return
        if bad or figures["errors"]:
            self.results.notes.append(
                f"{name} at {size:,}: non-2xx {bad} errors {figures['errors'][:3]} "
                f"{figures['samples']}"
            )
        self.results.add(name, size, "latency", "ms", figures["p50"], figures["p99"])
        line = f"p50 {figures['p50']:.1f} ms  p99 {figures['p99']:.1f} ms"
        if throughput:
            self.results.add(name, size, "throughput", "req/s", figures["rate"], None, True)
            line = f"{figures['rate']:,.0f}/s  " + line
        say(f"    {name:<28} {line}  ({figures['ok']:,} ok)")

    # --- the peer -----------------------------------------------------------------------------

    def helpdesk(self, python: Path, size: int) -> None:
        o = self.o
        url = database(o.database_url, "_peer")
        env = peer_mod.environment(self.env(url), PEERS, url)
        say(f"  peer: django-helpdesk in {urlparse(url).path.lstrip('/')}")
        peer = peer_mod.prepare(python, env, size=size, seed=o.seed, texts=TEXTS, peers=PEERS)
        server = peer_mod.start(
            python, env, port=o.port + 1, peers=PEERS, log=self.logs / f"helpdesk-{size}.log"
        )
        port = o.port + 1
        try:
            cookie = {"Cookie": f"sessionid={peer['session']}"}
            for run in range(o.repeat):
                say(f"  peer run {run + 1}/{o.repeat}")
                for name, path in sc.peer_reads(size).items():
                    status, body = srv.get(port, path, cookie, timeout=120)
                    if status != 200:
                        self.results.notes.append(f"helpdesk {name}: HTTP {status} {body[:200]!r}")
                        continue
                    figures = self.measure(
                        [{"path": path, "headers": cookie}],
                        clients=o.read_clients,
                        seconds=o.read_seconds,
                        ok=[200],
                        port=port,
                    )
                    self.record(f"helpdesk.{name}", size, figures)
                figures = self.measure(
                    sc.peer_intake({"intake": self.intake_bodies}, peer),
                    clients=o.intake_clients,
                    seconds=o.intake_seconds,
                    ok=[201],
                    port=port,
                )
                self.record("helpdesk.ticket_create", size, figures, throughput=True)
        finally:
            server.stop()
