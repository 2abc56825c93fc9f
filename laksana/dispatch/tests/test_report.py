"""The duty report: operators on duty, acknowledgment and handling times per shift and person."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from laksana.common.errors import Forbidden
from laksana.complaints import services
from laksana.dispatch import assignments as work
from laksana.dispatch import roster
from laksana.dispatch.officers import officer_for
from laksana.dispatch.report import duty_report
from laksana.dispatch.tests.helpers import NEAR, photo
from laksana.testing.personas import staff

pytestmark = pytest.mark.django_db
WIB = ZoneInfo("Asia/Jakarta")
MIN = 60


def at(hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, 9, hour, minute, tzinfo=WIB)


def test_report_times_acknowledgments_and_decisions_per_shift_and_person(
    submit, operator, pupr, officer, tangerang, media_root
):
    desks = {
        d.kind + (d.agency.code if d.agency else ""): d for d in roster.ensure_desks(tangerang)
    }
    night = staff("op-night", tangerang, "operator")
    with time_machine.travel(at(8), tick=False) as clock:
        roster.clock_in(staff=operator, desk=desks["operators"])
        roster.clock_in(staff=pupr, desk=desks["agencyPUPR"])

        def step(hour, minute, action):
            clock.move_to(at(hour, minute))
            return action()

        first = step(8, 10, lambda: submit()[0])
        first = step(8, 15, lambda: services.verify(staff=operator, complaint=first))  # 5 min
        first = step(8, 20, lambda: services.dispose(staff=operator, complaint=first))  # 5 min
        step(8, 27, lambda: services.acknowledge_disposition(staff=pupr, complaint=first))  # 7
        second = step(8, 30, lambda: submit(description="Lubang di Jalan Daan Mogot.")[0])
        second = step(8, 32, lambda: services.verify(staff=operator, complaint=second))  # 2 min
        second = step(8, 40, lambda: services.dispose(staff=operator, complaint=second))  # 8 min
        first = step(8, 40, lambda: services.accept(staff=pupr, complaint=first))  # 20 min
        step(8, 43, lambda: services.acknowledge_disposition(staff=pupr, complaint=second))  # 3
        (task,) = step(
            9, 0, lambda: work.assign(staff=pupr, complaint=first, officers=[officer_for(officer)])
        )
        step(9, 6, lambda: work.start(staff=officer, assignment=task))
        step(9, 30, lambda: work.check_in(staff=officer, assignment=task, lat=NEAR[0], lng=NEAR[1]))
        step(
            10,
            0,
            lambda: work.finish(staff=officer, assignment=task, photo=photo(), outcome="fixed"),
        )
        step(12, 0, lambda: roster.clock_out(staff=operator))
        third = step(12, 55, lambda: submit(description="Jalan amblas dekat pasar.")[0])
        step(13, 0, lambda: services.verify(staff=operator, complaint=third))  # 5 min, off duty
        step(13, 30, lambda: roster.clock_in(staff=night, desk=desks["operators"]))
        clock.move_to(at(14))
        report = duty_report(staff=operator, start=at(0), end=at(0) + timedelta(days=1))

    assert report.operators_on_duty == 1  # the night operator, clocked in at 13:30
    rows = {r.period.user.username: r for r in report.shifts}
    assert rows["op-tng"].handling.seconds == [5 * MIN, 5 * MIN, 2 * MIN, 8 * MIN]
    assert rows["op-tng"].handling.median == 5 * MIN and rows["op-tng"].ack.count == 0
    assert rows["pupr-tng"].ack.seconds == [7 * MIN, 3 * MIN]
    assert rows["pupr-tng"].ack.median == 5 * MIN
    assert rows["pupr-tng"].handling.seconds == [20 * MIN]
    assert rows["op-night"].handling.count == 0
    people = {p.name: p for p in report.people}
    op = people["Op-Tng"]
    assert (op.handling.count, op.outside_duty, op.seconds_on_duty) == (5, 1, 4 * 3600)
    assert report.ack.as_dict() == {"count": 2, "median_seconds": 300, "mean_seconds": 300}
    (field,) = report.field_work
    assert (field.assigned, field.finished) == (1, 1)
    assert (field.to_start.seconds, field.travel.seconds, field.on_site.seconds) == (
        [6 * MIN],
        [24 * MIN],
        [30 * MIN],
    )


def test_report_is_for_the_command_center_and_leaders(pupr, officer, tangerang):
    viewer = staff("pimpinan-tng", tangerang, "viewer")
    assert duty_report(staff=viewer, start=at(0), end=at(23)).shifts == []
    for person in (pupr, officer):
        with pytest.raises(Forbidden):
            duty_report(staff=person, start=at(0), end=at(23))
