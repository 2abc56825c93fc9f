"""Lists: full-text search on both databases, filters, keyset pages, saved filters, bulk."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from laksana.complaints import services
from laksana.complaints.models import Complaint, Event
from laksana.console.models import SavedFilter
from laksana.testing.personas import IN_CONTOH

from .conftest import url

pytestmark = pytest.mark.django_db


def _listed(client, region_slug: str, query: str) -> str:
    response = client.get(url(region_slug, "laporan") + "?" + query)
    assert response.status_code == 200, response.content.decode()[:500]
    return response.content.decode()


def test_text_search_finds_words_by_prefix_and_numbers_exactly(
    client, submit, operator, tangerang, contoh
):
    road, _t = submit(description="Jalan berlubang dalam di depan SDN 3 Sukarasa.")
    light, _t = submit(category_code="PJU", description="Lampu penerangan jalan mati total.")
    services.submit(
        region=contoh,
        category_code="JALAN-RUSAK",
        description="Jalan berlubang di Kota Contoh juga.",
        lat=IN_CONTOH[0],
        lng=IN_CONTOH[1],
    )
    client.force_login(operator.user)
    html = _listed(client, tangerang.slug, "q=berlub+sukar")
    assert road.number in html and light.number not in html and "Kota Contoh" not in html
    html = _listed(client, tangerang.slug, f"q={light.number.lower()}")
    assert light.number in html and road.number not in html
    # Operators' cleaned-up titles are searchable as soon as they are saved.
    services.verify(staff=operator, complaint=light, title="PJU padam Cikokol")
    assert light.number in _listed(client, tangerang.slug, "q=cikokol")
    # Query syntax from a person's typing never breaks the search.
    assert _listed(client, tangerang.slug, 'q="jalan" OR (AND* -') is not None


def test_filters_narrow_the_list(client, submit, in_state, operator, tangerang):
    with time_machine.travel("2026-08-01 02:00:00+00:00", tick=False):
        old, _t = submit(channel="sms")
    road = in_state("dispatched")
    trash, _t = submit(category_code="SAMPAH", description="Sampah menumpuk di pasar.")
    Complaint.objects.filter(pk=road.pk).update(next_deadline=timezone.now() - timedelta(hours=1))
    client.force_login(operator.user)
    kel, kec = road.area.code, road.area.parent.code

    def shown(query: str) -> set[str]:
        html = _listed(client, tangerang.slug, query)
        return {c.number for c in (old, road, trash) if c.number in html}

    assert shown("status=dispatched") == {road.number}
    assert shown("agency=PUPR") == {road.number}
    assert shown("category=SAMPAH") == {trash.number}
    assert shown(f"kecamatan={kec}") == {old.number, road.number, trash.number}
    assert shown(f"kelurahan={kel}&category=JALAN-RUSAK") == {old.number, road.number}
    # The August complaint was never verified: its 3-working-day deadline passed long ago.
    assert shown("overdue=1") == {old.number, road.number}
    assert shown("channel=sms") == {old.number}
    assert shown("period=30d") == {road.number, trash.number}
    assert shown("from=2026-07-01&to=2026-08-31") == {old.number}
    bad = client.get(url(tangerang.slug, "laporan") + "?status=nope")
    assert bad.status_code == 422 and "Status tidak dikenal." in bad.content.decode()


def test_keyset_pages_walk_every_complaint_once(client, submit, operator, tangerang):
    start = timezone.now() - timedelta(days=3)
    made = []
    for i in range(27):
        with time_machine.travel(start + timedelta(minutes=i // 2), tick=False):
            made.append(submit()[0].number)  # pairs share a timestamp: the id breaks ties
    client.force_login(operator.user)
    seen, path = [], url(tangerang.slug, "kotak-masuk")
    while path:
        response = client.get(path)
        html = response.content.decode()
        seen += sorted((n for n in made if n in html), key=html.index)
        nxt = response.context["next_url"]
        path = url(tangerang.slug, "kotak-masuk") + nxt if nxt else None
    assert seen == made  # oldest first, no repeats, nothing skipped


def test_saved_filters_belong_to_their_owner(client, operator, tangerang):
    client.force_login(operator.user)
    client.post(
        url(tangerang.slug, "filter"),
        {"name": "Terlambat PUPR", "query": "agency=PUPR&overdue=1&after=xyz&evil=1"},
    )
    saved = SavedFilter.objects.get()
    assert saved.query == "agency=PUPR&overdue=1"
    assert "Terlambat PUPR" in _listed(client, tangerang.slug, "")
    from laksana.testing.personas import staff

    other = staff("op2-tng", tangerang, "operator")
    client.force_login(other.user)
    assert "Terlambat PUPR" not in _listed(client, tangerang.slug, "")
    assert client.post(url(tangerang.slug, "filter", str(saved.pk), "hapus")).status_code == 404
    client.force_login(operator.user)
    client.post(url(tangerang.slug, "filter", str(saved.pk), "hapus"))
    assert not SavedFilter.objects.exists()


def test_bulk_dispose_and_assign_write_one_event_each_and_report_failures(
    client, in_state, operator, tangerang
):
    ready = [in_state("verified") for _ in range(3)]
    new = in_state("submitted")
    client.force_login(operator.user)
    response = client.post(
        url(tangerang.slug, "massal"),
        {"numbers": [ready[0].number, ready[1].number, new.number], "mode": "dispose"},
    )
    assert response.status_code == 200
    assert response.context["done"] == [ready[0].number, ready[1].number]
    assert [n for n, _reason in response.context["failed"]] == [new.number]
    assert "tidak dapat didisposisikan" in response.content.decode()
    response = client.post(
        url(tangerang.slug, "massal"),
        {"numbers": [ready[2].number], "mode": "assign", "agency": "DLH"},
    )
    assert Complaint.objects.get(pk=ready[2].pk).agency.code == "DLH"
    for c in ready:
        assert Event.objects.filter(complaint=c, type="disposed").count() == 1
    assert Complaint.objects.get(pk=new.pk).status == "submitted"


def test_home_counts_come_from_the_kept_counters(client, in_state, pupr, tangerang):
    in_state("dispatched")
    in_state("submitted")
    client.force_login(pupr.user)
    statuses = {v: n for v, _label, n in client.get(url(tangerang.slug)).context["statuses"]}
    assert statuses["dispatched"] == 1 and statuses["submitted"] == 0  # only PUPR's
