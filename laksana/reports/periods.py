"""Report periods: a run of whole days in the region's zone, with the period before it and the
same period a year earlier for comparisons."""

import calendar as month_calendar
from dataclasses import dataclass
from datetime import date, timedelta

from django.http import QueryDict
from django.utils.translation import gettext as _

from laksana.common.errors import ValidationFailed

MONTHS_ID = (
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
)
LAST_DAYS = {"7d": 7, "30d": 30, "90d": 90, "365d": 365}


@dataclass(frozen=True)
class Period:
    first: date
    last: date  # inclusive
    is_month: bool = False

    @classmethod
    def month(cls, text: str) -> "Period":
        """'2026-11': the whole of November 2026."""
        year, month = (int(part) for part in text.split("-"))
        days = month_calendar.monthrange(year, month)[1]
        return cls(date(year, month, 1), date(year, month, days), is_month=True)

    @classmethod
    def last_days(cls, today: date, days: int) -> "Period":
        return cls(today - timedelta(days=days - 1), today)

    @classmethod
    def from_query(cls, data: QueryDict, *, today: date) -> "Period":
        """?month=YYYY-MM, ?from=&to=, or ?period=7d|30d|90d|365d (default 30d)."""
        try:
            if data.get("month"):
                return cls.month(data["month"])
            if data.get("from") or data.get("to"):
                first = date.fromisoformat(data.get("from") or data.get("to"))
                last = date.fromisoformat(data.get("to") or data.get("from"))
                if last < first or (last - first).days > 3 * 366:
                    raise ValueError
                return cls(first, last)
        except ValueError:
            raise ValidationFailed(
                _("Periode tidak valid (bulan TTTT-BB atau tanggal TTTT-BB-HH)."),
                fields={"period": ""},
            ) from None
        days = LAST_DAYS.get(data.get("period") or "30d")
        if days is None:
            raise ValidationFailed(_("Periode tidak dikenal."), fields={"period": ""})
        return cls.last_days(today, days)

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    def previous(self) -> "Period":
        if self.is_month:
            before = self.first - timedelta(days=1)
            return Period.month(f"{before.year}-{before.month:02d}")
        return Period(self.first - timedelta(days=self.days), self.first - timedelta(days=1))

    def year_before(self) -> "Period":
        def back(day: date) -> date:
            try:
                return day.replace(year=day.year - 1)
            except ValueError:  # 29 February
                return day.replace(year=day.year - 1, day=28)

        if self.is_month:
            return Period.month(f"{self.first.year - 1}-{self.first.month:02d}")
        return Period(back(self.first), back(self.last))

    @property
    def label(self) -> str:
        if self.is_month:
            return f"{MONTHS_ID[self.first.month - 1]} {self.first.year}"
        return f"{self.first:%d-%m-%Y} – {self.last:%d-%m-%Y}"

    def query(self) -> dict:
        """The console list's dates for this period (of submission, or of the list's event)."""
        return {"from": self.first.isoformat(), "to": self.last.isoformat()}
