"""In a real browser: a leader opens the agency performance report, follows a number to the
console list behind it, and downloads an XLSX (opened with openpyxl) and the monthly PDF."""

import os
import re
from pathlib import Path

import pytest
from django.conf import settings as django_settings

from laksana.testing.browser import launch_chromium, playwright_session
from laksana.testing.personas import PASSWORD, person

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's sync API runs an event loop
playwright = pytest.importorskip("playwright.sync_api")
SHOTS = Path(django_settings.BASE_DIR) / "test-results"


@pytest.mark.django_db(transaction=True)
def test_leader_reads_the_report_drills_down_and_downloads_xlsx_and_pdf(
    live_server, settings, scene, tangerang, tmp_path
):
    from openpyxl import load_workbook

    settings.MAP_TILE_URL = ""
    leader = person("pimpinan-browser", tangerang, "viewer")
    SHOTS.mkdir(exist_ok=True)
    expect = playwright.expect
    with playwright_session() as p:
        browser = launch_chromium(p)
        try:
            context = browser.new_context(
                locale="id-ID", viewport={"width": 1280, "height": 900}, accept_downloads=True
            )
            page = context.new_page()
            page.goto(f"{live_server.url}/accounts/login/")
            page.get_by_label("Nama pengguna").fill(leader.username)
            page.get_by_label("Kata sandi").fill(PASSWORD)
            page.get_by_role("button", name="Masuk").click()
            page.wait_for_url("**/console/")
            page.get_by_role("link", name="Statistik").click()
            expect(page.get_by_role("heading", name="Kinerja OPD", exact=True)).to_be_visible()
            page.screenshot(path=str(SHOTS / "reports-performance.png"), full_page=True)

            row = page.get_by_role("row").filter(has_text="PUPR")
            with page.expect_download() as xlsx_download:
                page.get_by_role("link", name="XLSX", exact=True).click()
            xlsx = tmp_path / "kinerja.xlsx"
            xlsx_download.value.save_as(xlsx)
            with page.expect_download() as pdf_download:
                page.get_by_role("link", name="Laporan bulanan (PDF)").click()
            pdf = tmp_path / "bulanan.pdf"
            pdf_download.value.save_as(pdf)

            # The PUPR row's "resolved" number: open the list behind it.
            row.locator('a[href*="event=resolved"]').click()
            page.wait_for_url(re.compile(r".*/console/laporan/\?.*agency=PUPR.*"))
            expect(page.get_by_role("link", name=scene["resolved"].number)).to_be_visible()
            expect(page.get_by_role("link", name=scene["other"].number)).to_have_count(0)
            page.screenshot(path=str(SHOTS / "reports-drilldown.png"), full_page=True)
        finally:
            browser.close()
    book = load_workbook(xlsx)
    sheet = book["Kinerja OPD"]
    header = [cell.value for cell in sheet[1]]
    rows = {r[header.index("Kode")]: r for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows["PUPR"][header.index("Selesai")] == 1
    assert rows["PUPR"][header.index("Rata-rata penilaian")] == 4
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF")
    assert len(re.findall(rb"/Type\s*/Page\b(?!s)", data)) >= 1
