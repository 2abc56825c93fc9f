"""Possible duplicates: scored by the category's radius, the words and the time; merged in the
console; one incident on the wall."""

from datetime import timedelta

import pytest
import time_machine
from django.db import connection

from laksana.common import clock
from laksana.complaints.models import Complaint
from laksana.console.tests.conftest import url
from laksana.live.frames import complaint_card, with_cards
from laksana.live.panels import wall_data
from laksana.routing import duplicates
from laksana.routing.models import DuplicateLink
from laksana.testing.personas import IN_TANGERANG

pytestmark = pytest.mark.django_db

TREE = "Pohon besar tumbang menutup jalan, mobil tidak bisa lewat"
TREE_AGAIN = "pohon tumbang nutup jalan gk bisa lewat mobil"


def north(metres: float) -> dict:
    return {"lat": IN_TANGERANG[0] + metres / 111_320, "lng": IN_TANGERANG[1]}


def test_the_radius_depends_on_the_category_with_a_default(monkeypatch):
    assert duplicates.radius("POHON") == 100
    assert duplicates.radius("BANJIR") == 500
    assert duplicates.radius("JALAN-RUSAK") == 150
    assert duplicates.radius("SAMPAH") == 200
    monkeypatch.setenv("ROUTING_DUPLICATE_RADII", "SAMPAH=50")
    monkeypatch.setenv("ROUTING_DUPLICATE_METRES", "300")
    assert duplicates.radius("SAMPAH") == 50 and duplicates.radius("POHON") == 300


def test_the_window_depends_on_the_category_with_a_default(monkeypatch):
    assert duplicates.window("POHON") == timedelta(hours=24)
    assert duplicates.window("BANJIR") == timedelta(hours=48)
    assert duplicates.window("JALAN-RUSAK") == duplicates.window("PJU") == timedelta(days=14)
    assert duplicates.window("SAMPAH") == timedelta(hours=72)
    monkeypatch.setenv("ROUTING_DUPLICATE_WINDOWS", "sampah=6")
    monkeypatch.setenv("ROUTING_DUPLICATE_HOURS", "12")
    assert duplicates.window("SAMPAH") == timedelta(hours=6)
    assert duplicates.window("POHON") == timedelta(hours=12)


def test_bad_items_of_a_per_category_setting_are_skipped_not_fatal(monkeypatch):
    monkeypatch.setenv(
        "ROUTING_DUPLICATE_WINDOWS",
        "POHON=abc, =5,BANJIR,PJU=-3,KEBAKARAN=0,LALIN=nan,DRAINASE=inf,,SAMPAH = 6.5 ",
    )
    monkeypatch.setenv("ROUTING_DUPLICATE_RADII", "POHON=0.2,BANJIR=1e9x")
    for code in ("POHON", "BANJIR", "PJU", "KEBAKARAN", "LALIN", "DRAINASE", ""):
        assert duplicates.window(code) == timedelta(hours=72), code
    assert duplicates.window("SAMPAH") == timedelta(hours=6.5)
    assert duplicates.radius("POHON") == 1  # never zero: nearness is a share of it
    assert duplicates.radius("BANJIR") == 200


def test_a_road_reported_again_days_later_is_a_candidate_a_tree_is_not(submit):
    road, tree = "Jalan berlubang besar di depan sekolah", TREE
    with time_machine.travel(clock.now() - timedelta(days=5), tick=False):
        old_road, _t = submit(category_code="JALAN-RUSAK", description=road)
        old_tree, _t = submit(category_code="POHON", description=tree, **north(500))
    new_road, _t = submit(category_code="JALAN-RUSAK", description=road, **north(10))
    new_tree, _t = submit(category_code="POHON", description=tree, **north(510))
    roads = duplicates.candidates(new_road)
    assert [m.complaint.number for m in roads] == [old_road.number]
    assert "selisih 5 hari (jendela 14 hari)" in roads[0].reasons
    assert old_tree.number not in [m.complaint.number for m in duplicates.candidates(new_tree)]


