"""Every stream gets every committed event of its region exactly once, in commit order, while
many citizens submit at once through two server processes (PostgreSQL: events committed in
one process reach the streams of the other through NOTIFY)."""

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from laksana.complaints.models import Event
from laksana.live.server import uvicorn
from laksana.live.tests.support import Server, Stream, session_cookie

pytestmark = pytest.mark.django_db(transaction=True)
WALL = "/kota-tangerang/live/stream/"
SUBMITTERS = 30


class Reader(threading.Thread):
    """Reads one stream, recording each event's id and complaint number, until closed."""

    def __init__(self, stream: Stream):
        super().__init__(daemon=True)
        self.stream = stream
        self.ids: list[int] = []
        self.numbers: set[str] = set()
        self.closed = False
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            while True:
                event = self.stream.next()
                self.ids.append(event.id)
                self.numbers.add(event.data["complaint"]["number"])
        except BaseException as exc:  # noqa: BLE001 (reported by the test unless we closed it)
            if not self.closed:
                self.error = exc

    def close(self) -> None:
        self.closed = True
        self.stream.close()


def _servers(served: Server):
    """Two server processes on PostgreSQL; SQLite's bus is in-process, so one there."""
    if connection.vendor != "postgresql":
        yield [served]
        return
    with uvicorn(env={"RATE_LIMIT_EXEMPT_ADDRESSES": "127.0.0.1"}) as other:
        yield [served, Server(other)]


@pytest.fixture
def servers(served):
    yield from _servers(served)


def _burst(servers: list[Server], count: int, *, midway=None) -> None:
    """`count` submissions from SUBMITTERS concurrent citizens, spread over the servers."""
    done = threading.Semaphore(0)

    def one(i: int) -> None:
        try:
            servers[i % len(servers)].submit(
                description=f"Jalan berlubang nomor {i} di depan SDN 3."
            )
        finally:  # a failed submission must fail the test, not leave `midway` waiting forever
            done.release()

    with ThreadPoolExecutor(SUBMITTERS) as pool:
        futures = [pool.submit(one, i) for i in range(count)]
        if midway is not None:
            for _i in range(count // 3):
                done.acquire()
            midway()
        for future in futures:
            future.result()


def _committed(region) -> list[int]:
    return list(Event.objects.filter(region=region).order_by("id").values_list("id", flat=True))


def _finish(readers: list[Reader], servers: list[Server]) -> None:
    # A last complaint after the burst: once a stream has it, it had its chance to get
    # everything before it (in order), and anything sent twice.
    last = servers[0].submit(description="Laporan terakhir setelah semua laporan lain.")
    deadline = time.monotonic() + 180  # a guard against hanging on a loaded machine
    for reader in readers:
        while last not in reader.numbers and reader.error is None:
            assert time.monotonic() < deadline, (len(reader.ids), reader.ids[-3:])
            time.sleep(0.05)  # waiting for another thread's stream, not timing the product
        reader.close()
        reader.join(timeout=10)
        assert reader.error is None, reader.error


def test_every_stream_gets_every_event_once_in_commit_order(servers, operator, tangerang):
    cookie = session_cookie(operator.user)
    readers = [
        Reader(server.stream(WALL, cookie=cookie).wait_connected())
        for server in servers
        for _i in range(3)
    ]
    for reader in readers:
        reader.start()
    _burst(servers, 600 if connection.vendor == "postgresql" else 300)
    _finish(readers, servers)
    committed = _committed(tangerang)
    assert len(committed) == (601 if connection.vendor == "postgresql" else 301)
    for reader in readers:
        missing = sorted(set(committed) - set(reader.ids))
        twice = len(reader.ids) - len(set(reader.ids))
        assert (missing, twice) == ([], 0)
        assert reader.ids == committed


def test_a_stream_resumed_during_a_burst_misses_nothing_and_repeats_nothing(
    servers, operator, tangerang
):
    cookie = session_cookie(operator.user)
    first = servers[0].stream(WALL, cookie=cookie).wait_connected()
    seen: list[int] = []
    resumed: list[Reader] = []

    def disconnect_and_resume() -> None:
        # Read a little, drop the connection, and come back (on the other process) with the
        # id of the last event seen, while the citizens keep submitting.
        seen.extend(first.next().id for _i in range(20))
        first.close()
        stream = servers[-1].stream(WALL, cookie=cookie, last_event_id=seen[-1])
        resumed.append(Reader(stream.wait_connected()))
        resumed[0].start()

    _burst(servers, 240, midway=disconnect_and_resume)
    _finish(resumed, servers)
    received = seen + resumed[0].ids
    assert received == _committed(tangerang)
