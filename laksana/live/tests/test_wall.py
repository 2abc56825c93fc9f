"""The wall's and the desk's pages and JSON: who may see them, and what they show."""

import json
from collections import Counter

import pytest
from django.conf import settings

from laksana.accounts.services import create_token
from laksana.complaints import services
from laksana.complaints.models import Complaint
from laksana.live import panels
from laksana.testing.personas import staff

pytestmark = pytest.mark.django_db

WALL = "/api/v1/regions/kota-tangerang/live/wall"
DESK = "/api/v1/regions/kota-tangerang/live/desk/PUPR"


def _bearer(user) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {create_token(user=user, name='wall')[1]}"}


def test_wall_data_is_for_staff_of_the_region_only(client, operator, other_operator):
    assert client.get(WALL).status_code == 401
    assert client.get(WALL, **_bearer(other_operator.user)).status_code == 404
    assert client.get(WALL, **_bearer(operator.user)).status_code == 200


def test_wall_page_is_for_staff_of_the_region_only(client, operator, other_operator):
    anonymous = client.get("/kota-tangerang/live/")
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    client.force_login(other_operator.user)
    assert client.get("/kota-tangerang/live/").status_code == 404
    client.force_login(operator.user)
    page = client.get("/kota-tangerang/live/")
    assert page.status_code == 200
    for panel in ("wall-map", 'id="incoming"', 'id="board"', 'id="alarms"', 'id="duty-desks"'):
        assert panel in page.content.decode()
    assert "Laporan masuk" in page.content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # the language switch
    english = client.get("/kota-tangerang/live/")
    assert "Incoming complaints" in english.content.decode()


def test_wall_data_shows_open_complaints_and_no_personal_data(client, operator, submit):
    confidential, _t = submit(is_confidential=True, description="Rahasia: rumah Pak Budi no 9.")
    open_one, _t = submit(reporter_name="Budi Santoso", phone="081298765432")
    closed, _t = submit()
    services.reject(staff=operator, complaint=closed, reason="Laporan ganda, sudah ditangani.")
    data = client.get(WALL, **_bearer(operator.user)).json()
    text = json.dumps(data)
    for private in ("Budi", "081298765432", "081234567890", "rumah Pak", "Siti"):
        assert private not in text
    clusters = data["panels"]["map"]["clusters"]
    assert sum(c["n"] for c in clusters) == 2 == data["open"]
    incoming = {card["number"]: card for card in data["panels"]["incoming"]["items"]}
    assert incoming[closed.number]["status"] == "rejected"
    assert incoming[confidential.number]["lat"] is None  # counted, never placed
    assert incoming[open_one.number]["lat"] is not None
    assert data["cursor"] == closed.events.latest("id").id  # the newest event: the rejection
    assert data["panels"]["areas"]["boundaries"] == [
        "/kota-tangerang/peta/kecamatan.geojson",
        "/kota-tangerang/peta/kelurahan.geojson",
    ]


def test_the_wall_answers_only_the_panels_asked_for(client, operator):
    data = client.get(f"{WALL}?panels=numbers,alarms", **_bearer(operator.user)).json()
    assert set(data["panels"]) == {"numbers", "alarms"}


def test_a_burst_of_one_category_in_one_kelurahan_raises_an_alarm(client, operator, submit):
    for _ in range(4):
        submit(category_code="BANJIR")
    submit(category_code="JALAN-RUSAK")
    assert client.get(WALL, **_bearer(operator.user)).json()["panels"]["alarms"]["items"] == []
    submit(category_code="BANJIR")
    alarms = client.get(WALL, **_bearer(operator.user)).json()["panels"]["alarms"]["items"]
    assert [(a["kelurahan"], a["count"]) for a in alarms] == [("Sukarasa", 5)]


def test_desk_page_and_queue_are_for_the_agency_and_the_room(
    client, operator, pupr, other_operator, submit
):
    complaint, _t = submit()
    complaint = services.verify(staff=operator, complaint=complaint)
    services.dispose(staff=operator, complaint=complaint)
    assert client.get("/kota-tangerang/live/desk/PUPR/").status_code == 302
    assert client.get(DESK, **_bearer(other_operator.user)).status_code == 404
    assert client.get(DESK.replace("PUPR", "DLH"), **_bearer(pupr.user)).status_code == 403
    queue = client.get(DESK, **_bearer(pupr.user)).json()
    assert [c["number"] for c in queue["queue"]] == [complaint.number]
    assert queue["may_acknowledge"] is True
    assert client.get(DESK, **_bearer(operator.user)).json()["may_acknowledge"] is False
    client.force_login(pupr.user)
    page = client.get("/kota-tangerang/live/desk/PUPR/")
    assert page.status_code == 200 and b"desk-queue" in page.content
    client.force_login(other_operator.user)
    assert client.get("/kota-tangerang/live/desk/PUPR/").status_code == 404


