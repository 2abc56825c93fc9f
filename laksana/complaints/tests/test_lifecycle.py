from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from laksana.common.errors import Conflict, Forbidden, InvalidTransition, ValidationFailed
from laksana.complaints import services
from laksana.complaints.models import Complaint, Event, StatusCount
from laksana.testing.personas import staff

pytestmark = pytest.mark.django_db


def _events(complaint):
    return list(Event.objects.filter(complaint=complaint).values_list("type", flat=True))


def _assert_counters_match(region):
    """The status counters the services keep equal a real count of the table."""
    kept = {
        (row.agency_key, row.status): row.count
        for row in StatusCount.objects.filter(region=region)
        if row.count
    }
    real = {}
    for agency_id, status in Complaint.objects.filter(region=region).values_list(
        "agency_id", "status"
    ):
        real[(agency_id or 0, status)] = real.get((agency_id or 0, status), 0) + 1
    assert kept == real


def test_whole_life_of_a_complaint_writes_one_event_per_step(submit, operator, pupr, media_root):
    complaint, token = submit()
    assert complaint.number.startswith("TNG-")
    assert complaint.area.name == "Sukarasa" and complaint.area.parent.name == "Tangerang"
    c = services.verify(staff=operator, complaint=complaint, title="Jalan berlubang di Sukarasa")
    c = services.dispose(staff=operator, complaint=c)
    assert c.agency.code == "PUPR" and c.status == "dispatched"
    c = services.accept(staff=pupr, complaint=c)
    c = services.respond(staff=pupr, complaint=c, text="Tim dijadwalkan besok pagi.")
    c = services.note(staff=pupr, complaint=c, text="Butuh aspal 2 ton.")
    with pytest.raises(ValidationFailed) as missing_photo:
        services.resolve(staff=pupr, complaint=c, response="Sudah ditambal.")
    assert missing_photo.value.code == "evidence_required"
    from django.core.files.uploadedfile import SimpleUploadedFile

    from laksana.complaints.tests.images import jpeg_bytes

    services.add_photo(
        complaint=c,
        actor=pupr,
        purpose="evidence",
        upload=SimpleUploadedFile("a.jpg", jpeg_bytes()),
    )
    c = services.resolve(staff=pupr, complaint=c, response="Sudah ditambal.")
    c = services.rate(complaint=c, rating=5, comment="Cepat sekali, terima kasih.")
    c = services.close(actor=operator, complaint=c)
    assert c.status == "closed" and c.closing_reason == "fixed"
    assert _events(c) == [
        "submitted",
        "verified",
        "disposed",
        "accepted",
        "responded",
        "note",
        "attachment",
        "resolved",
        "rated",
        "closed",
    ]
    assert services.get_by_token(token).pk == c.pk
    _assert_counters_match(c.region)


def test_agency_returns_and_forwards(submit, operator, pupr, tangerang):
    c, _token = submit()
    c = services.dispose(staff=operator, complaint=services.verify(staff=operator, complaint=c))
    c = services.return_to_operator(staff=pupr, complaint=c, reason="Jalan provinsi, bukan kota.")
    assert c.status == "verified" and c.agency is None
    c = services.dispose(staff=operator, complaint=c, agency_code="PUPR")
    c = services.forward(staff=pupr, complaint=c, agency_code="DLH", reason="Sampah menutup jalan")
    assert c.status == "dispatched" and c.agency.code == "DLH"
    with pytest.raises(Forbidden):  # PUPR no longer handles it
        services.accept(staff=pupr, complaint=c)
    dlh = staff("dlh-tng", tangerang, "agency_staff", "DLH")
    c = services.accept(staff=dlh, complaint=c)
    assert c.status == "in_progress"
    _assert_counters_match(tangerang)


@pytest.mark.parametrize(
    "action",
    ["dispose", "accept", "resolve", "close", "reopen", "rate", "respond"],
)
def test_illegal_transition_from_submitted_changes_nothing(submit, operator, pupr, action):
    c, _token = submit()
    calls = {
        "dispose": lambda: services.dispose(staff=operator, complaint=c),
        "accept": lambda: services.accept(staff=pupr, complaint=c),
        "resolve": lambda: services.resolve(staff=pupr, complaint=c, response="x"),
        "close": lambda: services.close(actor=operator, complaint=c),
        "reopen": lambda: services.reopen(complaint=c, reason="masih rusak"),
        "rate": lambda: services.rate(complaint=c, rating=4),
        "respond": lambda: services.respond(staff=pupr, complaint=c, text="x"),
    }
    with pytest.raises((InvalidTransition, Forbidden)):
        calls[action]()
    fresh = Complaint.objects.get(pk=c.pk)
    assert (fresh.status, fresh.version) == ("submitted", 1)
    assert _events(fresh) == ["submitted"]


def test_agency_staff_cannot_verify_and_operator_cannot_accept(submit, operator, pupr):
    c, _token = submit()
    with pytest.raises(Forbidden):
        services.verify(staff=pupr, complaint=c)
    c = services.dispose(staff=operator, complaint=services.verify(staff=operator, complaint=c))
    with pytest.raises(Forbidden):
        services.accept(staff=operator, complaint=c)


