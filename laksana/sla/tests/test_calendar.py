from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from laksana.regions.calendar import WorkingCalendar, add_working_days, calendar_for
from laksana.regions.models import Region
from laksana.sla.models import RegionPolicy

from .scenarios import configure, local, shown

WITA = ZoneInfo("Asia/Makassar")
CALENDARS = {
    "office": WorkingCalendar(tz=WITA),
    "duty 07-22": WorkingCalendar(tz=WITA, duty=(time(7), time(22))),
    "night shift": WorkingCalendar(tz=WITA, duty=(time(22), time(6))),
}
moments = st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2027, 12, 31)).map(
    lambda d: d.replace(tzinfo=WITA)
)


@settings(max_examples=60, deadline=None)
@given(
    name=st.sampled_from(sorted(CALENDARS)),
    start=moments,
    seconds=st.integers(min_value=1, max_value=40 * 8 * 3600),
)
def test_adding_working_time_then_measuring_it_gives_it_back(name, start, seconds):
    calendar = CALENDARS[name]
    clock = "office" if name == "office" else "duty"
    end = calendar.add(start, seconds, clock=clock)
    assert end > start
    assert calendar.between(start, end, clock=clock) == pytest.approx(seconds, abs=1e-3)
    assert calendar.between(end, start, clock=clock) == pytest.approx(-seconds, abs=1e-3)


def test_working_days_follow_the_national_calendar_and_the_region_declarations():
    calendar = WorkingCalendar(
        tz=WITA, days_off=frozenset({date(2026, 11, 6)}), days_on=frozenset({date(2026, 3, 18)})
    )
    assert not calendar.is_working_day(date(2026, 3, 19))  # Nyepi
    assert not calendar.is_working_day(date(2026, 3, 23))  # cuti bersama Idul Fitri
    assert calendar.is_working_day(date(2026, 3, 18))  # cuti bersama cancelled by the region
    assert not calendar.is_working_day(date(2026, 11, 6))  # declared off by the region
    assert not calendar.is_working_day(date(2026, 11, 7))  # Saturday
    assert WorkingCalendar(tz=WITA, national_holidays=False).is_working_day(date(2026, 3, 19))


def test_a_calendar_without_any_working_day_is_refused_not_looped_over():
    never = WorkingCalendar(tz=WITA, weekend=frozenset(range(7)))
    with pytest.raises(ValueError):
        never.add(datetime(2026, 1, 5, 9, tzinfo=WITA), 3600)


@pytest.mark.django_db
def test_reopen_window_uses_the_region_calendar(tangerang):
    configure(tangerang, days=[("2026-11-13", "off")])
    fresh = Region.objects.get(pk=tangerang.pk)
    resolved = local(fresh, "2026-11-06 10:00")
    # Ten working days after Fri 6 Nov 10:00, skipping the declared Fri 13 Nov: Mon 23 Nov.
    assert shown(fresh, add_working_days(fresh, resolved, 10)) == "2026-11-23 10:00"
    assert calendar_for(fresh) is calendar_for(fresh)  # loaded once per region instance


@pytest.mark.django_db
def test_policy_refuses_impossible_hours(tangerang):
    from django.core.exceptions import ValidationError

    policy = RegionPolicy(region=tangerang, office_start=time(16), office_end=time(8))
    with pytest.raises(ValidationError):
        policy.full_clean()
    policy = RegionPolicy(region=tangerang, weekend="6,8", duty_start=time(7))
    with pytest.raises(ValidationError) as error:
        policy.full_clean()
    assert "weekend" in error.value.message_dict


def test_day_lengths_come_from_office_hours():
    calendar = WorkingCalendar(tz=WITA, office=(time(7, 30), time(16)))
    assert calendar.office_day_seconds == 8.5 * 3600
    opening = datetime(2026, 11, 2, 7, 30, tzinfo=WITA)
    # A whole working day from opening time is used up at closing time, the same day.
    assert calendar.add_working_days(opening, 1) == opening.replace(hour=16, minute=0)
    assert calendar.add_working_days(opening + timedelta(hours=1), 1) == opening + timedelta(
        days=1, hours=1
    )
