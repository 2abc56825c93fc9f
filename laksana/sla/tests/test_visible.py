"""What other apps and staff see: time left in working time, overdue counts, the JSON API."""

import pytest
from django.template import Context, Template

from laksana.complaints import services
from laksana.complaints.models import Complaint
from laksana.sla.services import time_left
from laksana.testing.personas import person

from .scenarios import configure, contoh_place, frozen, local, tangerang_place, walk

pytestmark = pytest.mark.django_db


def test_time_left_is_counted_in_working_time_and_pauses_while_waiting(tangerang):
    place = tangerang_place(tangerang)
    c = walk(place, "verify", local(tangerang, "2026-11-05 10:00"))  # due Tue 10 Nov 10:00
    friday_noon = local(tangerang, "2026-11-06 12:00")
    left = time_left(c, now=friday_noon)
    # Fri 12–16 (4 h), Mon (8 h), Tue 08–10 (2 h): one working day and six hours.
    assert (left.seconds, left.label, left.overdue) == (14 * 3600, "Sisa 1 hari kerja 6 jam", False)
    sunday = local(tangerang, "2026-11-08 12:00")
    assert time_left(c, now=sunday).label == "Sisa 1 hari kerja 2 jam"
    late = time_left(c, now=local(tangerang, "2026-11-10 13:30"))
    assert (late.label, late.overdue) == ("Terlambat 3 jam", True)
    with frozen(friday_noon):
        c = services.ask_reporter(staff=place.operator, complaint=c, question="Nomor rumah?")
    paused = time_left(c, now=local(tangerang, "2026-11-09 09:00"))
    assert (paused.paused, paused.overdue, paused.deadline) == (True, False, None)
    assert paused.label == "Dijeda, menunggu pelapor (sisa 1 hari kerja 6 jam)"


def test_template_filters_show_the_time_left_and_the_overdue_flag(tangerang):
    c = walk(tangerang_place(tangerang), "verify", local(tangerang, "2026-11-05 10:00"))
    page = Template(
        "{% load sla %}{{ c|deadline_stage }}: {{ c|time_left }}"
        "{% if c|is_overdue %} (terlambat){% endif %}"
    )
    with frozen(local(tangerang, "2026-11-10 09:00")):
        assert page.render(Context({"c": c})) == "Verifikasi dan disposisi: Sisa 1 jam"
    with frozen(local(tangerang, "2026-11-10 11:00")):
        rendered = page.render(Context({"c": Complaint.objects.get(pk=c.pk)}))
    assert rendered == "Verifikasi dan disposisi: Terlambat 1 jam (terlambat)"


def test_acknowledgment_time_left_counts_duty_minutes(tangerang):
    configure(tangerang, duty=("07:00", "22:00"))
    c = walk(tangerang_place(tangerang), "acknowledge", local(tangerang, "2026-11-02 21:55"))
    left = time_left(c, now=local(tangerang, "2026-11-02 23:00"))
    assert (left.stage, left.label) == ("acknowledge", "Sisa 10 menit")  # the night is off duty


def _overdue_url(region):
    return f"/api/v1/regions/{region.slug}/sla/overdue"


def test_overdue_counts_per_agency_for_staff_of_the_region_only(client, tangerang, contoh):
    place = tangerang_place(tangerang)
    for _n in range(2):
        walk(place, "respond", local(tangerang, "2026-11-02 09:00"))  # due Mon 9 Nov 09:00
    walk(place, "verify", local(tangerang, "2026-11-02 09:00"))  # due Thu 5 Nov 09:00
    walk(place, "verify", local(tangerang, "2026-11-09 09:00"))  # not late yet
    with frozen(local(tangerang, "2026-11-09 10:00")):
        assert client.get(_overdue_url(tangerang)).status_code == 401  # anonymous
        client.force_login(person("op-contoh", contoh, "operator"))
        assert client.get(_overdue_url(tangerang)).status_code == 404  # another region's staff
        client.force_login(person("pupr-tng", tangerang, "agency_staff", "PUPR"))
        body = client.get(_overdue_url(tangerang)).json()
    assert body["region"] == "kota-tangerang" and body["command_center"] == 1
    assert body["as_of"] == "2026-11-09T10:00:00+07:00"
    assert body["agencies"][0] == {"agency": "DISHUB", "name": "Dishub", "overdue": 2}
    assert sum(row["overdue"] for row in body["agencies"]) == 2


def test_one_complaint_time_left_is_region_scoped(client, tangerang, contoh):
    c = walk(contoh_place(contoh), "verify", local(contoh, "2026-11-02 10:00"))
    url = f"/api/v1/regions/{contoh.slug}/sla/complaints/{c.number}"
    with frozen(local(contoh, "2026-11-03 10:00")):
        assert client.get(url).status_code == 401
        client.force_login(person("op-tng", tangerang, "operator"))
        assert client.get(url).status_code == 404
        client.force_login(person("op-contoh", contoh, "operator"))
        body = client.get(url).json()
        rejected = services.reject(staff=contoh_place(contoh).operator, complaint=c, reason="Spam.")
        gone = client.get(f"/api/v1/regions/{contoh.slug}/sla/complaints/{rejected.number}")
    assert gone.status_code == 204  # no deadline applies any more
    assert body["deadline"] == "2026-11-05T10:00:00+08:00"  # WITA
    assert (body["label"], body["seconds_left"], body["overdue"]) == (
        "Sisa 2 hari kerja",
        16 * 3600,
        False,
    )