def test_reject_needs_a_reason_the_citizen_can_read(submit, operator):
    c, token = submit()
    with pytest.raises(ValidationFailed):
        services.reject(staff=operator, complaint=c, reason="  ")
    c = services.reject(staff=operator, complaint=c, reason="Lokasi tidak jelas.")
    assert c.status == "rejected"
    event = Event.objects.filter(complaint=c).last()
    assert event.is_public and event.text == "Lokasi tidak jelas."


def test_merge_points_at_the_original(submit, operator):
    first, _t1 = submit()
    second, _t2 = submit(description="Lubang besar di depan SDN 3 belum diperbaiki juga.")
    third, _t3 = submit(description="Jalan rusak depan SD, tolong segera diperbaiki.")
    second = services.merge(staff=operator, complaint=second, into=first)
    third = services.merge(staff=operator, complaint=third, into=second)
    assert third.duplicate_of_id == first.pk and third.status == "duplicate"
    with pytest.raises(ValidationFailed):
        services.merge(staff=operator, complaint=first, into=second)


def test_only_aspirations_are_acknowledged(submit, operator):
    complaint, _t = submit()
    with pytest.raises(InvalidTransition):
        services.acknowledge(staff=operator, complaint=complaint)
    aspiration, _t = submit(kind="aspirasi", description="Usul taman bermain di RW 05 Sukarasa.")
    noted = services.acknowledge(staff=operator, complaint=aspiration, text="Terima kasih.")
    assert noted.status == "noted"


def _resolved(submit, operator, pupr):
    c, token = submit(category_code="ADMINDUK", description="KTP elektronik belum jadi 3 bulan.")
    c = services.dispose(
        staff=operator,
        complaint=services.verify(staff=operator, complaint=c),
        agency_code="DISDUKCAPIL",
    )
    from laksana.testing.personas import staff as make_staff

    dukcapil = make_staff("dukcapil-tng", c.region, "agency_staff", "DISDUKCAPIL")
    c = services.accept(staff=dukcapil, complaint=c)
    return services.resolve(staff=dukcapil, complaint=c, response="KTP sudah dapat diambil."), token


def test_reopen_within_ten_working_days_only(submit, operator, pupr):
    # Friday 6 November 2026, 10:00 WIB; ten working days later is Friday 20 November.
    with time_machine.travel("2026-11-06 03:00:00+00:00", tick=False):
        c, _token = _resolved(submit, operator, pupr)
    with time_machine.travel("2026-11-20 02:59:00+00:00", tick=False):
        reopened = services.reopen(complaint=c, reason="KTP belum ada di kelurahan.")
        assert reopened.status == "in_progress" and reopened.resolved_at is None
    with time_machine.travel("2026-11-06 03:00:00+00:00", tick=False):
        late, _token = _resolved(submit, operator, pupr)
    with (
        time_machine.travel("2026-11-20 03:01:00+00:00", tick=False),
        pytest.raises(InvalidTransition) as expired,
    ):
        services.reopen(complaint=late, reason="Masih belum.")
    assert expired.value.code == "reopen_expired"


def test_rating_once_between_one_and_five(submit, operator, pupr):
    c, _token = _resolved(submit, operator, pupr)
    with pytest.raises(ValidationFailed):
        services.rate(complaint=c, rating=6)
    c = services.rate(complaint=c, rating=4, comment="Lumayan.")
    with pytest.raises(Conflict):
        services.rate(complaint=c, rating=1)
    assert Complaint.objects.get(pk=c.pk).rating == 4


def test_privacy_is_only_strengthened(submit, operator):
    c, _token = submit()
    c = services.restrict_privacy(staff=operator, complaint=c, anonymous=True)
    assert c.is_anonymous
    with pytest.raises(ValidationFailed):
        services.restrict_privacy(staff=operator, complaint=c, anonymous=True)
    assert not any(
        name in ("anonymous", "confidential") and "False" in str(value)
        for name, value in Event.objects.filter(complaint=c).last().data.items()
    )


def test_stale_version_is_refused_and_nothing_is_lost(submit, operator, tangerang):
    c, _token = submit()
    seen = c.version
    services.verify(staff=operator, complaint=c, title="Judul pertama")
    second = staff("op2-tng", tangerang, "operator")
    with pytest.raises(Conflict) as stale:
        services.reject(staff=second, complaint=c, reason="Spam", version=seen)
    assert stale.value.status == 409
    fresh = Complaint.objects.get(pk=c.pk)
    assert fresh.status == "verified" and fresh.title == "Judul pertama"


def test_event_is_append_only(submit):
    c, _token = submit()
    event = Event.objects.get(complaint=c)
    event.text = "changed"
    with pytest.raises(RuntimeError):
        event.save()
    with pytest.raises(RuntimeError):
        event.delete()


def test_times_are_stored_in_utc(submit):
    c, _token = submit()
    assert c.submitted_at.utcoffset() == timedelta(0)
    assert abs(c.submitted_at - timezone.now()) < timedelta(minutes=1)
