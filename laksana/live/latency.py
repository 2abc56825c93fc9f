"""Commit → delivery latency of the wall stream with many concurrent SSE clients.

    python -m laksana.live.latency --clients 1000 --events 20

Opens `clients` wall streams on one uvicorn worker (started here on the configured DATABASE_URL,
or `--url` of a running one), waits until every stream has joined, then commits `events`
complaints one after another and times each one's arrival at every client.

On PostgreSQL the complaints are committed in this process (like the worker's jobs, through
LISTEN/NOTIFY): latency counts from the moment COMMIT returned. On SQLite the bus is in-process, so
they are submitted through the server's API and latency counts from the event's own timestamp,
taken just before its commit (slightly pessimistic).
"""

import argparse
import asyncio
import json
import os
import resource
import statistics
import time
from urllib.parse import urlsplit

STREAM = "/{slug}/live/stream/"
GAP_SECONDS = 0.05  # between two commits: one event at a time crosses the fan-out
TIMEOUT = 60


RECONNECTS = 5  # a stream refused or closed before it joined is opened again, as EventSource does


async def _client(host, port, path, cookie, joined: asyncio.Event, arrivals: list, count: list):
    """One stream; `count` is [joined, wanted, refused]: a connection refused, reset or closed
    before ": connected" is tried again after a pause (a browser's EventSource reconnects), and
    counted, so a join that never completes says why (join_failure)."""
    for attempt in range(RECONNECTS + 1):
        try:
            reader, writer = await asyncio.open_connection(host, port)
        except OSError:
            count[2] += 1
            await asyncio.sleep(0.2 * (attempt + 1))
            continue
        writer.write(
            f"GET {path} HTTP/1.1\r\nHost: {host}\r\nAccept: text/event-stream\r\n"
            f"Cookie: sessionid={cookie}\r\n\r\n".encode()
        )
        connected = False
        try:
            await writer.drain()
            while True:
                line = await reader.readline()
                if not line:
                    break
                if line.startswith(b": connected"):
                    connected = True
                    count[0] += 1
                    if count[0] == count[1]:
                        joined.set()
                elif line.startswith(b"data: "):
                    arrivals.append((time.time(), json.loads(line[6:])))
        except OSError:
            pass
        finally:
            writer.close()
        if connected:
            return  # closed after joining: the run is over (or the stream was lost)
        count[2] += 1
        await asyncio.sleep(0.2 * (attempt + 1))


async def join(tasks_of, clients: int) -> tuple[list, list]:
    """Open `clients` streams (tasks_of(joined, arrivals, count) creates them) and wait until
    every one has joined; (tasks, arrivals). Raises with how many joined and how many attempts
    were refused when they do not within TIMEOUT."""
    joined, arrivals, count = asyncio.Event(), [], [0, clients, 0]
    tasks = tasks_of(joined, arrivals, count)
    try:
        await asyncio.wait_for(joined.wait(), TIMEOUT)
    except TimeoutError:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        raise TimeoutError(
            f"{count[0]} of {clients} streams joined in {TIMEOUT} s "
            f"({count[2]} connection attempts refused or closed before joining)"
        ) from None
    return tasks, arrivals


def _commit_here(region, area: str) -> tuple[str, float]:
    """Submit one complaint in this process; its number and when its COMMIT returned."""
    from django.db import transaction

    from laksana.complaints import services

    committed: list[float] = []
    with transaction.atomic():
        # Registered first, so it runs first after COMMIT (before the bus publishes).
        transaction.on_commit(lambda: committed.append(time.time()))
        number = services.submit(region=region, **_complaint(area)).complaint.number
    return number, committed[0]


def _closing(fn, *args, **kwargs):
    """Run a query on a helper thread and close that thread's connection."""
    from django.db import connection

    try:
        return fn(*args, **kwargs)
    finally:
        connection.close()


def _complaint(area: str) -> dict:
    return {
        "category_code": "JALAN-RUSAK",
        "description": "Pengukuran latensi: jalan berlubang di depan kantor.",
        "area_code": area,
    }


