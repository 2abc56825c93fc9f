"""The reports: sums and percentiles over the daily aggregates (models.DailyStat), scoped to a
region and, for agency roles, to their own agencies. Only "open" and "overdue now" read live
state: the status counters the services keep and sla's overdue index scan.

Every function takes a Scope, so a page, an export and the monthly report show the same numbers.
"""

import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np
from django.core.cache import cache
from django.db.models import Q, QuerySet, Sum
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from laksana.agencies.models import Agency, Category, Role
from laksana.agencies.services import Staff
from laksana.complaints.models import OPEN_STATUSES, Channel, Kind, StatusCount
from laksana.regions.models import Area, Region
from laksana.sla.services.counts import overdue_counts

from .models import (
    COUNTERS,
    DURATIONS,
    STAGE_COUNTERS,
    AgencyDay,
    DailyStat,
    DimensionDay,
    RollupCursor,
)
from .periods import Period
from .rollup import AREA_CATEGORY, area_category

HANDLER_ROLES = (Role.AGENCY_ADMIN, Role.AGENCY_STAFF)
STAGE_LABELS = {
    "verify": _("Verifikasi dan disposisi"),
    "acknowledge": _("Konfirmasi disposisi"),
    "respond": _("Tanggapan pertama"),
    "resolve": _("Penyelesaian"),
}
DIMENSIONS = {
    "category": _("Kategori"),
    "kecamatan": _("Kecamatan"),
    "kelurahan": _("Kelurahan"),
    "channel": _("Saluran"),
    "kind": _("Jenis laporan"),
    "agency": pgettext_lazy("laporan", "OPD"),
}


@dataclass(frozen=True)
class Scope:
    """What a report may count: a region, optionally only some agencies, optionally only the
    complaints the public may see."""

    region: Region
    agency_ids: tuple[int, ...] | None = None  # None: the whole region
    published_only: bool = False

    @classmethod
    def for_staff(cls, staff: Staff) -> "Scope":
        if staff.sees_whole_region:
            return cls(staff.region)
        mine = tuple(a for a in staff.agency_ids if a and staff.has_in_agency(a, *HANDLER_ROLES))
        return cls(staff.region, agency_ids=mine)

    @classmethod
    def public(cls, region: Region) -> "Scope":
        return cls(region, published_only=True)

    def narrowed(self, agency_ids: list[int]) -> "Scope":
        """Only these agencies (within what the scope already allows)."""
        allowed = set(agency_ids)
        if self.agency_ids is not None:
            allowed &= set(self.agency_ids)
        return Scope(self.region, tuple(sorted(allowed)), self.published_only)

    def rows(self, period: Period, *, model=DailyStat) -> QuerySet:
        qs = model.objects.filter(region=self.region, day__gte=period.first, day__lte=period.last)
        if self.agency_ids is not None:
            qs = qs.filter(agency_id__in=self.agency_ids)
        if self.published_only:
            qs = qs.filter(published=True)
        return qs


