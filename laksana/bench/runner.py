"""The benchmark run: per data size, a throwaway PostgreSQL database filled by the generator,
Laksana under `laksana serve` (granian, 2 workers, production settings) and beside it the stack
limit (laksana.bench.limit: bare Django on the same server, settings and table), load from a
separate process, then the peer on the same data size; figures collected over repeated runs,
each part of the run with the machine's load average before and after it."""

import json
import os
import secrets
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from urllib.parse import urlparse

from . import peer as peer_mod
from . import scenarios as sc
from . import server as srv
from .limits import LimitPart
from .options import Options
from .processes import (
    ROOT,
    _terminated,
    database,
    pg_version,
    raise_open_files,
    run_latency,
    run_load,
    say,
)
from .report import Results, git_commit, machine


class Bench(LimitPart, peer_mod.PeerPart):
    def __init__(self, options: Options):
        self.o = options
        self.results = Results()
        self.secret = secrets.token_urlsafe(40)
        self.data_dir = ROOT / "var" / "bench"
        self.logs = self.data_dir / "logs"
        self.intake_bodies: list[dict] = []
        self.live_samples: dict[tuple[str, int], int] = {}
        self.serving: srv.Server | None = None  # Laksana's server while a size is measured
        self.peaks: list[tuple[str, float]] = []  # its workers' peak memory after each scenario
        self.timings: list[str] = []  # where the run's time went, with the load around it
        self._machine: str | None = None

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
            # The load generator is one address sending what thousands of citizens would.
            RATE_LIMIT_EXEMPT_ADDRESSES="127.0.0.1",
            # Production settings include the connection pool (README); DATABASE_POOL=0 to compare.
            DATABASE_POOL=os.environ.get("DATABASE_POOL", "1"),
        )
        return env

    @contextmanager
    def part(self, label: str):
        """Time one part of the run and say how busy the machine was before and after it
        (1-minute load average: other sessions' work skews every figure)."""
        began, before = time.monotonic(), os.getloadavg()[0]
        try:
            yield
        finally:
            seconds, after = time.monotonic() - began, os.getloadavg()[0]
            self.results.parts.append(
                {"part": label, "seconds": round(seconds, 1), "load_before": before}
                | {"load_after": after}
            )
            self.timings.append(f"{label}: {seconds:,.0f} s, load {before:.1f} → {after:.1f}")
            say(f"  [{label}: {seconds:,.0f} s, load average {before:.1f} → {after:.1f}]")

    def run(self) -> Results:
        o = self.o
        started = time.monotonic()
        load_before = os.getloadavg()[0]
        (self.data_dir / "static").mkdir(parents=True, exist_ok=True)
        raise_open_files(2 * sc.LIVE.clients + 1024)
        python = None
        if o.peer:
            try:
                python = peer_mod.venv(peer_mod.PEERS)
            except peer_mod.PeerUnavailable as exc:
                self.results.notes.append(f"Peer not measured: {exc}")
        # A run takes most of an hour: stopped (timeout(1)'s SIGTERM, Ctrl-C) or failed half-way,
        # it still leaves the figures of every part that finished, and after each part the files
        # hold what is measured so far.
        previous = signal.signal(signal.SIGTERM, _terminated)
        parts = [self.laksana] if o.sqlite != "only" else []
        parts += [self.sqlite_intake] if o.sqlite != "off" else []
        parts += [partial(self.peer, python)] if python and o.sqlite != "only" else []
        size = o.sizes[0]
        try:
            for size in o.sizes:
                say(f"\n== {size:,} complaints")
                for part in parts:
                    part(size)
                    self.write(f"Partial: written after a part of {size:,}; the run went on.")
        except BaseException as exc:
            self.write(
                f"Partial: the run stopped at {size:,} ({type(exc).__name__}: {exc}); "
                "the figures are those of the parts that finished before."
            )
            raise
        finally:
            signal.signal(signal.SIGTERM, previous)
        if self.o.repeat > 1:
            self.results.notes.append(
                "Reads held to an absolute target only (no limit page compares with them: the "
                "reports and the transparency pages) are measured in the first run of each size, "
                f"those held against the limit in all {self.o.repeat} runs."
            )
        if self.live_samples:
            counts = ", ".join(
                f"{name} {n:,} at {size:,}" for (name, size), n in self.live_samples.items()
            )
            self.results.notes.append(
                f"{sc.LIVE.name}: {sc.LIVE.clients:,} SSE clients on the wall stream of the bench "
                f"server, {sc.LIVE.quick_events if o.quick else sc.LIVE.events} commits per run "
                f"(laksana.live.latency in its own process; {sc.LIMIT_LIVE}: the same clients "
                f"on the limit's stream, laksana.bench.limit.latency); deliveries timed: {counts}."
            )
        elapsed = time.monotonic() - started
        say(f"\nbench finished in {elapsed:,.0f}s: " + "; ".join(self.timings))
        # Other work on the machine skews every figure: say how busy it was.
        self.results.notes.append(
            f"Load average (1 min) {load_before:.1f} at the start and {os.getloadavg()[0]:.1f} at "
            f"the end on {os.cpu_count()} cores; the run took {elapsed:,.0f} s (each part, with "
            'the load before and after it: "Parts of the run" below).'
        )
        self.write()
        return self.results

    def peer(self, python: Path, size: int) -> None:
        try:
            self.helpdesk(python, size)
        except (peer_mod.PeerUnavailable, RuntimeError) as exc:
            self.results.notes.append(f"Peer at {size:,} not measured: {exc}")
            say(f"  peer failed: {exc}")

    def write(self, status: str | None = None) -> None:
        """bench/results/latest.{json,md} with everything measured so far; `status` is a note
        of this writing only (a partial run)."""
        o = self.o
        if self._machine is None:
            self._machine = machine(pg_version(o.database_url.rsplit("/", 1)[0] + "/postgres"))
        notes = self.results.notes
        if status:
            notes.append(status)
        try:
            self.results.write(
                o.output, commit=git_commit(ROOT), machine_text=self._machine, command=o.command
            )
        finally:
            if status:
                notes.remove(status)

    # --- Laksana ------------------------------------------------------------------------------

    def prepare(self, size: int, env: dict) -> dict:
        """Generate `size` complaints in the database of `env` (in its own process); the
        context the scenarios need, as `bench --prepare` prints it."""
        o = self.o
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
        return json.loads(prepared.stdout.strip().splitlines()[-1])

    def serve_command(self, *, workers: int) -> list[str]:
        return [sys.executable, "-m", "laksana.cli", "serve", "--workers", str(workers)] + [
            "--host", "127.0.0.1", "--port", str(self.o.port),
            "--no-access-log", "--log-level", "warning",
        ]  # fmt: skip

    def laksana(self, size: int) -> None:
        o = self.o
        url = database(o.database_url)
        env = self.env(url)
        say(f"  generating in {urlparse(url).path.lstrip('/')}")
        with self.part(f"Laksana preparing {size:,}"):
            context = self.prepare(size, env)
        generated = context["generated"]
        self.timings[-1] += (
            f" (generating {generated['seconds']:,.0f} s, "
            f"{size / generated['seconds']:,.0f} complaints/s)"
        )
        self.intake_bodies = context["intake"]
        # As production serves it (README): `laksana serve` with 2 workers (laksana.common.serving).
        server = srv.start(
            "laksana",
            self.serve_command(workers=2),
            env=env,
            port=o.port,
            ready_path="/api/v1/regions",
            log=self.logs / f"laksana-{size}.log",
            cwd=ROOT,
        )
        limit = None
        self.serving, self.peaks = server, [("serving", max(server.peak_rss_mb(), default=0))]
        try:
            context["token"] = self.token(context)
            if o.limit:
                limit = self.start_limit(size, env, context)
            # Each part of Laksana's sits next to the limit's counterpart, so a ratio compares
            # figures taken under the same load of the shared machine. Laksana's reads take a
            # minute or more: the limit's are measured before and after them, both samples
            # counting (their median brackets the minute).
            for run in range(o.repeat):
                say(f"  run {run + 1}/{o.repeat}")
                if limit:
                    with self.part(f"limit reads {size:,} run {run + 1}, before"):
                        self.limit_reads(size, context)
                with self.part(f"Laksana reads {size:,} run {run + 1}"):
                    # The reads held to an absolute second only (the reports, 100–700 ms) are
                    # taken in the first run; the ones held against the limit in every run.
                    self.reads(size, context, held_only=run > 0)
                if limit:
                    with self.part(f"limit reads {size:,} run {run + 1}, after"):
                        self.limit_reads(size, context)
                if o.selected("intake"):
                    with self.part(f"Laksana intake {size:,} run {run + 1}"):
                        self.intake(size, context)
                if limit and o.limit_selected(sc.LIMIT_INTAKE):
                    with self.part(f"limit insert {size:,} run {run + 1}"):
                        self.limit_intake(size, context)
                if o.selected(sc.LIVE.name):
                    with self.part(f"Laksana live {size:,} run {run + 1}"):
                        self.live(size, context, env)
                if limit and o.limit_selected(sc.LIMIT_LIVE):
                    with self.part(f"limit live {size:,} run {run + 1}"):
                        self.limit_live(size, context, env)
            self.results.add("memory", size, "peak_rss_per_worker", "MB", max(server.peak_rss_mb()))
            self.results.notes.append(f"memory at {size:,}: {self.peak_rises()}")
            if limit:
                peak = max(limit.peak_rss_mb())
                self.results.add("limit.memory", size, "peak_rss_per_worker", "MB", peak)
        finally:
            self.stop_servers(server, limit)

    def stop_servers(self, server: srv.Server, limit: srv.Server | None) -> None:
        """Laksana's server, then the limit's, also when a SIGTERM interrupts the first stop
        (a stopped run left the limit on its port)."""
        self.serving = None
        try:
            server.stop()
        finally:
            if limit:
                limit.stop()

    def sqlite_intake(self, size: int) -> None:
        """The embedded default: a fresh SQLite file with `size` complaints, served as `laksana
        serve` serves it without settings (WEB_WORKERS=1), taking the intake scenario."""
        o = self.o
        path = self.data_dir / "bench-sqlite.sqlite3"
        for stale in path.parent.glob(path.name + "*"):  # the file and its -wal, -shm
            stale.unlink()
        env = {**self.env(f"sqlite:///{path}"), "DATABASE_POOL": "0"}
        say(f"  SQLite: generating in {path}")
        with self.part(f"SQLite preparing {size:,}"):
            context = self.prepare(size, env)
        server = srv.start(
            "laksana-sqlite",
            self.serve_command(workers=1),
            env=env,
            port=o.port,
            ready_path="/api/v1/regions",
            log=self.logs / f"laksana-sqlite-{size}.log",
            cwd=ROOT,
            workers=1,
        )
        limit = None
        try:
            with self.part(f"SQLite intake {size:,}"):
                for run in range(o.repeat):
                    say(f"  SQLite run {run + 1}/{o.repeat}")
                    figures = self.measure(
                        sc.intake_requests(context),
                        clients=o.intake_clients,
                        seconds=o.intake_seconds,
                        ok=[201],
                    )
                    self.record(sc.SQLITE_INTAKE, size, figures, throughput=True)
            if not any(o.selected(r.name) for r in sc.READS if r.limit):
                return
            context["token"] = self.token(context)
            if o.limit:
                limit = self.start_limit(size, env, context, workers=1, label="limit-sqlite")
            # As on PostgreSQL: the limit's reads before and after Laksana's.
            for run in range(o.repeat):
                if limit:
                    with self.part(f"SQLite limit reads {size:,} run {run + 1}, before"):
                        self.limit_reads(size, context, prefix=sc.SQLITE)
                with self.part(f"SQLite reads {size:,} run {run + 1}"):
                    self.reads(size, context, held_only=True, prefix=sc.SQLITE)
                if limit:
                    with self.part(f"SQLite limit reads {size:,} run {run + 1}, after"):
                        self.limit_reads(size, context, prefix=sc.SQLITE)
        finally:
            self.stop_servers(server, limit)

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

    def measure(
        self,
        requests: list[dict],
        *,
        clients: int,
        seconds: float,
        ok,
        port=None,
        first_byte=False,
        warmup: float | None = None,
    ):
        return run_load(
            {
                "first_byte": first_byte,
                "port": port or self.o.port,
                "clients": clients,
                "duration": seconds,
                "warmup": self.o.warmup if warmup is None else warmup,
                # A page taking seconds (the peer's, at 10^6) still gets a sample of 8, within
                # a bound that keeps a full run under half an hour.
                "min_requests": 8 if clients < 10 else 100,
                "max_seconds": 40,
                "requests": requests,
                "ok": ok,
            }
        )

    def reads(self, size: int, context: dict, *, held_only: bool = False, prefix: str = "") -> None:
        """Each read scenario at the read clients (`held_only`: those a limit page compares
        with), recorded under `prefix` + its name."""
        for read in sc.READS:
            if read.name in self.results.pending or not self.o.selected(read.name):
                continue
            if held_only and not read.limit:
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
                requests,
                clients=self.o.read_clients,
                seconds=self.o.read_seconds,
                ok=[200],
                first_byte=read.first_byte,
            )
            self.record(prefix + read.name, size, figures)
            self.note_peak(prefix + read.name)

    def note_peak(self, name: str) -> None:
        """The serving workers' peak memory after a scenario, to say which ones raise it."""
        peaks = self.serving.peak_rss_mb() if self.serving else []
        if peaks:
            self.peaks.append((name, max(peaks)))

    def peak_rises(self) -> str:
        """Where the workers' peak memory was reached: once serving, then the scenarios that
        raised it most (the peak is a high-water mark, so each scenario's own rise)."""
        (_first, start), highest, rises = self.peaks[0], self.peaks[0][1], []
        for name, peak in self.peaks[1:]:
            if peak - highest >= 1:
                rises.append((peak - highest, name))
            highest = max(highest, peak)
        rises.sort(reverse=True)
        named = ", ".join(f"{name} +{rise:.0f} MB" for rise, name in rises[:6]) or "none"
        return (
            f"the largest worker held {start:.0f} MB once serving and peaked at {highest:.0f} MB;"
            f" the scenarios that raised its peak most: {named}."
        )

    def intake(self, size: int, context: dict) -> None:
        figures = self.measure(
            sc.intake_requests(context),
            clients=self.o.intake_clients,
            seconds=self.o.intake_seconds,
            ok=[201],
        )
        self.record("intake", size, figures, throughput=True)
        self.note_peak("intake")

    def live(self, size: int, context: dict, env: dict) -> None:
        live = sc.LIVE
        if live.name in self.results.pending:
            return
        status = srv.status_of(self.o.port, live.stream(context), sc.headers("session", context))
        if status == 404:
            self.results.pending[live.name] = f"{live.pending}: {live.stream(context)} answers 404"
            say(f"    {live.name:<28} pending (404)")
            return
        events = live.quick_events if self.o.quick else live.events
        try:
            figures = run_latency(
                self.o.port, clients=live.clients, events=events, region=context["region"], env=env
            )
        except (RuntimeError, ValueError, subprocess.TimeoutExpired) as exc:
            self.results.notes.append(f"{live.name} at {size:,}: {str(exc)[-300:]}")
            say(f"    {live.name:<28} failed: {str(exc)[-300:]}")
            return
        self.record_live(live.name, size, figures)
        self.note_peak(live.name)

    def record_live(self, name: str, size: int, figures: dict) -> None:
        if not figures["deliveries"]:
            self.results.notes.append(f"{name} at {size:,}: nothing delivered ({figures})")
            say(f"    {name:<28} nothing delivered: {figures}")
            return
        if figures["deliveries"] < figures["expected"]:
            self.results.notes.append(
                f"{name} at {size:,}: {figures['deliveries']:,} of {figures['expected']:,} "
                "deliveries arrived within the measurement's timeout"
            )
        self.results.add(name, size, "latency", "ms", figures["p50_ms"], figures["p99_ms"])
        key = (name, size)
        self.live_samples[key] = self.live_samples.get(key, 0) + figures["deliveries"]
        say(
            f"    {name:<28} p50 {figures['p50_ms']:.1f} ms  p99 {figures['p99_ms']:.1f} ms"
            f"  ({figures['deliveries']:,} deliveries: {figures['clients']:,} clients × "
            f"{figures['events']} commits)"
        )

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
