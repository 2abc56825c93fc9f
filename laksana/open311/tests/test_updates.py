import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from laksana.complaints import services
from laksana.complaints.models import Event
from laksana.complaints.tests.images import jpeg_bytes
from laksana.open311.keys import create_key
from laksana.open311.models import ReceivedUpdate
from laksana.open311.tests.helpers import BASE, TNG, assert_same, descriptions, validate

pytestmark = pytest.mark.django_db


@pytest.fixture
def dispatched(submit, operator):
    """A complaint disposed to Dinas PUPR that needs no evidence photo to be resolved."""
    complaint, _t = submit(category_code="LAINNYA")
    complaint = services.verify(staff=operator, complaint=complaint)
    return services.dispose(staff=operator, complaint=complaint, agency_code="PUPR")


def _update(client, key, complaint, update_id, status, fmt="json", **extra):
    data = {
        **TNG,
        "api_key": key,
        "service_request_id": complaint.number,
        "update_id": update_id,
        "status": status,
        "updated_datetime": "2026-11-20T10:00:00+07:00",
        **extra,
    }
    data = {k: v for k, v in data.items() if v is not None}
    return client.post(f"{BASE}servicerequestupdates.{fmt}", data)


def _events(complaint):
    return list(Event.objects.filter(complaint=complaint).values_list("type", flat=True))


def test_in_progress_accepts_and_closed_resolves(client, agency_key, dispatched):
    response = _update(client, agency_key, dispatched, "u-1", "IN_PROGRESS")
    assert response.status_code == 200, response.content
    validate("updates", response.json())
    assert response.json()[0]["status"] == "open"
    response = _update(
        client, agency_key, dispatched, "u-2", "closed", fmt="xml", description="Sudah dikeruk."
    )
    assert response.status_code == 200, response.content
    assert b"<status>closed</status>" in response.content
    dispatched.refresh_from_db()
    assert dispatched.status == "resolved"
    resolved = Event.objects.get(complaint=dispatched, type="resolved")
    assert resolved.text == "Sudah dikeruk." and resolved.actor_label == "Dinas PUPR"
    assert _events(dispatched)[-2:] == ["accepted", "resolved"]


def test_fixed_on_a_dispatched_complaint_accepts_then_resolves(client, agency_key, dispatched):
    response = _update(client, agency_key, dispatched, "u-1", "fixed", description="Selesai.")
    assert response.status_code == 200, response.content
    assert _events(dispatched)[-2:] == ["accepted", "resolved"]


def test_progress_with_description_is_a_public_response(client, agency_key, dispatched):
    _update(client, agency_key, dispatched, "u-1", "in_progress")
    _update(client, agency_key, dispatched, "u-2", "investigating", description="Tim survei.")
    _update(client, agency_key, dispatched, "u-3", "action_scheduled")
    assert _events(dispatched)[-3:] == ["accepted", "responded", "update"]


def test_not_our_responsibility_returns_it_to_the_operators(client, agency_key, dispatched):
    response = _update(
        client, agency_key, dispatched, "u-1", "NOT_COUNCILS_RESPONSIBILITY", description="Balai."
    )
    assert response.status_code == 200, response.content
    dispatched.refresh_from_db()
    assert dispatched.status == "verified" and dispatched.agency is None


def test_a_repeated_update_id_is_refused_and_changes_nothing(client, agency_key, dispatched):
    assert _update(client, agency_key, dispatched, "u-1", "in_progress").status_code == 200
    again = _update(client, agency_key, dispatched, "u-1", "closed", description="Selesai.")
    assert again.status_code == 409
    validate("errors", again.json())
    assert "u-1" in descriptions(again.json())
    dispatched.refresh_from_db()
    assert dispatched.status == "in_progress"
    assert ReceivedUpdate.objects.filter(update_id="u-1").count() == 1