@dataclass
class Figures:
    """Sums and percentiles of a set of aggregate rows. `read`: the duration lists read with
    them (asking for a percentile of another is a mistake, not "no data")."""

    counts: dict = field(default_factory=lambda: defaultdict(int))
    chunks: dict = field(default_factory=lambda: defaultdict(list))  # name -> [array of ints]
    read: tuple = DURATIONS

    def add(self, row: dict) -> None:
        for name in (*COUNTERS, *STAGE_COUNTERS):
            self.counts[name] += row.get(name) or 0

    def add_minutes(self, name: str, values) -> None:
        if values:
            self.chunks[name].append(values)

    def __getitem__(self, name: str) -> int:
        return self.counts[name]

    def merge(self, other: "Figures") -> None:
        for name, n in other.counts.items():
            self.counts[name] += n
        for name, chunks in other.chunks.items():
            self.chunks[name].extend(chunks)
        self.read = tuple(n for n in self.read if n in other.read)

    def values(self, name: str) -> np.ndarray:
        """Every duration of this name, unsorted, as one array (kept until more are added)."""
        if name not in self.read:
            raise ValueError(f"{name} was not read with these figures")
        cache = self.__dict__.setdefault("_values", {})
        chunks = self.chunks[name]
        if cache.get(name, (None,))[0] != len(chunks):
            parts = [np.frombuffer(c, dtype=np.int32) for c in chunks]
            cache[name] = (len(chunks), np.concatenate(parts) if parts else np.empty(0, np.int32))
        return cache[name][1]

    def count(self, name: str) -> int:
        return int(self.values(name).size)

    def percentile(self, name: str, share: float) -> int | None:
        """Nearest rank, as rollup.percentile of the sorted values (selected, not sorted)."""
        values = self.values(name)
        if not values.size:
            return None
        rank = max(1, math.ceil(share * values.size))
        return int(np.partition(values, rank - 1)[rank - 1])

    def median(self, name: str) -> int | None:
        return self.percentile(name, 0.5)

    def p90(self, name: str) -> int | None:
        return self.percentile(name, 0.9)

    def within_share(self, stage: str) -> float | None:
        within, over = self.counts[f"{stage}_within"], self.counts[f"{stage}_over"]
        return within / (within + over) if within + over else None

    @property
    def rating(self) -> float | None:
        return (
            self.counts["rating_sum"] / self.counts["ratings"] if self.counts["ratings"] else None
        )

    @property
    def reopen_rate(self) -> float | None:
        return (
            self.counts["reopened"] / self.counts["resolved"] if self.counts["resolved"] else None
        )


SUMMED = (*COUNTERS, *STAGE_COUNTERS)


def _figures_by(
    scope: Scope, period: Period, *, by_agency: bool, durations: tuple = DURATIONS
) -> dict:
    """Figures of AgencyDay rows, per agency or (key None) in all: the database sums the
    counters; only the duration lists asked for are read (packed, see models.MinutesField)."""
    found: dict = defaultdict(lambda: Figures(read=durations))
    rows = scope.rows(period, model=AgencyDay)
    sums = {n: Sum(n) for n in SUMMED}
    if by_agency:
        for row in rows.values("agency_id").annotate(**sums).order_by():
            found[row["agency_id"]].add(row)
    else:
        found[None].add(rows.aggregate(**sums))
    if durations:
        for agency_id, *lists in rows.values_list("agency_id", *durations):
            figures = found[agency_id if by_agency else None]
            for name, values in zip(durations, lists, strict=True):
                figures.add_minutes(name, values)
    return found


def figures_by_agency(scope: Scope, period: Period, *, durations: tuple = DURATIONS) -> dict:
    """{agency id (None: the command center): Figures} of the period."""
    return _figures_by(scope, period, by_agency=True, durations=durations)


def totals(scope: Scope, period: Period, *, durations: tuple = DURATIONS) -> Figures:
    """The period's figures with these duration lists (none: counts only, for a comparison)."""
    return _figures_by(scope, period, by_agency=False, durations=durations)[None]


def merged(parts) -> Figures:
    """The totals of figures already read per agency (the same rows: no second read)."""
    total = Figures()
    for figures in parts:
        total.merge(figures)
    return total


# ---------------------------------------------------------------------------------------------
# Reads kept per process until the rollup next writes


KEPT_SECONDS = 900  # at most; any rebuild of the region's rows makes them stale at once


def aggregates_version(region: Region) -> int:
    """The version of the region's aggregates: every rebuild bumps it (rollup.touch)."""
    found = RollupCursor.objects.filter(pk=region.pk).values_list("version", flat=True).first()
    return found or 0


