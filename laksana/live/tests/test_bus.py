"""The live bus: what is committed is published once, after the commit; nothing else is."""

import asyncio
import queue

import pytest
from django.db import connection, transaction

from laksana.complaints.models import Event
from laksana.live import bus
from laksana.live.hub import Client, Hub

pytestmark = pytest.mark.django_db(transaction=True)
TIMEOUT = 15


@pytest.fixture
def received():
    messages: queue.Queue = queue.Queue()
    unsubscribe = bus.subscribe(messages.put)
    assert bus.ready()
    yield messages
    unsubscribe()


def _next_event(messages: queue.Queue) -> dict:
    while True:
        message = messages.get(timeout=TIMEOUT)
        if message.get("type") != bus.RESYNC:
            return message


def test_a_rolled_back_transaction_publishes_nothing(received, submit):
    with pytest.raises(RuntimeError), transaction.atomic():
        submit()
        raise RuntimeError("the request failed after the complaint was written")
    committed, _token = submit()
    # Messages arrive in commit order: had the rolled-back one been published, it came first.
    assert _next_event(received)["complaint"] == committed.number


def test_a_message_is_published_after_commit_with_the_event_id(received, submit):
    with transaction.atomic():
        complaint, _token = submit()
        assert received.empty()
    message = _next_event(received)
    event = Event.objects.get(complaint=complaint)
    assert message == {
        "id": event.id,
        "region": complaint.region_id,
        "complaint": complaint.number,
        "type": "submitted",
        "status": "submitted",
        "agency": None,
        "public": True,
    }


def test_the_listener_reconnects_and_tells_subscribers_to_catch_up(received, submit):
    if connection.vendor != "postgresql":
        pytest.skip("LISTEN/NOTIFY is PostgreSQL's")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE application_name = 'laksana-live-listener' AND datname = current_database()"
        )
    assert received.get(timeout=TIMEOUT) == {"type": bus.RESYNC}
    complaint, _token = submit()
    assert _next_event(received)["complaint"] == complaint.number


def test_a_slow_client_is_dropped_while_the_others_get_every_event(tangerang, submit):
    def submit_and_close() -> str:
        try:
            return submit()[0].number
        finally:
            connection.close()

    async def scenario():
        hub = Hub(asyncio.get_running_loop())
        slow, fast = Client(tangerang.id, maxsize=2), Client(tangerang.id, maxsize=50)
        await hub.attach(slow)
        await hub.attach(fast)
        numbers = [await asyncio.to_thread(submit_and_close) for _ in range(4)]
        frames = [await asyncio.wait_for(fast.queue.get(), TIMEOUT) for _ in numbers]
        hub.close()
        return numbers, frames, slow

    numbers, frames, slow = asyncio.run(scenario())
    assert all(
        number.encode() in frame for number, (_id, frame) in zip(numbers, frames, strict=True)
    )
    assert slow.dropped and slow.queue.get_nowait() is None and slow.queue.empty()


def test_messages_out_of_commit_order_deliver_every_event_once_in_commit_order(
    tangerang, submit, monkeypatch
):
    # Notifications are sent after each commit, by each committing connection: they can arrive
    # in another order than the commits, and one can be lost with its connection.
    held: list[dict] = []
    monkeypatch.setattr(bus, "publish", held.append)

    def submit_and_close() -> str:
        try:
            return submit()[0].number
        finally:
            connection.close()

    async def frames(client: Client, n: int) -> list[tuple[int, bytes]]:
        return [await asyncio.wait_for(client.queue.get(), TIMEOUT) for _ in range(n)]

    async def scenario():
        hub = Hub(asyncio.get_running_loop())
        wall = Client(tangerang.id, maxsize=50)
        await hub.attach(wall)
        numbers = [await asyncio.to_thread(submit_and_close) for _ in range(3)]
        bus.deliver(held[2])  # the last commit's message first; the first commit's never
        bus.deliver(held[1])
        first = await frames(wall, 3)
        bus.deliver(held[0])  # late: already sent
        numbers.append(await asyncio.to_thread(submit_and_close))
        bus.deliver(held[3])
        later = await frames(wall, 1)
        hub.close()
        return numbers, first + later

    numbers, received = asyncio.run(scenario())
    committed = list(
        Event.objects.filter(region=tangerang).order_by("id").values_list("id", flat=True)
    )
    assert [event_id for event_id, _frame in received] == committed
    assert all(
        number.encode() in frame for number, (_id, frame) in zip(numbers, received, strict=True)
    )
