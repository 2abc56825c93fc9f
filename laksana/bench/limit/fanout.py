"""(d) The limit's live fan-out: one LISTEN connection per worker, on the worker's own event
loop, and each NOTIFY's payload written as it came to every stream of its region. No event
table is read and nothing is rendered: the bare cost of PostgreSQL LISTEN/NOTIFY plus Django's
streaming response, which Laksana's hub (laksana/live/hub.py) adds its fetch and render to."""

import asyncio
import json
import logging

from django.db import connections

log = logging.getLogger("laksana.bench.limit")

CHANNEL = "limit_live"
QUEUE_SIZE = 256


class Fanout:
    def __init__(self) -> None:
        self.clients: dict[str, set[asyncio.Queue]] = {}
        self.listening = asyncio.Event()
        self.task = asyncio.get_running_loop().create_task(self._listen())

    async def _listen(self) -> None:
        import psycopg

        settings = connections["default"].settings_dict
        params = {
            "dbname": settings["NAME"],
            "user": settings.get("USER") or None,
            "password": settings.get("PASSWORD") or None,
            "host": settings.get("HOST") or None,
            "port": settings.get("PORT") or None,
        }
        params = {k: v for k, v in params.items() if v is not None}
        while True:
            try:
                async with await psycopg.AsyncConnection.connect(autocommit=True, **params) as conn:
                    await conn.execute(f"LISTEN {CHANNEL}")
                    self.listening.set()
                    async for notify in conn.notifies():
                        self.deliver(notify.payload)
            except Exception as exc:  # a bench run: say so and try again
                self.listening.clear()
                log.warning("limit fan-out: listener lost (%s)", exc)
                await asyncio.sleep(0.5)

    def deliver(self, payload: str) -> None:
        region = json.loads(payload).get("region")
        frame = b"data: " + payload.encode() + b"\n\n"
        for queue in list(self.clients.get(region, ())):
            try:
                queue.put_nowait(frame)
            except asyncio.QueueFull:
                queue.put_nowait(None)  # never: a bench client reads every frame

    def attach(self, region: str) -> asyncio.Queue:
        queue: asyncio.Queue = asyncio.Queue(QUEUE_SIZE)
        self.clients.setdefault(region, set()).add(queue)
        return queue

    def detach(self, region: str, queue: asyncio.Queue) -> None:
        self.clients.get(region, set()).discard(queue)


_fanouts: dict[asyncio.AbstractEventLoop, Fanout] = {}


async def get_fanout() -> Fanout:
    loop = asyncio.get_running_loop()
    if loop not in _fanouts:
        _fanouts[loop] = Fanout()
    fanout = _fanouts[loop]
    await fanout.listening.wait()
    return fanout
