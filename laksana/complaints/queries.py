"""The read side for staff: filtered, keyset-paginated lists and a complaint's full detail."""

import base64
import json
from datetime import date, datetime, time

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from laksana.agencies.services import Staff
from laksana.common.errors import ValidationFailed

from .models import Complaint, Status
from .services import visible_to

MAX_PAGE = 100


def _decode_cursor(cursor: str) -> tuple[datetime, int]:
    try:
        raw = json.loads(base64.urlsafe_b64decode(cursor.encode() + b"=="))
        return datetime.fromisoformat(raw[0]), int(raw[1])
    except (ValueError, TypeError, IndexError, json.JSONDecodeError):
        raise ValidationFailed(_("Kursor halaman tidak valid."), fields={"cursor": ""}) from None


def _encode_cursor(complaint: Complaint) -> str:
    raw = json.dumps([complaint.submitted_at.isoformat(), complaint.pk]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def staff_list(
    staff: Staff,
    *,
    status: str | None = None,
    agency: str | None = None,
    category: str | None = None,
    area: str | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    q: str | None = None,
    oldest_first: bool = False,
    cursor: str | None = None,
    limit: int = 50,
) -> tuple[list[Complaint], str | None]:
    """One page of the complaints a staff member may see, newest (or oldest) first.

    Keyset pagination on (submitted_at, id): a deep page costs the same as the first one.
    """
    qs: QuerySet = visible_to(staff)
    if status:
        statuses = [s for s in status.split(",") if s]
        if any(s not in Status.values for s in statuses):
            raise ValidationFailed(_("Status tidak dikenal."), fields={"status": status})
        qs = qs.filter(status__in=statuses)
    if agency:
        qs = qs.filter(agency__code=agency)
    if category:
        qs = qs.filter(category__code=category)
    if area:
        qs = qs.filter(Q(area__code=area) | Q(area__parent__code=area))
    tz = staff.region.tz
    if date_from:
        qs = qs.filter(submitted_at__gte=datetime.combine(date_from, time.min, tzinfo=tz))
    if date_to:
        qs = qs.filter(submitted_at__lte=datetime.combine(date_to, time.max, tzinfo=tz))
    if q:
        q = q.strip()
        qs = qs.filter(Q(number__iexact=q) | Q(description__icontains=q) | Q(title__icontains=q))
    if cursor:
        at, pk = _decode_cursor(cursor)
        # The plain range on submitted_at is redundant with the OR, but it is what lets the
        # database start the index scan at the cursor instead of filtering every newer row.
        if oldest_first:
            qs = qs.filter(submitted_at__gte=at).filter(
                Q(submitted_at__gt=at) | Q(submitted_at=at, pk__gt=pk)
            )
        else:
            qs = qs.filter(submitted_at__lte=at).filter(
                Q(submitted_at__lt=at) | Q(submitted_at=at, pk__lt=pk)
            )
    order = ("submitted_at", "pk") if oldest_first else ("-submitted_at", "-pk")
    limit = max(1, min(int(limit), MAX_PAGE))
    # The kelurahan's boundary polygon is the bulk of an area row and a list never shows it.
    qs = qs.select_related("category", "agency", "area").defer("area__boundary")
    rows = list(qs.order_by(*order)[: limit + 1])
    for row in rows:  # every row is in the staff's region: reuse it, not one query per row
        row.region = staff.region
    next_cursor = _encode_cursor(rows[limit - 1]) if len(rows) > limit else None
    return rows[:limit], next_cursor