def test_the_liaison_acknowledges_a_disposition_once(
    client, operator, pupr, other_operator, submit
):
    complaint, _t = submit()
    complaint = services.verify(staff=operator, complaint=complaint)
    services.dispose(staff=operator, complaint=complaint)
    url = f"{DESK}/{complaint.number}/acknowledge"
    assert client.post(url).status_code == 401
    assert client.post(url, **_bearer(other_operator.user)).status_code == 404
    assert client.post(url, **_bearer(operator.user)).status_code == 403
    assert Complaint.objects.get(pk=complaint.pk).acknowledged_at is None
    done = client.post(url, **_bearer(pupr.user))
    assert done.status_code == 200 and done.json()["acknowledged"] is True
    assert Complaint.objects.get(pk=complaint.pk).acknowledged_at is not None
    again = client.post(url, **_bearer(pupr.user))
    assert again.status_code == 409 and again.json()["code"] == "already_acknowledged"
    elsewhere = client.post(url.replace("/PUPR/", "/DLH/"), **_bearer(operator.user))
    assert elsewhere.status_code == 404


def test_the_map_is_computed_once_per_cursor_and_counts_what_the_numbers_count(
    client, operator, submit
):
    """The map counts every open complaint of the region; screens refreshing after the same
    events share one computation, and a new event makes it count anew, with the open total."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    submit()
    headers = _bearer(operator.user)
    first = client.get(WALL, **headers).json()
    with CaptureQueriesContext(connection) as captured:
        again = client.get(WALL, **headers).json()
    assert again["panels"]["map"] == first["panels"]["map"]
    assert not [q for q in captured if "FLOOR" in q["sql"]]  # the map's query did not run
    submit()
    after = client.get(WALL, **headers).json()
    assert after["cursor"] > first["cursor"]
    assert sum(c["n"] for c in after["panels"]["map"]["clusters"]) == after["open"]
    assert after["open"] == first["open"] + 1


def test_an_event_committed_while_the_wall_is_read_does_not_split_its_figures(
    client, operator, submit
):
    """A complaint that commits after the open total was read and before the map is: the answer
    is read again, so the total, the board and the map still count the same complaints."""
    submit()
    arrivals = []

    def intrude(ctx):  # stands for another worker's commit between two reads of the wall
        if not arrivals:
            arrivals.append(submit()[0])
        return {}

    panels.PANELS["intrude"] = panels.Panel("intrude", intrude, "events", "side")
    try:
        data = panels.wall_data(operator.region, names=["intrude", "map", "board"])
    finally:
        del panels.PANELS["intrude"]
    assert arrivals
    clusters = sum(c["n"] for c in data["panels"]["map"]["clusters"])
    board = sum(row["open"] for row in data["panels"]["board"]["agencies"])
    assert clusters == board == data["open"] == 2
    assert data["cursor"] == arrivals[0].events.latest("id").id


def test_the_board_rows_add_up_to_the_open_total(client, operator, submit):
    """Complaints not yet at an agency are the command center's row; disposed ones its agency's."""
    waiting, _t = submit()
    disposed, _t = submit()
    disposed = services.verify(staff=operator, complaint=disposed)
    services.dispose(staff=operator, complaint=disposed)
    data = client.get(WALL, **_bearer(operator.user)).json()
    rows = {row["name"]: row["open"] for row in data["panels"]["board"]["agencies"]}
    assert rows["Ruang kendali"] == 1 and sum(rows.values()) == data["open"] == 2


def test_the_on_duty_panel_is_computed_once_for_every_screen(client, operator):
    """Who is on duty is refetched every two minutes; screens within SLOW_PANEL_SECONDS share
    one computation."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    headers = _bearer(operator.user)
    with CaptureQueriesContext(connection) as first:
        client.get(f"{WALL}?panels=on_duty", **headers)
    with CaptureQueriesContext(connection) as again:
        client.get(f"{WALL}?panels=on_duty", **headers)
    assert [q for q in first if "dispatch_" in q["sql"]]
    assert not [q for q in again if "dispatch_" in q["sql"]]