def test_a_fallen_tree_reported_twice_nearby_scores_high_with_reasons(submit):
    first, _t = submit(category_code="POHON", description=TREE, **north(0))
    again, _t = submit(category_code="POHON", description=TREE_AGAIN, **north(40))
    other, _t = submit(category_code="POHON", description="Ranting pohon patah", **north(60))
    far, _t = submit(category_code="POHON", description=TREE, **north(160))  # beyond 100 m
    matches = duplicates.candidates(again)
    assert [m.complaint.number for m in matches][0] == first.number
    assert far.number not in [m.complaint.number for m in matches]
    best = matches[0]
    assert 0.6 <= best.score <= 1 and best.same_category
    assert best.reasons[0].startswith("40 m (radius 100 m)")
    assert best.reasons[1].startswith("teks mirip ") and "kategori sama" in best.reasons
    scores = {m.complaint.number: m.score for m in matches}
    assert scores.get(other.number, 0) < best.score  # other words, farther: lower


def test_a_flood_is_found_further_away_than_a_tree(submit):
    flood, _t = submit(category_code="BANJIR", description="Banjir setinggi lutut di jalan")
    again, _t = submit(
        category_code="BANJIR", description="banjir selutut jalan tergenang", **north(350)
    )
    tree, _t = submit(category_code="POHON", description=TREE, **north(0))
    tree_again, _t = submit(category_code="POHON", description=TREE, **north(350))
    assert flood.number in [m.complaint.number for m in duplicates.candidates(again)]
    assert tree.number not in [m.complaint.number for m in duplicates.candidates(tree_again)]


def test_reports_outside_the_time_window_are_not_candidates(submit):
    with time_machine.travel(clock.now() - timedelta(days=4), tick=False):
        old, _t = submit(category_code="POHON", description=TREE)
    new, _t = submit(category_code="POHON", description=TREE, **north(10))
    assert old.number not in [m.complaint.number for m in duplicates.candidates(new)]


def test_another_regions_report_at_the_same_place_is_never_a_candidate(submit, contoh):
    from laksana.testing.personas import IN_CONTOH

    mine, _t = submit(description="Jalan berlubang besar di depan sekolah")
    theirs, _t = submit(region=contoh, description="Jalan berlubang besar di depan sekolah",
                        lat=IN_CONTOH[0], lng=IN_CONTOH[1])  # fmt: skip
    # Test setup: the other region's report moved onto this one's place.
    Complaint.objects.filter(pk=theirs.pk).update(lat=mine.lat, lng=mine.lng)
    mine = Complaint.objects.get(pk=mine.pk)
    assert theirs.pk not in [m.complaint.pk for m in duplicates.candidates(mine)]


def test_the_candidate_query_is_bounded_by_an_index_never_a_scan(submit):
    c, _t = submit(category_code="POHON", description=TREE)
    for same_category in (False, True):
        sql, params = duplicates.nearby(c, same_category=same_category).query.sql_with_params()
        assert "BETWEEN" in sql and "LIMIT" in sql
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SET LOCAL enable_seqscan = off")
                cursor.execute("EXPLAIN " + sql, params)
                plan = " ".join(row[0] for row in cursor.fetchall())
                assert "Index" in plan, plan
            else:
                cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
                plan = " ".join(str(row[-1]) for row in cursor.fetchall())
                complaint_steps = [p for p in plan.split("SCAN") if "complaints_complaint" in p]
                assert "USING INDEX" in plan and not any(
                    "INDEX" not in step for step in complaint_steps
                ), plan


def test_the_console_shows_possible_duplicates_with_a_score_and_merges_one(
    client, tangerang, submit, operator, other_operator
):
    first, _t = submit(category_code="POHON", description=TREE)
    again, _t = submit(category_code="POHON", description=TREE_AGAIN, **north(30))
    page = url(tangerang.slug, "laporan", again.number)
    client.force_login(operator.user)
    html = client.get(page).content.decode()
    assert "Kemungkinan duplikat" in html
    assert f'href="{url(tangerang.slug, "laporan", first.number)}"' in html
    assert "skor " in html and "30 m (radius 100 m)" in html
    assert f"Gabungkan ke {first.number}" in html
    response = client.post(
        url(tangerang.slug, "laporan", again.number, "merge"),
        {"duplicate_of": first.number, "version": again.version},
    )
    assert response.status_code in (200, 302)
    again = Complaint.objects.get(pk=again.pk)
    assert again.status == "duplicate" and again.duplicate_of_id == first.pk
    assert again.events.filter(type="merged").exists()  # the lifecycle's own transition
    client.force_login(other_operator.user)
    assert client.get(url(tangerang.slug, "laporan", first.number)).status_code == 404


