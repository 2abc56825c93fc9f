"""The dispatch JSON API: three personas on every route, officers' own tasks only, the whole
field flow, assignments and resolving, and the roster."""

import json

import pytest

from laksana.complaints.models import Complaint
from laksana.dispatch import assignments as work
from laksana.dispatch.models import Assignment, DutyPeriod, Shift
from laksana.dispatch.officers import officer_for
from laksana.dispatch.tests.helpers import FAR, NEAR, photo
from laksana.testing.personas import staff

pytestmark = pytest.mark.django_db
API = "/api/v1/regions/kota-tangerang"
SOON = "2026-11-09T08:00:00"
ROUTES = [
    ("get", "/field/me", None),
    ("post", "/field/me/availability", {"availability": "on_duty"}),
    ("post", "/field/me/sharing", {"enabled": True}),
    ("post", "/field/me/location", {"lat": -6.17, "lng": 106.63}),
    ("get", "/field/tasks", None),
    ("get", "/field/tasks/{task}", None),
    ("post", "/field/tasks/{task}/start", {}),
    ("post", "/field/tasks/{task}/check-in", {}),
    ("post", "/field/tasks/{task}/finish", {}),
    ("post", "/field/tasks/{task}/unable", {"reason": "x"}),
    ("get", "/field/officers", None),
    ("put", "/field/officers/{officer}/areas", {"areas": []}),
    ("get", "/field/complaints/{number}", None),
    ("post", "/field/complaints/{number}/assignments", {"officers": []}),
    ("post", "/field/complaints/{number}/resolve", {}),
    ("get", "/roster/desks", None),
    ("post", "/roster/desks/standard", {}),
    ("get", "/roster/shifts", None),
    ("post", "/roster/shifts", {"desk": 1, "user": 1, "starts_at": SOON, "ends_at": SOON}),
    ("get", "/roster/on-duty", None),
    ("get", "/roster/me", None),
    ("post", "/roster/clock-in", {"desk": 1}),
    ("post", "/roster/clock-out", {}),
    ("get", "/roster/history", None),
    ("get", "/roster/report", None),
]


def call(client, method, path, body=None):
    if method == "get":
        return client.get(API + path)
    return getattr(client, method)(
        API + path, data=json.dumps(body or {}), content_type="application/json"
    )


@pytest.fixture
def scene(dispatched, pupr, officer):
    complaint = dispatched()
    (task,) = work.assign(staff=pupr, complaint=complaint, officers=[officer_for(officer)])
    return {"number": complaint.number, "task": task.pk, "officer": task.officer_id}


@pytest.mark.parametrize(("method", "path", "body"), ROUTES)
def test_anonymous_gets_401_and_another_region_404_everywhere(
    client, scene, other_operator, method, path, body
):
    path = path.format(**scene)
    assert call(client, method, path, body).status_code == 401
    client.force_login(other_operator.user)
    assert call(client, method, path, body).status_code == 404
    assert Assignment.objects.get(pk=scene["task"]).state == "assigned"


def test_officer_works_a_task_from_the_phone_and_the_complaint_shows_it(
    client, scene, officer, media_root
):
    client.force_login(officer.user)
    (listed,) = client.get(API + "/field/tasks").json()
    assert listed["id"] == scene["task"] and listed["reporter"] is None
    assert listed["contact_available"] is True
    assert listed["navigate"]["geo"].startswith("geo:-6.172800,106.631800")
    assert call(client, "post", f"/field/tasks/{scene['task']}/start").json()["state"] == "en_route"
    checked = client.post(
        f"{API}/field/tasks/{scene['task']}/check-in", {"lat": FAR[0], "lng": FAR[1]}
    ).json()
    assert checked["warning"] == "far" and checked["task"]["check_in"]["far"] is True
    finished = client.post(
        f"{API}/field/tasks/{scene['task']}/finish",
        {"outcome": "fixed", "notes": "Lubang ditambal aspal.", "photo": photo(gps=True)},
    )
    assert finished.status_code == 200, finished.content
    assert finished.json()["state"] == "finished" and finished.json()["reporter"] is None
    detail = client.get(f"{API}/staff/complaints/{scene['number']}").json()
    assert [p["purpose"] for p in detail["photos"]] == ["evidence"]
    steps = [e["data"].get("step") for e in detail["timeline"] if e["type"] == "field"]
    assert steps == ["en_route", "on_site", "finished"]
    assert detail["reporter"] is None  # the officer's staff view keeps the lifecycle's rule


def test_an_anonymous_reporter_cannot_be_called(client, dispatched, pupr, officer):
    complaint = dispatched(is_anonymous=True)
    (task,) = work.assign(staff=pupr, complaint=complaint, officers=[officer_for(officer)])
    client.force_login(officer.user)
    assert client.get(f"{API}/field/tasks/{task.pk}").json()["reporter"] is None
    assert client.get(f"{API}/field/tasks/{task.pk}?include=contact").status_code == 403
    page = client.get(f"/kota-tangerang/field/tasks/{task.pk}/").content.decode()
    assert "tel:" not in page and "081234567890" not in page
    refused = client.post(f"/kota-tangerang/field/tasks/{task.pk}/contact/")
    assert refused.status_code == 403 and "081234567890" not in refused.content.decode()
    assert not complaint.events.filter(type="viewed").exists()


def test_illegal_step_answers_409(client, scene, officer):
    client.force_login(officer.user)
    response = client.post(f"{API}/field/tasks/{scene['task']}/check-in", {})
    assert response.status_code == 409 and response.json()["code"] == "invalid_transition"
    missing = call(client, "post", f"/field/tasks/{scene['task']}/unable", {"reason": " "})
    assert missing.status_code == 422


