"""Drill-down: the console list behind a number of the reports, for the same agency, category
or place and the same days."""

from functools import lru_cache
from urllib.parse import urlencode

from django.urls import reverse

from laksana.complaints.models import OPEN_STATUSES
from laksana.regions.models import Region

from .periods import Period


@lru_cache(maxsize=256)
def _list_base(region_slug: str) -> str:
    # A performance page links a few hundred numbers: one reverse() per region, not per link.
    return reverse("console:complaints", kwargs={"region_slug": region_slug})


def list_url(region: Region, **filters) -> str:
    """The console list with these filters (keys of console.search.Filters)."""
    query = {k: v for k, v in filters.items() if v not in (None, "", False)}
    base = _list_base(region.slug)
    return f"{base}?{urlencode(query)}" if query else base


# A figure counted from transitions, and the event its drill-down looks for (see drill).
DRILL_EVENTS = {
    "received": "submitted",
    "verified": "verified",
    "rejected": "rejected",
    "disposed": "disposed",
    "accepted": "accepted",
    "responded": "responded",
    "resolved": "resolved",
    "reopened": "reopened",
    "returned": "returned",
    "closed": "closed",
}


def drill(region: Region, period: Period | None, measure: str, **filters) -> str:
    """The list of complaints behind one number, for the same agency, category or place.

    A count of transitions (received, disposed, resolved...) lists the complaints with that
    event on one of the period's days, by the agency the reports give it to, as the aggregates
    count them (a complaint resolved twice in the period is one row of the list and two of the
    figure); "open" and "overdue" are the complaints in that state now."""
    query = dict(filters)
    if measure == "overdue":
        query["overdue"] = "1"
    elif measure == "open":
        query["status"] = ",".join(OPEN_STATUSES)
    elif measure in DRILL_EVENTS:
        query["event"] = DRILL_EVENTS[measure]
        if period is not None:
            query.update(period.query())
    else:
        raise ValueError(f"no drill-down for {measure!r}")
    return list_url(region, **query)
