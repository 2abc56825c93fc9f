"""Overdue complaints per agency, for the console, the live wall, reports and the public.

A range scan on the (region, next_deadline) index that touches only the late complaints, so it
stays cheap however many complaints a region has.
"""

from datetime import datetime

from django.db.models import Count, Q

from laksana.agencies.models import Agency
from laksana.common import clock
from laksana.complaints.models import Complaint
from laksana.regions.models import Region

from .deadlines import BREACHABLE


def overdue_counts(region: Region, *, now: datetime | None = None) -> dict[int | None, int]:
    """{agency id (None: still with the command center): number of complaints past deadline}."""
    rows = (
        Complaint.objects.filter(
            region=region, next_deadline__lt=now or clock.now(), deadline_stage__in=BREACHABLE
        )
        .values("agency_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {row["agency_id"]: row["n"] for row in rows}


def overdue_by_agency(region: Region, *, now: datetime | None = None) -> list[dict]:
    """Every active agency of the region (and any other with late complaints) with its overdue
    count, zero included, most first."""
    counts = overdue_counts(region, now=now)
    agencies = Agency.objects.filter(Q(is_active=True) | Q(id__in=counts), region=region)
    rows = [
        {"agency": a.code, "name": a.short_name, "overdue": counts.get(a.id, 0)} for a in agencies
    ]
    rows.sort(key=lambda row: (-row["overdue"], row["name"]))
    return rows
