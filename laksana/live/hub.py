"""Fan-out of bus messages to the SSE streams of one process.

One Hub per event loop (one per web worker). For each batch of bus messages it fetches the event
rows once (one query, only for regions someone here is watching), renders each event's wall frame
and desk frame once, and offers the same bytes to every client of the region (or agency).

A client is a bounded queue. The hub never waits for a client: when a client's queue is full (a
slow screen or network) the hub drops what it queued and ends that stream; the browser reconnects
with Last-Event-ID and gets what it missed from the event table. So a slow client cannot slow the
others.
"""

import asyncio
import functools
import logging

from django.db.models import Q

from laksana.agencies.models import Agency
from laksana.complaints.models import Event

from . import bus, pool
from .frames import desk_frame, events_with_complaints, wall_frame

log = logging.getLogger("laksana.live")

QUEUE_SIZE = 256
RESYNC_LIMIT = 2000
HEARTBEAT_SECONDS = 15
ATTACHED = "_attached"
HEARTBEAT = (0, b": heartbeat\n\n")  # keeps proxies from closing a quiet stream

# (event id, region id, agency ids whose desk sees it, wall frame, desk frame)
Rendered = tuple[int, int, set[int], bytes, bytes]


class Client:
    """One open stream: the wall of a region (agency_id None) or the desk of an agency."""

    def __init__(self, region_id: int, agency_id: int | None = None, maxsize: int = QUEUE_SIZE):
        self.region_id = region_id
        self.agency_id = agency_id
        self.queue: asyncio.Queue = asyncio.Queue(maxsize)
        self.dropped = False

    def offer(self, event_id: int, frame: bytes) -> None:
        if self.dropped:
            return
        try:
            self.queue.put_nowait((event_id, frame))
        except asyncio.QueueFull:
            self.drop()

    def drop(self) -> None:
        """End this stream now (its reader gets None); the browser resumes by Last-Event-ID."""
        self.dropped = True
        while not self.queue.empty():
            self.queue.get_nowait()
        self.queue.put_nowait(None)


class Hub:
    def __init__(self, loop: asyncio.AbstractEventLoop):
        self.loop = loop
        self.clients: dict[int, set[Client]] = {}
        self.last_id: dict[int, int] = {}  # per watched region: the highest event id handed out
        self.inbox: asyncio.Queue = asyncio.Queue()
        self.delivered = 0
        self._unsubscribe = bus.subscribe(self._from_bus)
        self._tasks = [loop.create_task(self._pump()), loop.create_task(self._heartbeat())]

    def _from_bus(self, message: dict) -> None:  # any thread
        self.loop.call_soon_threadsafe(self.inbox.put_nowait, message)

    async def attach(self, client: Client) -> None:
        if not bus.ready(0):
            await self.loop.run_in_executor(None, bus.ready)
        region_id = client.region_id
        if region_id not in self.clients:
            # Events up to here are the joining streams' own backlog, not the hub's to send.
            watermark = await pool.run(latest_event_id, region_id)
            if region_id not in self.clients:  # nobody else joined while we asked
                self.last_id[region_id] = watermark
                self.clients[region_id] = set()
                # Messages of events committed while we asked were not ours yet: look again.
                self.inbox.put_nowait({"type": ATTACHED, "region": region_id})
        self.clients[region_id].add(client)

    def detach(self, client: Client) -> None:
        watching = self.clients.get(client.region_id)
        if watching is not None:
            watching.discard(client)
            if not watching:
                del self.clients[client.region_id]
                self.last_id.pop(client.region_id, None)

    def close(self) -> None:
        self._unsubscribe()
        for task in self._tasks:
            task.cancel()

    async def _heartbeat(self) -> None:
        while True:
            await asyncio.sleep(HEARTBEAT_SECONDS)
            for watching in self.clients.values():
                for client in watching:
                    if client.queue.empty():
                        client.queue.put_nowait(HEARTBEAT)

    async def _pump(self) -> None:
        while True:
            batch = [await self.inbox.get()]
            while not self.inbox.empty():
                batch.append(self.inbox.get_nowait())
            try:
                await self._dispatch(batch)
            except Exception:  # keep serving the next events; clients catch up on reconnect
                log.exception("live: fan-out failed; dropping clients so they resume")
                for watching in self.clients.values():
                    for client in watching:
                        client.drop()

    async def _dispatch(self, batch: list[dict]) -> None:
        """Send every event of the batch's regions that this hub has not sent yet, from the
        event table, in id order.

        A message only says "the region has something new": notifications are sent after each
        commit, so they can arrive in another order than the commits (and one can be lost with
        its connection). A region's ids follow its commits (StreamHead), so once the message of
        one event arrived, every event of the region with a smaller id is committed too: reading
        `id > last sent` finds each event exactly once, in commit order, whatever the order of
        the messages."""
        if any(m.get("type") == bus.RESYNC for m in batch):
            regions = set(self.clients)
        else:
            regions = {m.get("region") for m in batch} & self.clients.keys()
        if not regions:
            return
        rendered = await pool.run(render_since, {r: self.last_id[r] for r in regions})
        if len(rendered) >= RESYNC_LIMIT:  # too much missed: let each stream resume itself
            newest = await pool.run(latest_event_ids, regions)
            for region_id in regions & self.clients.keys():
                self.last_id[region_id] = max(self.last_id[region_id], newest[region_id])
                for client in self.clients[region_id]:
                    client.drop()
            return
        for event_id, region_id, desks, wall, desk in rendered:
            if region_id not in self.clients or event_id <= self.last_id[region_id]:
                continue
            self.last_id[region_id] = event_id
            for client in list(self.clients[region_id]):
                if client.agency_id is None:
                    client.offer(event_id, wall)
                elif client.agency_id in desks:
                    client.offer(event_id, desk)
                else:
                    continue
                self.delivered += 1


