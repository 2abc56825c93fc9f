"""Contact details on every interface: returned only when asked for, and every return recorded
(who, when, which complaint, through what). Over HTTP, as clients use them."""

import pytest

from laksana.complaints import services
from laksana.complaints.models import Event
from laksana.dispatch import assignments as work
from laksana.dispatch.officers import officer_for, set_availability
from laksana.testing.personas import staff

pytestmark = pytest.mark.django_db
API = "/api/v1/regions/kota-tangerang"
PHONE = "081234567890"


@pytest.fixture
def dispatched(submit, operator):
    complaint, _token = submit()
    complaint = services.verify(staff=operator, complaint=complaint)
    return services.dispose(staff=operator, complaint=complaint, agency_code="PUPR")


def _viewed(complaint):
    return list(Event.objects.filter(complaint=complaint, type="viewed").order_by("id"))


def test_api_returns_contact_only_when_asked_and_records_each_answer(client, dispatched, operator):
    client.force_login(operator.user)
    url = f"{API}/staff/complaints/{dispatched.number}"
    plain = client.get(url)
    assert plain.status_code == 200 and PHONE not in plain.content.decode()
    assert plain.json()["reporter"] is None and plain.json()["contact_available"] is True
    assert _viewed(dispatched) == []
    for _time in range(2):
        asked = client.get(url + "?include=contact").json()
        assert asked["reporter"] == {
            "name": "Siti Aminah",
            "phone": PHONE,
            "email": "",
        }
    first, second = _viewed(dispatched)
    assert first.actor == operator.user and not first.is_public
    assert first.data == {"via": "api", "fields": ["name", "phone", "email"]}
    assert first.created_at is not None and second.data["via"] == "api"
    # The record is in the staff timeline the API returns, never in the citizen's.
    timeline = client.get(url).json()["timeline"]
    assert [e["type"] for e in timeline].count("viewed") == 2


def test_roles_that_may_not_see_contacts_get_403_and_leave_no_record(client, dispatched, tangerang):
    viewer = staff("pimpinan-tng", tangerang, "viewer")
    dlh = staff("dlh-tng", tangerang, "agency_staff", "DLH")
    client.force_login(viewer.user)
    url = f"{API}/staff/complaints/{dispatched.number}?include=contact"
    refused = client.get(url)
    assert refused.status_code == 403 and PHONE not in refused.content.decode()
    client.force_login(dlh.user)  # another agency does not even see the complaint
    assert client.get(url).status_code == 404
    assert _viewed(dispatched) == []


def test_a_user_of_another_region_sees_nothing_on_any_interface(
    client, dispatched, other_operator, pupr, tangerang
):
    officer = staff("joko-tng", tangerang, "field_officer", "PUPR")
    set_availability(officer=officer_for(officer), availability="on_duty")
    (task,) = work.assign(staff=pupr, complaint=dispatched, officers=[officer_for(officer)])
    client.force_login(other_operator.user)
    for method, path in [
        ("get", f"{API}/staff/complaints/{dispatched.number}?include=contact"),
        ("get", f"{API}/field/tasks/{task.pk}?include=contact"),
        ("post", f"/kota-tangerang/console/laporan/{dispatched.number}/reporter/"),
        ("post", f"/kota-tangerang/field/tasks/{task.pk}/contact/"),
        ("get", f"/kota-tangerang/console/laporan/?reporter={PHONE}"),
    ]:
        answer = getattr(client, method)(path)
        assert answer.status_code == 404, path
        assert PHONE not in answer.content.decode()
    assert _viewed(dispatched) == []


def test_field_officer_gets_the_phone_on_request_on_page_and_api_and_each_is_recorded(
    client, dispatched, pupr, tangerang
):
    officer = staff("joko-tng", tangerang, "field_officer", "PUPR")
    set_availability(officer=officer_for(officer), availability="on_duty")
    (task,) = work.assign(staff=pupr, complaint=dispatched, officers=[officer_for(officer)])
    client.force_login(officer.user)
    page = client.get(f"/kota-tangerang/field/tasks/{task.pk}/").content.decode()
    assert PHONE not in page and "Tampilkan kontak pelapor" in page
    shown = client.post(f"/kota-tangerang/field/tasks/{task.pk}/contact/")
    assert shown.status_code == 200 and f'href="tel:{PHONE}"' in shown.content.decode()
    assert shown["Cache-Control"] == "no-store"
    listed = client.get(f"{API}/field/tasks").json()
    assert PHONE not in str(listed)  # a list never carries contacts
    one = client.get(f"{API}/field/tasks/{task.pk}?include=contact").json()
    assert one["reporter"] == {"name": "Siti Aminah", "phone": PHONE}
    page_view, api_view = _viewed(dispatched)
    assert page_view.actor == officer.user and page_view.data["via"] == "field"
    assert api_view.data == {"via": "api", "fields": ["name", "phone"]}


def test_finished_task_offers_no_contact(client, dispatched, pupr, tangerang, media_root):
    officer = staff("joko-tng", tangerang, "field_officer", "PUPR")
    set_availability(officer=officer_for(officer), availability="on_duty")
    (task,) = work.assign(staff=pupr, complaint=dispatched, officers=[officer_for(officer)])
    work.unable(staff=officer, assignment=task, reason="Jalan ditutup banjir.")
    client.force_login(officer.user)
    assert client.post(f"/kota-tangerang/field/tasks/{task.pk}/contact/").status_code == 403
    assert client.get(f"{API}/field/tasks/{task.pk}?include=contact").status_code == 403
    assert _viewed(dispatched) == []
