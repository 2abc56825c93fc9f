"""The peer: django-helpdesk 2.6.1 in its own virtualenv (bench/peers/.venv-helpdesk), created on
first use from PyPI, run with the minimal settings in bench/peers/ under gunicorn, 2 workers."""

import json
import subprocess
import sys
from pathlib import Path

from . import server as srv

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
