"""The live room's counters: written by the lifecycle services inside each event's transaction.

`record_event` is called by laksana.complaints.services.core._event just before the event row is
inserted, so the counters are exactly as committed (a rolled-back transaction counts nothing) and
the region's stream head is locked before the event id is allocated (see StreamHead).
"""

import bisect
import math
from datetime import date

from django.db import connection

from laksana.common import clock
from laksana.conf import env

from .models import StreamHead, Tally

# Upper bounds (minutes) of the duration histograms; medians are interpolated inside a bucket.
BUCKETS = [1, 2, 3, 5, 7, 10, 15, 20, 30, 45, 60, 90, 120, 180, 240, 360, 480, 720, 1080]
BUCKETS += [1440, 2160, 2880, 4320, 7200, 10080, 20160, 43200, math.inf]
DISPOSITIONS = ("disposed", "forwarded")


def ack_target_minutes() -> float:
    return float(env("LIVE_ACK_TARGET_MINUTES"))


def bucket_of(seconds: float) -> int:
    return bisect.bisect_left(BUCKETS, max(seconds, 0) / 60)


def record_event(complaint, *, type: str, agency=None, data: dict | None = None) -> None:
    """Count one event of `complaint` (already changed) in today's counters of its region.

    Steps: lock the region's stream head (orders the region's event ids by commit); count the
    event type for the agency (the event's agency, else the complaint's); for an acknowledgment or
    a resolution add its duration since disposition to a histogram (and on-time acknowledgments);
    for a rating add the stars.
    """
    now = clock.now()
    region = complaint.region
    agency_id = agency.id if agency is not None else complaint.agency_id
    counts = {type: 1}
    since = complaint.disposed_at
    if type == "desk_ack" and complaint.acknowledged_at and since:
        seconds = (complaint.acknowledged_at - since).total_seconds()
        counts[f"ack_h{bucket_of(seconds)}"] = 1
        if seconds <= ack_target_minutes() * 60:
            counts["ack_on_time"] = 1
    elif type == "resolved" and complaint.resolved_at and since:
        counts[f"res_h{bucket_of((complaint.resolved_at - since).total_seconds())}"] = 1
    elif type == "rated" and data and data.get("rating"):
        counts.update(rating_sum=int(data["rating"]), rating_count=1)
    _bump(region.id, now.astimezone(region.tz).date(), agency_id or 0, counts)


def _bump(region_id: int, day: date, agency_key: int, counts: dict[str, int]) -> None:
    head, tally = StreamHead._meta.db_table, Tally._meta.db_table
    rows = sorted(counts.items())  # one lock order for every transaction: no deadlocks between us
    values = ", ".join(["(%s, %s, %s, %s, %s)"] * len(rows))
    params = [p for name, n in rows for p in (region_id, day.isoformat(), agency_key, name, n)]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {head} (region_id, events) VALUES (%s, 1) "
            f"ON CONFLICT (region_id) DO UPDATE SET events = {head}.events + 1",
            [region_id],
        )
        cursor.execute(
            f"INSERT INTO {tally} (region_id, day, agency_key, name, value) VALUES {values} "
            "ON CONFLICT (region_id, day, agency_key, name) "
            f"DO UPDATE SET value = {tally}.value + excluded.value",
            params,
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


def histogram(totals: dict[tuple[int, str], int], prefix: str, agency_keys) -> list[int]:
    return [
        sum(totals.get((key, f"{prefix}{i}"), 0) for key in agency_keys)
        for i in range(len(BUCKETS))
    ]
