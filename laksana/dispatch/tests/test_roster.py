"""The duty roster: planning shifts (no double booking), gaps in coverage, clocking in and out."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from laksana.common.errors import Conflict, Forbidden, InvalidTransition, ValidationFailed
from laksana.dispatch import roster
from laksana.dispatch.models import Desk, FieldOfficer
from laksana.dispatch.officers import officer_for, report_location, set_location_sharing
from laksana.testing.personas import staff

pytestmark = pytest.mark.django_db
WIB = ZoneInfo("Asia/Jakarta")


def at(hour: int, day: int = 9) -> datetime:
    """9 November 2026 (a Monday), the given hour in WIB; hour 24 is midnight after."""
    return datetime(2026, 11, day, tzinfo=WIB) + timedelta(hours=hour)


@pytest.fixture
def desks(tangerang, officer):
    """The standard desks by key: "operators", an agency code, or "squad:" + an agency code."""
    keys = {"operators": "operators", "agency": "", "squad": "squad:"}
    return {
        keys[d.kind] + (d.agency.code if d.agency else ""): d
        for d in roster.ensure_desks(tangerang)
    }


def test_standard_desks_are_one_per_agency_plus_operators_and_squads(tangerang, desks):
    again = roster.ensure_desks(tangerang)
    assert len(again) == len(desks)
    kinds = [d.kind for d in again]
    agencies = tangerang.agencies.filter(is_active=True).count()
    assert kinds.count("operators") == 1 and kinds.count("agency") == agencies
    assert [d.name for d in again if d.kind == "squad"] == ["Regu Dinas PUPR"]


def test_a_person_cannot_be_on_two_shifts_at_once(operator, tangerang, desks):
    op_desk = desks["operators"]
    other = staff("op2-tng", tangerang, "operator")
    roster.plan_shift(
        staff=operator, desk=op_desk, user_id=operator.user.pk, starts_at=at(7), ends_at=at(15)
    )
    # Handover without a gap, and a colleague overlapping at the same desk: both fine.
    roster.plan_shift(
        staff=operator, desk=op_desk, user_id=operator.user.pk, starts_at=at(15), ends_at=at(23)
    )
    roster.plan_shift(
        staff=operator, desk=op_desk, user_id=other.user.pk, starts_at=at(12), ends_at=at(20)
    )
    second_desk = Desk.objects.create(region=tangerang, kind="operators", name="Meja 112")
    with pytest.raises(ValidationFailed) as clash:
        roster.plan_shift(
            staff=operator,
            desk=second_desk,
            user_id=operator.user.pk,
            starts_at=at(14),
            ends_at=at(16),
        )
    assert clash.value.code == "overlap"
    assert "Meja Operator" in str(clash.value.detail)


@pytest.mark.parametrize(
    ("start", "end", "code"), [(9, 8, "bad_period"), (8, 8, "bad_period"), (0, 25, "bad_period")]
)
def test_shift_periods_must_make_sense(operator, desks, start, end, code):
    with pytest.raises(ValidationFailed) as bad:
        roster.plan_shift(
            staff=operator,
            desk=desks["operators"],
            user_id=operator.user.pk,
            starts_at=at(start),
            ends_at=at(end),
        )
    assert bad.value.code == code


def test_only_planners_plan_and_only_eligible_people_sit(operator, pupr, tangerang, desks):
    pupr_admin = staff("pupr-admin", tangerang, "agency_admin", "PUPR")
    with pytest.raises(Forbidden):
        roster.plan_shift(
            staff=pupr, desk=desks["PUPR"], user_id=pupr.user.pk, starts_at=at(8), ends_at=at(9)
        )
    with pytest.raises(Forbidden):
        roster.plan_shift(
            staff=pupr_admin,
            desk=desks["operators"],
            user_id=operator.user.pk,
            starts_at=at(8),
            ends_at=at(9),
        )
    with pytest.raises(ValidationFailed) as wrong_desk:
        roster.plan_shift(
            staff=operator,
            desk=desks["operators"],
            user_id=pupr.user.pk,
            starts_at=at(8),
            ends_at=at(9),
        )
    assert wrong_desk.value.code == "not_eligible"
    shift = roster.plan_shift(
        staff=pupr_admin, desk=desks["PUPR"], user_id=pupr.user.pk, starts_at=at(8), ends_at=at(9)
    )
    assert shift.created_by == pupr_admin.user


def test_gaps_are_the_stretches_nobody_is_planned(operator, tangerang, desks):
    desk = desks["operators"]
    other = staff("op2-tng", tangerang, "operator")
    for person, start, end in [(operator, 0, 8), (other, 7, 15), (operator, 16, 24)]:
        roster.plan_shift(
            staff=operator, desk=desk, user_id=person.user.pk, starts_at=at(start), ends_at=at(end)
        )
    assert roster.coverage_gaps(desk=desk, start=at(0), end=at(24)) == [(at(15), at(16))]
    assert roster.coverage_gaps(desk=desk, start=at(-6), end=at(30)) == [
        (at(-6), at(0)),
        (at(15), at(16)),
        (at(24), at(30)),
    ]
    assert roster.coverage_gaps(desk=desk, start=at(1), end=at(14)) == []
    assert roster.coverage_gaps(desk=desks["PUPR"], start=at(0), end=at(24)) == [(at(0), at(24))]


def test_clocking_in_and_out_and_who_is_on_duty_now(operator, tangerang, desks):
    desk = desks["operators"]
    late = staff("op-late", tangerang, "operator")
    with time_machine.travel(at(6), tick=False) as moment:
        shift = roster.plan_shift(
            staff=operator, desk=desk, user_id=operator.user.pk, starts_at=at(7), ends_at=at(15)
        )
        roster.plan_shift(
            staff=operator, desk=desk, user_id=late.user.pk, starts_at=at(7), ends_at=at(15)
        )
        moment.move_to(at(6.75))
        period = roster.clock_in(staff=operator, desk=desk)
        assert period.shift == shift  # 15 minutes early still counts for the shift
        with pytest.raises(Conflict):
            roster.clock_in(staff=operator, desk=desk)
        moment.move_to(at(8))
        now = roster.on_duty_now(tangerang)
        assert [p.user for p in now.periods] == [operator.user]
        assert [s.user for s in now.absent] == [late.user]
        assert now.counts["operators"] == 1
        moment.move_to(at(15))
        period = roster.clock_out(staff=operator)
        assert period.clocked_out_at == at(15)
        with pytest.raises(InvalidTransition):
            roster.clock_out(staff=operator)
        assert roster.on_duty_now(tangerang).periods == []


def test_people_sit_only_at_their_own_desks(pupr, officer, desks):
    with pytest.raises(Forbidden):
        roster.clock_in(staff=pupr, desk=desks["operators"])
    with pytest.raises(Forbidden):
        roster.clock_in(staff=officer, desk=desks["PUPR"])
    with pytest.raises(Forbidden):
        roster.clock_in(staff=pupr, desk=desks["DLH"])


def test_officers_in_a_squad_are_available_while_clocked_in_and_forgotten_after(officer, desks):
    profile = officer_for(officer)
    profile.availability = "off_duty"
    FieldOfficer.objects.filter(pk=profile.pk).update(availability="off_duty")
    roster.clock_in(staff=officer, desk=desks["squad:PUPR"])
    profile.refresh_from_db()
    assert profile.availability == "on_duty"
    set_location_sharing(officer=profile, enabled=True)
    report_location(officer=profile, lat=-6.17, lng=106.63)
    roster.clock_out(staff=officer)
    profile.refresh_from_db()
    assert (profile.availability, profile.last_lat, profile.last_located_at) == (
        "off_duty",
        None,
        None,
    )
    with pytest.raises(InvalidTransition):
        report_location(officer=profile, lat=-6.17, lng=106.63)


def test_only_shifts_that_have_not_begun_can_be_removed(operator, desks):
    desk = desks["operators"]
    with time_machine.travel(at(6), tick=False) as moment:
        shift = roster.plan_shift(
            staff=operator, desk=desk, user_id=operator.user.pk, starts_at=at(7), ends_at=at(8)
        )
        later = roster.plan_shift(
            staff=operator, desk=desk, user_id=operator.user.pk, starts_at=at(9), ends_at=at(10)
        )
        moment.move_to(at(7.5))
        with pytest.raises(InvalidTransition):
            roster.cancel_shift(staff=operator, shift=shift)
        roster.cancel_shift(staff=operator, shift=later)
    assert list(desk.shifts.all()) == [shift]


def test_duty_history_shows_an_agency_only_its_own_desks(operator, pupr, officer, desks):
    with time_machine.travel(at(6), tick=False):
        roster.clock_in(staff=operator, desk=desks["operators"])
        roster.clock_in(staff=pupr, desk=desks["PUPR"])
        roster.clock_in(staff=officer, desk=desks["squad:PUPR"])
    window = {"start": at(0), "end": at(24)}
    everyone = {p.user for p in roster.history(staff=operator, **window)}
    assert everyone == {operator.user, pupr.user, officer.user}
    assert {p.user for p in roster.history(staff=pupr, **window)} == {pupr.user, officer.user}
    assert {p.user for p in roster.history(staff=officer, **window)} == {officer.user}
    assert list(roster.history(staff=operator, start=at(24), end=at(48))) != []  # still open
    assert list(roster.history(staff=operator, start=at(-24), end=at(0))) == []


def test_history_windows_are_whole_local_days(tangerang):
    start, end = roster.day_window(tangerang, at(0).date(), at(0).date())
    assert (start, end) == (at(0), at(24))
    with pytest.raises(ValidationFailed):
        roster.day_window(tangerang, at(0).date(), at(-24).date())