WATCHERS = [("region_admin", None), ("operator", None), ("viewer", None), ("auditor", None)]
NOT_WATCHERS = [("agency_admin", "PUPR"), ("agency_staff", "PUPR"), ("field_officer", "PUPR")]


@pytest.mark.parametrize(("role", "agency"), WATCHERS)
def test_the_roles_that_watch_the_whole_region_open_the_wall(client, tangerang, role, agency):
    user = staff(f"watch-{role}", tangerang, role, agency).user
    assert client.get(WALL, **_bearer(user)).status_code == 200
    client.force_login(user)
    assert client.get("/kota-tangerang/live/").status_code == 200


@pytest.mark.django_db(transaction=True)  # streams read the user on the pool's own connection
@pytest.mark.parametrize(("role", "agency"), NOT_WATCHERS)
def test_agency_staff_and_field_officers_are_refused_the_wall_and_its_streams(
    client, tangerang, role, agency
):
    # A field officer's domain is their own assignments, an agency's its own complaints: the
    # wall shows every complaint of the region.
    user = staff(f"no-wall-{role}", tangerang, role, agency).user
    assert client.get(WALL, **_bearer(user)).status_code == 403
    client.force_login(user)
    for path in ("", "stream/", "replay/stream/"):
        response = client.get(f"/kota-tangerang/live/{path}")
        assert response.status_code == 403, path


def test_each_board_row_counts_only_its_own_agencys_counters():
    totals = {
        (1, "disposed"): 2,
        (1, "forwarded"): 1,
        (1, "desk_ack"): 2,
        (1, "ack_on_time"): 1,
        (1, "ack_h3"): 2,  # two acknowledgments within (3, 5] minutes
        (2, "disposed"): 5,
        (2, "rating_sum"): 9,
        (2, "rating_count"): 2,
        (0, "resolved"): 4,
    }
    by_agency = panels._by_agency(totals)
    assert panels._agency_period(by_agency[1]) == {
        "disposed": 3,
        "acknowledged": 2,
        "ack_on_time_pct": 50,
        "median_ack_min": 4.0,
        "median_resolve_min": None,
        "resolved": 0,
        "satisfaction": None,
    }
    two = panels._agency_period(by_agency[2])
    assert (two["disposed"], two["acknowledged"], two["satisfaction"]) == (5, 0, 4.5)
    assert panels._agency_period(by_agency.get(3, {}))["disposed"] == 0


def test_the_newest_cards_are_the_cards_the_streams_send(operator, submit, tangerang):
    """The wall's newest cards are read as rows with the region's names (frames.newest_cards);
    each is the card the hub renders from the complaint itself (complaint_card)."""
    from laksana.agencies.models import Category
    from laksana.live.frames import complaint_card, with_cards
    from laksana.routing.models import DuplicateLink

    first, _t = submit()
    secret, _t = submit(is_confidential=True)
    nowhere, _t = submit(lat=None, lng=None, area_code="36.71.03")  # a kecamatan, no point
    services.dispose(
        staff=operator,
        complaint=services.verify(staff=operator, complaint=first),
        agency_code="PUPR",
    )
    panels.wall_data(tangerang, names=["incoming"])  # the names are kept after this
    # As another process would add it: no signal drops this process's names.
    [fresh] = Category.objects.bulk_create(
        [Category(region=tangerang, code="BARU", name="Kategori <baru>", order=99)]
    )
    late, _t = submit(category_code=fresh.code)
    DuplicateLink.objects.create(
        region=tangerang,
        complaint=late,
        original=first,
        original_number=first.number,
        score=0.9,
        created_at=late.submitted_at,
    )
    items = panels.wall_data(tangerang, names=["incoming"])["panels"]["incoming"]["items"]
    newest = with_cards(Complaint.objects.filter(region=tangerang)).order_by("-submitted_at", "-id")
    similar = Counter(DuplicateLink.objects.values_list("original_number", flat=True))
    assert similar[first.number] >= 1
    assert items == [
        {**complaint_card(c), "similar": similar.get(c.number, 0)} for c in newest[:30]
    ]
    by_number = {item["number"]: item for item in items}
    assert by_number[late.number]["category"] == "Kategori <baru>"
    assert by_number[late.number]["similar_to"] == first.number
    assert by_number[secret.number]["lat"] is None
    assert by_number[first.number]["agency"] == "Dinas PUPR"
    assert by_number[nowhere.number]["kecamatan"] and by_number[nowhere.number]["lat"] is None
