"""Boundary polygons as published are simplified, and simplification leaves some of them invalid
(self-intersections: 292 of Indonesia's 7,284 kecamatan). Shapely's point-in-polygon answers are
undefined for those, so every boundary is repaired when it is loaded."""

import shapely
from shapely.geometry import MultiPolygon, Polygon, mapping, shape

# The national data is rounded to 5 decimals (about 1 m); repaired rings keep that grid.
GRID = 1e-5


def repaired(geometry: dict | None) -> dict | None:
    """A valid (Multi)Polygon GeoJSON geometry for `geometry`, unchanged when it was valid.

    Steps: keep a valid geometry as it is; else make_valid with the "structure" method, which
    rebuilds the rings as areas and drops the zero-area spikes and lines the simplification left;
    snap to the data's grid (shapely keeps the result valid); keep only the polygonal parts.
    """
    if not geometry:
        return None
    geom = shape(geometry)
    if geom.is_valid:
        return geometry
    fixed = shapely.make_valid(geom, method="structure", keep_collapsed=False)
    fixed = shapely.set_precision(fixed, GRID)
    polygons = [
        g for g in getattr(fixed, "geoms", [fixed]) if isinstance(g, Polygon | MultiPolygon)
    ]
    parts = [p for g in polygons for p in getattr(g, "geoms", [g]) if not p.is_empty]
    if not parts:
        return None
    result = parts[0] if len(parts) == 1 else MultiPolygon(parts)
    return mapping(result) | {"coordinates": _lists(mapping(result)["coordinates"])}


def _lists(coords):
    """GeoJSON as plain lists (shapely's mapping gives tuples, which JSON columns store alike
    but which compare unequal to a re-read value, so a second load would look like a change)."""
    if isinstance(coords, tuple | list) and coords and isinstance(coords[0], int | float):
        return [float(c) for c in coords]
    return [_lists(c) for c in coords]
