"""Working time of a region: weekends, national holidays and cuti bersama (holidays package, ID),
the days the region declares off or cancels, office hours and the command center's duty hours.

Working time is measured in seconds that fall inside office hours on working days (the office
clock) or inside duty hours on any day (the duty clock). A deadline of N working days is N office
days of working time after its start, at the earliest moment that much has passed: started during
office hours it lands at the same time of day N working days later; started at opening time or
outside office hours, at closing time of the N-th working day (counting the start day if it opens
later that day).

The calendar itself is plain data (WorkingCalendar). Each region's settings are kept by the sla
app, which installs a loader here at start-up (set_loader), so this module knows nothing about it.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

from .models import Region

WEEKEND = {5, 6}  # Saturday, Sunday (date.weekday())
OFFICE_HOURS = (time(8, 0), time(16, 0))
# A calendar with no working time at all (every day a weekend) would make a deadline unreachable;
# searching further than this for working time is a configuration error, not a long wait.
HORIZON_DAYS = 3 * 366


@lru_cache(maxsize=64)
def _national_holidays(year: int) -> frozenset[date]:
    found = holidays.country_holidays("ID", years=year, categories=("public", "government"))
    return frozenset(found.keys())


@dataclass(frozen=True)
class WorkingCalendar:
    tz: ZoneInfo
    weekend: frozenset[int] = frozenset(WEEKEND)
    national_holidays: bool = True
    days_off: frozenset[date] = field(default_factory=frozenset)  # declared by the region
    days_on: frozenset[date] = field(default_factory=frozenset)  # days off the region cancels
    office: tuple[time, time] = OFFICE_HOURS
    duty: tuple[time, time] | None = None  # None: the command center is staffed 24/7

    def is_working_day(self, day: date) -> bool:
        if day in self.days_on:
            return True
        if day in self.days_off or day.weekday() in self.weekend:
            return False
        return not (self.national_holidays and day in _national_holidays(day.year))

    @property
    def office_day_seconds(self) -> int:
        start, end = self.office
        return _seconds(end) - _seconds(start)

    # -- the two clocks ------------------------------------------------------------------------

    def _office(self, day: date) -> Iterator[tuple[datetime, datetime]]:
        if self.is_working_day(day):
            yield self._at(day, self.office[0]), self._at(day, self.office[1])

    def _duty(self, day: date) -> Iterator[tuple[datetime, datetime]]:
        if self.duty is None:
            yield self._at(day, time(0)), self._at(day + timedelta(days=1), time(0))
            return
        start, end = self.duty
        # A shift ending at or before it starts runs past midnight (e.g. 22:00–06:00).
        end_day = day if end > start else day + timedelta(days=1)
        yield self._at(day, start), self._at(end_day, end)

    def _at(self, day: date, moment: time) -> datetime:
        return datetime.combine(day, moment, tzinfo=self.tz)

    def _intervals(self, clock: str, since: datetime) -> Iterator[tuple[datetime, datetime]]:
        spans = self._duty if clock == "duty" else self._office
        # From the day before: a night shift that began yesterday may still be running.
        day = since.astimezone(self.tz).date() - timedelta(days=1)
        for offset in range(HORIZON_DAYS):
            yield from spans(day + timedelta(days=offset))
        raise ValueError("No working time within three years: check the region's calendar.")

    def add(self, start: datetime, seconds: float, *, clock: str = "office") -> datetime:
        """The earliest moment at which `seconds` of working time have passed since `start`."""
        if seconds <= 0:
            return start
        remaining = timedelta(seconds=seconds)
        for begin, end in self._intervals(clock, start):
            if end <= start:
                continue
            begin = max(begin, start)
            if remaining <= end - begin:
                return (begin + remaining).astimezone(self.tz)
            remaining -= end - begin
        raise AssertionError("unreachable")  # _intervals raises first

    def between(self, start: datetime, end: datetime, *, clock: str = "office") -> float:
        """Working seconds from `start` to `end` (negative when `end` comes first)."""
        if end < start:
            return -self.between(end, start, clock=clock)
        total = 0.0
        for begin, finish in self._intervals(clock, start):
            if begin >= end:
                break
            overlap = min(finish, end) - max(begin, start)
            if overlap > timedelta(0):
                total += overlap.total_seconds()
        return total

    def add_working_days(self, start: datetime, days: int) -> datetime:
        return self.add(start, days * self.office_day_seconds)


def _seconds(moment: time) -> int:
    return moment.hour * 3600 + moment.minute * 60 + moment.second


def default_calendar(region: Region) -> WorkingCalendar:
    return WorkingCalendar(tz=region.tz)


_loader: Callable[[Region], WorkingCalendar] = default_calendar


def set_loader(loader: Callable[[Region], WorkingCalendar]) -> None:
    """Install where regions' calendar settings come from (the sla app does, at start-up)."""
    global _loader
    _loader = loader


def calendar_for(region: Region) -> WorkingCalendar:
    """The region's calendar, loaded once per Region instance (so once per request or job)."""
    cached = region.__dict__.get("_working_calendar")
    if cached is None:
        cached = region.__dict__["_working_calendar"] = _loader(region)
    return cached


def is_working_day(day: date) -> bool:
    """Whether a day is a working day by the national calendar alone (no region settings)."""
    return day.weekday() not in WEEKEND and day not in _national_holidays(day.year)


def add_working_days(region: Region, start: datetime, days: int) -> datetime:
    """The moment `days` whole working days after `start`, in the region's own calendar.

    Started during office hours it keeps the time of day ("10 working days after Monday 09:00"
    ends on a working day at 09:00); started at opening or outside them, at closing time.
    """
    return calendar_for(region).add_working_days(start, days)
