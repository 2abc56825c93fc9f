"""(d) Commit → delivery on the limit's stream, measured as laksana.live.latency measures
Laksana's: the same SSE clients (its `_client`), the same number of streams and commits, the
same gap between commits and the same percentiles (its `_summary`).

    DJANGO_SETTINGS_MODULE=laksana.bench.limit.settings \
        python -m laksana.bench.limit.latency --url http://127.0.0.1:8792 --clients 1000

Each commit is the limit's two-row insert with its NOTIFY in the same transaction (delivered by
PostgreSQL at COMMIT); latency counts from the moment COMMIT returned.
"""

import argparse
import asyncio
import json
import os
import resource
import time
from urllib.parse import urlsplit

from laksana.live.latency import GAP_SECONDS, TIMEOUT, _client, _summary, join

STREAM = "/limit/{slug}/stream/"


def _commit(slug: str) -> tuple[str, float]:
    from django.db import connection, transaction

    from .api import SubmissionIn, number, write
    from .fanout import CHANNEL

    body = SubmissionIn(
        category="JALAN-RUSAK", description="Pengukuran latensi: jalan berlubang di depan kantor."
    )
    try:
        with transaction.atomic():
            submission, note, _token = write(slug, body)
            message = {
                "id": note.pk,
                "region": slug,
                "type": note.type,
                "complaint": {"number": number(submission), "status": submission.status},
                "ts": time.time(),
            }
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_notify(%s, %s)", [CHANNEL, json.dumps(message)])
        return message["complaint"]["number"], time.time()
    finally:
        connection.close()


async def _run(base: str, slug: str, clients: int, events: int) -> dict:
    url = urlsplit(base)
    path = STREAM.format(slug=slug)
    tasks, arrivals = await join(
        lambda joined, arrivals, count: [
            asyncio.create_task(_client(url.hostname, url.port, path, "", joined, arrivals, count))
            for _ in range(clients)
        ],
        clients,
    )
    committed: dict[str, float] = {}
    for _ in range(events):
        number, at = await asyncio.to_thread(_commit, slug)
        committed[number] = at
        await asyncio.sleep(GAP_SECONDS)
    deadline = time.monotonic() + TIMEOUT

    def arrived() -> int:
        return sum(1 for _t, item in arrivals if item["complaint"]["number"] in committed)

    while time.monotonic() < deadline and arrived() < clients * events:
        await asyncio.sleep(0.05)
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    latencies = sorted(
        (at - committed[item["complaint"]["number"]]) * 1000
        for at, item in arrivals
        if item["complaint"]["number"] in committed
    )
    return _summary(latencies, clients, events, "postgres")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--clients", type=int, default=1000)
    parser.add_argument("--events", type=int, default=20)
    parser.add_argument("--region", default="kota-tangerang")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "laksana.bench.limit.settings")
    import django

    django.setup()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, min(hard, 2 * args.clients + 256)), hard))
    result = asyncio.run(_run(args.url, args.region, args.clients, args.events))
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
