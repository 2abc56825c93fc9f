"""What every citizen page needs before its view runs: the region from the URL, the citizen's
chosen language, the region's time zone, and protection against floods of submissions."""

import math
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from laksana.common import ratelimit
from laksana.common.errors import NotFound
from laksana.complaints import services
from laksana.complaints.models import Complaint
from laksana.regions.models import Region
from laksana.regions.services import get_region

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
            try:
                return view(request, region, *args, **kwargs)
            except ratelimit.RateLimited as exc:
                return rate_limited(request, region, exc)

    return wrapper


def rate_limited(request: HttpRequest, region: Region, exc: ratelimit.RateLimited) -> HttpResponse:
    response = render(
        request,
        "portal/rate_limited.html",
        {
            "region": region,
            "message": _(
                "Terlalu banyak permintaan dari jaringan Anda dalam waktu singkat. Untuk keadaan "
                "darurat, hubungi 112."
            ),
            "minutes": max(1, math.ceil(exc.retry_after / 60)),
        },
        status=429,
    )
    response["Retry-After"] = str(exc.retry_after)
    return response


client_address = ratelimit.client_address


def rate(purpose: str) -> tuple[int, int]:
    """(attempts, seconds) allowed for "submit" or "lookup" (common.ratelimit.LIMITS); the older
    PORTAL_SUBMIT_RATE / PORTAL_LOOKUP_RATE settings still override them."""
    legacy = getattr(settings, f"PORTAL_{purpose.upper()}_RATE", None)
    return tuple(legacy) if legacy else ratelimit.limit_of(purpose)


def within_rate(request: HttpRequest, *, purpose: str) -> bool:
    """Count one attempt of `purpose` ("submit" or "lookup") from this address; False when over."""
    limit, window = rate(purpose)
    key = f"{purpose}:{client_address(request)}"
    return ratelimit.hit(key, limit=limit, window=window).allowed


def complaint_by_token(region: Region, token: str, request: HttpRequest) -> Complaint:
    """The complaint whose secret token this is, if it belongs to this region; else 404.
    Guessing tokens is refused after a few misses (RateLimited, shown by region_page)."""
    ratelimit.refuse_if_guessing(request)
    try:
        complaint = services.get_by_token(token)
    except NotFound:
        complaint = None
    if complaint is None or complaint.region_id != region.id:
        ratelimit.count_token_miss(request)
        raise Http404
    return complaint
