"""Where complaints come from: a choropleth of the period's complaints per kelurahan drawn on the
region's stored boundaries, and the hot spots (issue 18, item 2).

Numbers come from the rollup (DailyStat summed by the database per area and category), never a
scan of complaints. For the whole region the map counts complaints received; for an agency's
scope it counts the dispositions the agency received (received is counted before any agency
has a complaint, so an agency's own rows have none).

The map is drawn at the kelurahan level when every kelurahan/desa of the region has a boundary
of its own; an adopted region whose desa are located by centroid only (Area.approximate) is
drawn per kecamatan instead, and says so; without kecamatan boundaries either, only the table.

Hot spot rule (shown on the page): a kelurahan, or a kelurahan and category, is hot when its
count this period is at least HOT_MIN and at least HOT_FACTOR times its mean over the
HOT_HISTORY periods of the same length before it; for periods of up to HOT_MAX_DAYS.
"""

import math
from dataclasses import dataclass, field

from django.db.models import Q, Sum
from django.utils.translation import gettext as _
from shapely.geometry import shape

from laksana.agencies.models import Category
from laksana.regions.models import Area

from .drill import drill
from .models import DimensionDay
from .periods import Period
from .services import Scope, area_category_sums, kept

HOT_MIN, HOT_FACTOR, HOT_HISTORY = 3, 2, 4
HOT_MAX_DAYS = 92  # longer periods: no hot spots (five of them would be years of fine rows)
CLASSES = 5
MAP_WIDTH, MAP_PAD = 640, 8
_GEOMETRY: dict = {}  # (region, level, fingerprint) -> projected rings, per process


def measure_for(scope: Scope) -> str:
    return "received" if scope.agency_ids is None else "disposed"


def measure_label(scope: Scope) -> str:
    if scope.agency_ids is None:
        return _("Laporan masuk")
    return _("Disposisi diterima")


@dataclass
class Place:
    id: int
    code: str
    name: str
    parent: str  # the kecamatan's name of a kelurahan
    count: int = 0
    css: str = "d0"
    path: str = ""  # SVG path data ("" when the place has no boundary)
    rings: list = field(default_factory=list)  # [[(x, y), ...], ...] in map units
    href: str = ""


@dataclass
class DensityMap:
    id: str
    title: str
    level: str  # "kelurahan" | "kecamatan"
    coarse: bool  # drawn per kecamatan because the kelurahan have no boundaries
    drawn: bool  # False: no boundaries to draw, the table only
    places: list[Place]
    legend: list[tuple[str, str]]  # (css class, range text)
    measure: str
    width: int = MAP_WIDTH
    height: int = 0

    @property
    def ranked(self) -> list[Place]:
        """The places with anything, busiest first (the accessible table)."""
        return sorted((p for p in self.places if p.count), key=lambda p: (-p.count, p.name))


def _level(region) -> str | None:
    """The finest level that can be drawn: kelurahan when all have their own boundary."""
    kelurahan = Area.objects.filter(region=region, level=Area.Level.KELURAHAN)
    if kelurahan.exists() and not kelurahan.filter(Q(approximate=True) | Q(boundary__isnull=True)):
        return "kelurahan"
    kecamatan = Area.objects.filter(region=region, level=Area.Level.KECAMATAN)
    if kecamatan.exists() and not kecamatan.filter(boundary__isnull=True).exists():
        return "kecamatan"
    return None


def _rings(geometry: dict) -> list[list[tuple[float, float]]]:
    coords = geometry.get("coordinates") or []
    polygons = coords if geometry.get("type") == "MultiPolygon" else [coords]
    return [ring for polygon in polygons for ring in polygon]


