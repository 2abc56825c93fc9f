"""Public reference data of a region: what can be reported, and where."""

from ninja import Router, Schema

from laksana.agencies.models import Category
from laksana.regions.models import Area, Region
from laksana.regions.services import get_region

router = Router(tags=["regions"])


class RegionOut(Schema):
    slug: str
    name: str
    code: str
    timezone: str
    tracking_prefix: str
    center_lat: float | None
    center_lng: float | None


class CategoryOut(Schema):
    code: str
    name: str
    group: str
    default_agency: str | None


class AreaOut(Schema):
    code: str
    name: str
    level: str
    parent: str | None
    postcode: str


@router.get("/regions", response=list[RegionOut], summary="Regions served")
def list_regions(request):
    return Region.objects.order_by("name")


@router.get("/regions/{slug}", response=RegionOut, summary="One region")
def region_detail(request, slug: str):
    return get_region(slug)


@router.get(
    "/regions/{slug}/categories", response=list[CategoryOut], summary="What can be reported"
)
def list_categories(request, slug: str):
    region = get_region(slug)
    return [
        CategoryOut(
            code=c.code,
            name=c.name,
            group=c.group,
            default_agency=c.default_agency.short_name if c.default_agency else None,
        )
        for c in Category.objects.filter(region=region, is_public=True, is_active=True)
        .select_related("default_agency")
        .order_by("order", "name")
    ]


@router.get("/regions/{slug}/areas", response=list[AreaOut], summary="Kecamatan and kelurahan")
def list_areas(request, slug: str, level: str | None = None):
    region = get_region(slug)
    qs = Area.objects.filter(region=region).select_related("parent").order_by("code")
    if level:
        qs = qs.filter(level=level)
    return [
        AreaOut(
            code=a.code,
            name=a.name,
            level=a.level,
            parent=a.parent.code if a.parent else None,
            postcode=a.postcode,
        )
        for a in qs
    ]
