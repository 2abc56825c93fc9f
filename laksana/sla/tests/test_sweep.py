import threading

import pytest
from django.db import connection
from django_tasks_db.models import DBTaskResult

from laksana.common.errors import InvalidTransition
from laksana.complaints import services
from laksana.complaints.models import Complaint, Event, StatusCount
from laksana.notify.models import Notification
from laksana.sla.services import overdue_counts
from laksana.sla.services.sweep import sweep
from laksana.sla.tasks import sweep as sweep_task
from laksana.sla.worker import Worker
from laksana.testing.personas import CONTOH_DIR, ensure_region

from .scenarios import (
    configure,
    contoh_place,
    frozen,
    local,
    shown,
    tangerang_place,
    walk,
    with_email,
)


def _events(complaint, *types):
    return list(
        Event.objects.filter(complaint=complaint, type__in=types)
        .order_by("id")
        .values_list("type", "data")
    )


def _told(event_type):
    return sorted(
        Notification.objects.filter(event__type=event_type, audience="staff").values_list(
            "recipient", flat=True
        )
    )


@pytest.mark.django_db
def test_breach_tells_the_agency_admin_then_the_command_center(tangerang):
    with_email("dishub-admin", tangerang, "agency_admin", "DISHUB")
    with_email("op-tng", tangerang, "operator")
    place = tangerang_place(tangerang)
    # Respond by Monday 9 November 09:00 WIB (5 working days after disposition).
    c = walk(place, "respond", local(tangerang, "2026-11-02 09:00"))
    assert sweep(now=local(tangerang, "2026-11-09 08:59")).overdue == 0
    first = sweep(now=local(tangerang, "2026-11-09 09:01"))
    second = sweep(now=local(tangerang, "2026-11-09 09:30"))
    assert (first.overdue, second.overdue, second.escalated) == (1, 0, 0)
    before = c.version
    c.refresh_from_db()
    # The sweep wrote the level only: no status change, no version bump for staff forms.
    assert (c.overdue_level, c.status, c.version) == (1, "in_progress", before)
    [(kind, data)] = _events(c, "overdue", "escalated")
    assert (kind, data["stage"], data["level"], data["notify"]) == (
        "overdue",
        "respond",
        1,
        "agency_admins",
    )
    assert _told("overdue") == ["dishub-admin@pemkot.example.id"]
    # Level 2: one working day (480 office minutes) later, Tuesday 09:00, the command center.
    assert sweep(now=local(tangerang, "2026-11-10 08:59")).escalated == 0
    assert sweep(now=local(tangerang, "2026-11-10 09:00")).escalated == 1
    assert sweep(now=local(tangerang, "2026-11-12 09:00")).escalated == 0  # no level 3
    assert [kind for kind, _data in _events(c, "overdue", "escalated")] == [
        "overdue",
        "escalated",
    ]
    assert _told("escalated") == ["op-tng@pemkot.example.id"]
    assert overdue_counts(tangerang, now=local(tangerang, "2026-11-10 10:00")) == {c.agency_id: 1}
    # The agency finally responds: the stage is done, escalation starts over for the next one.
    with frozen(local(tangerang, "2026-11-10 10:00")):
        c = services.respond(staff=place.handler, complaint=c, text="Petugas ke lokasi besok.")
    # The demo region sets a resolve budget: the resolution deadline is next, at level 0.
    assert (c.overdue_level, c.deadline_stage) == (0, "resolve") and c.next_deadline is not None


@pytest.mark.django_db
def test_configured_levels_are_reached_in_one_sweep_each_announced_once(tangerang):
    configure(
        tangerang,
        levels=[(1, 0, "command_center"), (2, 60, "agency_admins"), (3, 120, "command_center")],
    )
    with_email("op-tng", tangerang, "operator")
    place = tangerang_place(tangerang)
    c = walk(place, "verify", local(tangerang, "2026-11-02 10:00"))  # due Thu 5 Nov 10:00
    result = sweep(now=local(tangerang, "2026-11-05 12:30"))
    assert (result.overdue, result.escalated) == (1, 2)
    assert [d["level"] for _k, d in _events(c, "overdue", "escalated")] == [1, 2, 3]
    assert Complaint.objects.get(pk=c.pk).overdue_level == 3
    assert sweep(now=local(tangerang, "2026-11-06 12:30")).as_dict() == {
        "overdue": 0,
        "escalated": 0,
        "closed": 0,
    }


