"""Which web server: the same two pages through several servers, two workers each
(`python -m laksana.bench.servers`, on a database holding the demo: `laksana demo --no-serve`).

Per server: the staff complaint list (API, token) and the portal's home page (HTML), p50/p99 at
1 and 4 keep-alive clients (laksana.bench.load), and how 8 keep-alive connections opened at once
spread over the workers (counted with `ss` while they are open). The figures went into
docs/ARCHITECTURE.md ("The web server").
"""

import argparse
import json
import os
import re
import secrets
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from .processes import ROOT, run_load
from .server import Server, start

BIN = Path(sys.executable).parent
REGION = "kota-tangerang"

SERVERS = {
    "granian-asgi": [str(BIN / "laksana"), "serve", "--workers", "2", "--no-access-log"],
    "granian-wsgi": [
        str(BIN / "granian"),
        "--interface",
        "wsgi",
        "--workers",
        "2",
        "--no-log",
        "laksana.wsgi:application",
    ],
    "gunicorn-uvicorn": [
        str(BIN / "gunicorn"),
        "-w",
        "2",
        "-k",
        "uvicorn_worker.UvicornWorker",
        "laksana.asgi:application",
    ],
    "gunicorn-sync": [str(BIN / "gunicorn"), "-w", "2", "laksana.wsgi:application"],
}


def _token(port: int) -> str:
    import http.client

    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    body = json.dumps({"username": "operator", "password": "laksana-demo"})
    conn.request("POST", "/api/v1/auth/token", body, {"Content-Type": "application/json"})
    response = conn.getresponse()
    data = json.loads(response.read())
    if response.status != 201:
        raise RuntimeError(f"token: {response.status} {data}")
    return data["token"]


def _spread(port: int, worker_pids: list[int], requests: list[dict]) -> list[int]:
    """Connections per worker while 8 keep-alive clients are connected."""
    spec = {"port": port, "clients": 8, "duration": 3, "warmup": 0, "requests": requests}
    load = subprocess.Popen(
        [sys.executable, "-m", "laksana.bench.load"],
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
        cwd=ROOT,
    )
    load.stdin.write(json.dumps(spec))
    load.stdin.close()
    time.sleep(1.5)
    out = subprocess.run(
        ["ss", "-tnpH", "state", "established", f"( sport = :{port} )"],
        capture_output=True,
        text=True,
    ).stdout
    load.wait(timeout=30)
    owners = Counter(int(pid) for pid in re.findall(r"pid=(\d+)", out))
    return sorted((owners.get(pid, 0) for pid in worker_pids), reverse=True)


def measure(name: str, command: list[str], *, port: int, database_url: str, seconds: float):
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(40),
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": database_url,
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "GRANIAN_PORT": str(port),
        "GUNICORN_CMD_ARGS": f"--bind 127.0.0.1:{port} --log-level warning",
        "DJANGO_SETTINGS_MODULE": "laksana.settings",
        "DATABASE_POOL": "1",
    }
    log = ROOT / "var" / "bench" / "logs" / f"server-{name}.log"
    server: Server = start(
        name, command, env=env, port=port, ready_path=f"/{REGION}/", log=log, cwd=ROOT
    )
    try:
        token = _token(port)
        pages = {
            "staff_list": [
                {
                    "path": f"/api/v1/regions/{REGION}/staff/complaints",
                    "headers": {"Authorization": f"Bearer {token}"},
                }
            ],
            "portal_home": [{"path": f"/{REGION}/"}],
        }
        row = {"server": name}
        for page, requests in pages.items():
            for clients in (1, 4):
                figures = run_load(
                    {
                        "port": port,
                        "clients": clients,
                        "duration": seconds,
                        "warmup": 1,
                        "requests": requests,
                    }
                )
                row[f"{page}_c{clients}"] = (figures["p50"], figures["p99"])
        row["spread_8"] = _spread(port, server.children(), pages["portal_home"])
        return row
    finally:
        server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=8710)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--seconds", type=float, default=4)
    parser.add_argument("--servers", default=",".join(SERVERS))
    o = parser.parse_args()
    for name in o.servers.split(","):
        row = measure(
            name, SERVERS[name], port=o.port, database_url=o.database_url, seconds=o.seconds
        )
        print(json.dumps(row), flush=True)


if __name__ == "__main__":
    main()
