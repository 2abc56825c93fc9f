"""Phone pages and agency pages: personas, own tasks only, the whole flow with plain forms."""

import pytest

from laksana.complaints.models import Complaint, Event
from laksana.dispatch import assignments as work
from laksana.dispatch import roster
from laksana.dispatch.models import Assignment, DutyPeriod, FieldOfficer, Shift
from laksana.dispatch.officers import officer_for
from laksana.dispatch.tests.helpers import FAR, NEAR, photo
from laksana.testing.personas import staff

pytestmark = pytest.mark.django_db
FIELD = "/kota-tangerang/field"


@pytest.fixture
def scene(dispatched, pupr, officer):
    complaint = dispatched()
    (task,) = work.assign(staff=pupr, complaint=complaint, officers=[officer_for(officer)])
    return {"number": complaint.number, "task": task.pk, "officer": task.officer_id}


PAGES = [
    ("get", "/"),
    ("post", "/me/"),
    ("post", "/me/location/"),
    ("post", "/me/squad/"),
    ("get", "/tasks/{task}/"),
    ("post", "/tasks/{task}/start/"),
    ("post", "/tasks/{task}/check-in/"),
    ("post", "/tasks/{task}/finish/"),
    ("post", "/tasks/{task}/unable/"),
    ("get", "/assign/{number}/"),
    ("post", "/assign/{number}/"),
    ("post", "/assign/{number}/resolve/"),
    ("get", "/officers/"),
    ("post", "/officers/{officer}/areas/"),
    ("get", "/roster/"),
    ("post", "/roster/setup/"),
    ("post", "/roster/clock-in/"),
    ("post", "/roster/clock-out/"),
    ("post", "/roster/shifts/"),
    ("post", "/roster/shifts/1/delete/"),
    ("get", "/roster/history/"),
    ("get", "/roster/report/"),
]


@pytest.mark.parametrize(("method", "path"), PAGES)
def test_anonymous_goes_to_login_and_another_region_gets_404(
    client, scene, other_operator, method, path
):
    url = FIELD + path.format(**scene)
    response = getattr(client, method)(url)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    client.force_login(other_operator.user)
    assert getattr(client, method)(url).status_code == 404
    assert Assignment.objects.get(pk=scene["task"]).state == "assigned"


def test_officer_does_the_whole_job_with_plain_forms(client, scene, officer, media_root):
    client.force_login(officer.user)
    home = client.get(FIELD + "/")
    assert scene["number"] in home.content.decode()
    page = client.get(f"{FIELD}/tasks/{scene['task']}/").content.decode()
    assert "081234567890" not in page and 'href="geo:-6.172800,106.631800' in page
    shown = client.post(f"{FIELD}/tasks/{scene['task']}/contact/").content.decode()
    assert 'href="tel:081234567890"' in shown
    assert "MULAI" in page
    client.post(f"{FIELD}/tasks/{scene['task']}/start/")
    page = client.get(f"{FIELD}/tasks/{scene['task']}/").content.decode()
    assert 'accept="image/*" capture="environment"' in page and "<noscript>" in page
    arrived = client.post(
        f"{FIELD}/tasks/{scene['task']}/check-in/", {"lat": FAR[0], "lng": FAR[1]}, follow=True
    )
    assert "dari titik laporan (lebih dari 200 m)" in arrived.content.decode()
    done = client.post(
        f"{FIELD}/tasks/{scene['task']}/finish/",
        {"photo": photo(gps=True), "outcome": "fixed", "notes": "Ditambal."},
    )
    assert done.status_code == 303 and done["Location"] == FIELD + "/"
    task = Assignment.objects.get(pk=scene["task"])
    assert task.state == "finished" and task.after_photo is not None
    assert Event.objects.filter(complaint=task.complaint, type="field").count() == 3
    after = client.get(f"{FIELD}/tasks/{scene['task']}/").content.decode()
    assert "tel:" not in after  # the reporter's number only while the task is open


def test_a_refused_step_shows_why_with_its_status_and_stores_nothing(
    client, scene, officer, media_root
):
    client.force_login(officer.user)
    early = {"outcome": "fixed", "photo": photo()}
    refused = client.post(f"{FIELD}/tasks/{scene['task']}/finish/", early)
    assert refused.status_code == 409
    assert "tidak dapat diselesaikan" in refused.content.decode()
    client.post(f"{FIELD}/tasks/{scene['task']}/start/")
    client.post(f"{FIELD}/tasks/{scene['task']}/check-in/", {"lat": NEAR[0], "lng": NEAR[1]})
    no_photo = client.post(f"{FIELD}/tasks/{scene['task']}/finish/", {"outcome": "fixed"})
    assert no_photo.status_code == 422 and "wajib" in no_photo.content.decode()
    assert Assignment.objects.get(pk=scene["task"]).state == "on_site"


