"""Distances between a phone and a complaint: the haversine formula and input checks."""

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from laksana.common.errors import ValidationFailed
from laksana.dispatch.geo import EARTH_RADIUS_M, clean_position, haversine_m

ONE_DEGREE_M = math.pi / 180 * EARTH_RADIUS_M  # 111,195 m along a meridian or the equator


def test_known_distances():
    assert haversine_m(-6.1728, 106.6318, -6.1728, 106.6318) == 0
    assert haversine_m(0, 0, 1, 0) == pytest.approx(ONE_DEGREE_M, abs=0.01)
    assert haversine_m(0, 0, 0, 1) == pytest.approx(ONE_DEGREE_M, abs=0.01)
    # Along a parallel a degree shrinks with cos(latitude): ~110.59 km at 6° S (the great circle
    # between the two points is a few centimetres shorter than the parallel).
    assert haversine_m(-6, 106, -6, 107) == pytest.approx(
        ONE_DEGREE_M * math.cos(math.radians(6)), abs=1
    )
    assert haversine_m(0, 0, 0, 180) == pytest.approx(math.pi * EARTH_RADIUS_M, abs=0.01)
    # 200 m north of a point in Sukarasa: the check-in warning distance.
    assert haversine_m(-6.1728, 106.6318, -6.1728 + 200 / ONE_DEGREE_M, 106.6318) == (
        pytest.approx(200, abs=0.01)
    )


def _law_of_cosines(lat1, lng1, lat2, lng2):
    p1, p2, dl = math.radians(lat1), math.radians(lat2), math.radians(lng2 - lng1)
    c = math.sin(p1) * math.sin(p2) + math.cos(p1) * math.cos(p2) * math.cos(dl)
    return EARTH_RADIUS_M * math.acos(max(-1.0, min(1.0, c)))


latitudes = st.floats(-89, 89, allow_nan=False)
longitudes = st.floats(-180, 180, allow_nan=False)


@settings(deadline=None)  # a loaded CI machine must not turn slowness into a failure
@given(latitudes, longitudes, latitudes, longitudes)
def test_haversine_agrees_with_the_spherical_law_of_cosines_and_is_symmetric(a, b, c, d):
    distance = haversine_m(a, b, c, d)
    assert distance == pytest.approx(haversine_m(c, d, a, b), abs=1e-6)
    # The law of cosines loses precision for short distances (a metre or so): fine at this scale.
    assert distance == pytest.approx(_law_of_cosines(a, b, c, d), abs=2.0)
    assert 0 <= distance <= math.pi * EARTH_RADIUS_M + 1e-6


def test_positions_from_forms_are_checked():
    assert clean_position("", "") is None
    assert clean_position("-6.17", "106.63", "15") == (-6.17, 106.63, 15.0)
    assert clean_position(-6.17, 106.63, "-4") == (-6.17, 106.63, None)
    for lat, lng in [("abc", "106"), ("-91", "106"), ("-6", "181"), ("nan", "106"), ("-6", "")]:
        with pytest.raises(ValidationFailed):
            clean_position(lat, lng)