_hubs: dict[asyncio.AbstractEventLoop, Hub] = {}


def get_hub() -> Hub:
    """The hub of the running event loop (created on first use)."""
    loop = asyncio.get_running_loop()
    hub = _hubs.get(loop)
    if hub is None:
        for stale in [other for other in _hubs if other.is_closed()]:
            _hubs.pop(stale).close()
        hub = _hubs[loop] = Hub(loop)
    return hub


# ---------------------------------------------------------------------------------------------
# Database side (runs on the pool)


def latest_event_id(region_id: int) -> int:
    """The region's newest event id: every event up to it is committed (ids follow commits)."""
    last = (
        Event.objects.filter(region_id=region_id).order_by("-id").values_list("id", flat=True)
    ).first()
    return last or 0


def latest_event_ids(region_ids) -> dict[int, int]:
    return {region_id: latest_event_id(region_id) for region_id in region_ids}


def desk_agencies(event: Event) -> set[int]:
    """The agencies whose desk shows this event: its agency, and the one a forward came from."""
    desks = {event.agency_id} if event.agency_id else set()
    origin = (event.data or {}).get("from") if event.type == Event.Type.FORWARDED else None
    if origin and (origin_id := _agency_id(event.region_id, origin)):
        desks.add(origin_id)
    return desks


@functools.lru_cache(maxsize=1024)
def _agency_id(region_id: int, code: str) -> int | None:
    return (
        Agency.objects.filter(region_id=region_id, code=code).values_list("id", flat=True).first()
    )


def _rendered(events) -> list[Rendered]:
    return [(e.id, e.region_id, desk_agencies(e), wall_frame(e), desk_frame(e)) for e in events]


def render_since(last_ids: dict[int, int]) -> list[Rendered]:
    if not last_ids:
        return []
    missed = Q()
    for region_id, last in last_ids.items():
        missed |= Q(region_id=region_id, id__gt=last)
    return _rendered(events_with_complaints(Event.objects.filter(missed))[:RESYNC_LIMIT])


def end_streams(frame: bytes) -> int:
    """The server is stopping: send `frame` (a reconnect hint) to every stream open in this
    process and end it; returns how many. Runs on the event loop (a signal handler there)."""
    ended = 0
    for hub in list(_hubs.values()):
        for clients in list(hub.clients.values()):
            for client in list(clients):
                # What is queued is dropped (the browser resumes by Last-Event-ID), then the
                # hint, then the end of the stream.
                client.drop()
                client.queue.get_nowait()
                client.queue.put_nowait((0, frame))
                client.queue.put_nowait(None)
                ended += 1
    return ended