@pytest.mark.django_db
def test_resolved_complaint_closes_itself_after_ten_silent_working_days(tangerang):
    place = tangerang_place(tangerang)
    c = walk(place, "autoclose", local(tangerang, "2026-11-06 10:00"))  # until Fri 20 Nov 10:00
    with frozen(local(tangerang, "2026-11-20 09:59")):
        assert sweep().closed == 0
    with frozen(local(tangerang, "2026-11-20 10:01")):
        assert sweep().closed == 1
        assert sweep().closed == 0
        with pytest.raises(InvalidTransition):
            services.reopen(complaint=c, reason="Masih ada yang parkir.")
    c.refresh_from_db()
    assert (c.status, c.closing_reason, c.deadline_stage) == ("closed", "fixed", "")
    closed = Event.objects.get(complaint=c, type="closed")
    assert closed.actor_label == "Sistem" and closed.is_public
    assert Notification.objects.filter(event=closed, recipient="siti@example.id").count() == 1
    kept = StatusCount.objects.get(region=tangerang, agency_key=c.agency_id, status="closed")
    assert kept.count == 1


@pytest.mark.django_db
def test_citizen_reopening_in_time_stops_the_auto_close(tangerang):
    place = tangerang_place(tangerang)
    c = walk(place, "autoclose", local(tangerang, "2026-11-06 10:00"))
    with frozen(local(tangerang, "2026-11-19 15:00")):
        c = services.reopen(complaint=c, reason="Besoknya parkir liar lagi.")
    # The agency owes a new response: 5 working days from the reopening.
    assert (c.deadline_stage, shown(tangerang, c.next_deadline)) == ("respond", "2026-11-26 15:00")
    with frozen(local(tangerang, "2026-11-20 10:01")):
        assert sweep().closed == 0
    assert Complaint.objects.get(pk=c.pk).status == "in_progress"


@pytest.mark.django_db(transaction=True)  # separate connections must see the data
@pytest.mark.xdist_group("committed")
def test_two_workers_sweeping_the_same_overdue_set_escalate_each_complaint_once():
    region = ensure_region(CONTOH_DIR)
    with_email("op-contoh", region, "operator")
    place = contoh_place(region)
    # No contact given: the only jobs queued are the two sweeps.
    late = [walk(place, "verify", local(region, "2026-11-02 10:00"), email="") for _ in range(6)]
    jobs = [sweep_task.enqueue().id for _ in range(2)]
    workers = [Worker(worker_id=f"w{n}", periodic=()) for n in range(2)]
    start = threading.Barrier(2)
    ran = []

    def work(worker):
        try:
            start.wait()
            # Until the queue is empty: a job an earlier test left behind may be claimed first.
            count = 0
            while worker.run_one():
                count += 1
            ran.append(count)
        finally:
            connection.close()

    with frozen(local(region, "2026-11-05 11:00")):  # past Thursday 10:00 WITA
        threads = [threading.Thread(target=work, args=(w,)) for w in workers]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert sum(ran) >= 2  # the two sweep jobs and whatever an earlier test left behind
    # Only the two jobs queued here: the suite's other tests may leave periodic jobs behind.
    results = DBTaskResult.objects.filter(pk__in=jobs)
    assert {r.status: r.traceback for r in results} == {"SUCCESSFUL": ""}
    assert sum(r.return_value["overdue"] for r in results) == len(late)
    for c in late:
        assert [k for k, _d in _events(c, "overdue", "escalated")] == ["overdue"]
        assert Complaint.objects.get(pk=c.pk).overdue_level == 1
    # No agency yet (verify stage): the command center is told, once per complaint.
    assert Notification.objects.filter(event__type="overdue").count() == len(late)
