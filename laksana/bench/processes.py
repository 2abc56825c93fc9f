"""The processes and throwaway databases a benchmark run drives: the load generator, the
live-latency client, a PostgreSQL database per part, and the run's own output."""

import json
import resource
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlparse, urlunparse

import psycopg

ROOT = Path(__file__).resolve().parents[2]  # the checkout (settings.BASE_DIR); no Django needed


def _terminated(signum, frame):
    raise SystemExit(128 + signum)  # unwinds: servers stopped, the figures so far written


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


def raise_open_files(needed: int) -> None:
    """Room for `needed` sockets (the SSE clients' and, inherited, the servers' ends), as
    laksana.live.latency does for its own process."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != resource.RLIM_INFINITY and soft < needed:
        limit = needed if hard == resource.RLIM_INFINITY else min(hard, needed)
        resource.setrlimit(resource.RLIMIT_NOFILE, (limit, hard))


def run_latency(
    port: int,
    *,
    clients: int,
    events: int,
    region: str,
    env: dict,
    module: str = "laksana.live.latency",
) -> dict:
    """laksana.live.latency (or the limit's, laksana.bench.limit.latency) in its own process
    against the running bench server: it holds `clients` wall streams open, commits `events`
    complaints and prints the delivery latencies' percentiles."""
    done = subprocess.run(
        [sys.executable, "-m", module, "--url", f"http://127.0.0.1:{port}"]
        + ["--clients", str(clients), "--events", str(events), "--region", region],
        env=env,
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=600,
    )
    if done.returncode != 0:
        raise RuntimeError(f"latency measurement failed: {done.stderr[-1000:]}")
    return json.loads(done.stdout[done.stdout.index("{") :])


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
