"""The wall's and desks' event streams, served by a real uvicorn process (see live.server)."""

from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.db import connection

from laksana.accounts.services import create_token
from laksana.common import clock
from laksana.complaints import services
from laksana.live.server import uvicorn

from .support import Server, session_cookie

pytestmark = pytest.mark.django_db(transaction=True)

WALL = "/kota-tangerang/live/stream/"
DESK = "/kota-tangerang/live/desk/{}/stream/"


def test_wall_stream_is_only_for_staff_of_its_region(served, operator, other_operator):
    assert served.stream(WALL, cookie=None).status == 404
    assert served.stream(WALL, cookie=session_cookie(other_operator.user)).status == 404
    own = served.stream("/kota-contoh/live/stream/", cookie=session_cookie(other_operator.user))
    assert own.status == 200
    own.close()
    stream = served.stream(WALL, cookie=session_cookie(operator.user))
    assert stream.status == 200
    assert stream.response.getheader("Content-Type") == "text/event-stream"
    stream.wait_connected().close()


def test_desk_stream_is_for_its_agency_and_the_room(served, operator, pupr, other_operator):
    liaison = session_cookie(pupr.user)
    assert served.stream(DESK.format("PUPR"), cookie=None).status == 404
    assert (
        served.stream(DESK.format("PUPR"), cookie=session_cookie(other_operator.user)).status == 404
    )
    assert served.stream(DESK.format("DLH"), cookie=liaison).status == 403
    assert served.stream(DESK.format("NOPE"), cookie=liaison).status == 404
    for cookie in (liaison, session_cookie(operator.user)):
        stream = served.stream(DESK.format("PUPR"), cookie=cookie)
        assert stream.status == 200
        stream.close()


def test_a_new_complaint_reaches_the_wall_without_personal_data(served, operator):
    stream = served.stream(WALL, cookie=session_cookie(operator.user)).wait_connected()
    number = served.submit(
        name="Siti Aminah",
        phone="081234567890",
        description="Jalan berlubang di depan rumah Bu Siti, RT 04 nomor 17, dua minggu.",
        address="Jl. Melati 17",
    )
    event = stream.next()
    stream.close()
    assert event.data["type"] == "submitted" and event.data["complaint"]["number"] == number
    assert event.id == event.data["id"]
    card = event.data["complaint"]
    assert card["kelurahan"] == "Sukarasa" and card["channel"] == "api"
    for private in ("Siti", "0812", "rumah Bu", "Melati"):
        assert private not in event.raw


def test_a_reconnecting_wall_gets_exactly_what_it_missed(served, operator):
    cookie = session_cookie(operator.user)
    first = served.stream(WALL, cookie=cookie).wait_connected()
    seen = [served.submit(), served.submit()]
    received = [first.next(), first.next()]
    assert [e.data["complaint"]["number"] for e in received] == seen
    first.close()

    missed = [served.submit(), served.submit()]
    again = served.stream(WALL, cookie=cookie, last_event_id=received[-1].id).wait_connected()
    later = served.submit()
    events = [again.next() for _ in range(3)]
    assert [e.data["complaint"]["number"] for e in events] == [*missed, later]
    ids = [e.id for e in received + events]
    assert ids == sorted(set(ids))  # no duplicates, in order
    last = served.submit()
    assert again.next().data["complaint"]["number"] == last
    again.close()


def test_a_desk_hears_only_its_own_agency(served, operator, pupr):
    token = create_token(user=operator.user, name="test")[1]
    desk = served.stream(DESK.format("PUPR"), cookie=session_cookie(pupr.user)).wait_connected()
    base = "/api/v1/regions/kota-tangerang/staff/complaints/"
    for number, agency in [(served.submit(), "DLH"), (served.submit(), "PUPR")]:
        assert served.request("POST", f"{base}{number}/verify", {}, token=token)[0] == 200
        body = {"agency": agency}
        assert served.request("POST", f"{base}{number}/dispose", body, token=token)[0] == 200
    event = desk.next()
    assert event.data["type"] == "disposed"
    assert event.data["complaint"]["number"] == number
    assert event.data["complaint"]["agency_code"] == "PUPR"
    assert event.data["complaint"]["acknowledged"] is False
    liaison = create_token(user=pupr.user, name="test")[1]
    away = {"agency": "DLH", "reason": "Saluran air, bukan jalan."}
    assert served.request("POST", f"{base}{number}/forward", away, token=liaison)[0] == 200
    gone = desk.next()  # PUPR's desk hears it left, so it leaves the queue
    desk.close()
    assert gone.data["type"] == "forwarded" and gone.data["complaint"]["agency_code"] == "DLH"