def test_officers_see_only_their_own_tasks_and_complaints(client, scene, make_officer, submit):
    colleague, _profile = make_officer("rudi-tng")
    client.force_login(colleague.user)
    assert client.get(API + "/field/tasks?state=all").json() == []
    assert client.get(f"{API}/field/tasks/{scene['task']}").status_code == 404
    assert call(client, "post", f"/field/tasks/{scene['task']}/start").status_code == 404
    assert client.get(f"{API}/staff/complaints/{scene['number']}").status_code == 404
    assert client.get(f"{API}/staff/complaints").json()["items"] == []
    assert Assignment.objects.get(pk=scene["task"]).state == "assigned"


def test_agency_assigns_with_suggestions_and_resolves_with_evidence(
    client, dispatched, pupr, officer, make_officer, media_root
):
    complaint = dispatched()
    _andi, andi = make_officer("andi-tng")
    client.force_login(pupr.user)
    field = client.get(f"{API}/field/complaints/{complaint.number}").json()
    assert field["can_assign"] and len(field["suggestions"]) == 2
    joko = officer_for(officer).pk
    body = {"officers": [joko], "instructions": "Bawa rambu."}
    created = call(client, "post", f"/field/complaints/{complaint.number}/assignments", body)
    assert created.status_code == 201
    assert [s["officer"]["id"] for s in created.json()["suggestions"]] == [andi.pk]
    again = call(client, "post", f"/field/complaints/{complaint.number}/assignments", body)
    assert again.status_code == 409
    unknown = call(
        client, "post", f"/field/complaints/{complaint.number}/assignments", {"officers": [0]}
    )
    assert unknown.status_code == 404
    early = call(client, "post", f"/field/complaints/{complaint.number}/resolve", {})
    assert early.status_code == 409 and early.json()["code"] == "field_work_open"
    task = Assignment.objects.get(complaint=complaint)
    work.start(staff=officer, assignment=task)
    work.check_in(staff=officer, assignment=task, lat=NEAR[0], lng=NEAR[1])
    work.finish(staff=officer, assignment=task, photo=photo(), outcome="temporary")
    done = call(client, "post", f"/field/complaints/{complaint.number}/resolve", {})
    assert done.status_code == 200 and done.json()["status"] == "resolved"
    assert Complaint.objects.get(pk=complaint.pk).status == "resolved"


def test_officers_cannot_assign_and_other_agencies_do_not_see_the_complaint(
    client, scene, officer, tangerang
):
    body = {"officers": [scene["officer"]]}
    client.force_login(officer.user)
    url = f"/field/complaints/{scene['number']}/assignments"
    assert call(client, "post", url, body).status_code == 403
    client.force_login(staff("dlh-tng", tangerang, "agency_staff", "DLH").user)
    assert call(client, "post", url, body).status_code == 404


def test_location_sharing_is_opt_in_and_visible_to_the_officer(client, officer):
    client.force_login(officer.user)
    refused = call(client, "post", "/field/me/location", {"lat": -6.17, "lng": 106.63})
    assert refused.status_code == 409 and refused.json()["code"] == "sharing_disabled"
    call(client, "post", "/field/me/sharing", {"enabled": True})
    shared = call(client, "post", "/field/me/location", {"lat": -6.17, "lng": 106.63})
    assert shared.json()["location"]["lat"] == -6.17
    assert client.get(API + "/field/me").json()["location"]["recent"] is True
    stopped = call(client, "post", "/field/me/sharing", {"enabled": False}).json()
    assert stopped["location"] is None and stopped["shares_location"] is False


def test_roster_api_plans_clocks_and_reports(client, operator, pupr, tangerang):
    client.force_login(operator.user)
    desks = call(client, "post", "/roster/desks/standard").json()
    operators_desk = next(d["id"] for d in desks if d["kind"] == "operators")
    shift = {"desk": operators_desk, "user": operator.user.pk}
    times = {"starts_at": "2026-11-09T07:00:00", "ends_at": "2026-11-09T15:00:00"}
    created = call(client, "post", "/roster/shifts", {**shift, **times})
    assert created.status_code == 201 and created.json()["starts_at"].endswith("07:00:00+07:00")
    overlap = {"starts_at": "2026-11-09T14:00:00+07:00", "ends_at": "2026-11-09T16:00:00+07:00"}
    clash = call(client, "post", "/roster/shifts", {**shift, **overlap})
    assert clash.status_code == 422 and clash.json()["code"] == "overlap"
    gaps = client.get(f"{API}/roster/desks/{operators_desk}/gaps?date_from=2026-11-09").json()
    assert gaps == [
        {"starts_at": "2026-11-09T00:00:00+07:00", "ends_at": "2026-11-09T07:00:00+07:00"},
        {"starts_at": "2026-11-09T15:00:00+07:00", "ends_at": "2026-11-10T00:00:00+07:00"},
    ]
    assert call(client, "post", "/roster/clock-in", {"desk": operators_desk}).status_code == 201
    assert call(client, "post", "/roster/clock-in", {"desk": operators_desk}).status_code == 409
    assert client.get(API + "/roster/on-duty").json()["counts"]["operators"] == 1
    assert client.get(API + "/roster/report").json()["operators_on_duty"] == 1
    assert call(client, "post", "/roster/clock-out").status_code == 200
    assert len(client.get(API + "/roster/history").json()) == 1
    client.force_login(pupr.user)
    assert client.get(API + "/roster/report").status_code == 403
    assert call(client, "post", "/roster/desks/standard").status_code == 403
    assert client.get(API + "/roster/history").json() == []
    assert DutyPeriod.objects.count() == 1 and Shift.objects.count() == 1
