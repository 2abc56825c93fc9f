"""Public pages of a region: home, the list and map of public complaints, one complaint, and the
kecamatan boundaries the maps draw."""

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from laksana.common.errors import ValidationFailed
from laksana.complaints.present import public_view
from laksana.complaints.privacy import public_complaints
from laksana.regions.models import Region

from . import queries, wording
from .access import region_page
from .forms import FilterForm

RECENT = 8


def map_config(region: Region, points: list[dict] | None = None, **extra) -> dict:
    """What portal.js needs to draw a map: a center, the boundaries, the tiles (if any), points."""
    return {
        "center": [region.center_lat or 0, region.center_lng or 0],
        "boundaries": reverse("portal:boundaries", kwargs={"region_slug": region.slug}),
        "kelurahan": reverse("portal:kelurahan_boundaries", kwargs={"region_slug": region.slug}),
        "tiles": settings.MAP_TILE_URL,
        "points": points or [],
        **extra,
    }


@require_GET
@region_page
def home(request: HttpRequest, region: Region) -> HttpResponse:
    rows = queries.recent(region, RECENT)
    numbers = queries.headline(region)
    return render(
        request,
        "portal/home.html",
        {
            "region": region,
            "groups": queries.choices(region).categories,
            "recent": rows,
            "numbers": numbers,
            "median": wording.duration(numbers.median_resolution),
            "map": map_config(region, queries.map_points(rows)),
        },
    )


@require_GET
@region_page
def complaint_list(request: HttpRequest, region: Region) -> HttpResponse:
    form = FilterForm(region, request.GET)
    filters = form.filters()
    cursor = request.GET.get("sebelum") or None
    try:
        rows, next_cursor = queries.public_page(region, filters, cursor=cursor)
    except ValidationFailed:  # a damaged "older" link: start again from the newest
        rows, next_cursor = queries.public_page(region, filters)
        cursor = None
    query = request.GET.copy()
    query.pop("sebelum", None)
    first_query = query.urlencode()
    next_query = None
    if next_cursor:
        query["sebelum"] = next_cursor
        next_query = query.urlencode()
    return render(
        request,
        "portal/list.html",
        {
            "region": region,
            "form": form,
            "rows": rows,
            "next_query": next_query,
            "is_first_page": cursor is None,
            "first_query": first_query,
            "map": map_config(region, queries.map_points(rows)),
        },
        status=400 if form.errors else 200,
    )


@require_GET
@region_page
def complaint_detail(request: HttpRequest, region: Region, number: str) -> HttpResponse:
    complaint = (
        public_complaints(region)
        .select_related("region", "category", "agency", "area__parent", "reporter")
        .filter(number=number)
        .first()
    )
    if complaint is None:
        raise Http404(number)
    view = public_view(complaint)
    return render(
        request,
        "portal/detail.html",
        {
            "region": region,
            "c": view,
            "explanation": wording.explain(complaint.status, view["agency"]),
            "map": map_config(region, queries.map_points([queries.public_row(complaint)])),
        },
    )


@require_GET
@region_page
@cache_control(public=True, max_age=queries.BOUNDARY_SECONDS)
def boundaries(request: HttpRequest, region: Region, level: str = "kecamatan") -> JsonResponse:
    response = JsonResponse(queries.boundaries(region, level))
    response["Content-Type"] = "application/geo+json"
    return response


@require_GET
def regions(request: HttpRequest) -> HttpResponse:
    """The site's front door: the one region's home, or a list when several are served."""
    served = list(Region.objects.order_by("name"))
    if len(served) == 1:
        return redirect("portal:home", region_slug=served[0].slug)
    return render(request, "portal/regions.html", {"regions": served})
