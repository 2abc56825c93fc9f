"""A region's whole configuration as one JSON document, to move it between installations or to
adopt another region from it: areas with boundaries, agencies, categories, routing rules, deadline
policy, calendar and reply templates. No complaints and no personal data (no staff, no contacts).

Import writes the region folder `laksana region load` reads and loads it with the same loaders
(see adoption.py), then adds what a folder does not hold (declared days, area rules, templates).
"""

import tempfile
from datetime import date
from pathlib import Path

from django.db import transaction

from laksana.agencies.models import Agency, AreaRule, Category
from laksana.agencies.services import load_catalogue
from laksana.sla.models import DayOverride, RegionPolicy
from laksana.sla.services.policy import load_policy

from . import adoption
from .models import Area, Region
from .services import load_region

FORMAT = "laksana-region/1"


def _feature(area: Area) -> dict:
    return {
        "type": "Feature",
        "properties": {
            "kode": area.code,
            "nama": area.name,
            "kodepos": area.postcode,
            "centroid_lat": area.center_lat,
            "centroid_lng": area.center_lng,
            "kode_kecamatan": area.parent.code if area.parent_id else None,
        },
        "geometry": None if area.approximate else area.boundary,
    }


def export_region(region: Region) -> dict:
    """The region's configuration (see the module docstring)."""
    template = adoption._template_from_region(region)
    areas = Area.objects.filter(region=region).select_related("parent").order_by("code")
    from laksana.console.models import RejectionTemplate, ResponseTemplate

    return {
        "format": FORMAT,
        "region": {
            "slug": region.slug,
            "name": region.name,
            "code": region.code,
            "timezone": region.timezone,
            "tracking_prefix": region.tracking_prefix,
            "emergency_number": region.emergency_number,
            "publish_before_verification": region.publish_before_verification,
            "population": region.population,
        },
        "boundary": {
            "type": "Feature",
            "properties": {"centroid_lat": region.center_lat, "centroid_lng": region.center_lng},
            "geometry": region.boundary,
        },
        "kecamatan": [_feature(a) for a in areas if a.level == Area.Level.KECAMATAN],
        "kelurahan": [_feature(a) for a in areas if a.level == Area.Level.KELURAHAN],
        "agencies": [
            {
                "code": a.code,
                "short_name": a.short_name,
                "name": a.name,
                "kind": a.kind,
                "functions": a.functions,
                "is_active": a.is_active,
            }
            for a in Agency.objects.filter(region=region).order_by("code")
        ],
        "categories": template.categories,
        "attributes": template.attributes,
        "policy": template.policy,
        "days": [
            {"date": d.date.isoformat(), "kind": d.kind, "note": d.note}
            for d in DayOverride.objects.filter(policy_id=region.pk).order_by("date")
        ],
        "area_rules": [
            {"category": r.category.code, "area": r.area.code, "agency": r.agency.code}
            for r in AreaRule.objects.filter(region=region)
            .select_related("category", "area", "agency")
            .order_by("category__code", "area__code")
        ],
        "templates": {
            "rejection": [
                {"title": t.title, "text": t.text, "order": t.order}
                for t in RejectionTemplate.objects.filter(region=region).order_by("order", "title")
            ],
            "response": [
                {"agency": t.agency.code, "title": t.title, "text": t.text, "order": t.order}
                for t in ResponseTemplate.objects.filter(region=region)
                .select_related("agency")
                .order_by("agency__code", "order", "title")
            ],
        },
    }


def template_from_export(data: dict) -> adoption.Template:
    """An exported region as the template of an adoption."""
    _check(data)
    functions = {a["code"]: a["functions"].split() for a in data["agencies"]}
    return adoption.Template(
        data["region"]["slug"], functions, data["categories"], data["attributes"], data["policy"]
    )


def _check(data: dict) -> None:
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise adoption.AdoptionError(f"not a region export (format {FORMAT})")


def import_region(data: dict, *, slug: str | None = None, prefix: str | None = None) -> Region:
    """Create or update the region of an export; idempotent. Another slug or prefix gives a copy
    under a new name only where the code is free (codes are unique per installation)."""
    from laksana.console.models import RejectionTemplate, ResponseTemplate

    _check(data)
    info = dict(data["region"])
    info["slug"] = slug or info["slug"]
    info["tracking_prefix"] = (prefix or info["tracking_prefix"]).upper()
    existing = Region.objects.filter(code=info["code"]).first()
    if existing is not None and existing.slug != info["slug"]:
        raise adoption.AdoptionError(f"{info['code']} is here already as {existing.slug}")
    taken = Region.objects.filter(tracking_prefix=info["tracking_prefix"])
    if taken.exclude(code=info["code"]).exists():
        raise adoption.AdoptionError(f"prefix {info['tracking_prefix']!r} is another region's")
    with tempfile.TemporaryDirectory(prefix="laksana-import-") as tmp, transaction.atomic():
        folder = Path(tmp)
        manifest = {
            key: info[key]
            for key in ("slug", "name", "code", "timezone", "tracking_prefix", "emergency_number")
        } | {
            "kecamatan": "kecamatan.geojson",
            "kelurahan": "kelurahan.geojson",
            "agencies": "agencies.csv",
            "categories": "categories.csv",
            "attributes": "attributes.json",
            "policy": "policy.json",
        }
        if data["boundary"]["geometry"]:
            manifest["boundary"] = "boundary.geojson"
        adoption._json(folder / "region.json", manifest)
        adoption._json(folder / "boundary.geojson", adoption._collection([data["boundary"]]))
        adoption._json(folder / "kecamatan.geojson", adoption._collection(data["kecamatan"]))
        adoption._json(folder / "kelurahan.geojson", adoption._collection(data["kelurahan"]))
        adoption._write_csv(
            folder / "agencies.csv",
            ["code", "short_name", "name", "kind", "functions"],
            data["agencies"],
        )
        adoption._write_csv(
            folder / "categories.csv", adoption.CATEGORY_COLUMNS, data["categories"]
        )
        adoption._json(folder / "attributes.json", data["attributes"])
        adoption._json(folder / "policy.json", data["policy"])
        region = load_region(folder)
        load_catalogue(region, folder)
        load_policy(region, folder)
        Region.objects.filter(pk=region.pk).update(
            publish_before_verification=info["publish_before_verification"],
            population=info["population"],
        )
        inactive = [a["code"] for a in data["agencies"] if not a.get("is_active", True)]
        Agency.objects.filter(region=region, code__in=inactive).update(is_active=False)
        policy = RegionPolicy.objects.get(region=region)
        for day in data["days"]:
            DayOverride.objects.get_or_create(
                policy=policy,
                date=date.fromisoformat(day["date"]),
                defaults={"kind": day["kind"], "note": day["note"]},
            )
        agencies = {a.code: a for a in Agency.objects.filter(region=region)}
        categories = {c.code: c for c in Category.objects.filter(region=region)}
        areas = {a.code: a for a in Area.objects.filter(region=region)}
        for rule in data["area_rules"]:
            AreaRule.objects.get_or_create(
                category=categories[rule["category"]],
                area=areas[rule["area"]],
                defaults={"region": region, "agency": agencies[rule["agency"]]},
            )
        for t in data["templates"]["rejection"]:
            RejectionTemplate.objects.get_or_create(
                region=region, title=t["title"], defaults={"text": t["text"], "order": t["order"]}
            )
        for t in data["templates"]["response"]:
            ResponseTemplate.objects.get_or_create(
                region=region,
                agency=agencies[t["agency"]],
                title=t["title"],
                defaults={"text": t["text"], "order": t["order"]},
            )
    region.refresh_from_db()
    return region
