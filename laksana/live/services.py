"""The live room's part in every event the lifecycle writes (registered in LiveConfig.ready).

`RoomEvents` gives laksana.complaints.services.core._event the writes it runs with each event
row, so the counters are exactly as committed (a rolled-back transaction counts nothing) and the
region's stream head is locked before the event id is allocated (see StreamHead); after the
commit it publishes the event on the bus.
"""

import bisect
import math
from collections import defaultdict
from datetime import date

from django.db import transaction

from laksana.common import clock
from laksana.complaints.hooks import EventSubscriber, Write
from laksana.conf import env
from laksana.regions.models import Region

from . import bus
from .models import StreamHead, Tally

# Upper bounds (minutes) of the duration histograms; medians are interpolated inside a bucket.
BUCKETS = [1, 2, 3, 5, 7, 10, 15, 20, 30, 45, 60, 90, 120, 180, 240, 360, 480, 720, 1080]
BUCKETS += [1440, 2160, 2880, 4320, 7200, 10080, 20160, 43200, math.inf]
DISPOSITIONS = ("disposed", "forwarded")


def ack_target_minutes() -> float:
    return float(env("LIVE_ACK_TARGET_MINUTES"))


def bucket_of(seconds: float) -> int:
    return bisect.bisect_left(BUCKETS, max(seconds, 0) / 60)


def _durations(type: str, seconds: float | None) -> dict[str, int]:
    if seconds is None:
        return {}
    if type == "desk_ack":
        on_time = {"ack_on_time": 1} if seconds <= ack_target_minutes() * 60 else {}
        return {f"ack_h{bucket_of(seconds)}": 1, **on_time}
    if type == "resolved":
        return {f"res_h{bucket_of(seconds)}": 1}
    return {}


def _rating(type: str, data: dict | None) -> dict[str, int]:
    if type == "rated" and data and data.get("rating"):
        return {"rating_sum": int(data["rating"]), "rating_count": 1}
    return {}


class RoomEvents(EventSubscriber):
    def head(self, complaint, *, type: str, agency, data: dict | None) -> Write:
        """The region's stream head: taken before the event id is allocated, its lock orders
        the region's event ids by commit (laksana.complaints.services.core._insert_event)."""
        table = StreamHead._meta.db_table
        return (
            f"INSERT INTO {table} (region_id, events) VALUES (%s, 1) "
            f"ON CONFLICT (region_id) DO UPDATE SET events = {table}.events + 1",
            [complaint.region_id],
        )

    def rows(self, complaint, *, type: str, agency, data: dict | None) -> list[Write]:
        return [tally_write(complaint, type=type, agency=agency, data=data)]

    def written(self, event, complaint, *, by_citizen: bool, prepared) -> None:
        message = {
            "id": event.id,
            "region": complaint.region_id,
            "complaint": complaint.number,
            "type": event.type,
            "status": complaint.status,
            "agency": complaint.agency_id,
            "public": event.is_public,
        }
        transaction.on_commit(lambda: bus.publish(message), robust=True)


def tally_write(complaint, *, type: str, agency=None, data: dict | None = None) -> Write:
    """Today's counters of the room for one event of `complaint` (already changed).

    Counted: the event type for the agency (the event's agency, else the complaint's); for an
    acknowledgment or a resolution its duration since disposition in a histogram (and on-time
    acknowledgments); for a rating the stars.
    """
    now = clock.now()
    region = complaint.region
    agency_id = agency.id if agency is not None else complaint.agency_id
    done = {"desk_ack": complaint.acknowledged_at, "resolved": complaint.resolved_at}.get(type)
    since = complaint.disposed_at
    seconds = (done - since).total_seconds() if done and since else None
    counts = {type: 1, **_durations(type, seconds), **_rating(type, data)}
    day, agency_key = now.astimezone(region.tz).date().isoformat(), agency_id or 0
    tally = Tally._meta.db_table
    rows = sorted(counts.items())  # one lock order for every transaction: no deadlocks between us
    values = ", ".join(["(%s, %s, %s, %s, %s)"] * len(rows))
    return (
        f"INSERT INTO {tally} (region_id, day, agency_key, name, value) VALUES {values} "
        "ON CONFLICT (region_id, day, agency_key, name) "
        f"DO UPDATE SET value = {tally}.value + excluded.value",
        [p for name, n in rows for p in (region.id, day, agency_key, name, n)],
    )


def tallies(region_id: int, start: date, end: date) -> dict[tuple[int, str], int]:
    """Counters summed over the days start..end: {(agency_key, name): value}."""
    totals: dict[tuple[int, str], int] = {}
    rows = Tally.objects.filter(region_id=region_id, day__gte=start, day__lte=end).values_list(
        "agency_key", "name", "value"
    )
    for agency_key, name, value in rows:
        totals[(agency_key, name)] = totals.get((agency_key, name), 0) + value
    return totals


def tallies_and_last_day(
    region_id: int, start: date, end: date
) -> tuple[dict[tuple[int, str], int], dict[tuple[int, str], int]]:
    """Counters summed over the days start..end, and those of `end` alone, in one read."""
    period: dict[tuple[int, str], int] = {}
    last: dict[tuple[int, str], int] = {}
    rows = Tally.objects.filter(region_id=region_id, day__gte=start, day__lte=end).values_list(
        "day", "agency_key", "name", "value"
    )
    for day, agency_key, name, value in rows:
        period[(agency_key, name)] = period.get((agency_key, name), 0) + value
        if day == end:
            last[(agency_key, name)] = last.get((agency_key, name), 0) + value
    return period, last


def median_minutes(histogram: list[int]) -> float | None:
    """The median of a duration histogram (counts per bucket), interpolated in its bucket."""
    total = sum(histogram)
    if not total:
        return None
    half, seen = total / 2, 0
    for i, n in enumerate(histogram):
        if n and seen + n >= half:
            low = BUCKETS[i - 1] if i else 0
            high = BUCKETS[i]
            if math.isinf(high):
                return float(low)
            return round(low + (high - low) * (half - seen) / n, 1)
        seen += n
    return None


@transaction.atomic
def rebuild_tallies(region: Region) -> int:
    """Recount a region's counters from its event table (data written before this app existed).

    Steps: lock the region's stream head (no event can be written meanwhile); replay the events
    complaint by complaint, tracking when each was last disposed (as Complaint.disposed_at would
    have been); replace the region's counters. Returns how many events were counted.
    """
    from laksana.complaints.models import Event

    StreamHead.objects.get_or_create(region=region)
    StreamHead.objects.select_for_update().get(region=region)
    counts: dict[tuple[date, int, str], int] = defaultdict(int)
    disposed: dict[int, object] = {}
    events = Event.objects.filter(region=region).order_by("complaint_id", "id")
    rows = events.values_list("complaint_id", "type", "agency_id", "created_at", "data")
    counted = 0
    for complaint_id, type, agency_id, at, data in rows.iterator():
        counted += 1
        since = disposed.get(complaint_id)
        if type in DISPOSITIONS:
            disposed[complaint_id] = at
        elif type == "returned":
            disposed.pop(complaint_id, None)
        seconds = (
            (at - since).total_seconds() if since and type in ("desk_ack", "resolved") else None
        )
        day = at.astimezone(region.tz).date()
        for name, value in {type: 1, **_durations(type, seconds), **_rating(type, data)}.items():
            counts[(day, agency_id or 0, name)] += value
    Tally.objects.filter(region=region).delete()
    Tally.objects.bulk_create(
        Tally(region=region, day=day, agency_key=key, name=name, value=value)
        for (day, key, name), value in counts.items()
    )
    return counted
