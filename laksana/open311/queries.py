"""GET requests: the specification's filters plus the common extensions, all checked at once.

Rules (documented in README.md here):
- `service_request_id` (comma list) overrides every other filter, as the specification says.
- Without any date filter the window is the last 90 days of `requested_datetime`.
- Without `page`/`page_size` at most 1000 requests are returned (the specification's limit);
  with them, pages of `page_size` (default 50, at most 1000, so both limits agree).
- Newest first on (submitted_at, id), which the (region, submitted_at, id) index serves.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import QuerySet
from django.http import QueryDict
from django.utils.translation import gettext as _

from laksana.common import clock
from laksana.complaints.models import OPEN_STATUSES
from laksana.complaints.privacy import public_complaints
from laksana.regions.models import Region

from .errors import Open311Error, not_a_date

DEFAULT_WINDOW = timedelta(days=90)
MAX_RESULTS = 1000
DEFAULT_PAGE_SIZE = 50
MAX_IDS = 1000


@dataclass
class Page:
    rows: QuerySet
    extensions: bool


def public_requests(region: Region) -> QuerySet:
    """Every complaint of the region the public may see (complaints.privacy.published): the
    others do not exist here."""
    return public_complaints(region)


def parse_datetime(value: str, region: Region) -> datetime | None:
    """W3C/ISO-8601 date or date-time; without an offset it is the region's local time."""
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=region.tz)


def _positive_int(value: str, *, limit: int) -> int | None:
    value = value.strip()
    if not value.isdigit() or len(value) > 9:
        return None
    number = int(value)
    return number if 1 <= number <= limit else None


def _comma_list(value: str) -> list[str]:
    return [v.strip() for v in value.split(",") if v.strip()]


def is_true(value: str | None) -> bool:
    return (value or "").strip().lower() in ("1", "true", "yes")


def find_requests(region: Region, params: QueryDict) -> Page:
    """Filter, order and slice the region's public requests as `params` ask."""
    errors: list[tuple[str, str]] = []
    qs = public_requests(region)
    extensions = is_true(params.get("extensions"))
    ids = _comma_list(params.get("service_request_id", ""))
    if ids:
        if len(ids) > MAX_IDS:
            errors.append(("service_request_id", _("Paling banyak %(n)d nomor.") % {"n": MAX_IDS}))
            raise Open311Error(400, errors)
        return Page(qs.filter(number__in=ids).order_by("-submitted_at", "-id"), extensions)

    codes = _comma_list(params.get("service_code", ""))
    if codes:
        qs = qs.filter(category__code__in=codes)
    statuses = {s.lower() for s in _comma_list(params.get("status", ""))}
    if statuses - {"open", "closed"}:
        errors.append(("status", _("Harus open, closed, atau keduanya (dipisah koma).")))
    elif statuses == {"open"}:
        qs = qs.filter(status__in=OPEN_STATUSES)
    elif statuses == {"closed"}:
        qs = qs.exclude(status__in=OPEN_STATUSES)

    moments = {}
    for name in ("start_date", "end_date", "updated_after", "updated_before"):
        raw = params.get(name)
        if raw is None or not raw.strip():
            continue
        moments[name] = parse_datetime(raw, region)
        if moments[name] is None:
            errors.append((name, not_a_date()))
    if not moments:
        moments["start_date"] = clock.now() - DEFAULT_WINDOW
    lookups = {
        "start_date": "submitted_at__gte",
        "end_date": "submitted_at__lte",
        "updated_after": "updated_at__gt",
        "updated_before": "updated_at__lt",
    }
    qs = qs.filter(**{lookups[k]: v for k, v in moments.items() if v is not None})

    page_raw, size_raw = params.get("page"), params.get("page_size")
    page, size = 1, MAX_RESULTS
    if page_raw is not None or size_raw is not None:
        size = DEFAULT_PAGE_SIZE
        if size_raw is not None:
            size = _positive_int(size_raw, limit=MAX_RESULTS)
            if size is None:
                errors.append(("page_size", _("Harus 1 sampai %(n)d.") % {"n": MAX_RESULTS}))
        if page_raw is not None:
            page = _positive_int(page_raw, limit=10**9)
            if page is None:
                errors.append(("page", _("Harus bilangan bulat mulai 1.")))
    if errors:
        raise Open311Error(400, errors)
    start = (page - 1) * size
    return Page(qs.order_by("-submitted_at", "-id")[start : start + size], extensions)