def test_a_wall_of_another_region_hears_nothing_of_tangerang(served, operator, other_operator):
    contoh = served.stream("/kota-contoh/live/stream/", cookie=session_cookie(other_operator.user))
    contoh.wait_connected()
    served.submit()  # Tangerang
    ours = served.submit(
        "kota-contoh", category="JALAN-RUSAK", lat=-5.17, lng=119.42, name="", phone=""
    )
    event = contoh.next()
    contoh.close()
    assert event.data["complaint"]["number"] == ours


def test_an_event_committed_in_one_process_reaches_a_stream_served_by_another(
    served, operator, submit
):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite runs one process: its bus is in-process")
    with uvicorn() as base:
        stream = Server(base).stream(WALL, cookie=session_cookie(operator.user)).wait_connected()
        from_web = served.submit()  # another web process
        from_worker, _token = submit()  # this process, like the worker's jobs
        numbers = [stream.next().data["complaint"]["number"] for _ in range(2)]
        stream.close()
    assert numbers == [from_web, from_worker.number]


def test_a_past_day_is_replayed_in_order_with_the_states_of_then(served, operator, submit):
    day = datetime(2026, 3, 4, tzinfo=ZoneInfo("Asia/Jakarta"))
    with clock.at(day.replace(hour=8)):
        first, _token = submit()
    with clock.at(day.replace(hour=9)):
        services.verify(staff=operator, complaint=first)
    with clock.at(day.replace(hour=10)):
        second, _token = submit()
    with clock.at(day + timedelta(days=1, hours=8)):
        services.reject(staff=operator, complaint=second, reason="Laporan ganda dari warga lain.")
    cookie = session_cookie(operator.user)
    replay = "/kota-tangerang/live/replay/stream/?day=2026-03-04&speed=100000"
    assert served.stream(replay, cookie=None).status == 404
    assert served.request("GET", replay.replace("2026-03-04", "kemarin"), cookie=cookie)[0] == 422
    stream = served.stream(replay, cookie=cookie)
    events = [stream.next() for _ in range(4)]
    stream.close()
    assert [
        (e.data["type"], e.data["complaint"]["number"], e.data["complaint"]["status"])
        for e in events[:3]
    ] == [
        ("submitted", first.number, "submitted"),
        ("verified", first.number, "verified"),
        ("submitted", second.number, "submitted"),  # rejected only the next day
    ]
    assert events[3].event == "end" and events[3].data == {"events": 3}


def _threads_of_server(base: str) -> int:
    """Threads of the uvicorn process serving `base` (found by its --port argument)."""
    port = base.rsplit(":", 1)[1]
    for entry in Path("/proc").iterdir():
        try:
            argv = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"uvicorn" in b" ".join(argv) and port.encode() in argv:
            status = (entry / "status").read_text()
            return int(status.split("Threads:")[1].split()[0])
    raise AssertionError(f"no uvicorn process on port {port}")


def test_open_streams_do_not_each_keep_a_thread(operator):
    """A room with many screens: each open stream must not hold a thread of the server (see
    laksana.asgi), only a connection and a queue."""
    cookie = session_cookie(operator.user)
    with uvicorn() as base:
        first = Server(base).stream(WALL, cookie=cookie).wait_connected()
        before = _threads_of_server(base)
        streams = [Server(base).stream(WALL, cookie=cookie).wait_connected() for _ in range(20)]
        during = _threads_of_server(base)
        for stream in [first, *streams]:
            stream.close()
    assert during < before + 5, f"{during - before} more threads for 20 more streams"