def test_officers_see_only_their_own_tasks_on_pages(client, scene, make_officer):
    colleague, _profile = make_officer("rudi-tng")
    client.force_login(colleague.user)
    assert scene["number"] not in client.get(FIELD + "/").content.decode()
    assert client.get(f"{FIELD}/tasks/{scene['task']}/").status_code == 404
    assert client.post(f"{FIELD}/tasks/{scene['task']}/start/").status_code == 404
    assert Assignment.objects.get(pk=scene["task"]).state == "assigned"


def test_availability_and_location_sharing_from_the_officer_home(client, officer):
    client.force_login(officer.user)
    client.post(FIELD + "/me/", {"availability": "busy"})
    assert FieldOfficer.objects.get(user=officer.user).availability == "busy"
    assert client.post(FIELD + "/me/location/", {"lat": -6.17, "lng": 106.63}).status_code == 409
    client.post(FIELD + "/me/", {"sharing": "on"})
    sent = client.post(FIELD + "/me/location/", {"lat": -6.17, "lng": 106.63, "accuracy": 9})
    assert sent.status_code == 200 and sent.json()["at"].endswith("+07:00")
    home = client.get(FIELD + "/").content.decode()
    assert "Lokasi terakhir dibagikan" in home and "-6.17000" in home
    assert client.post(FIELD + "/me/", {"availability": "asleep"}).status_code == 422


def test_agency_assigns_from_suggestions_and_resolves_with_evidence(
    client, dispatched, pupr, officer, media_root
):
    complaint = dispatched()
    client.force_login(pupr.user)
    board = client.get(FIELD + "/").content.decode()
    assert f"/assign/{complaint.number}/" in board
    page = client.get(f"{FIELD}/assign/{complaint.number}/").content.decode()
    joko = officer_for(officer)
    assert f'value="{joko.pk}" checked' in page
    assert client.post(f"{FIELD}/assign/{complaint.number}/", {}).status_code == 422
    sent = client.post(f"{FIELD}/assign/{complaint.number}/", {"officers": [joko.pk]})
    assert sent.status_code == 303
    task = Assignment.objects.get(complaint=complaint)
    work.start(staff=officer, assignment=task)
    work.check_in(staff=officer, assignment=task, lat=NEAR[0], lng=NEAR[1])
    work.finish(staff=officer, assignment=task, photo=photo(), outcome="fixed", notes="Beres.")
    page = client.get(f"{FIELD}/assign/{complaint.number}/").content.decode()
    assert "Selesaikan dengan bukti petugas" in page and "Beres." in page
    client.post(f"{FIELD}/assign/{complaint.number}/resolve/", {"response": ""})
    assert Complaint.objects.get(pk=complaint.pk).status == "resolved"


def test_agency_admin_sets_the_areas_an_officer_covers(client, officer, pupr, tangerang):
    admin = staff("pupr-admin", tangerang, "agency_admin", "PUPR")
    profile = officer_for(officer)
    client.force_login(pupr.user)  # a liaison sees officers but may not change their areas
    assert (
        client.post(f"{FIELD}/officers/{profile.pk}/areas/", {"areas": ["36.71.01"]}).status_code
        == 403
    )
    client.force_login(admin.user)
    assert "Ubah wilayah tugas" in client.get(FIELD + "/officers/").content.decode()
    client.post(f"{FIELD}/officers/{profile.pk}/areas/", {"areas": ["36.71.01", "36.71.01.1001"]})
    assert sorted(a.code for a in profile.areas.all()) == ["36.71.01", "36.71.01.1001"]
    bad = client.post(f"{FIELD}/officers/{profile.pk}/areas/", {"areas": ["99.99"]})
    assert bad.status_code == 422


def test_roster_pages_plan_clock_and_report(client, operator, pupr, tangerang):
    client.force_login(operator.user)
    assert "Siapkan meja piket" in client.get(FIELD + "/roster/").content.decode()
    client.post(FIELD + "/roster/setup/")
    desk = roster.desks(tangerang).get(kind="operators")
    shift = {"desk": desk.pk, "user": operator.user.pk, "day": "2026-12-01"}
    client.post(FIELD + "/roster/shifts/", {**shift, "start": "22:00", "end": "06:00"})
    night = Shift.objects.get()
    assert (night.ends_at - night.starts_at).total_seconds() == 8 * 3600
    clash = client.post(FIELD + "/roster/shifts/", {**shift, "start": "23:00", "end": "23:30"})
    assert clash.status_code == 422 and "Bentrok" in clash.content.decode()
    client.post(FIELD + "/roster/clock-in/", {"desk": desk.pk})
    page = client.get(FIELD + "/roster/").content.decode()
    assert 'id="count-operators">1<' in page
    assert 'id="operators-now">1<' in client.get(FIELD + "/roster/report/").content.decode()
    client.post(FIELD + "/roster/clock-out/")
    assert DutyPeriod.objects.get().clocked_out_at is not None
    assert client.get(FIELD + "/roster/history/").status_code == 200
    assert client.get(FIELD + "/roster/history/?date_from=2026-01-01").status_code == 422
    client.force_login(pupr.user)
    assert client.get(FIELD + "/roster/report/").status_code == 403
    assert client.post(FIELD + "/roster/shifts/1/delete/").status_code in (403, 404)
