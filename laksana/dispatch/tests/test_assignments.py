"""The assignment state machine: legal steps, illegal steps, times, evidence, resolving."""

from datetime import timedelta

import pytest
import time_machine
from PIL import Image

from laksana.common.errors import (
    Conflict,
    Forbidden,
    InvalidTransition,
    NotFound,
    ValidationFailed,
)
from laksana.complaints.models import Attachment, Complaint, Event
from laksana.dispatch import assignments as work
from laksana.dispatch.models import Assignment, FieldOfficer
from laksana.dispatch.officers import officer_for
from laksana.dispatch.tests.helpers import FAR, NEAR, photo
from laksana.testing.personas import staff

pytestmark = pytest.mark.django_db


def _field_steps(complaint):
    return [
        (e.type, e.data.get("step"))
        for e in Event.objects.filter(complaint=complaint, type__in=("assigned", "field"))
    ]


def test_officer_goes_from_assigned_to_finished_and_every_step_is_timed(
    dispatched, pupr, officer, media_root
):
    complaint = dispatched()
    with time_machine.travel("2026-11-09 01:00:00+00:00", tick=False) as moment:
        (task,) = work.assign(
            staff=pupr, complaint=complaint, officers=[officer_for(officer)], instructions="Cepat"
        )
        moment.shift(timedelta(minutes=4))
        task = work.start(staff=officer, assignment=task)
        assert FieldOfficer.objects.get(user=officer.user).availability == "busy"
        moment.shift(timedelta(minutes=17))
        arrival = work.check_in(staff=officer, assignment=task, lat=NEAR[0], lng=NEAR[1])
        assert arrival.warning == "" and 40 < arrival.distance_m < 60
        moment.shift(timedelta(minutes=35))
        task = work.finish(
            staff=officer, assignment=task, photo=photo(), outcome="fixed", notes="Ditambal."
        )
    task = Assignment.objects.get(pk=task.pk)
    assert task.state == "finished"
    assert task.time_to_start == timedelta(minutes=4)
    assert task.travel_time == timedelta(minutes=17)
    assert task.time_on_site == timedelta(minutes=35)
    assert task.after_photo.purpose == "evidence"
    assert FieldOfficer.objects.get(user=officer.user).availability == "on_duty"
    assert _field_steps(complaint) == [
        ("assigned", None),
        ("field", "en_route"),
        ("field", "on_site"),
        ("field", "finished"),
    ]
    checkin = Event.objects.get(complaint=complaint, type="field", data__step="on_site")
    assert checkin.data["distance_m"] == round(arrival.distance_m)


ILLEGAL = {
    "assigned": ["check_in", "finish"],
    "en_route": ["start", "finish"],
    "on_site": ["start", "check_in"],
    "finished": ["start", "check_in", "finish", "unable"],
    "unable": ["start", "check_in", "finish", "unable"],
}


def _bring_to(state, task, officer):
    if state == "unable":
        return work.unable(staff=officer, assignment=task, reason="Akses jalan ditutup warga.")
    if state == "assigned":
        return task
    task = work.start(staff=officer, assignment=task)
    if state == "en_route":
        return task
    task = work.check_in(staff=officer, assignment=task, lat=NEAR[0], lng=NEAR[1]).assignment
    if state == "on_site":
        return task
    return work.finish(staff=officer, assignment=task, photo=photo(), outcome="fixed")


def _attempt(step, task, officer):
    return {
        "start": lambda: work.start(staff=officer, assignment=task),
        "check_in": lambda: work.check_in(staff=officer, assignment=task, lat=NEAR[0], lng=NEAR[1]),
        "finish": lambda: work.finish(
            staff=officer, assignment=task, photo=photo(), outcome="fixed"
        ),
        "unable": lambda: work.unable(staff=officer, assignment=task, reason="Hujan deras."),
    }[step]()


