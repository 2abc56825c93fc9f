"""Field work in agency performance: time to start, travel and time on site of the dispatch
app's tasks, from the rollup, per agency, nothing of another region."""

import csv
import io
from datetime import UTC, datetime

import pytest
from django.test import Client

from laksana.agencies.models import Agency
from laksana.common import clock
from laksana.dispatch.demo import seed as seed_field_work
from laksana.reports import rollup
from laksana.reports.periods import Period
from laksana.reports.services import Scope, totals
from laksana.testing.personas import person, staff

pytestmark = pytest.mark.django_db
SLUG = "kota-tangerang"
BASE = f"/{SLUG}/console/statistik/"
# A Wednesday afternoon in Tangerang: the demo's tasks ran in the morning, in office hours.
WHEN = datetime(2026, 12, 2, 7, 0, tzinfo=UTC)
QUERY = "?from=2026-12-01&to=2026-12-03"


@pytest.fixture
def field_work(tangerang, contoh, media_root):
    with clock.at(WHEN):
        seed_field_work(tangerang)
    for region in (tangerang, contoh):
        rollup.rebuild_since(region, since=WHEN.date().replace(day=1))
    return tangerang


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _rows(response) -> dict:
    body = b"".join(response.streaming_content).decode().lstrip("\ufeff")
    return {row["Kode"]: row for row in csv.DictReader(io.StringIO(body))}


def test_the_performance_page_and_export_show_field_work_per_agency(field_work):
    period = Period.from_query({"from": "2026-12-01", "to": "2026-12-03"}, today=WHEN.date())
    figures = totals(Scope(field_work), period)
    # The demo: four tasks started, three arrived, two finished (one then resolved).
    assert figures.count("start_minutes") == 4
    assert figures.count("travel_minutes") == 3
    assert figures.count("onsite_minutes") == 2
    assert all(m > 0 for m in figures.values("travel_minutes"))
    client = _client(person("pimpinan-r", field_work, "viewer"))
    page = client.get(BASE + QUERY).content.decode()
    section = page.split('id="field-title"', 1)[1]
    pupr = Agency.objects.get(region=field_work, code="PUPR").short_name
    field_table = section.split("</table>")[0]
    assert f'<th scope="row">{pupr}</th>' in field_table and "DLH" not in field_table
    travel = figures.median("travel_minutes")
    assert f"{travel} mnt / " in section
    rows = _rows(client.get(f"{BASE}ekspor/kinerja.csv{QUERY}"))
    assert rows["PUPR"]["Median perjalanan (menit kerja)"] == str(travel)
    assert rows["PUPR"]["P90 di lokasi (menit kerja)"] != ""


def test_field_work_is_the_agencys_own_and_the_regions_own(field_work, contoh):
    dlh = staff("dlh-r", field_work, "agency_staff", "DLH")
    rows = _rows(_client(dlh.user).get(f"{BASE}ekspor/kinerja.csv{QUERY}"))
    assert set(rows) <= {"DLH"}  # DLH's one officer had no task
    pupr = staff("pupr-r", field_work, "agency_staff", "PUPR")
    rows = _rows(_client(pupr.user).get(f"{BASE}ekspor/kinerja.csv{QUERY}"))
    assert set(rows) == {"PUPR"} and rows["PUPR"]["Median perjalanan (menit kerja)"] != ""
    page = _client(dlh.user).get(BASE + QUERY).content.decode()
    assert "Belum ada pekerjaan lapangan pada periode ini." in page
    outsider = person("pimpinan-c", contoh, "viewer")
    page = _client(outsider).get(f"/kota-contoh/console/statistik/{QUERY}").content.decode()
    assert "Belum ada pekerjaan lapangan pada periode ini." in page
    assert _client(outsider).get(BASE + QUERY).status_code == 404
