"""The public page per agency: the staff report's figures for public complaints only, no personal
data, open data as CSV, linked from the region's page; nothing of another region."""

import csv
import io
import re

import pytest
from django.test import Client

from laksana.agencies.models import Agency
from laksana.complaints import services as complaints
from laksana.reports import rollup
from laksana.testing.personas import person

pytestmark = pytest.mark.django_db
SLUG = "kota-tangerang"
PAGE = f"/{SLUG}/transparansi/opd/PUPR/"


def _body(response) -> str:
    if response.streaming:
        return b"".join(response.streaming_content).decode().lstrip("\ufeff")
    return response.content.decode()


def _figure(page: str, name: str) -> str:
    return re.search(rf'data-figure="{name}">([^<]*)<', page).group(1)


def _staff_row(tangerang) -> dict:
    client = Client()
    client.force_login(person("pimpinan-r", tangerang, "viewer"))
    text = _body(client.get(f"/{SLUG}/console/statistik/ekspor/kinerja.csv"))
    return {row["Kode"]: row for row in csv.DictReader(io.StringIO(text))}["PUPR"]


def test_the_region_page_links_each_agency_to_its_own_page(scene, tangerang):
    page = Client().get(f"/{SLUG}/transparansi/").content.decode()
    assert 'href="/kota-tangerang/transparansi/opd/PUPR/?"' in page
    agency_page = Client().get(PAGE)
    assert agency_page.status_code == 200
    text = agency_page.content.decode()
    assert Agency.objects.get(region=tangerang, code="PUPR").name in text
    assert "Siti Aminah" not in text and "081234567890" not in text
    assert "Jalan berlubang dalam" not in text
    assert "/console/" not in text.split("<main", 1)[1]


def test_the_agency_page_has_the_staff_reports_numbers_for_public_complaints(
    scene, tangerang, operator
):
    staff_row = _staff_row(tangerang)
    page = Client().get(PAGE).content.decode()
    assert _figure(page, "disposed") == staff_row["Disposisi diterima"] == "1"
    assert _figure(page, "resolved") == staff_row["Selesai"] == "1"
    assert _figure(page, "rating") == "4,00"
    # A confidential complaint disposed to PUPR: the staff report counts it, the public not.
    complaints.dispose(staff=operator, complaint=scene["secret"], agency_code="PUPR")
    rollup.rebuild_since(tangerang)
    assert _staff_row(tangerang)["Disposisi diterima"] == "2"
    page = Client().get(PAGE).content.decode()
    assert _figure(page, "disposed") == "1"


def test_the_agency_open_data_csv(scene, tangerang):
    text = _body(Client().get(f"{PAGE}data.csv"))
    rows = list(csv.DictReader(io.StringIO(text)))
    summary = {r["kode"]: r["nilai"] for r in rows if r["dimensi"] == "ringkasan"}
    assert summary["disposisi_diterima"] == "1" and summary["selesai"] == "1"
    assert summary["jumlah_penilaian"] == "1" and summary["rata_rata_penilaian"] == "4.0"
    categories = {r["kode"]: r for r in rows if r["dimensi"] == "category"}
    assert set(categories) == {"JALAN-RUSAK"}
    assert categories["JALAN-RUSAK"]["disposisi_diterima"] == "1"
    assert {r["opd"] for r in rows} == {"PUPR"}
    assert "Siti Aminah" not in text and "081234567890" not in text


def test_another_regions_agency_page_shows_only_its_own(scene, contoh):
    page = Client().get("/kota-contoh/transparansi/opd/PUPR/").content.decode()
    assert "Dinas Pekerjaan Umum Contoh" in page and _figure(page, "disposed") == "0"
    assert Client().get(f"/{SLUG}/transparansi/opd/TIDAK-ADA/").status_code == 404
    assert Client().get("/tidak-ada/transparansi/opd/PUPR/").status_code == 404
    rows = list(
        csv.DictReader(
            io.StringIO(_body(Client().get("/kota-contoh/transparansi/opd/PUPR/data.csv")))
        )
    )
    assert all(r["dimensi"] == "ringkasan" for r in rows)