@pytest.mark.parametrize(
    ("state", "step"), [(state, step) for state, steps in ILLEGAL.items() for step in steps]
)
def test_illegal_step_is_refused_with_409_and_changes_nothing(
    dispatched, pupr, officer, media_root, state, step
):
    complaint = dispatched()
    (task,) = work.assign(staff=pupr, complaint=complaint, officers=[officer_for(officer)])
    task = _bring_to(state, task, officer)
    events = Event.objects.filter(complaint=complaint).count()
    photos = Attachment.objects.filter(complaint=complaint).count()
    with pytest.raises(InvalidTransition) as refused:
        _attempt(step, task, officer)
    assert refused.value.status == 409
    assert Assignment.objects.get(pk=task.pk).state == state
    assert Event.objects.filter(complaint=complaint).count() == events
    assert Attachment.objects.filter(complaint=complaint).count() == photos


@pytest.mark.parametrize("state", ["assigned", "en_route", "on_site"])
def test_officer_may_give_up_from_any_open_state_with_a_reason(
    dispatched, pupr, officer, media_root, state
):
    (task,) = work.assign(staff=pupr, complaint=dispatched(), officers=[officer_for(officer)])
    task = _bring_to(state, task, officer)
    with pytest.raises(ValidationFailed):
        work.unable(staff=officer, assignment=task, reason="  ")
    task = work.unable(staff=officer, assignment=task, reason="Butuh alat berat.")
    assert Assignment.objects.get(pk=task.pk).state == "unable"
    last = Event.objects.filter(complaint=task.complaint).last()
    assert (last.type, last.is_public, last.data["reason"]) == ("field", False, "Butuh alat berat.")


def test_check_in_far_away_or_without_gps_is_flagged_but_allowed(dispatched, pupr, make_officer):
    complaint = dispatched()
    (far, _p1), (blind, _p2) = make_officer("far-tng"), make_officer("blind-tng")
    first, second = work.assign(
        staff=pupr, complaint=complaint, officers=[officer_for(far), officer_for(blind)]
    )
    work.start(staff=far, assignment=first)
    work.start(staff=blind, assignment=second)
    away = work.check_in(staff=far, assignment=first, lat=FAR[0], lng=FAR[1], accuracy="12")
    assert away.warning == "far" and 1050 < away.distance_m < 1150
    assert away.assignment.state == "on_site" and away.assignment.checkin_accuracy_m == 12
    nowhere = work.check_in(staff=blind, assignment=second)
    assert nowhere.warning == "no_location" and nowhere.distance_m is None
    with pytest.raises(ValidationFailed):
        work.check_in(staff=blind, assignment=second, lat="91", lng="106")


def test_two_taps_at_once_move_the_task_only_once(dispatched, pupr, officer):
    (task,) = work.assign(staff=pupr, complaint=dispatched(), officers=[officer_for(officer)])
    stale = Assignment.objects.get(pk=task.pk)
    work.start(staff=officer, assignment=task)
    # The second tap read the task before the first one committed: the conditional update loses.
    with pytest.raises(InvalidTransition) as lost:
        work._move(stale, "en_route")
    assert lost.value.code == "stale_task"
    assert Event.objects.filter(complaint=task.complaint, type="field").count() == 1


def test_officers_cannot_touch_each_others_tasks(dispatched, pupr, officer, make_officer):
    (task,) = work.assign(staff=pupr, complaint=dispatched(), officers=[officer_for(officer)])
    colleague, _profile = make_officer("rudi-tng")
    with pytest.raises(NotFound):
        work.start(staff=colleague, assignment=task)
    assert list(work.tasks_of(colleague)) == []
    assert [t.pk for t in work.tasks_of(officer)] == [task.pk]


def test_who_may_assign_and_whom(dispatched, pupr, operator, officer, make_officer, tangerang):
    complaint = dispatched()
    joko = officer_for(officer)
    dlh_staff = staff("dlh-tng", tangerang, "agency_staff", "DLH")
    with pytest.raises(Forbidden):
        work.assign(staff=dlh_staff, complaint=complaint, officers=[joko])
    with pytest.raises(Forbidden):
        work.assign(staff=officer, complaint=complaint, officers=[joko])
    _dlh_officer, dlh_profile = make_officer("dlh-petugas", agency="DLH")
    with pytest.raises(ValidationFailed) as wrong:
        work.assign(staff=pupr, complaint=complaint, officers=[dlh_profile])
    assert wrong.value.code == "wrong_agency"
    work.assign(staff=operator, complaint=complaint, officers=[joko])
    with pytest.raises(Conflict):
        work.assign(staff=pupr, complaint=complaint, officers=[joko])
    assert Assignment.objects.filter(complaint=complaint).count() == 1


