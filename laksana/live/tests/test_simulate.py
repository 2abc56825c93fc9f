"""The demo's live activity goes through the real services, and the counters keep up with it."""

import threading

import pytest

from laksana.complaints.models import Complaint, Event
from laksana.demo.services import ensure_accounts
from laksana.live.simulate import run

from .test_tallies import _kept_counts, _real_counts

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_simulator_moves_complaints_through_their_lifecycle(tangerang, media_root):
    ensure_accounts(tangerang)
    done: list[int] = []
    worker = threading.Thread(
        target=lambda: done.append(
            run(tangerang, threading.Event(), mean_interval=0.001, seed=11, limit=60)
        )
    )
    worker.start()
    worker.join(timeout=120)
    assert done == [60]
    types = set(Event.objects.filter(region=tangerang).values_list("type", flat=True))
    assert {"submitted", "verified", "disposed", "desk_ack", "accepted"} <= types
    assert Complaint.objects.filter(region=tangerang).count() >= 10
    real = _real_counts(tangerang)
    assert _kept_counts(tangerang, {type for (_d, _a, type) in real}) == real


def test_a_set_stop_event_ends_the_simulation_at_once(tangerang):
    ensure_accounts(tangerang)
    stop = threading.Event()
    stop.set()
    assert run(tangerang, stop) == 0
