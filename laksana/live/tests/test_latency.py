"""The latency measurement the benchmark suite runs (here with a handful of clients)."""

import pytest

from laksana.live.latency import measure

pytestmark = pytest.mark.django_db(transaction=True)


def test_latency_is_measured_for_every_delivery_to_every_client(served, tangerang):
    result = measure(clients=5, events=3, url=served.base)
    assert result["deliveries"] == result["expected"] == 15
    assert 0 < result["p50_ms"] <= result["p99_ms"] <= result["max_ms"]