def test_a_refused_update_can_be_sent_again(client, agency_key, dispatched):
    refused = _update(client, agency_key, dispatched, "u-1", "closed")  # no description
    assert refused.status_code == 400 and "description" in descriptions(refused.json())
    assert not ReceivedUpdate.objects.exists()
    fixed = _update(client, agency_key, dispatched, "u-1", "closed", description="Sudah.")
    assert fixed.status_code == 200, fixed.content


def test_field_work_needs_an_evidence_photo_which_may_come_along(
    client, agency_key, submit, operator, media_root
):
    complaint, _t = submit()  # damaged road: field work
    complaint = services.dispose(
        staff=operator, complaint=services.verify(staff=operator, complaint=complaint)
    )
    refused = _update(client, agency_key, complaint, "u-1", "closed", description="Ditambal.")
    assert refused.status_code == 400 and "media" in descriptions(refused.json())
    photo = SimpleUploadedFile("bukti.jpg", jpeg_bytes())
    done = _update(
        client, agency_key, complaint, "u-1", "closed", description="Ditambal.", media=photo
    )
    assert done.status_code == 200, done.content
    assert complaint.attachments.get().purpose == "evidence"


def test_wrong_arguments_are_all_reported(client, agency_key, tangerang):
    response = client.post(
        BASE + "servicerequestupdates.xml",
        {**TNG, "api_key": agency_key, "status": "done", "updated_datetime": "today"},
    )
    assert response.status_code == 400
    json_response = client.post(
        BASE + "servicerequestupdates.json",
        {**TNG, "api_key": agency_key, "status": "done", "updated_datetime": "today"},
    )
    body = json_response.json()
    assert_same(body, response.content)
    arguments = sorted(e["description"].split(":")[0] for e in body)
    assert arguments == ["service_request_id", "status", "update_id", "updated_datetime"]


def test_unknown_request_is_404(client, agency_key, tangerang):
    response = client.post(
        BASE + "servicerequestupdates.json",
        {
            **TNG,
            "api_key": agency_key,
            "service_request_id": "TNG-0",
            "update_id": "1",
            "status": "closed",
        },
    )
    assert response.status_code == 404


def test_only_agency_keys_may_update(client, api_key, dispatched):
    response = _update(client, api_key, dispatched, "u-1", "in_progress")
    assert response.status_code == 403 and "OPD" in descriptions(response.json())
    assert _update(client, None, dispatched, "u-1", "in_progress").status_code == 403


def test_another_agencys_key_cannot_touch_the_complaint(client, tangerang, dispatched):
    bpbd = create_key(region=tangerang, name="SIBPBD", agency_code="BPBD")[1]
    response = _update(client, bpbd, dispatched, "u-1", "in_progress")
    assert response.status_code == 403
    dispatched.refresh_from_db()
    assert dispatched.status == "dispatched"


def test_key_of_another_region_cannot_update_here(client, contoh, dispatched):
    other = create_key(region=contoh, name="SIPUPR Contoh", agency_code="PUPR")[1]
    assert _update(client, other, dispatched, "u-1", "in_progress").status_code == 403
    response = _update(
        client, other, dispatched, "u-1", "in_progress", jurisdiction_id="kota-contoh"
    )
    assert response.status_code == 404


def test_the_agency_can_update_its_confidential_complaint(client, agency_key, submit, operator):
    complaint, _t = submit(category_code="LAINNYA", is_confidential=True)
    complaint = services.verify(staff=operator, complaint=complaint)
    complaint = services.dispose(staff=operator, complaint=complaint, agency_code="PUPR")
    assert _update(client, agency_key, complaint, "u-1", "in_progress").status_code == 200


def test_a_finished_complaint_cannot_be_moved_back(client, agency_key, dispatched):
    _update(client, agency_key, dispatched, "u-1", "closed", description="Selesai.")
    response = _update(client, agency_key, dispatched, "u-2", "in_progress")
    assert response.status_code == 409
    validate("errors", response.json())