def kept(scope: Scope, name: str, period: Period, compute):
    """What `compute()` read from the scope's aggregates for this period, kept per process until
    the rollup rewrites any of the region's rows (every 5 minutes at most, when events came).
    The aggregates change only then, so what is kept is exactly what a fresh read gives."""
    agencies = "all" if scope.agency_ids is None else ",".join(map(str, scope.agency_ids))
    key = ":".join(
        (
            "reports",
            name,
            str(scope.region.pk),
            agencies,
            "public" if scope.published_only else "staff",
            period.first.isoformat(),
            period.last.isoformat(),
            str(aggregates_version(scope.region)),
        )
    )
    found = cache.get(key)
    if found is None:
        found = compute()
        cache.set(key, found, KEPT_SECONDS)
    return found


def received_total(scope: Scope, period: Period) -> int:
    """Complaints received in the period, summed by the database (no durations read)."""
    rows = scope.rows(period, model=AgencyDay).aggregate(n=Sum("received"))
    return rows["n"] or 0


def _counts_only(
    scope: Scope, period: Period, group: str, fields=("received", "resolved"), *, model=DailyStat
):
    """Counters summed by the database (no duration lists): {group value: {field: n}}."""
    rows = (
        scope.rows(period, model=model)
        .values(group)
        .annotate(**{f: Sum(f) for f in fields})
        .order_by()
    )
    return {row[group]: {f: row[f] or 0 for f in fields} for row in rows}


# ---------------------------------------------------------------------------------------------
# Agency performance (issue 18, item 1)


@dataclass
class AgencyRow:
    agency: Agency | None
    figures: Figures
    open_now: int
    overdue_now: int

    @property
    def code(self) -> str:
        return self.agency.code if self.agency else ""

    @property
    def name(self) -> str:
        return self.agency.short_name if self.agency else str(_("Ruang kendali (belum disposisi)"))


def agency_performance(
    scope: Scope, period: Period, *, by_agency: dict | None = None
) -> list[AgencyRow]:
    """One row per agency with anything in the period or open now (the command center's own
    work, before disposition, as the row without an agency), busiest first. `by_agency`: the
    period's figures_by_agency when the caller read them already."""
    if by_agency is None:
        by_agency = figures_by_agency(scope, period)
    open_now: dict = defaultdict(int)
    counters = StatusCount.objects.filter(region=scope.region, status__in=OPEN_STATUSES)
    for agency_key, count in counters.values_list("agency_key", "count"):
        open_now[agency_key or None] += count
    overdue = overdue_counts(scope.region)
    ids = set(by_agency) | {a for a, n in open_now.items() if n} | set(overdue)
    if scope.agency_ids is not None:
        ids &= set(scope.agency_ids)
    agencies = Agency.objects.in_bulk([i for i in ids if i])
    rows = [
        AgencyRow(
            agencies.get(i) if i else None,
            by_agency.get(i) or Figures(),
            open_now.get(i, 0),
            overdue.get(i, 0),
        )
        for i in ids
        if i is None or i in agencies
    ]
    rows.sort(key=lambda r: (-r.figures["received"] - r.figures["disposed"], r.name))
    return rows


# ---------------------------------------------------------------------------------------------
# Breakdowns and trends (issue 18, item 2)


@dataclass
class Breakdown:
    key: str  # the value in the console list's filter (a code), "" when none
    label: str
    counts: dict  # received, resolved in the period
    previous: int  # received in the period before
    year_before: int  # received in the same period a year earlier

    @property
    def change(self) -> float | None:
        if not self.previous:
            return None
        return (self.counts["received"] - self.previous) / self.previous


def _labels(region: Region, dimension: str) -> tuple[str, dict]:
    """The aggregate column to group by and {value: (code, label)}."""
    if dimension == "category":
        rows = Category.objects.filter(region=region).values_list("id", "code", "name")
        return "category_id", {i: (code, name) for i, code, name in rows}
    if dimension == "agency":
        rows = Agency.objects.filter(region=region).values_list("id", "code", "short_name")
        return "agency_id", {i: (code, name) for i, code, name in rows}
    if dimension == "kelurahan":
        rows = Area.objects.filter(region=region).values_list("id", "code", "name")
        return "area_id", {i: (code, name) for i, code, name in rows}
    if dimension == "kecamatan":
        rows = Area.objects.filter(region=region, parent__isnull=False).values_list(
            "id", "parent__code", "parent__name"
        )
        return "area_id", {i: (code, name) for i, code, name in rows}
    if dimension == "channel":
        return "channel", {v: (v, str(label)) for v, label in Channel.choices}
    if dimension == "kind":
        return "kind", {v: (v, str(label)) for v, label in Kind.choices}
    raise ValueError(dimension)


