"""Distances on the Earth's surface, good to a few metres at city scale."""

import math

from django.utils.translation import gettext as _

from laksana.common.errors import ValidationFailed

EARTH_RADIUS_M = 6_371_008.8  # mean radius (IUGG)


def haversine_m(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """Great-circle distance in metres between two WGS84 points (haversine formula)."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi = phi2 - phi1
    dlmb = math.radians(lng2 - lng1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlmb / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


def clean_position(
    lat: float | str | None, lng: float | str | None, accuracy: float | str | None = None
) -> tuple[float, float, float | None] | None:
    """A (lat, lng, accuracy) triple from user input, None when no position was given, or a
    ValidationFailed a person understands."""
    if lat in (None, "") and lng in (None, ""):
        return None
    message = _("Lokasi tidak valid: lintang -90..90 dan bujur -180..180.")
    try:
        lat_f, lng_f = float(lat), float(lng)
        acc = float(accuracy) if accuracy not in (None, "") else None
    except (TypeError, ValueError):
        raise ValidationFailed(message, code="invalid_location", fields={"lat": ""}) from None
    if not (
        math.isfinite(lat_f)
        and math.isfinite(lng_f)
        and -90 <= lat_f <= 90
        and -180 <= lng_f <= 180
    ):
        raise ValidationFailed(message, code="invalid_location", fields={"lat": ""})
    if acc is not None and not (math.isfinite(acc) and acc >= 0):
        acc = None
    return lat_f, lng_f, acc
