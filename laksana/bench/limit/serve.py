"""Serve the stack limit as `laksana serve` serves Laksana (laksana.common.serving): granian,
ASGI without lifespan, one process per worker with its own port binding, a factory per worker.

    DJANGO_SETTINGS_MODULE=laksana.bench.limit.settings python -m laksana.bench.limit.serve \
        --port 8792 --workers 2
"""

import argparse


def main() -> int:
    from granian import Granian
    from granian.constants import Interfaces

    from laksana.conf import env

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--workers", type=int, default=2)
    o = parser.parse_args()
    server = Granian(
        "laksana.bench.limit.asgi:application_factory",
        address=o.host,
        port=o.port,
        interface=Interfaces.ASGINL,
        factory=True,
        workers=o.workers,
        respawn_failed_workers=True,
        respawn_interval=1.0,
        workers_kill_timeout=10,
        # As laksana.common.serving serves Laksana: the same number of requests per worker.
        backpressure=int(env("WEB_CONNECTIONS")),
        backlog=max(1024, int(env("WEB_CONNECTIONS"))),
        log_level="warning",
        log_access=False,
    )
    try:
        server.serve()
    except SystemExit as exc:
        return int(exc.code or 0)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