def test_the_wall_counts_a_cluster_of_reports_as_one_incident(tangerang, submit):
    first, _t = submit(category_code="POHON", description=TREE)
    second, _t = submit(category_code="POHON", description=TREE_AGAIN, **north(20))
    third, _t = submit(category_code="POHON", description=TREE, **north(40))
    elsewhere, _t = submit(category_code="SAMPAH", description="Sampah menumpuk", **north(30))
    links = dict(DuplicateLink.objects.values_list("complaint_id", "original_number"))
    assert links == {second.pk: first.number, third.pk: first.number}
    cards = {c.number: complaint_card(c) for c in with_cards(Complaint.objects.all())}
    assert cards[third.number]["similar_to"] == first.number
    assert cards[first.number]["similar_to"] is None
    assert cards[elsewhere.number]["similar_to"] is None
    items = {i["number"]: i for i in wall_data(tangerang, names=["incoming"])["panels"][
        "incoming"]["items"]}  # fmt: skip
    assert items[first.number]["similar"] == 2 and items[elsewhere.number]["similar"] == 0


@pytest.mark.django_db(transaction=True)  # no test transaction around it: the request's own
def test_a_new_report_is_compared_before_its_transaction_and_linked_before_the_hot_rows(submit):
    """The search (a query and the text comparison) ran inside the submission's transaction,
    after the region's stream head was taken: every submission of the region waited for it."""
    from django.test.utils import CaptureQueriesContext

    first, _t = submit(category_code="POHON", description=TREE)
    with CaptureQueriesContext(connection) as queries:
        second, _t = submit(category_code="POHON", description=TREE_AGAIN, **north(20))
    sql = [q["sql"] for q in queries.captured_queries]

    def at(pattern: str) -> int:
        return next(i for i, s in enumerate(sql) if pattern in s)

    search = at('FROM "complaints_complaint"')
    insert = at('INSERT INTO "complaints_complaint"')
    link = at('INSERT INTO "routing_duplicatelink"')
    head = at("live_streamhead")
    assert search < insert < link < head
    assert not any(s.startswith("SAVEPOINT") for s in sql[:insert])  # nor a transaction
    assert DuplicateLink.objects.get(complaint=second).original_number == first.number


def test_no_text_is_compared_when_no_earlier_report_could_reach_the_score(submit, monkeypatch):
    """POHON: 100 m. At 90 m the place adds 0.045 and the time (just now) 0.2: with the same
    words (0.35) that is 0.595, under the wall's 0.6, so the comparison is skipped; at 20 m the
    place alone lifts the bound over it, and the words decide."""
    compared = []
    similarities = duplicates._similarities
    monkeypatch.setattr(
        duplicates,
        "_similarities",
        lambda text, others: compared.append(len(others)) or similarities(text, others),
    )
    first, _t = submit(category_code="POHON", description=TREE)
    far, _t = submit(category_code="POHON", description=TREE, **north(90))
    assert compared == [] and not DuplicateLink.objects.filter(complaint=far).exists()
    near, _t = submit(category_code="POHON", description=TREE_AGAIN, **north(20))
    assert compared == [2]  # both earlier reports: the IDF is over all of them, as before
    assert DuplicateLink.objects.get(complaint=near).original_number == first.number
    # The console's lower threshold (0.35) still compares the far one, and scores it as before.
    match = next(m for m in duplicates.candidates(far, same_category=True) if m.complaint == first)
    assert 0.35 <= match.score < 0.6 and match.text == 1.0