def breakdown(scope: Scope, period: Period, dimension: str, *, limit: int | None = None):
    """Received and resolved per category, kecamatan, kelurahan, channel, kind or agency in the
    period, with the received of the period before and of the same period a year earlier."""
    return breakdowns(scope, period, (dimension,), limit=limit)[dimension]


_VALUE_COLUMNS = ("category_id", "area_id", "channel", "kind")  # DimensionDay's dimensions


def breakdowns(
    scope: Scope, period: Period, dimensions, *, limit: int | None = None
) -> dict[str, list["Breakdown"]]:
    """breakdown() of several dimensions, reading DimensionDay once per period for all of
    them (three queries, not three per dimension)."""
    specs = {d: _labels(scope.region, d) for d in dimensions}
    stored = sorted({c.removesuffix("_id") for c, _l in specs.values() if c in _VALUE_COLUMNS})

    def read(p: Period, fields) -> dict:  # {stored dimension: {value: {field: n}}}
        found: dict = defaultdict(dict)
        if not stored:
            return found
        rows = (
            scope.rows(p, model=DimensionDay)
            .filter(dimension__in=stored)
            .values("dimension", "value")
            .annotate(**{f: Sum(f) for f in fields})
            .order_by()
        )
        for row in rows:
            found[row["dimension"]][row["value"]] = {f: row[f] or 0 for f in fields}
        return found

    periods = [
        (period, ("received", "resolved")),
        (period.previous(), ("received",)),
        (period.year_before(), ("received",)),
    ]
    read_all = [read(p, fields) for p, fields in periods]
    result = {}
    for dimension, (column, labels) in specs.items():
        counts = []
        for (p, fields), stored_counts in zip(periods, read_all, strict=True):
            if column not in _VALUE_COLUMNS:  # per agency: the agency rows
                counts.append(_counts_only(scope, p, column, fields, model=AgencyDay))
                continue
            raw = stored_counts.get(column.removesuffix("_id"), {})
            if column.endswith("_id"):
                raw = {int(v) if v else None: c for v, c in raw.items()}
            counts.append(raw)
        result[dimension] = _breakdown_rows(labels, *counts, limit=limit)
    return result


def _breakdown_rows(labels: dict, now: dict, before: dict, year: dict, *, limit) -> list:
    def grouped(counts_by_value: dict) -> dict:
        merged: dict = defaultdict(lambda: defaultdict(int))
        for value, counts in counts_by_value.items():
            code, _label = labels.get(value, ("", str(_("Tidak diketahui"))))
            target = merged[code]
            for name, n in counts.items():
                target[name] += n
        return merged

    now, before, year = grouped(now), grouped(before), grouped(year)
    names = {code: label for code, label in labels.values()}
    rows = [
        Breakdown(
            code,
            names.get(code, str(_("Tidak diketahui"))),
            dict(counts),
            before.get(code, {}).get("received", 0),
            year.get(code, {}).get("received", 0),
        )
        for code, counts in now.items()
        if counts["received"] or counts["resolved"]
    ]
    rows.sort(key=lambda r: (-r.counts["received"], r.label))
    return rows[:limit] if limit else rows


def _bucket(day: date, by: str) -> date:
    if by == "month":
        return day.replace(day=1)
    if by == "week":
        return day - timedelta(days=day.weekday())  # Monday
    return day


