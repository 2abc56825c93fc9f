"""Serving Laksana: granian supervises the web worker processes (`laksana serve`).

Why granian, over the uvicorn processes Laksana used to start itself and over gunicorn with
uvicorn workers: see docs/ARCHITECTURE.md ("The web server"). What it gives here:
- a worker that dies is replaced (respawn) while the others keep serving;
- on Linux each worker binds the port with SO_REUSEPORT, so the kernel spreads keep-alive
  connections over the workers (one shared socket lets the first to wake take a whole burst);
- a stop is bounded: workers still busy after WEB_GRACEFUL_TIMEOUT seconds are killed. Live
  streams never end by themselves, so each worker ends them first, telling browsers to
  reconnect (to another worker, or to this server once it is back) and resume by Last-Event-ID.

`laksana demo` serves in its own process instead (`serve_here`): its background worker and
simulated activity publish on SQLite's in-process bus, which only streams of the same process
hear.
"""

import asyncio
import logging
import os
import signal

from django.core.exceptions import ImproperlyConfigured
from django.db import connections

log = logging.getLogger("laksana.serve")

TARGET = "laksana.common.serving:worker_application"  # a factory, called in each worker
# Sent to every open stream when its worker stops: reconnect in one second, elsewhere.
RECONNECT_FRAME = b'retry: 1000\nevent: reconnect\ndata: {"reason": "server-stopping"}\n\n'
# An access line per request through Python logging (logger "granian.access"), so filters
# configured in settings.LOGGING (e.g. redaction of tokens in URLs) apply to it.
ACCESS_FORMAT = '%(addr)s "%(method)s %(path)s %(protocol)s" %(status)d %(dt_ms).1fms'


def check_database(workers: int) -> None:
    """Refuse what cannot work: several web processes on SQLite split the live bus (each
    process hears only its own events, so two wall screens show different halves)."""
    if workers > 1 and connections["default"].vendor == "sqlite":
        raise ImproperlyConfigured(
            f"WEB_WORKERS={workers} needs PostgreSQL: on SQLite the live bus is inside one "
            "process, so each web worker's wall screens would see only the events written "
            "through that worker. Set WEB_WORKERS=1, or DATABASE_URL=postgres://..."
        )
    if connections["default"].vendor == "sqlite":
        log.warning(
            "SQLite: one web process. Events written by `laksana worker` in another process "
            "(deadline breaches) reach open wall screens only when they reconnect."
        )


def serve(
    *,
    host: str,
    port: int,
    workers: int,
    graceful_timeout: int,
    connections: int = 2048,
    log_level: str = "info",
    access_log: bool = True,
) -> int:
    """Serve until SIGINT/SIGTERM; returns the exit status (non-zero when granian gave up, e.g.
    a worker crashing again within seconds of its respawn: then systemd restarts it all)."""
    from granian import Granian
    from granian.constants import Interfaces

    check_database(workers)
    server = Granian(
        TARGET,
        address=host,
        port=port,
        interface=Interfaces.ASGINL,  # Django's ASGI handler speaks no lifespan protocol
        factory=True,
        workers=workers,
        respawn_failed_workers=True,
        respawn_interval=1.0,
        workers_kill_timeout=graceful_timeout,
        # A live stream is a request that never ends: with granian's default (its backlog of
        # 1,024 ÷ workers) a worker of two took 512, and since SO_REUSEPORT spreads connections
        # by hash, not by load, 1,000 wall streams put more than 512 on one worker about every
        # other time; the rest waited, never answered (the bench's fan-out: 990 of 1,000 joined).
        backpressure=connections,
        backlog=max(1024, connections),
        log_level=log_level,
        log_access=access_log,
        log_access_format=ACCESS_FORMAT,
    )
    try:
        server.serve()
    except SystemExit as exc:
        return int(exc.code or 0)
    return 0


def serve_here(*, host: str, port: int, log_level: str = "info") -> None:
    """One process, this one (the demo: its worker thread and simulation share the bus)."""
    import uvicorn

    uvicorn.run(
        "laksana.asgi:application", host=host, port=port, log_level=log_level, lifespan="off"
    )


def _end_streams_and_stop() -> None:
    from laksana.live.hub import end_streams

    ended = end_streams(RECONNECT_FRAME)
    if ended:
        log.info("stopping: %d live stream(s) told to reconnect", ended)
    # Then granian's own stop (its SIGINT handler does what its SIGTERM one would): it waits
    # for the requests in flight, the streams among them now ending.
    os.kill(os.getpid(), signal.SIGINT)


class _StoppableStreams:
    """The ASGI application of granian's workers: Laksana's, plus a SIGTERM handler on the
    worker's event loop that ends the live streams before granian waits for open requests."""

    def __init__(self, app) -> None:
        self._app = app
        self._loop = None

    async def __call__(self, scope, receive, send):
        loop = asyncio.get_running_loop()
        if self._loop is not loop:  # the first request: granian's loop runs by now
            self._loop = loop
            loop.add_signal_handler(signal.SIGTERM, _end_streams_and_stop)
        await self._app(scope, receive, send)


def worker_application() -> _StoppableStreams:
    """Called by granian in each worker as it starts (Django loads before the first request)."""
    from laksana.asgi import application as app

    return _StoppableStreams(app)
