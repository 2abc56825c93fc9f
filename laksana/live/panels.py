"""The wall's panels: each is one function (its data), one template (its markup) and one script.

Adding a panel: decorate a function `fn(ctx: WallContext) -> dict` with `@panel("name")`, write
`templates/live/panels/name.html` (markup only: pages carry no inline script) and
`static/live/panels/name.js` (calling `LiveWall.panel("name", {render(data, snapshot), ...})`).
The wall's JSON endpoint returns every panel's data, and refreshes those marked `refresh="events"`
shortly after events arrive.

One snapshot per answer: the figures every panel shows about open complaints (the numbers, the
board's rows, the map's total) come from one read of the status counters (`WallContext`), given
once as `open` beside the panels; the map's cells are recomputed when the stream cursor moves. So
no two numbers on the wall ever come from different moments.

Bounded work at any size: figures come from the counters the services keep (StatusCount and
live Tally rows: a few per agency and day), the map is clustered on a grid in SQL, lists are
limited, and alarms read only the last window of submissions through the (region, submitted_at)
index.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cached_property

from django.core.cache import cache
from django.db.models import Count, F, Q
from django.db.models.functions import Floor
from django.urls import reverse
from django.utils.translation import gettext as _

from laksana.agencies.models import Agency
from laksana.common import clock
from laksana.common.timefmt import local_iso
from laksana.complaints.models import OPEN_STATUSES, Complaint, StatusCount
from laksana.conf import env
from laksana.dispatch.models import Availability
from laksana.dispatch.roster import on_duty_now
from laksana.regions import names
from laksana.regions.models import Region
from laksana.sla.services import overdue_counts

from .frames import newest_cards
from .hub import latest_event_id
from .services import (
    BUCKETS,
    DISPOSITIONS,
    ack_target_minutes,
    median_minutes,
    tallies,
    tallies_and_last_day,
)

GRID_DEGREES = 0.01  # map clusters: cells of about 1.1 km
LOCATION_FRESH = timedelta(minutes=30)  # an officer's older position is not shown
INCOMING = 30
ALARMS_SHOWN = 3  # more would squeeze the map; the rest are counted


@dataclass
class WallContext:
    region: Region
    now: datetime
    day: date  # today, or the day being replayed

    @cached_property
    def week_start(self) -> date:
        return self.day - timedelta(days=self.day.weekday())

    @cached_property
    def _week_and_today(self) -> tuple[dict[tuple[int, str], int], dict[tuple[int, str], int]]:
        return tallies_and_last_day(self.region.id, self.week_start, self.day)

    @property
    def today(self) -> dict[tuple[int, str], int]:
        return self._week_and_today[1]

    @property
    def week(self) -> dict[tuple[int, str], int]:
        return self._week_and_today[0]

    @cached_property
    def overdue_by_agency(self) -> dict[int, int]:
        """Complaints past their deadline now, per agency (0: still with the command center)."""
        return {k or 0: n for k, n in overdue_counts(self.region, now=self.now).items()}

    @cached_property
    def open_by_agency(self) -> dict[int, int]:
        counts: dict[int, int] = {}
        rows = StatusCount.objects.filter(region=self.region, status__in=OPEN_STATUSES)
        for agency_key, count in rows.values_list("agency_key", "count"):
            counts[agency_key] = counts.get(agency_key, 0) + count
        return counts


@dataclass(frozen=True)
class Panel:
    name: str
    function: Callable[[WallContext], dict]
    # "events": refetched soon after events; "cursor": the same, and the answer is shared by every
    # screen until the stream cursor moves; "slow": every few minutes; "never"
    refresh: str
    slot: str  # where the wall puts it: "top", "above" (the map), "main" (the map), "side"

    @property
    def template(self) -> str:
        return f"live/panels/{self.name}.html"

    @property
    def script(self) -> str:
        return f"live/panels/{self.name}.js"


PANELS: dict[str, Panel] = {}


def panel(name: str, *, slot: str, refresh: str = "events") -> Callable:
    def register(function: Callable[[WallContext], dict]) -> Callable[[WallContext], dict]:
        PANELS[name] = Panel(name, function, refresh, slot)
        return function

    return register


# Reads of one answer that saw an event commit between them are read again this many times at
# most: under a constant stream of events the wall refreshes again soon anyway.
SNAPSHOT_ATTEMPTS = 3


def wall_data(region: Region, *, names: list[str] | None = None, day: date | None = None) -> dict:
    """The wall's data in one answer: the stream cursor, then each panel's data, all of one moment.

    The figures come from several reads (the status counters, the map's cells), and an event may
    commit between them. Every change of a figure commits with an event, and a region's event ids
    follow its commits: when the cursor is the same after the reads as before them, nothing
    changed in between and the answer is one moment's; otherwise it is read again. Events after
    the cursor are sent by the stream too, and applying one twice changes nothing (cards are
    replaced by number, figures are refetched).
    """
    for _attempt in range(SNAPSHOT_ATTEMPTS):
        cursor = latest_event_id(region.id)
        data = _snapshot(region, cursor, names, day)
        if latest_event_id(region.id) == cursor:
            break
    return data


def _snapshot(region: Region, cursor: int, names: list[str] | None, day: date | None) -> dict:
    now = clock.now()
    ctx = WallContext(region=region, now=now, day=day or now.astimezone(region.tz).date())
    chosen = [PANELS[n] for n in (names or PANELS) if n in PANELS]
    return {
        "cursor": cursor,
        "now": local_iso(now, region),
        "day": ctx.day.isoformat(),
        "open": sum(ctx.open_by_agency.values()),
        "panels": {p.name: _data(p, ctx, cursor) for p in chosen},
    }


# The wall refetches "slow" panels every two minutes (wall.js); each process keeps their data
# for this long, so a room's screens and reconnections share one computation.
SLOW_PANEL_SECONDS = 30
# The map counts every open complaint of the region (73 ms at a million complaints): kept per
# stream cursor, so the room's screens refreshing after the same events share one computation
# and it always counts what the numbers beside it count.
CURSOR_PANEL_SECONDS = 300


def _data(p: "Panel", ctx: WallContext, cursor: int) -> dict:
    if p.refresh == "slow":
        key = f"live:panel:{ctx.region.id}:{p.name}:{ctx.day.isoformat()}"
        seconds = SLOW_PANEL_SECONDS
    elif p.refresh == "cursor":
        key = f"live:panel:{ctx.region.id}:{p.name}:{ctx.day.isoformat()}:{cursor}"
        seconds = CURSOR_PANEL_SECONDS
    else:
        return p.function(ctx)
    data = cache.get(key)
    if data is None:
        data = p.function(ctx)
        cache.set(key, data, seconds)
    return data


def _total(totals: dict[tuple[int, str], int], *names: str) -> int:
    return sum(v for (_key, name), v in totals.items() if name in names)


def _satisfaction(totals: dict) -> float | None:
    count = _total(totals, "rating_count")
    return round(_total(totals, "rating_sum") / count, 2) if count else None


@panel("areas", slot="main", refresh="never")
def areas(ctx: WallContext) -> dict:
    """The region's outline, and where its kecamatan and kelurahan outlines are: the portal's
    GeoJSON, which every staff map draws (static/laksana/staffmap.js)."""
    slug = ctx.region.slug
    return {
        "center": [ctx.region.center_lat, ctx.region.center_lng],
        "outline": ctx.region.boundary,
        "boundaries": [
            reverse("portal:boundaries", kwargs={"region_slug": slug}),
            reverse("portal:kelurahan_boundaries", kwargs={"region_slug": slug}),
        ],
    }


@panel("map", slot="main", refresh="cursor")
def open_map(ctx: WallContext) -> dict:
    """Open complaints counted per grid cell and state (and past their deadline), in SQL.

    A cell is drawn at its centre, never at a complaint's own place: a lone confidential complaint
    gives nothing away.
    """
    cells = (
        Complaint.objects.filter(region=ctx.region, status__in=OPEN_STATUSES, lat__isnull=False)
        .annotate(gy=Floor(F("lat") / GRID_DEGREES), gx=Floor(F("lng") / GRID_DEGREES))
        .values("gy", "gx")
        .annotate(
            n=Count("id"),
            overdue=Count("id", filter=Q(next_deadline__lt=ctx.now)),
            **{s: Count("id", filter=Q(status=s)) for s in OPEN_STATUSES},
        )
    )
    return {
        "clusters": [
            {
                "lat": round((c["gy"] + 0.5) * GRID_DEGREES, 5),
                "lng": round((c["gx"] + 0.5) * GRID_DEGREES, 5),
                "n": c["n"],
                "overdue": c["overdue"],
                "states": {s: c[s] for s in OPEN_STATUSES if c[s]},
            }
            for c in cells
        ],
    }


@panel("incoming", slot="side", refresh="never")
def incoming(ctx: WallContext) -> dict:
    # Each with how many later reports it is the first of (routing's duplicate links): one incident.
    return {"items": newest_cards(ctx.region, INCOMING)}


@panel("numbers", slot="top")
def numbers(ctx: WallContext) -> dict:
    today, week = ctx.today, ctx.week
    return {
        "received": _total(today, "submitted"),
        "verified": _total(today, "verified"),
        "disposed": _total(today, *DISPOSITIONS),
        "resolved": _total(today, "resolved"),
        "satisfaction": _satisfaction(today),
        "satisfaction_week": _satisfaction(week),
    }


def _by_agency(totals: dict[tuple[int, str], int]) -> dict[int, dict[str, int]]:
    """{(agency_key, name): value} as {agency_key: {name: value}}: the board reads each agency's
    counters, and looking each one up through every agency's (a scan per figure, seven figures
    and two histograms per agency and period) was most of the board's time."""
    found: dict[int, dict[str, int]] = {}
    for (key, name), value in totals.items():
        found.setdefault(key, {})[name] = value
    return found


