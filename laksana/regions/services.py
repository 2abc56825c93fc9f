"""Rules about regions and their areas: loading reference data, and which area a point falls in."""

import csv
import json
import threading
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _
from shapely import STRtree, make_valid, prepare
from shapely.geometry import Point, shape

from laksana.common import configcache
from laksana.common.configcache import ConfigCache
from laksana.common.errors import NotFound, ValidationFailed

from .geometry import repaired
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
    then every kelurahan under its kecamatan, by Kemendagri code. Invalid polygons are repaired. A
    kelurahan without geometry (an adopted region's desa known only by its centroid) is marked
    approximate when created and keeps any boundary loaded before. Running it twice changes nothing.
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
            "boundary": repaired(boundary["geometry"]) if boundary else None,
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
                "boundary": repaired(feature["geometry"]),
                "center_lat": props.get("centroid_lat"),
                "center_lng": props.get("centroid_lng"),
            },
        )
    for feature in _read_features(directory / manifest["kelurahan"]):
        props = feature["properties"]
        fields = {
            "name": props["nama"],
            "level": Area.Level.KELURAHAN,
            "parent": kecamatan[props["kode_kecamatan"]],
            "postcode": props.get("kodepos") or "",
            "center_lat": props.get("centroid_lat"),
            "center_lng": props.get("centroid_lng"),
        }
        if feature.get("geometry"):
            fields |= {"boundary": repaired(feature["geometry"]), "approximate": False}
            Area.objects.update_or_create(region=region, code=props["kode"], defaults=fields)
        else:
            Area.objects.update_or_create(
                region=region,
                code=props["kode"],
                defaults=fields,
                create_defaults=fields | {"boundary": None, "approximate": True},
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
    # Kecamatan polygons, and for each kecamatan its approximate kelurahan (id, centroid): only
    # regions adopted without desa/kelurahan boundaries have any.
    kecamatan_tree: STRtree
    kecamatan_ids: list[int]
    kecamatan_polygons: list
    approximate: dict[int, list[tuple[int, Point]]]
    parent_of: dict[int, int | None]


_geometry: dict[int, _RegionGeometry] = {}
_geometry_lock = threading.Lock()
configcache.also_clear(_geometry.clear)


def forget_geometry(region_id: int) -> None:
    _geometry.pop(region_id, None)


def _polygon(boundary: dict):
    polygon = shape(boundary)
    if not polygon.is_valid:  # loaded before boundaries were repaired on load
        polygon = make_valid(polygon)
    prepare(polygon)
    return polygon


def _region_geometry(region: Region) -> _RegionGeometry:
    cached = _geometry.get(region.id)
    if cached is not None:
        return cached
    with _geometry_lock:
        rows = list(
            Area.objects.filter(region=region, level=Area.Level.KELURAHAN)
            .order_by("id")
            .values_list("id", "parent_id", "boundary", "approximate", "center_lat", "center_lng")
        )
        with_boundary = [r for r in rows if r[2]]
        polygons = [_polygon(r[2]) for r in with_boundary]
        approximate: dict[int, list[tuple[int, Point]]] = {}
        for area_id, parent_id, boundary, approx, lat, lng in rows:
            if approx and not boundary and lat is not None and lng is not None:
                approximate.setdefault(parent_id, []).append((area_id, Point(lng, lat)))
        kecamatan = []
        if approximate:
            kecamatan = list(
                Area.objects.filter(
                    region=region, level=Area.Level.KECAMATAN, boundary__isnull=False
                )
                .order_by("id")
                .values_list("id", "boundary")
            )
        kecamatan_polygons = [_polygon(b) for _id, b in kecamatan]
        outline = _polygon(region.boundary) if region.boundary else None
        cached = _RegionGeometry(
            outline,
            STRtree(polygons),
            [r[0] for r in with_boundary],
            polygons,
            STRtree(kecamatan_polygons),
            [k[0] for k in kecamatan],
            kecamatan_polygons,
            approximate,
            {r[0]: r[1] for r in with_boundary},
        )
        _geometry[region.id] = cached
        return cached


def locate(region: Region, *, lat: float, lng: float) -> Area | None:
    """The kelurahan containing a point, or a clear error when the point is outside the region.

    Steps: the kelurahan whose polygon contains the point wins; else, in a region with approximate
    kelurahan (no boundary, only a centroid), the kecamatan containing the point (or the nearest
    one, by the rule below) gives its nearest kelurahan: by centroid for the approximate ones, by
    polygon for the others (the returned area says `approximate`); else the nearest kelurahan
    when the point is within the tolerance of it or inside the region's outline (the published
    outlines are simplified separately, so they disagree at the edges); else the point is outside
    the region. Regions without kelurahan boundaries or centroids get None for points inside
    their outline.
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
    if geometry.approximate:
        found = _nearest_in_kecamatan(geometry, point, inside=inside)
        if found is not None:
            return Area.objects.get(pk=found)
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


def _nearest_in_kecamatan(geometry: _RegionGeometry, point: Point, *, inside: bool) -> int | None:
    """The id of the kelurahan nearest the point within the point's kecamatan, if it has
    approximate ones (see locate). Simplified kecamatan overlap at their edges: a point in
    several takes the nearest kelurahan of all of them."""
    if not geometry.kecamatan_polygons:
        return None
    hits = [int(i) for i in geometry.kecamatan_tree.query(point, predicate="intersects")]
    if not hits:
        index = int(geometry.kecamatan_tree.nearest(point))
        near = geometry.kecamatan_polygons[index].distance(point) <= EDGE_TOLERANCE_DEG
        if not (inside or near):
            return None
        hits = [index]
    kecamatan_ids = {geometry.kecamatan_ids[i] for i in hits}
    if not any(geometry.approximate.get(k) for k in kecamatan_ids):
        return None
    distances = [
        (centroid.distance(point), area_id)
        for k in kecamatan_ids
        for area_id, centroid in geometry.approximate.get(k, [])
    ]
    distances += [
        (polygon.distance(point), area_id)
        for area_id, polygon in zip(geometry.area_ids, geometry.polygons, strict=True)
        if geometry.parent_of[area_id] in kecamatan_ids
    ]
    return min(distances)[1]


def area_by_code(region: Region, code: str) -> Area:
    try:
        return Area.objects.get(region=region, code=code)
    except Area.DoesNotExist:
        raise ValidationFailed(
            _("Wilayah (kecamatan/kelurahan) '%(code)s' tidak dikenal.") % {"code": code},
            code="unknown_area",
            fields={"area": code},
        ) from None
