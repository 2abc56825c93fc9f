"""The stack limit's part of a run, mixed into runner.Bench (whose measure and record it uses):
the bare Django app (laksana.bench.limit) migrated and served beside Laksana at port + 2, its
reads, its two-row insert and its SSE fan-out."""

import subprocess
import sys

from . import scenarios as sc
from . import server as srv
from .processes import ROOT, run_latency, say

LIMIT_WARMUP = 0.25  # seconds before each of the limit's read measurements


class LimitPart:
    def limit_env(self, env: dict) -> dict:
        return {**env, "DJANGO_SETTINGS_MODULE": "laksana.bench.limit.settings"}

    def start_limit(
        self, size: int, env: dict, context: dict, *, workers: int = 2, label: str = "limit"
    ) -> srv.Server:
        """The limit's own two tables in the bench database, then the limit served on the same
        server as Laksana (granian, 2 workers; one on SQLite, as Laksana) at port + 2."""
        env = self.limit_env(env)
        subprocess.run(
            [sys.executable, "-m", "django", "migrate", "limit", "--noinput", "-v", "0"],
            env=env,
            cwd=ROOT,
            check=True,
        )
        port = self.o.port + 2
        command = [sys.executable, "-m", "laksana.bench.limit.serve", "--port", str(port)]
        return srv.start(
            label,
            command + ["--workers", str(workers)],
            env=env,
            port=port,
            ready_path=f"/limit/api/regions/{context['region']}/complaints?limit=1",
            log=self.logs / f"{label}-{size}.log",
            cwd=ROOT,
            workers=workers,
        )

    def limit_reads(self, size: int, context: dict, *, prefix: str = "") -> None:
        port = self.o.port + 2
        for read in sc.LIMIT_READS:
            if not self.o.limit_selected(read.name):
                continue
            paths = read.paths(context)
            status, body = srv.get(port, paths[0])
            if status != 200:
                self.results.notes.append(f"{read.name} at {size:,}: HTTP {status} {body[:200]!r}")
                say(f"    {read.name:<28} HTTP {status}: skipped")
                continue
            # Half of Laksana's duration, twice per run (before and after its reads: the same
            # samples in all); the limit's pages are warm by then, so a short warm-up.
            figures = self.measure(
                [{"path": p} for p in paths],
                clients=self.o.read_clients,
                seconds=self.o.read_seconds / 2,
                ok=[200],
                port=port,
                warmup=LIMIT_WARMUP,
            )
            self.record(prefix + read.name, size, figures)

    def limit_intake(self, size: int, context: dict) -> None:
        figures = self.measure(
            sc.limit_intake_requests(context),
            clients=self.o.intake_clients,
            seconds=self.o.intake_seconds,
            ok=[201],
            port=self.o.port + 2,
        )
        self.record(sc.LIMIT_INTAKE, size, figures, throughput=True)

    def limit_live(self, size: int, context: dict, env: dict) -> None:
        events = sc.LIVE.quick_events if self.o.quick else sc.LIVE.events
        try:
            figures = run_latency(
                self.o.port + 2,
                clients=sc.LIVE.clients,
                events=events,
                region=context["region"],
                env=self.limit_env(env),
                module="laksana.bench.limit.latency",
            )
        except (RuntimeError, ValueError, subprocess.TimeoutExpired) as exc:
            self.results.notes.append(f"{sc.LIMIT_LIVE} at {size:,}: {str(exc)[-300:]}")
            say(f"    {sc.LIMIT_LIVE:<28} failed: {str(exc)[-300:]}")
            return
        self.record_live(sc.LIMIT_LIVE, size, figures)
