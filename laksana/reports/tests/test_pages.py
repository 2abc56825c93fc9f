"""Report pages, exports and the transparency page: what each role sees, and nothing of another
region; drill-down links open the console list; files open."""

import csv
import io
from datetime import timedelta

import pytest
from django.test import Client

from laksana.common import clock
from laksana.testing.personas import person

pytestmark = pytest.mark.django_db
SLUG = "kota-tangerang"
BASE = f"/{SLUG}/console/statistik/"
PAGES = [
    BASE,
    f"{BASE}tren/",
    f"{BASE}tren/?by=month&period=90d",
    f"{BASE}ekspor/kinerja.csv",
    f"{BASE}ekspor/kinerja.xlsx",
    f"{BASE}ekspor/tren.csv",
    f"{BASE}ekspor/tren.xlsx",
    f"{BASE}ekspor/daftar.csv",
    f"{BASE}ekspor/daftar.xlsx",
    f"{BASE}bulanan/?format=pdf",
    f"{BASE}bulanan/?format=xlsx",
]


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _body(response) -> bytes:
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


@pytest.mark.parametrize("path", PAGES)
def test_a_leader_opens_every_report_and_export(scene, tangerang, path):
    viewer = person("pimpinan-r", tangerang, "viewer")
    response = _client(viewer).get(path)
    assert response.status_code == 200, path
    body = _body(response)
    if path.endswith("pdf"):
        assert body.startswith(b"%PDF")
    if "xlsx" in path:
        assert body[:2] == b"PK"


@pytest.mark.parametrize("path", PAGES)
def test_another_regions_leader_gets_404_everywhere(scene, contoh, path):
    outsider = person("pimpinan-contoh", contoh, "viewer")
    assert _client(outsider).get(path).status_code == 404


@pytest.mark.parametrize("path", PAGES)
def test_anonymous_visitors_are_sent_to_sign_in(scene, path):
    response = Client().get(path)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_performance_counts_and_links_to_the_list(scene, tangerang):
    viewer = person("pimpinan-r", tangerang, "viewer")
    client = _client(viewer)
    page = client.get(BASE).content.decode()
    assert "Dinas Pekerjaan Umum" in page or "PUPR" in page
    assert "?agency=PUPR&amp;event=resolved&amp;from=" in page
    # The drill-down opens the console list with that filter and shows the complaint.
    start = page.index("?agency=PUPR&amp;event=resolved")
    href = page[page.rindex('"', 0, start) + 1 : page.index('"', start)].replace("&amp;", "&")
    listing = client.get(href)
    assert listing.status_code == 200
    assert scene["resolved"].number in listing.content.decode()
    assert scene["other"].number not in listing.content.decode()


def test_an_agency_sees_only_its_own_agency(scene, tangerang):
    client = _client(scene["pupr"].user)
    rows = list(csv.reader(io.StringIO(_body(client.get(f"{BASE}ekspor/kinerja.csv")).decode())))
    codes = {row[1] for row in rows[1:]}
    assert codes == {"PUPR"}
    listing = _body(client.get(f"{BASE}ekspor/daftar.csv")).decode()
    assert scene["resolved"].number in listing and scene["other"].number not in listing
    # Asking for another agency by code changes nothing.
    rows = list(
        csv.reader(
            io.StringIO(_body(client.get(f"{BASE}ekspor/kinerja.csv?agency=DISHUB")).decode())
        )
    )
    assert {row[1] for row in rows[1:]} <= {"PUPR"}


def test_the_performance_export_has_the_rolled_up_figures(scene, tangerang):
    viewer = person("pimpinan-r", tangerang, "viewer")
    text = _body(_client(viewer).get(f"{BASE}ekspor/kinerja.csv")).decode().lstrip("\ufeff")
    reader = csv.DictReader(io.StringIO(text))
    rows = {row["Kode"]: row for row in reader}
    pupr = rows["PUPR"]
    assert pupr["Disposisi diterima"] == "1" and pupr["Selesai"] == "1"
    assert pupr["Jumlah penilaian"] == "1" and pupr["Rata-rata penilaian"] == "4.0"
    # The command center's own row counts what came in (4 in Tangerang, none of Contoh).
    assert rows[""]["Masuk"] == "4"


def test_exports_hold_no_personal_data(scene, tangerang):
    auditor = person("auditor-r", tangerang, "auditor")
    client = _client(auditor)
    for path in (f"{BASE}ekspor/daftar.csv", f"{BASE}ekspor/kinerja.csv", f"{BASE}ekspor/tren.csv"):
        body = _body(client.get(path)).decode()
        assert "Siti Aminah" not in body and "081234567890" not in body
        assert "Jalan berlubang dalam" not in body
    refused = client.get(f"{BASE}ekspor/daftar.csv?reporter=Siti")
    assert refused.status_code == 400


