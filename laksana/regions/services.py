"""Rules about regions and their areas: loading reference data, and which area a point falls in."""

import csv
import json
import threading
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _
from shapely import STRtree, prepare
from shapely.geometry import Point, shape

from laksana.common.configcache import ConfigCache
from laksana.common.errors import NotFound, ValidationFailed

from .models import Area, Region

# Points this close (in degrees, ~110 m) to a kelurahan are assigned to it: the published boundaries
# are simplified, so a real address on the city's edge can fall in a sliver between polygons.
EDGE_TOLERANCE_DEG = 0.001


# Regions by slug, and their areas by id, kept per process (laksana.common.configcache): shared
# by the process's requests, so never changed by them.
REGIONS = ConfigCache("regions", models=("regions.Region",))
AREAS = ConfigCache("areas", models=("regions.Area",))


def get_region(slug: str) -> Region:
    """The region of a slug, as this process last read it (at most CONFIG_SECONDS ago). Data
    other apps keep on the instance (the sla app's deadline rules) lives as long as it."""
    try:
        return REGIONS.get(slug, lambda: Region.objects.get(slug=slug))
    except Region.DoesNotExist:
        raise NotFound(_("Wilayah '%(slug)s' tidak ditemukan.") % {"slug": slug}) from None


@transaction.atomic
def load_region(directory: Path) -> Region:
    """Create or update a region and its areas from a data folder described by region.json.

    Steps: read the manifest; upsert the region (by slug) with its boundary; upsert every kecamatan,
    then every kelurahan under its kecamatan, by Kemendagri code. Running it twice changes nothing.
    """
    directory = Path(directory)
    manifest = json.loads((directory / "region.json").read_text(encoding="utf-8"))
    population = None
    if manifest.get("wilayah"):
        with open(directory / manifest["wilayah"], encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                if row["level"] in {"kota", "kabupaten", "provinsi"} and row.get("penduduk_total"):
                    population = int(row["penduduk_total"])
    boundary = (
        _read_features(directory / manifest["boundary"])[0] if manifest.get("boundary") else None
    )
    region, _created = Region.objects.update_or_create(
        slug=manifest["slug"],
        defaults={
            "name": manifest["name"],
            "code": manifest["code"],
            "timezone": manifest.get("timezone", "Asia/Jakarta"),
            "tracking_prefix": manifest["tracking_prefix"],
            "boundary": boundary["geometry"] if boundary else None,
            "center_lat": boundary["properties"].get("centroid_lat") if boundary else None,
            "center_lng": boundary["properties"].get("centroid_lng") if boundary else None,
            "population": population,
            # Only when the data names it: otherwise a region admin's number is kept (default 112).
            **(
                {"emergency_number": manifest["emergency_number"]}
                if "emergency_number" in manifest
                else {}
            ),
        },
    )
    kecamatan = {}
    for feature in _read_features(directory / manifest["kecamatan"]):
        props = feature["properties"]
        kecamatan[props["kode"]], _c = Area.objects.update_or_create(
            region=region,
            code=props["kode"],
            defaults={
                "name": props["nama"],
                "level": Area.Level.KECAMATAN,
                "parent": None,
                "boundary": feature["geometry"],
                "center_lat": props.get("centroid_lat"),
                "center_lng": props.get("centroid_lng"),
            },
        )
    for feature in _read_features(directory / manifest["kelurahan"]):
        props = feature["properties"]
        Area.objects.update_or_create(
            region=region,
            code=props["kode"],
            defaults={
                "name": props["nama"],
                "level": Area.Level.KELURAHAN,
                "parent": kecamatan[props["kode_kecamatan"]],
                "postcode": props.get("kodepos") or "",
                "boundary": feature["geometry"],
                "center_lat": props.get("centroid_lat"),
                "center_lng": props.get("centroid_lng"),
            },
        )
    transaction.on_commit(lambda: forget_geometry(region.id), robust=True)
    return region


def _read_features(path: Path) -> list[dict]:
    return json.loads(Path(path).read_text(encoding="utf-8"))["features"]


@dataclass
class _RegionGeometry:
    boundary: object | None
    tree: STRtree
    area_ids: list[int]
    polygons: list


_geometry: dict[int, _RegionGeometry] = {}
_geometry_lock = threading.Lock()


def forget_geometry(region_id: int) -> None:
    _geometry.pop(region_id, None)


def _region_geometry(region: Region) -> _RegionGeometry:
    cached = _geometry.get(region.id)
    if cached is not None:
        return cached
    with _geometry_lock:
        rows = list(
            Area.objects.filter(region=region, level=Area.Level.KELURAHAN, boundary__isnull=False)
            .order_by("id")
            .values_list("id", "boundary")
        )
        polygons = [shape(boundary) for _id, boundary in rows]
        for polygon in polygons:
            prepare(polygon)
        outline = shape(region.boundary) if region.boundary else None
        if outline is not None:
            prepare(outline)
        cached = _RegionGeometry(outline, STRtree(polygons), [r[0] for r in rows], polygons)
        _geometry[region.id] = cached
        return cached


def locate(region: Region, *, lat: float, lng: float) -> Area | None:
    """The kelurahan containing a point, or a clear error when the point is outside the region.

    Steps: the kelurahan whose polygon contains the point wins; else the nearest kelurahan when the
    point is within the tolerance of it or inside the region's outline (the published outlines are
    simplified separately, so they disagree at the edges); else the point is outside the region.
    Regions without kelurahan boundaries get None for points inside their outline.
    """
    if not (-90 <= lat <= 90 and -180 <= lng <= 180):
        raise ValidationFailed(
            _("Koordinat tidak valid."), code="invalid_location", fields={"lat": "", "lng": ""}
        )
    geometry = _region_geometry(region)
    point = Point(lng, lat)
    for index in geometry.tree.query(point, predicate="intersects"):
        return _area(geometry.area_ids[int(index)])
    inside = geometry.boundary is not None and geometry.boundary.intersects(point)
    if geometry.polygons:
        index = int(geometry.tree.nearest(point))
        if inside or geometry.polygons[index].distance(point) <= EDGE_TOLERANCE_DEG:
            return _area(geometry.area_ids[index])
    elif inside:
        return None
    outside = _("Lokasi berada di luar wilayah %(region)s.") % {"region": region.name}
    raise ValidationFailed(outside, code="outside_region", fields={"lat": outside})


def _area(pk: int) -> Area:
    # Without its boundary: that is in the cached geometry already, not decoded again per point.
    return AREAS.get(pk, lambda: Area.objects.defer("boundary").get(pk=pk))


def area_by_code(region: Region, code: str) -> Area:
    try:
        return Area.objects.get(region=region, code=code)
    except Area.DoesNotExist:
        raise ValidationFailed(
            _("Wilayah (kecamatan/kelurahan) '%(code)s' tidak dikenal.") % {"code": code},
            code="unknown_area",
            fields={"area": code},
        ) from None