def _post_to_server(base: str, slug: str, area: str) -> tuple[str, None]:
    import urllib.request

    body = _complaint(area)
    payload = {"category": body["category_code"], "description": body["description"], "area": area}
    request = urllib.request.Request(
        f"{base}/api/v1/regions/{slug}/complaints",
        data=json.dumps(payload).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
        return json.loads(response.read())["number"], None


async def _run(base: str, slug: str, cookie: str, clients: int, events: int) -> dict:
    from django.db import connections

    from laksana.regions.models import Area, Region

    url = urlsplit(base)
    path = STREAM.format(slug=slug)
    tasks, arrivals = await join(
        lambda joined, arrivals, count: [
            asyncio.create_task(
                _client(url.hostname, url.port, path, cookie, joined, arrivals, count)
            )
            for _ in range(clients)
        ],
        clients,
    )
    here = connections["default"].vendor == "postgresql"
    region = await asyncio.to_thread(Region.objects.get, slug=slug)
    area = await asyncio.to_thread(
        lambda: Area.objects.filter(region=region, level="kelurahan").values_list(
            "code", flat=True
        )[0]
    )
    committed: dict[str, float | None] = {}
    for _ in range(events):
        if here:
            number, at = await asyncio.to_thread(_closing, _commit_here, region, area)
        else:
            number, at = await asyncio.to_thread(_post_to_server, base, slug, area)
        committed[number] = at
        await asyncio.sleep(GAP_SECONDS)
    deadline = time.monotonic() + TIMEOUT
    while (
        time.monotonic() < deadline
        and sum(1 for _t, item in arrivals if item.get("complaint", {}).get("number") in committed)
        < clients * events
    ):
        await asyncio.sleep(0.05)
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    latencies = sorted(
        (arrived - (committed[item["complaint"]["number"]] or item["ts"])) * 1000
        for arrived, item in arrivals
        if item.get("complaint", {}).get("number") in committed
    )
    return _summary(latencies, clients, events, "postgres" if here else "local")


def _summary(latencies: list[float], clients: int, events: int, backend: str) -> dict:
    def pct(p: float) -> float:
        return round(latencies[min(len(latencies) - 1, int(p * len(latencies)))], 1)

    return {
        "backend": backend,
        "clients": clients,
        "events": events,
        "deliveries": len(latencies),
        "expected": clients * events,
        "p50_ms": pct(0.50) if latencies else None,
        "p99_ms": pct(0.99) if latencies else None,
        "max_ms": round(latencies[-1], 1) if latencies else None,
        "mean_ms": round(statistics.fmean(latencies), 1) if latencies else None,
    }


def _viewer_cookie(slug: str) -> str:
    """A session of a wall viewer of the region (created once)."""
    from django.contrib.auth.models import User
    from django.test import Client

    from laksana.agencies.models import Membership, Role
    from laksana.regions.models import Region

    user, _created = User.objects.get_or_create(username="latency-bench")
    Membership.objects.get_or_create(
        user=user, region=Region.objects.get(slug=slug), role=Role.VIEWER, agency=None
    )
    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


def measure(
    *, clients: int = 1000, events: int = 20, slug: str = "kota-tangerang", url: str | None = None
) -> dict:
    """Latency percentiles (ms) of `events` commits delivered to `clients` wall streams."""
    from contextlib import nullcontext

    from .server import uvicorn

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, min(hard, 2 * clients + 256)), hard))
    cookie = _viewer_cookie(slug)
    with nullcontext(url) if url else uvicorn() as base:
        return asyncio.run(_run(base, slug, cookie, clients, events))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=1000)
    parser.add_argument("--events", type=int, default=20)
    parser.add_argument("--region", default="kota-tangerang")
    parser.add_argument("--url", help="a running server (default: start one)")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "laksana.settings")

    import django

    django.setup()
    result = measure(clients=args.clients, events=args.events, slug=args.region, url=args.url)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
