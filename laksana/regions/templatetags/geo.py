"""Places on staff pages, printed and drawn one way everywhere: `{{ point|coordinates }}` and
`{% staff_map point region label %}` (the map of a point over the region's kecamatan and
kelurahan outlines, drawn by static/laksana/staffmap.js)."""

from collections.abc import Mapping

from django import template
from django.conf import settings

register = template.Library()


def point_text(lat: float, lng: float) -> str:
    """'-6.17280, 106.63180': latitude, then longitude, dot decimals and a comma between,
    whatever the page's language. A locale's '-6,17280, 106,63180' cannot be read back; this
    form is what map apps and GPS devices accept pasted."""
    return f"{float(lat):.5f}, {float(lng):.5f}"


def _lat_lng(point, prefix: str = "") -> tuple[float | None, float | None]:
    names = (f"{prefix}_lat", f"{prefix}_lng") if prefix else ("lat", "lng")
    if isinstance(point, Mapping):
        return point.get(names[0]), point.get(names[1])
    return getattr(point, names[0], None), getattr(point, names[1], None)


@register.filter
def coordinates(point, prefix: str = "") -> str:
    """A complaint's (or any object's, or dict's) lat/lng as point_text; `prefix` reads other
    fields: `{{ officer|coordinates:"last" }}` prints last_lat, last_lng. Empty without a point."""
    lat, lng = _lat_lng(point, prefix)
    if lat is None or lng is None:
        return ""
    return point_text(lat, lng)


@register.inclusion_tag("regions/staff_map.html")
def staff_map(point, region, label: str = "") -> dict:
    """A map of the point over the region's boundaries, and its coordinates under it. The page
    loads Leaflet and laksana/staffmap.js (script files: the CSP allows no inline script)."""
    lat, lng = _lat_lng(point)
    return {
        "lat": lat,
        "lng": lng,
        "text": point_text(lat, lng) if lat is not None and lng is not None else "",
        "region": region,
        "label": label,
        "tiles": settings.MAP_TILE_URL,
    }