def _agency_period(counts: dict[str, int]) -> dict:
    """One agency's figures of a period, from its counters (_by_agency)."""
    acknowledged = counts.get("desk_ack", 0)
    on_time = counts.get("ack_on_time", 0)
    ratings = counts.get("rating_count", 0)
    return {
        "disposed": sum(counts.get(name, 0) for name in DISPOSITIONS),
        "acknowledged": acknowledged,
        "ack_on_time_pct": round(100 * on_time / acknowledged) if acknowledged else None,
        "median_ack_min": median_minutes(_histogram(counts, "ack_h")),
        "median_resolve_min": median_minutes(_histogram(counts, "res_h")),
        "resolved": counts.get("resolved", 0),
        "satisfaction": round(counts.get("rating_sum", 0) / ratings, 2) if ratings else None,
    }


_BUCKET_NAMES = {
    prefix: [f"{prefix}{i}" for i in range(len(BUCKETS))] for prefix in ("ack_h", "res_h")
}


def _histogram(counts: dict[str, int], prefix: str) -> list[int]:
    return [counts.get(name, 0) for name in _BUCKET_NAMES[prefix]]


@panel("board", slot="side")
def board(ctx: WallContext) -> dict:
    """Per agency: open and overdue now; acknowledgments within target and medians, today and
    this week. The command center's own row (complaints not yet with an agency) and agencies
    made inactive that still hold complaints are listed too: the rows add up to the open total."""
    rows = []
    holding = {k for k, n in ctx.open_by_agency.items() if n} | set(ctx.overdue_by_agency)
    known = names.covering(ctx.region, agencies=holding)  # the region's (regions.names)
    listed = [(0, "", _("Ruang kendali"))]
    listed += [
        (pk, known.agency_codes[pk], short)
        for pk, short in known.agencies.items()
        if pk not in known.inactive_agencies or pk in holding
    ]
    today_counts, week_counts = _by_agency(ctx.today), _by_agency(ctx.week)
    for agency_id, code, name in listed:
        today = _agency_period(today_counts.get(agency_id, {}))
        week = _agency_period(week_counts.get(agency_id, {}))
        now = {
            "open": ctx.open_by_agency.get(agency_id, 0),
            "overdue": ctx.overdue_by_agency.get(agency_id, 0),
        }
        if any(now.values()) or week["disposed"] or week["acknowledged"] or week["resolved"]:
            rows.append({"code": code, "name": name, **now, "today": today, "week": week})
    rows.sort(key=lambda r: (-r["overdue"], -r["open"], r["name"]))
    return {"target_min": ack_target_minutes(), "agencies": rows}


