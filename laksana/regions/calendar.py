"""Working days of a region: weekends, national holidays and cuti bersama (holidays package, ID)."""

from datetime import date, datetime, timedelta
from functools import lru_cache

import holidays

from .models import Region

WEEKEND = {5, 6}  # Saturday, Sunday


@lru_cache(maxsize=64)
def _national_holidays(year: int) -> frozenset[date]:
    found = holidays.country_holidays("ID", years=year, categories=("public", "government"))
    return frozenset(found.keys())


def is_working_day(day: date) -> bool:
    return day.weekday() not in WEEKEND and day not in _national_holidays(day.year)


def add_working_days(region: Region, start: datetime, days: int) -> datetime:
    """The moment `days` whole working days after `start`, counted in the region's own calendar.

    Steps: convert to the region's zone; step one calendar day at a time, counting only working
    days; keep the time of day, so "10 working days after Monday 09:00" ends on a weekday 09:00.
    """
    local = start.astimezone(region.tz)
    remaining = days
    while remaining > 0:
        local += timedelta(days=1)
        if is_working_day(local.date()):
            remaining -= 1
    return local