def _projected(region, level: str) -> tuple[dict, int]:
    """{area id: rings in map units}, and the map's height: an equirectangular projection
    scaled to MAP_WIDTH, simplified to about a pixel. Cached per process until the areas
    change (their ids, centres or boundary flags)."""
    areas = Area.objects.filter(region=region, level=level)
    fingerprint = hash(
        tuple(areas.values_list("id", "center_lat", "center_lng", "approximate").order_by("id"))
    )
    key = (region.pk, level, fingerprint)
    if key in _GEOMETRY:
        return _GEOMETRY[key]
    shapes = {}
    for area_id, boundary in areas.exclude(boundary__isnull=True).values_list("id", "boundary"):
        geom = shape(boundary)
        if not geom.is_empty:
            shapes[area_id] = geom
    if not shapes:
        return {}, 0
    bounds = [g.bounds for g in shapes.values()]
    min_x, min_y = min(b[0] for b in bounds), min(b[1] for b in bounds)
    max_x, max_y = max(b[2] for b in bounds), max(b[3] for b in bounds)
    kx = math.cos(math.radians((min_y + max_y) / 2))
    scale = (MAP_WIDTH - 2 * MAP_PAD) / max((max_x - min_x) * kx, 1e-9)
    height = round((max_y - min_y) * scale + 2 * MAP_PAD)
    found = {}
    for area_id, geom in shapes.items():
        simple = geom.simplify(0.8 / scale, preserve_topology=True)
        rings = []
        for ring in _rings(simple.__geo_interface__):
            points = [
                (
                    round(MAP_PAD + (x - min_x) * kx * scale, 1),
                    round(MAP_PAD + (max_y - y) * scale, 1),
                )
                for x, y in ring
            ]
            if len(points) >= 3:
                rings.append(points)
        found[area_id] = rings
    if len(_GEOMETRY) > 16:
        _GEOMETRY.clear()
    _GEOMETRY[key] = (found, height)
    return found, height


def _path(rings) -> str:
    return " ".join("M" + " L".join(f"{x},{y}" for x, y in ring) + " Z" for ring in rings if ring)


def classes(top: int) -> tuple[int, list[tuple[str, str]]]:
    """The class width and the legend: 0, then CLASSES equal runs up to the top count."""
    step = max(1, math.ceil(top / CLASSES))
    legend = [("d0", "0")]
    for k in range(1, CLASSES + 1):
        low, high = (k - 1) * step + 1, k * step
        if low > max(top, 1):
            break
        legend.append((f"d{k}", str(low) if low == high else f"{low}–{high}"))
    return step, legend


def counts_by_area(scope: Scope, period: Period, measure: str) -> dict:
    """{area id: count}: received from the per-dimension rows (a few times fewer than the fine
    ones), an agency's dispositions from the fine rows."""
    if measure == "received":
        rows = (
            scope.rows(period, model=DimensionDay)
            .filter(dimension="area")
            .exclude(value="")
            .values("value")
            .annotate(n=Sum("received"))
            .order_by()
        )
        return {int(row["value"]): row["n"] or 0 for row in rows}
    rows = scope.rows(period).values("area_id").annotate(n=Sum(measure)).order_by()
    return {row["area_id"]: row["n"] or 0 for row in rows if row["area_id"]}


def density_map(
    scope: Scope,
    period: Period,
    *,
    id: str = "map-density",
    links: bool = True,
    grid: "Grid | None" = None,  # defined below
) -> DensityMap:
    """The choropleth; `links`: each place opens the console list behind its number (staff
    pages only: the public pages draw the same map without them); `grid`: the page's counts
    per kelurahan and category, when it has read them already."""
    region = scope.region
    measure = measure_for(scope)
    level = _level(region)
    has_kelurahan = Area.objects.filter(region=region, level=Area.Level.KELURAHAN).exists()
    coarse = level == "kecamatan" and has_kelurahan
    shown = level or ("kelurahan" if has_kelurahan else "kecamatan")
    per_area = grid.per_area() if grid is not None else counts_by_area(scope, period, measure)
    areas = Area.objects.filter(region=region, level=shown).values_list(
        "id", "code", "name", "parent__name"
    )
    places = {i: Place(i, code, name, parent or "") for i, code, name, parent in areas}
    if shown == "kecamatan":  # a kelurahan's count goes to its kecamatan
        parents = dict(
            Area.objects.filter(region=region, parent__isnull=False).values_list("id", "parent_id")
        )
        for area_id, n in per_area.items():
            target = places.get(parents.get(area_id, area_id))
            if target:
                target.count += n
    else:
        for area_id, n in per_area.items():
            if area_id in places:
                places[area_id].count += n
    top = max((p.count for p in places.values()), default=0)
    step, legend = classes(top)
    filter_key = "kecamatan" if shown == "kecamatan" else "kelurahan"
    rings, height = _projected(region, level) if level else ({}, 0)
    for place in places.values():
        place.css = "d0" if not place.count else f"d{min(CLASSES, math.ceil(place.count / step))}"
        place.rings = rings.get(place.id, [])
        place.path = _path(place.rings)
        if place.count and links:
            place.href = drill(region, period, "received", **{filter_key: place.code})
    title = _("%(measure)s per %(level)s") % {
        "measure": measure_label(scope),
        "level": _("kelurahan") if shown == "kelurahan" else _("kecamatan"),
    }
    return DensityMap(
        id,
        title,
        shown,
        coarse,
        bool(rings),
        sorted(places.values(), key=lambda p: p.code),
        legend,
        measure,
        height=height,
    )