@panel("alarms", slot="above")
def alarms(ctx: WallContext) -> dict:
    """Bursts: at least LIVE_BURST_COUNT reports of one category in one kelurahan in the window."""
    minutes, threshold = int(env("LIVE_BURST_MINUTES")), int(env("LIVE_BURST_COUNT"))
    bursts = (
        Complaint.objects.filter(
            region=ctx.region,
            submitted_at__gt=ctx.now - timedelta(minutes=minutes),
            submitted_at__lte=ctx.now,
            area__isnull=False,
        )
        .values("category_id", "category__name", "area_id", "area__name")
        .annotate(n=Count("id"))
        .filter(n__gte=threshold)
        .order_by("-n")
    )
    items = _overdue_jumps(ctx) + [
        {
            "key": f"burst:{b['category_id']}:{b['area_id']}",
            "kind": "burst",
            "category": b["category__name"],
            "kelurahan": b["area__name"],
            "count": b["n"],
        }
        for b in bursts
    ]
    return {"window_min": minutes, "items": items[:ALARMS_SHOWN], "more": len(items[ALARMS_SHOWN:])}


def _overdue_jumps(ctx: WallContext) -> list[dict]:
    """Agencies (0: the command center) with at least LIVE_OVERDUE_JUMP complaints newly overdue
    today and more than twice their daily average of the seven days before: from the counters."""
    threshold = int(env("LIVE_OVERDUE_JUMP"))
    today = {key: n for (key, name), n in ctx.today.items() if name == "overdue" and n >= threshold}
    if not today:
        return []
    before = tallies(ctx.region.id, ctx.day - timedelta(days=7), ctx.day - timedelta(days=1))
    names = dict(Agency.objects.filter(id__in=today).values_list("id", "short_name"))
    return [
        {
            "key": f"overdue:{key}:{ctx.day}",
            "kind": "overdue",
            "agency": names.get(key) or _("Ruang kendali"),
            "count": n,
            "usual": round(before.get((key, "overdue"), 0) / 7, 1),
        }
        for key, n in sorted(today.items(), key=lambda item: -item[1])
        if n > 2 * before.get((key, "overdue"), 0) / 7
    ]


