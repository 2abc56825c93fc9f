"""The wall's panels: each is one function (its data) and one template (its markup and renderer).

Adding a panel: decorate a function `fn(ctx: WallContext) -> dict` with `@panel("name")` and write
`templates/live/panels/name.html` (its markup and a small script calling
`LiveWall.panel("name", {render(data), onEvent(item)})`). The wall's JSON endpoint returns every
panel's data, and refreshes those marked `refresh="events"` shortly after events arrive.

Bounded work at any size: figures come from the counters the services keep (StatusCount and
live Tally rows: a few per agency and day), the map is clustered on a grid in SQL, lists are
limited, and alarms read only the last window of submissions through the (region, submitted_at)
index.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cached_property

from django.db.models import Count, F, Q
from django.db.models.functions import Floor

from laksana.agencies.models import Agency
from laksana.common import clock
from laksana.common.timefmt import local_iso
from laksana.complaints.models import OPEN_STATUSES, Complaint, StatusCount
from laksana.conf import env
from laksana.regions.models import Area, Region

from .frames import complaint_card, with_cards
from .hub import latest_event_id
from .services import DISPOSITIONS, ack_target_minutes, histogram, median_minutes, tallies

GRID_DEGREES = 0.01  # map clusters: cells of about 1.1 km
INCOMING = 30
ALARMS_SHOWN = 4  # more would cover the map; the rest are counted


@dataclass
class WallContext:
    region: Region
    now: datetime
    day: date  # today, or the day being replayed

    @cached_property
    def week_start(self) -> date:
        return self.day - timedelta(days=self.day.weekday())

    @cached_property
    def today(self) -> dict[tuple[int, str], int]:
        return tallies(self.region.id, self.day, self.day)

    @cached_property
    def week(self) -> dict[tuple[int, str], int]:
        return tallies(self.region.id, self.week_start, self.day)

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
    refresh: str  # "events": refetched soon after events; "slow": every few minutes; "never"
    slot: str  # where the wall puts it: "top", "main" (the map), "overlay" (on the map), "side"

    @property
    def template(self) -> str:
        return f"live/panels/{self.name}.html"


PANELS: dict[str, Panel] = {}


def panel(name: str, *, slot: str, refresh: str = "events") -> Callable:
    def register(function: Callable[[WallContext], dict]) -> Callable[[WallContext], dict]:
        PANELS[name] = Panel(name, function, refresh, slot)
        return function

    return register


def wall_data(region: Region, *, names: list[str] | None = None, day: date | None = None) -> dict:
    """The wall's data in one answer: the stream cursor, then each panel's data.

    The cursor is read first: events after it may already show in the panels, and applying one
    twice changes nothing (cards are replaced by number, figures are refetched).
    """
    cursor = latest_event_id(region.id)
    now = clock.now()
    ctx = WallContext(region=region, now=now, day=day or now.astimezone(region.tz).date())
    chosen = [PANELS[n] for n in (names or PANELS) if n in PANELS]
    return {
        "cursor": cursor,
        "now": local_iso(now, region),
        "day": ctx.day.isoformat(),
        "panels": {p.name: p.function(ctx) for p in chosen},
    }


def _total(totals: dict[tuple[int, str], int], *names: str, keys=None) -> int:
    return sum(
        v for (key, name), v in totals.items() if name in names and (keys is None or key in keys)
    )


def _satisfaction(totals: dict, keys=None) -> float | None:
    count = _total(totals, "rating_count", keys=keys)
    return round(_total(totals, "rating_sum", keys=keys) / count, 2) if count else None


@panel("areas", slot="main", refresh="never")
def areas(ctx: WallContext) -> dict:
    kecamatan = Area.objects.filter(region=ctx.region, level=Area.Level.KECAMATAN)
    return {
        "center": [ctx.region.center_lat, ctx.region.center_lng],
        "outline": ctx.region.boundary,
        "kecamatan": {
            "type": "FeatureCollection",
            "features": [
                {"type": "Feature", "properties": {"name": name}, "geometry": boundary}
                for name, boundary in kecamatan.values_list("name", "boundary")
                if boundary
            ],
        },
    }


@panel("map", slot="main", refresh="slow")
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
        "open": sum(ctx.open_by_agency.values()),
    }


@panel("incoming", slot="side", refresh="never")
def incoming(ctx: WallContext) -> dict:
    newest = with_cards(Complaint.objects.filter(region=ctx.region))
    newest = newest.order_by("-submitted_at", "-id")[:INCOMING]
    return {"items": [complaint_card(c) for c in newest]}


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
        "open": sum(ctx.open_by_agency.values()),
    }


def _agency_period(totals: dict, key: int) -> dict:
    keys = {key}
    acknowledged = _total(totals, "desk_ack", keys=keys)
    on_time = _total(totals, "ack_on_time", keys=keys)
    return {
        "disposed": _total(totals, *DISPOSITIONS, keys=keys),
        "acknowledged": acknowledged,
        "ack_on_time_pct": round(100 * on_time / acknowledged) if acknowledged else None,
        "median_ack_min": median_minutes(histogram(totals, "ack_h", keys)),
        "median_resolve_min": median_minutes(histogram(totals, "res_h", keys)),
        "resolved": _total(totals, "resolved", keys=keys),
        "satisfaction": _satisfaction(totals, keys=keys),
    }


@panel("board", slot="side")
def board(ctx: WallContext) -> dict:
    """Per agency: open now; acknowledgments within target and medians, today and this week."""
    rows = []
    agencies = Agency.objects.filter(region=ctx.region, is_active=True)
    for agency_id, code, name in agencies.values_list("id", "code", "short_name"):
        today, week = _agency_period(ctx.today, agency_id), _agency_period(ctx.week, agency_id)
        open_now = ctx.open_by_agency.get(agency_id, 0)
        if open_now or week["disposed"] or week["acknowledged"] or week["resolved"]:
            rows.append(
                {"code": code, "name": name, "open": open_now, "today": today, "week": week}
            )
    rows.sort(key=lambda r: (-r["open"], r["name"]))
    return {"target_min": ack_target_minutes(), "agencies": rows}


@panel("alarms", slot="overlay")
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
    items = [
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
