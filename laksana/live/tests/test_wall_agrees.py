"""The wall in Chromium while complaints arrive and move (issue 13, item 12): every figure that
shows the same quantity agrees with the others on every sample, and with the database once the
updates settle; the alarms never cover the map; the incoming list never cuts a row.

The burst goes through the server's API (the services, on the database the server uses)."""

import os
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, time
from pathlib import Path

import pytest
from django.db import connections
from playwright.sync_api import expect

from laksana.accounts.services import create_token
from laksana.complaints import services
from laksana.complaints.models import OPEN_STATUSES, Complaint, Event

from .support import session_cookie

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's sync API runs an event loop
pytestmark = pytest.mark.django_db(transaction=True)

STAFF = "/api/v1/regions/kota-tangerang/staff/complaints/"
WALL = "/kota-tangerang/live/"
VIEWPORTS = [(1920, 1080), (1366, 768)]

# Every figure on the wall, as drawn: a function evaluated in the page.
FIGURES = (Path(__file__).parent / "wall_figures.js").read_text()


# Two animation frames: the resize observers (map fit, incoming rows) have run by then.
REDRAWN = "() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))"


def _in_thread(function):
    """Database work from the test while Playwright's event loop runs in this thread: in a plain
    thread of its own, its connection closed afterwards."""

    def run():
        try:
            return function()
        finally:
            connections.close_all()

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(run).result()


def _database(region_id: int, tz) -> dict:
    """What the wall should show, counted from the tables themselves (COUNT(*), not counters)."""
    today = datetime.combine(datetime.now(tz).date(), time.min, tzinfo=tz)
    complaints = Complaint.objects.filter(region_id=region_id)
    open_ = complaints.filter(status__in=OPEN_STATUSES)
    events = Event.objects.filter(region_id=region_id, created_at__gte=today)
    by_agency = {}
    for short_name in open_.values_list("agency__short_name", flat=True):
        key = short_name or "Ruang kendali"
        by_agency[key] = by_agency.get(key, 0) + 1
    return {
        "cursor": Event.objects.filter(region_id=region_id).latest("id").id,
        "open": open_.count(),
        "placed": open_.filter(lat__isnull=False).count(),
        "by_agency": by_agency,
        "numbers": {
            "received": complaints.filter(submitted_at__gte=today).count(),
            "verified": events.filter(type="verified").count(),
            "disposed": events.filter(type__in=["disposed", "forwarded"]).count(),
            "resolved": events.filter(type="resolved").count(),
        },
    }


def _agrees(seen: dict) -> None:
    """The figures of one sample say the same: one open total everywhere, the board's rows and
    the map's cells add up to it."""
    assert len(seen["open"]) >= 2, seen["open"]  # the numbers' "Terbuka" and the map's total
    assert len(set(seen["open"])) == 1, seen["open"]
    total = seen["open"][0]
    if total is None:  # before the first answer
        return
    if not seen["boardPage"]:  # one page: every row is on the screen
        assert sum(seen["board"].values()) == total, (seen["board"], total)
    assert sum(seen["clusters"]) == total, (seen["clusters"], total)


def _layout(seen: dict, viewport) -> None:
    """Alarms above the map, never over it; every incoming row shown whole."""
    m = seen["map"]
    assert m["bottom"] - m["top"] > 150, (viewport, m)  # a map still worth looking at
    for alarm in seen["alarms"]:
        overlap = alarm["bottom"] > m["top"] and alarm["top"] < m["bottom"]
        overlap = overlap and alarm["right"] > m["left"] and alarm["left"] < m["right"]
        assert not overlap, (viewport, alarm, m)
    assert not seen["cut"], (viewport, seen["cut"])  # every figure on the screen, whole
    assert seen["rows"], viewport
    for row in seen["rows"]:
        assert row["bottom"] <= seen["listBottom"] + 0.5, (viewport, row, seen["listBottom"])


def test_every_figure_on_the_wall_agrees_during_and_after_a_burst(
    served, tangerang, operator, submit, browse
):
    # A region with history: complaints in every open state, and some closed.
    for i in range(24):
        complaint, _token = submit()
        if i % 4 == 1:
            services.verify(staff=operator, complaint=complaint)
        elif i % 4 == 2:
            services.dispose(
                staff=operator, complaint=services.verify(staff=operator, complaint=complaint)
            )
        elif i % 4 == 3:
            services.reject(staff=operator, complaint=complaint, reason="Laporan ganda, sudah ada.")
    token = create_token(user=operator.user, name="burst")[1]
    region_id, tz = tangerang.id, tangerang.tz

    page = browse(session_cookie(operator.user), WALL)
    expect(page.locator('#wall-mode[data-state="live"]')).to_be_visible()
    expect(page.locator("#wall-map .cluster").first).to_be_visible()
    samples = [page.evaluate(FIGURES)]

    def act(number: str, action: str, body: dict | None = None) -> None:
        status, data = served.request("POST", f"{STAFF}{number}/{action}", body or {}, token=token)
        assert status == 200, data

    # The burst: new reports (a flood in one kelurahan among them), verifications, dispositions
    # and rejections, each followed by a look at the wall.
    for i in range(14):
        flood = i % 2 == 0
        number = served.submit(category="BANJIR" if flood else "JALAN-RUSAK")
        samples.append(page.evaluate(FIGURES))
        if i % 3 == 1:
            act(number, "verify")
            act(number, "dispose")
        elif i % 3 == 2 and not flood:
            act(number, "reject", {"reason": "Di luar kewenangan pemerintah kota."})
        samples.append(page.evaluate(FIGURES))
    for seen in samples:
        _agrees(seen)

    want = _in_thread(lambda: _database(region_id, tz))
    # Settled: the wall's last answer is of the newest event, and shows what the tables hold.
    expect(page.locator("#wall")).to_have_attribute(
        "data-cursor", str(want["cursor"]), timeout=20000
    )
    expect(page.locator("#alarms li").first).to_be_visible(timeout=20000)
    for viewport in VIEWPORTS:
        page.set_viewport_size({"width": viewport[0], "height": viewport[1]})
        page.wait_for_function(
            "([w, h]) => window.innerWidth === w && window.innerHeight === h", arg=list(viewport)
        )
        page.evaluate(REDRAWN)
        seen = page.evaluate(FIGURES)
        _agrees(seen)
        _layout(seen, viewport)
        assert seen["open"][0] == want["open"] == want["placed"]
        for name, count in want["numbers"].items():
            assert seen["numbers"][name] == count, (name, seen["numbers"], want["numbers"])
        assert {k: v for k, v in seen["board"].items() if v} == want["by_agency"]
        page.screenshot(path=f"test-results/live-wall-{viewport[0]}x{viewport[1]}.png")