def _first_name(user) -> str:
    return (user.get_full_name() or user.get_username()).split()[0]


@panel("on_duty", slot="side", refresh="slow")
def on_duty(ctx: WallContext) -> dict:
    """Who sits at each desk now (and who is planned but missing), field officers per agency,
    and where the ones sharing their location are. Staff first names only."""
    duty = on_duty_now(ctx.region)
    desks: dict[str, dict] = {}
    for period in duty.periods:
        desk = desks.setdefault(period.desk.name, {"desk": period.desk.name, "people": []})
        desk["people"].append(_first_name(period.user))
    for shift in duty.absent:
        desks.setdefault(shift.desk.name, {"desk": shift.desk.name, "people": []})
        desks[shift.desk.name]["absent"] = desks[shift.desk.name].get("absent", 0) + 1
    field: dict[str, dict] = {}
    for officer in duty.officers:
        counts = field.setdefault(officer.agency.short_name, {"available": 0, "busy": 0})
        counts["busy" if officer.availability == Availability.BUSY else "available"] += 1
    fresh = ctx.now - LOCATION_FRESH
    return {
        "desks": list(desks.values()),
        "field": [{"agency": agency, **counts} for agency, counts in field.items()],
        "on_map": [
            {
                "lat": round(o.last_lat, 4),
                "lng": round(o.last_lng, 4),
                "agency": o.agency.short_name,
                "busy": o.availability == Availability.BUSY,
            }
            for o in duty.officers
            if o.shares_location and o.last_lat is not None and (o.last_located_at or fresh) > fresh
        ],
    }
