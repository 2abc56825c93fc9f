"""What every citizen page needs before its view runs: the region from the URL, the citizen's
chosen language, the region's time zone, and protection against floods of submissions."""

from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone

from laksana.common.errors import NotFound
from laksana.common.ratelimit import allow
from laksana.complaints import services
from laksana.complaints.models import Complaint
from laksana.regions.models import Region
from laksana.regions.services import get_region

# Submissions per client address per window. Generous, because many Indonesian phones share one
# carrier-grade NAT address; a region can tighten it with the PORTAL_SUBMIT_RATE setting.
SUBMIT_RATE = (20, 600)
# Tracking look-ups by number + contact: low, so nobody can guess contacts by trying many.
LOOKUP_RATE = (10, 600)

View = Callable[..., HttpResponse]


def region_page(view: View) -> View:
    """Resolve `region_slug` (404 when unknown) and show times in the region's zone, then call
    `view(request, region, ...)`. (The language is chosen site-wide by LanguageMiddleware.)"""

    @wraps(view)
    def wrapper(request: HttpRequest, region_slug: str, *args, **kwargs) -> HttpResponse:
        try:
            region = get_region(region_slug)
        except NotFound:
            raise Http404(region_slug) from None
        with timezone.override(region.tz):
            return view(request, region, *args, **kwargs)

    return wrapper


def client_address(request: HttpRequest) -> str:
    # REMOTE_ADDR only: a forwarded-for header is whatever the client wants it to be unless a
    # trusted proxy sets it, and the deployment's proxy is expected to set REMOTE_ADDR correctly.
    return request.META.get("REMOTE_ADDR") or "unknown"


def rate(purpose: str) -> tuple[int, int]:
    """(attempts, seconds) allowed for "submit" or "lookup"; settings may override the defaults."""
    if purpose == "submit":
        return getattr(settings, "PORTAL_SUBMIT_RATE", SUBMIT_RATE)
    return getattr(settings, "PORTAL_LOOKUP_RATE", LOOKUP_RATE)


def within_rate(request: HttpRequest, *, purpose: str) -> bool:
    """Count one attempt of `purpose` ("submit" or "lookup") from this address; False when over."""
    limit, window = rate(purpose)
    return allow(f"portal:{purpose}:{client_address(request)}", limit=limit, window=window)


def complaint_by_token(region: Region, token: str) -> Complaint:
    """The complaint whose secret token this is, if it belongs to this region; else 404."""
    try:
        complaint = services.get_by_token(token)
    except NotFound:
        raise Http404 from None
    if complaint.region_id != region.id:
        raise Http404
    return complaint
