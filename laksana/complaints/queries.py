"""The read side for staff: filtered, keyset-paginated lists and a complaint's full detail."""

from datetime import date, datetime, time

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from laksana.agencies.services import Staff
from laksana.common.errors import ValidationFailed

from . import contact, keyset
from .models import Complaint, Status
from .services import visible_to

MAX_PAGE = 100
LIST_COLUMNS = (
    *("number", "kind", "status", "title", "priority", "channel", "version"),
    *("submitted_at", "updated_at", "region_id"),
    *("category__code", "category__name", "agency__code", "area__name"),
)


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
    reporter: str | None = None,
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
    if reporter:
        qs = qs.filter(contact.reporter_filter(staff, reporter))
    # Only what a row shows (present.staff_row): a complaint row is wide (texts, JSON, a
    # dozen timestamps) and a kelurahan's boundary polygon is the bulk of an area row.
    qs = qs.select_related("category", "agency", "area").only(*LIST_COLUMNS)
    return keyset.page(
        qs,
        region=staff.region,
        cursor=cursor,
        size=max(1, min(int(limit), MAX_PAGE)),
        oldest_first=oldest_first,
    )
