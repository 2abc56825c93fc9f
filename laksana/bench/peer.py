"""The peer: django-helpdesk 2.6.1 in its own virtualenv (bench/peers/.venv-helpdesk), created on
first use from PyPI, run with the minimal settings in bench/peers/ under gunicorn, 2 workers."""

import json
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

from . import scenarios as sc
from . import server as srv
from .processes import ROOT, database, run_load, say

PEERS = ROOT / "bench" / "peers"
TEXTS = ROOT / "laksana" / "demo" / "data" / "texts.json"
# A peer page slower than this alone is measured in the first run only: two requests per client,
# or one when it takes VERY_SLOW_PAGE_SECONDS or more alone (the peer's dashboard at 10^6).
SLOW_PAGE_SECONDS = 1.0
VERY_SLOW_PAGE_SECONDS = 10.0
PEER_TIMEOUT = 600  # its dashboard at 10^6 takes about a minute (and gunicorn's --timeout)

HELPDESK = "django-helpdesk==2.6.1"
PEER_PACKAGES = [HELPDESK, "gunicorn==27.0.1", "psycopg[binary]==3.3.9"]


class PeerUnavailable(Exception):
    """The peer cannot be installed or run here; the message says why, for the report."""


def venv(peers: Path) -> Path:
    python = peers / ".venv-helpdesk" / "bin" / "python"
    if python.exists():
        return python
    sys.stderr.write(f"  creating {python.parent.parent} with {HELPDESK} (first run only)\n")
    try:
        subprocess.run([sys.executable, "-m", "venv", str(python.parent.parent)], check=True)
        subprocess.run(
            [str(python), "-m", "pip", "install", "--quiet", *PEER_PACKAGES],
            check=True,
            capture_output=True,
            text=True,
        )
    except subprocess.CalledProcessError as exc:
        raise PeerUnavailable(
            f"pip could not install {HELPDESK}: {(exc.stderr or '')[-500:]}"
        ) from exc
    return python


def environment(base_env: dict, peers: Path, database_url: str) -> dict:
    return {
        **base_env,
        "HELPDESK_DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "helpdesk_settings",
        # the repository too: the loader shares laksana.bench.sequences (Django alone)
        "PYTHONPATH": f"{peers}:{peers.parent.parent}",
    }


def prepare(python: Path, env: dict, *, size: int, seed: int, texts: Path, peers: Path) -> dict:
    done = subprocess.run(
        [str(python), "helpdesk_prepare.py", "--size", str(size), "--seed", str(seed)]
        + ["--texts", str(texts)],
        env=env,
        cwd=peers,
        stdout=subprocess.PIPE,
        text=True,
    )
    if done.returncode != 0:
        raise PeerUnavailable(f"helpdesk_prepare.py failed (exit {done.returncode})")
    return json.loads(done.stdout.strip().splitlines()[-1])


def start(python: Path, env: dict, *, port: int, peers: Path, log: Path) -> srv.Server:
    gunicorn = python.parent / "gunicorn"
    command = [str(gunicorn), "-w", "2", "-b", f"127.0.0.1:{port}", "helpdesk_wsgi:application"]
    command += ["--timeout", "600"]  # its dashboard alone takes about a minute at 10^6
    return srv.start(
        "helpdesk", command, env=env, port=port, ready_path="/helpdesk/login/", log=log, cwd=peers
    )


class PeerPart:
    """The peer's part of a run, mixed into runner.Bench (whose env, part, measure and record
    it uses): the same data size loaded into the peer, its pages read and its tickets created
    with the load Laksana gets."""

    def helpdesk(self, python: Path, size: int) -> None:
        o = self.o
        url = database(o.database_url, "_peer")
        env = environment(self.env(url), PEERS, url)
        say(f"  peer: django-helpdesk in {urlparse(url).path.lstrip('/')}")
        with self.part(f"peer loading {size:,}"):
            peer = prepare(python, env, size=size, seed=o.seed, texts=TEXTS, peers=PEERS)
        server = start(
            python, env, port=o.port + 1, peers=PEERS, log=self.logs / f"helpdesk-{size}.log"
        )
        try:
            with self.part(f"peer scenarios {size:,}"):
                self.helpdesk_runs(o.port + 1, peer, size)
        finally:
            server.stop()

    def helpdesk_runs(self, port: int, peer: dict, size: int) -> None:
        o = self.o
        cookie = {"Cookie": f"sessionid={peer['session']}"}
        slow: set[str] = set()
        for run in range(o.repeat):
            say(f"  peer run {run + 1}/{o.repeat}")
            for name, path in sc.peer_reads(size).items():
                if name in slow:
                    continue  # measured once in the first run (see below)
                asked = time.monotonic()
                status, body = srv.get(port, path, cookie, timeout=PEER_TIMEOUT)
                took = time.monotonic() - asked
                if status != 200:
                    self.results.notes.append(f"helpdesk {name}: HTTP {status} {body[:200]!r}")
                    continue
                if took < SLOW_PAGE_SECONDS:
                    figures = self.measure(
                        [{"path": path, "headers": cookie}],
                        clients=o.read_clients,
                        seconds=o.read_seconds,
                        ok=[200],
                        port=port,
                    )
                    self.record(f"helpdesk.{name}", size, figures)
                    continue
                # A page taking seconds even alone (the peer's at 10^5 and 10^6) would need
                # minutes per run for the usual sample: it is measured in this run only, one
                # or two requests per client at the same concurrency; the report says so.
                slow.add(name)
                rounds = 1 if took >= VERY_SLOW_PAGE_SECONDS else 2
                figures = run_load(
                    {
                        "port": port,
                        "clients": o.read_clients,
                        "duration": 0,
                        "warmup": 0,
                        "min_requests": rounds * o.read_clients,
                        "max_seconds": 2 * rounds * took * o.read_clients + 60,
                        "requests": [{"path": path, "headers": cookie}],
                        "ok": [200],
                    }
                )
                self.record(f"helpdesk.{name}", size, figures)
                self.results.notes.append(
                    f"helpdesk.{name} at {size:,}: took {took:.1f} s alone (≥ "
                    f"{SLOW_PAGE_SECONDS:g} s), so measured in one run only: "
                    f"{figures['ok']} samples at {o.read_clients} clients, not {o.repeat} runs."
                )
            figures = self.measure(
                sc.peer_intake({"intake": self.intake_bodies}, peer),
                clients=o.intake_clients,
                seconds=o.intake_seconds,
                ok=[201],
                port=port,
            )
            self.record("helpdesk.ticket_create", size, figures, throughput=True)