# ---------------------------------------------------------------------------------------------
# Hot spots


@dataclass
class HotSpot:
    kelurahan: str
    kecamatan: str
    category: str  # "" for the kelurahan as a whole
    count: int
    mean: float
    filters: dict = field(default_factory=dict)  # the console list's, for the link
    href: str = ""

    @property
    def mean_text(self) -> str:
        return f"{self.mean:.1f}".replace(".", ",")

    @property
    def factor_text(self) -> str:
        if not self.mean:
            return "–"
        return f"{self.count / self.mean:.1f}×".replace(".", ",")


def history(period: Period, n: int = HOT_HISTORY) -> list[Period]:
    periods, p = [], period
    for _i in range(n):
        p = p.previous()
        periods.append(p)
    return periods


def is_hot(count: int, earlier: list[int]) -> bool:
    mean = sum(earlier) / len(earlier) if earlier else 0
    return count >= HOT_MIN and count >= HOT_FACTOR * mean


@dataclass
class Grid:
    """A period's counts per kelurahan × category of the scope's measure, and those of the
    HOT_HISTORY periods before it (for periods up to HOT_MAX_DAYS): one query that the map,
    the hot spots and the category × kelurahan table of a page share."""

    measure: str
    cells: dict  # (area id, category id) -> [this period, the period before, ...]

    def per_area(self) -> dict:
        found: dict = {}
        for (area_id, _category), values in self.cells.items():
            found[area_id] = found.get(area_id, 0) + values[0]
        return found

    def current(self) -> dict:
        return {key: values[0] for key, values in self.cells.items()}


def read_grid(scope: Scope, period: Period) -> Grid:
    """The period's counts per kelurahan and category, with the HOT_HISTORY periods before it
    for the hot spots (periods of up to HOT_MAX_DAYS). At 10^6 complaints a year a month and
    the four before it are about 600,000 aggregate rows (nearly one per complaint at this
    grain), read by every page with a map or hot spots: kept until the rollup next writes."""
    periods = [period, *(history(period) if period.days <= HOT_MAX_DAYS else [])]
    sums = {f"n{i}": (p.first, p.last) for i, p in enumerate(periods)}
    measure = measure_for(scope)

    def cells() -> dict:
        rows = area_category_sums(scope, Period(periods[-1].first, period.last), measure, sums)
        return {k: [row[f"n{i}"] or 0 for i in range(len(periods))] for k, row in rows.items()}

    return Grid(measure, kept(scope, "grid", period, cells))


def hot_spots(
    scope: Scope, period: Period, *, limit: int = 20, grid: Grid | None = None
) -> list[HotSpot]:
    """The kelurahan (all categories) and kelurahan × category cells that are hot (see the
    module's rule), hottest first; one query over the period and the HOT_HISTORY before it
    (or the page's `grid`)."""
    if period.days > HOT_MAX_DAYS:
        return []
    region = scope.region
    cells = (grid or read_grid(scope, period)).cells
    places: dict = {}
    for (area_id, _category), values in cells.items():
        whole = places.setdefault(area_id, [0] * len(values))
        for i, v in enumerate(values):
            whole[i] += v
    found = [(a, None, v) for a, v in places.items() if is_hot(v[0], v[1:])]
    found += [(a, c, v) for (a, c), v in cells.items() if is_hot(v[0], v[1:])]
    if not found:
        return []
    areas = {
        a.id: a
        for a in Area.objects.filter(pk__in={a for a, _c, _v in found})
        .select_related("parent")
        .defer("boundary", "parent__boundary")
    }
    categories = {c.id: c for c in Category.objects.filter(pk__in={c for _a, c, _v in found if c})}
    spots = []
    for area_id, category_id, values in found:
        area, category = areas.get(area_id), categories.get(category_id)
        if area is None:
            continue
        mean = sum(values[1:]) / len(values[1:])
        spot = HotSpot(
            area.name,
            area.parent.name if area.parent_id else "",
            category.name if category else "",
            values[0],
            mean,
        )
        spot.filters = {"kelurahan": area.code}
        if category is not None:
            spot.filters["category"] = category.code
        spots.append(spot)
    spots.sort(key=lambda s: (-(s.count / s.mean if s.mean else math.inf), -s.count, s.kelurahan))
    for spot in spots[:limit]:  # links for the rows shown only (a busy month has thousands)
        spot.href = drill(region, period, "received", **spot.filters)
    return spots[:limit]
