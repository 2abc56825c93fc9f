"""The live bus: every committed event is published here; SSE hubs and jobs subscribe.

Services call `publish(message)` from `transaction.on_commit`, so a rolled-back transaction never
publishes. Message: {id (event id), region, complaint (number), type, status, agency, public}.

Backends, chosen by the database in use:
- SQLite (one process): `publish` hands the message to this process's subscribers directly.
- PostgreSQL (several web workers and the worker process): `publish` sends NOTIFY on one channel;
  each process that has subscribers keeps one listener connection (psycopg3, async, in a daemon
  thread) that hands every notification to its subscribers and reconnects when the connection
  drops. After a reconnect subscribers get `{"type": RESYNC}`: notifications may have been missed,
  so they catch up from the event table (ids of a region are in commit order: see StreamHead).

Subscribers are called on the publishing thread (SQLite) or the listener thread (PostgreSQL):
they must return quickly (the SSE hub only hands the message to its own event loop).
"""

import asyncio
import json
import logging
import os
import threading
from collections.abc import Callable

from django.db import connections

log = logging.getLogger("laksana.live")

CHANNEL = "laksana_live"
RESYNC = "_resync"
Message = dict
Subscriber = Callable[[Message], None]

_subscribers: list[Subscriber] = []
_lock = threading.Lock()
_listener: "Listener | None" = None


def backend() -> str:
    return "postgres" if connections["default"].vendor == "postgresql" else "local"


def subscribe(callback: Subscriber) -> Callable[[], None]:
    """Receive every message published by any process from now on (once `ready()`)."""
    with _lock:
        _subscribers.append(callback)
    if backend() == "postgres":
        _ensure_listener()

    def unsubscribe() -> None:
        with _lock:
            if callback in _subscribers:
                _subscribers.remove(callback)

    return unsubscribe


def ready(timeout: float = 10) -> bool:
    """True once messages published from now on reach this process's subscribers."""
    if backend() != "postgres":
        return True
    return _ensure_listener().listening.wait(timeout)


def publish(message: Message) -> None:
    """Publish a committed event's message to every subscriber of every process."""
    if backend() != "postgres":
        deliver(message)
        return
    try:
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT pg_notify(%s, %s)", [CHANNEL, json.dumps(message)])
    except Exception:  # the request already committed: never fail it because live is down
        log.exception("live: could not publish event %s", message.get("id"))


def deliver(message: Message) -> None:
    with _lock:
        targets = list(_subscribers)
    for callback in targets:
        try:
            callback(message)
        except Exception:  # one broken subscriber must not stop the others or the request
            log.exception("live subscriber failed for event %s", message.get("id"))


def stop_listener() -> None:
    global _listener
    with _lock:
        listener, _listener = _listener, None
    if listener is not None and listener.pid == os.getpid():
        listener.stop()


def _ensure_listener() -> "Listener":
    global _listener
    with _lock:
        # A forked worker inherits the parent's object but not its thread: start its own.
        if _listener is None or _listener.pid != os.getpid():
            _listener = Listener(_connection_params())
            _listener.start()
        return _listener


def _connection_params() -> dict:
    settings = connections["default"].settings_dict
    params = {
        "dbname": settings["NAME"],
        "user": settings.get("USER") or None,
        "password": settings.get("PASSWORD") or None,
        "host": settings.get("HOST") or None,
        "port": settings.get("PORT") or None,
    }
    for key in ("sslmode", "sslrootcert", "sslcert", "sslkey", "options", "connect_timeout"):
        if key in settings.get("OPTIONS", {}):
            params[key] = settings["OPTIONS"][key]
    params.setdefault("connect_timeout", 5)
    params["application_name"] = "laksana-live-listener"
    return {k: v for k, v in params.items() if v is not None}


class Listener(threading.Thread):
    """One LISTEN connection per process, reconnecting with backoff."""

    IDLE_CHECK_SECONDS = 5  # an idle connection is probed this often, so a dead one is noticed

    def __init__(self, params: dict):
        super().__init__(name="laksana-live-listener", daemon=True)
        self.params = params
        self.pid = os.getpid()
        self.listening = threading.Event()
        self.connects = 0
        self.loop: asyncio.AbstractEventLoop | None = None
        self.task: asyncio.Task | None = None

    def run(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.task = self.loop.create_task(self._listen_forever())
        try:
            self.loop.run_until_complete(self.task)
        except asyncio.CancelledError:
            pass
        finally:
            self.loop.close()

    def stop(self, timeout: float = 10) -> None:
        """Close the connection and end the thread (tests: before their database is dropped)."""
        self.listening.wait(timeout)
        if self.loop is not None and self.task is not None:
            self.loop.call_soon_threadsafe(self.task.cancel)
        self.join(timeout)

    async def _listen_forever(self) -> None:
        import psycopg

        delay = 0.2
        while True:
            try:
                conn = await psycopg.AsyncConnection.connect(autocommit=True, **self.params)
                async with conn:
                    await conn.execute(f"LISTEN {CHANNEL}")
                    self.connects += 1
                    self.listening.set()
                    delay = 0.2
                    if self.connects > 1:
                        deliver({"type": RESYNC})
                    while True:
                        async for notify in conn.notifies(timeout=self.IDLE_CHECK_SECONDS):
                            deliver(json.loads(notify.payload))
                        await conn.execute("SELECT 1")
            except Exception as exc:
                self.listening.clear()
                log.warning("live: listener connection lost (%s); reconnecting", exc)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 5)
