"""The latency measurement the benchmark suite runs (here with a handful of clients)."""

import pytest

from laksana.live.latency import measure

pytestmark = pytest.mark.django_db(transaction=True)


def test_latency_is_measured_for_every_delivery_to_every_client(served, tangerang):
    result = measure(clients=5, events=3, url=served.base)
    assert result["deliveries"] == result["expected"] == 15
    assert 0 < result["p50_ms"] <= result["p99_ms"] <= result["max_ms"]


def test_a_join_that_never_completes_says_how_many_streams_joined_and_were_refused(monkeypatch):
    """A fan-out whose streams could not all join failed with a bare TimeoutError; a refused
    connection is tried again (as EventSource does) and counted."""
    import asyncio
    import socket

    from laksana.live import latency

    monkeypatch.setattr(latency, "TIMEOUT", 1)
    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]

    def streams(joined, arrivals, count):
        return [
            asyncio.create_task(
                latency._client("127.0.0.1", port, "/", "", joined, arrivals, count)
            )
            for _ in range(3)
        ]

    with pytest.raises(TimeoutError, match=r"^0 of 3 streams joined in 1 s \((\d+) connection"):
        asyncio.run(latency.join(streams, 3))
