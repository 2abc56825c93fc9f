"""The bench's report scenarios ask for pages that exist: each answers 200 for the bench's
operator (or anyone, for the public ones) on a small generated region."""

import pytest
from django.test import Client

from laksana.bench import scenarios as sc
from laksana.bench.generator import generate
from laksana.bench.prepare import _busiest_agency, _last_month
from laksana.reports import rollup
from laksana.testing.personas import person

pytestmark = pytest.mark.django_db


def test_every_report_scenario_answers_200(tangerang, media_root):
    generate(tangerang, count=120, seed=5, days=70, chunk=64)
    rollup.rebuild_since(tangerang)
    context = {
        "region": tangerang.slug,
        "month": _last_month(tangerang),
        "agency": _busiest_agency(tangerang),
    }
    assert context["agency"]
    staff = Client()
    staff.force_login(person("bench-op", tangerang, "operator"))
    reads = [r for r in sc.READS if r.name.startswith(("report_", "transparency_"))]
    assert {"report_trends_month", "transparency_agency_30d"} <= {r.name for r in reads}
    assert any(r.first_byte for r in reads)
    for read in reads:
        client = staff if read.auth == "session" else Client()
        for path in read.paths(context):
            assert client.get(path).status_code == 200, (read.name, path)
