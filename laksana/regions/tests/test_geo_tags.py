"""Points print one way on every page, whatever the language (issue 13, item 15)."""

from types import SimpleNamespace

import pytest
from django.template import Context, Template
from django.utils import translation

POINT = SimpleNamespace(lat=-6.1728, lng=106.6318, last_lat=-6.17235, last_lng=106.6318)


@pytest.mark.parametrize("language", ["id", "en"])
def test_coordinates_print_with_dot_decimals_and_a_comma_between(language):
    template = Template(
        '{% load geo %}{{ p|coordinates }} | {{ d|coordinates }} | {{ p|coordinates:"last" }} | '
        "{{ none|coordinates }}."
    )
    with translation.override(language):
        text = template.render(Context({"p": POINT, "d": {"lat": -6.1, "lng": 106.6}}))
    assert text == "-6.17280, 106.63180 | -6.10000, 106.60000 | -6.17235, 106.63180 | ."