def trend(scope: Scope, period: Period, *, by: str = "week") -> list[tuple[date, dict]]:
    """Received and resolved per day, week (from Monday) or month of the period, every bucket
    present (zero when nothing happened)."""
    counts = _counts_only(scope, period, "day", model=AgencyDay)
    buckets: dict = {}
    day = period.first
    while day <= period.last:
        buckets.setdefault(_bucket(day, by), {"received": 0, "resolved": 0})
        day += timedelta(days=1)
    for day, values in counts.items():
        target = buckets[_bucket(day, by)]
        target["received"] += values["received"]
        target["resolved"] += values["resolved"]
    return sorted(buckets.items())


def category_by_kelurahan(
    scope: Scope,
    period: Period,
    *,
    categories: int = 6,
    places: int = 12,
    received: dict | None = None,
):
    """The busiest categories × the busiest kelurahan: seasonal problems (floods, rubbish).
    `received`: the period's {(area id, category id): received}, when the page has it."""
    if received is None:
        sums = area_category_sums(scope, period, "received", {"n": (period.first, period.last)})
        received = {key: row["n"] or 0 for key, row in sums.items()}
    cells: dict = defaultdict(int)
    per_category: dict = defaultdict(int)
    per_area: dict = defaultdict(int)
    for (area_id, category_id), n in received.items():
        cells[(category_id, area_id)] += n
        per_category[category_id] += n
        per_area[area_id] += n
    top_c = sorted((c for c in per_category if per_category[c]), key=lambda c: -per_category[c])
    top_a = sorted((a for a in per_area if a and per_area[a]), key=lambda a: -per_area[a])
    top_c, top_a = top_c[:categories], top_a[:places]
    category_names = dict(Category.objects.filter(pk__in=top_c).values_list("id", "name"))
    areas = {a.id: a for a in Area.objects.filter(pk__in=top_a).defer("boundary")}
    return {
        "categories": [(c, category_names.get(c, "")) for c in top_c],
        "rows": [(areas[a], [cells.get((c, a), 0) for c in top_c]) for a in top_a if a in areas],
    }


def area_category_sums(scope: Scope, span: Period, measure: str, sums: dict) -> dict:
    """{(area id, category id): {name: sum of `measure` over that name's (first, last) days}}
    over `span`: received from DimensionDay's area x category rows (several times fewer than
    the fine rows, which also split by channel and kind), other measures from the fine rows."""
    if measure == "received":
        rows = (
            scope.rows(span, model=DimensionDay)
            .filter(dimension=AREA_CATEGORY)
            .values("value")
            .annotate(**_sums(measure, sums))
            .order_by()
        )
        return {area_category(row.pop("value")): row for row in rows}
    rows = (
        scope.rows(span)
        .filter(area__isnull=False)
        .values("area_id", "category_id")
        .annotate(**_sums(measure, sums))
        .order_by()
    )
    return {(row.pop("area_id"), row.pop("category_id")): row for row in rows}


def _sums(measure: str, sums: dict) -> dict:
    return {
        name: Sum(measure, filter=Q(day__gte=first, day__lte=last))
        for name, (first, last) in sums.items()
    }


# ---------------------------------------------------------------------------------------------
# An agency's own breakdowns (the public agency page): what reached it and what it resolved


def agency_breakdown(scope: Scope, period: Period, dimension: str) -> list[Breakdown]:
    """Dispositions received and complaints resolved per category or kecamatan, from the fine
    rows of the scope's agencies (received is counted before any agency has a complaint)."""
    column, labels = _labels(scope.region, dimension)
    counts = _counts_only(scope, period, column, ("disposed", "resolved"))
    merged: dict = defaultdict(lambda: defaultdict(int))
    for value, found in counts.items():
        code, _label = labels.get(value, ("", str(_("Tidak diketahui"))))
        for name, n in found.items():
            merged[code][name] += n
    names = {code: label for code, label in labels.values()}
    rows = [
        Breakdown(code, names.get(code, str(_("Tidak diketahui"))), dict(found), 0, 0)
        for code, found in merged.items()
        if found["disposed"] or found["resolved"]
    ]
    rows.sort(key=lambda r: (-r.counts["disposed"], -r.counts["resolved"], r.label))
    return rows