def test_the_list_export_streams_csv(scene, tangerang):
    viewer = person("pimpinan-r", tangerang, "viewer")
    response = _client(viewer).get(f"{BASE}ekspor/daftar.csv?category=JALAN-RUSAK")
    assert response.streaming
    body = _body(response).decode()
    assert scene["resolved"].number in body and scene["other"].number not in body


def test_the_transparency_page_counts_published_complaints_only(scene, tangerang, contoh):
    client = Client()
    page = client.get(f"/{SLUG}/transparansi/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Siti Aminah" not in text and "081234567890" not in text
    assert "/console/" not in text.split("<main", 1)[1]  # no staff links in the page itself
    data = _body(client.get(f"/{SLUG}/transparansi/data.csv")).decode().lstrip("\ufeff")
    rows = list(csv.DictReader(io.StringIO(data)))
    received = sum(int(r["masuk"]) for r in rows if r["dimensi"] == "category")
    # Of the four in Tangerang, the unverified and the confidential ones are not public.
    assert received == 2
    assert client.get("/tidak-ada/transparansi/").status_code == 404


def test_the_monthly_command_writes_pdf_and_xlsx(scene, tangerang, tmp_path):
    from django.core.management import call_command
    from openpyxl import load_workbook

    month = clock.now().astimezone(tangerang.tz).strftime("%Y-%m")
    pdf = tmp_path / "bulanan.pdf"
    call_command("report", "monthly", region=SLUG, month=month, format="pdf", output=str(pdf))
    assert pdf.read_bytes().startswith(b"%PDF")
    xlsx = tmp_path / "bulanan.xlsx"
    call_command("report", "monthly", region=SLUG, month=month, format="xlsx", output=str(xlsx))
    book = load_workbook(xlsx)
    assert book.sheetnames[0] == "Kinerja OPD"
    header = [c.value for c in book["Kinerja OPD"][1]]
    assert "Disposisi diterima" in header


def test_the_console_home_shows_the_week_and_alerts_when_an_agency_slips(tangerang):
    from laksana.agencies.models import Agency
    from laksana.reports.models import AgencyDay as DailyStat

    pupr = Agency.objects.get(region=tangerang, code="PUPR")
    today = clock.now().astimezone(tangerang.tz).date()
    common = {"region": tangerang, "agency": pupr}
    DailyStat.objects.create(day=today - timedelta(days=9), respond_within=10, **common)
    DailyStat.objects.create(
        day=today - timedelta(days=1), respond_within=2, respond_over=8, **common
    )
    DailyStat.objects.create(day=today, received=7, **common)
    leader = person("pimpinan-r", tangerang, "viewer")
    page = _client(leader).get(f"/{SLUG}/console/").content.decode()
    assert "Perhatian: tanggapan tepat waktu turun" in page
    assert "20% tepat waktu (minggu lalu 100%)" in page
    assert "<strong>7</strong> laporan masuk" in page
    # An agency without a slip: no alert.
    DailyStat.objects.filter(respond_over=8).update(respond_within=10, respond_over=0)
    page = _client(leader).get(f"/{SLUG}/console/").content.decode()
    assert "Perhatian" not in page


def test_the_report_pages_read_in_english(scene, tangerang):
    client = Client()
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = client.get(f"/{SLUG}/transparansi/").content.decode()
    assert "Complaint transparency, Kota Tangerang" in page and "Complaints per district" in page
    assert "Laporan per kecamatan" not in page and "Transparansi pengaduan" not in page
    client.force_login(person("pimpinan-r", tangerang, "viewer"))
    page = client.get(BASE).content.decode()
    assert "Agency performance" in page and "Dispositions received" in page
    assert '<th scope="col">Received</th>' in page  # "Masuk" here is not "Sign in"
    assert "Kinerja OPD" not in page
    # Exports follow the language too.
    text = _body(client.get(f"{BASE}ekspor/kinerja.csv")).decode().lstrip("\ufeff")
    assert text.startswith("Agency,Code,Received,")


def test_the_console_list_offers_its_own_export(scene, tangerang):
    client = _client(person("pimpinan-r", tangerang, "viewer"))
    page = client.get(f"/{SLUG}/console/laporan/?category=PARKIR-LIAR").content.decode()
    href = f"{BASE}ekspor/daftar.csv?category=PARKIR-LIAR"
    assert f'href="{href}"' in page
    body = _body(client.get(href)).decode()
    assert scene["other"].number in body and scene["resolved"].number not in body