def test_only_dispatched_or_accepted_complaints_get_officers(submit, operator, officer):
    complaint, _token = submit()
    with pytest.raises(InvalidTransition):
        work.assign(staff=operator, complaint=complaint, officers=[officer_for(officer)])


def test_after_photo_is_required_and_stored_without_exif(dispatched, pupr, officer, media_root):
    (task,) = work.assign(staff=pupr, complaint=dispatched(), officers=[officer_for(officer)])
    task = _bring_to("on_site", task, officer)
    with pytest.raises(ValidationFailed) as missing:
        work.finish(staff=officer, assignment=task, photo=None, outcome="fixed")
    assert missing.value.code == "photo_required"
    task = work.finish(staff=officer, assignment=task, photo=photo(gps=True), outcome="fixed")
    stored = Attachment.objects.get(pk=task.after_photo_id)
    assert stored.uploaded_by == officer.user
    with stored.file.open("rb") as fh, Image.open(fh) as image:
        assert not image.getexif() and "exif" not in image.info


def test_a_broken_photo_leaves_the_task_on_site(dispatched, pupr, officer, media_root):
    from django.core.files.uploadedfile import SimpleUploadedFile

    (task,) = work.assign(staff=pupr, complaint=dispatched(), officers=[officer_for(officer)])
    task = _bring_to("on_site", task, officer)
    junk = SimpleUploadedFile("x.jpg", b"not a photo at all", content_type="image/jpeg")
    with pytest.raises(ValidationFailed):
        work.finish(staff=officer, assignment=task, photo=junk, outcome="fixed")
    assert Assignment.objects.get(pk=task.pk).state == "on_site"


def test_agency_resolves_in_one_step_once_every_officer_is_done(
    dispatched, pupr, officer, make_officer, media_root
):
    complaint = dispatched()
    helper, helper_profile = make_officer("andi-tng")
    mine, theirs = work.assign(
        staff=pupr, complaint=complaint, officers=[officer_for(officer), helper_profile]
    )
    _bring_to("finished", mine, officer)
    with pytest.raises(InvalidTransition) as open_work:
        work.resolve_with_evidence(staff=pupr, complaint=complaint)
    assert open_work.value.code == "field_work_open"
    work.unable(staff=helper, assignment=theirs, reason="Dipanggil ke lokasi lain.")
    resolved = work.resolve_with_evidence(
        staff=pupr, complaint=Complaint.objects.get(pk=complaint.pk)
    )
    assert resolved.status == "resolved"  # accepted and resolved: it was still 'dispatched'
    types = list(Event.objects.filter(complaint=complaint).values_list("type", flat=True))
    assert types[-2:] == ["accepted", "resolved"]
    resolution = Event.objects.filter(complaint=complaint, type="resolved").get()
    assert "Masalah sudah ditangani" in resolution.text


def test_resolving_needs_finished_field_work(dispatched, pupr, officer):
    complaint = dispatched()
    with pytest.raises(InvalidTransition):
        work.resolve_with_evidence(staff=pupr, complaint=complaint)
    (task,) = work.assign(staff=pupr, complaint=complaint, officers=[officer_for(officer)])
    work.unable(staff=officer, assignment=task, reason="Lokasi tidak ditemukan.")
    with pytest.raises(InvalidTransition):
        work.resolve_with_evidence(staff=pupr, complaint=complaint)


def test_a_forwarded_complaint_cannot_be_worked_by_the_old_agency(
    dispatched, pupr, officer, media_root
):
    from laksana.complaints import services

    complaint = dispatched()
    (task,) = work.assign(staff=pupr, complaint=complaint, officers=[officer_for(officer)])
    services.forward(staff=pupr, complaint=complaint, agency_code="DLH", reason="Sampah.")
    with pytest.raises(InvalidTransition) as moved:
        work.start(staff=officer, assignment=task)
    assert moved.value.code == "complaint_moved_on"
