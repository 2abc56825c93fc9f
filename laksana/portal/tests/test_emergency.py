"""Emergency categories (marked in the region's data) send the citizen to the region's emergency
number first, on the form and after sending; the wall's card flags such complaints at once."""

import re

import pytest

from laksana.agencies.models import Category
from laksana.complaints.models import Complaint, Priority
from laksana.live.frames import complaint_card, with_cards

from .helpers import report_data

pytestmark = pytest.mark.django_db

URL = "/kota-tangerang/lapor/"


def _banner(html: str) -> str | None:
    match = re.search(r'<section class="emergency" id="emergency"[^>]*>', html)
    return match.group(0) if match else None


def test_the_emergency_flag_and_number_come_from_the_regions_data(tangerang, contoh):
    flagged = set(
        Category.objects.filter(region=tangerang, is_emergency=True).values_list("code", flat=True)
    )
    assert flagged == {"KEBAKARAN"}  # categories.csv's `emergency` column
    assert tangerang.emergency_number == "112"  # region.json
    # Kota Contoh's data has no such column: nothing is an emergency there.
    assert not Category.objects.filter(region=contoh, is_emergency=True).exists()


def test_the_form_puts_the_emergency_number_first_for_an_emergency_category(client, tangerang):
    plain = client.get(URL).content.decode()
    assert "hidden" in _banner(plain)  # shown by the script once an emergency is chosen
    assert 'value="KEBAKARAN" data-keywords="Darurat" data-emergency="1"' in plain
    assert "Untuk keadaan darurat, telepon 112." in plain
    chosen = client.get(URL + "?kategori=KEBAKARAN").content.decode()
    banner = _banner(chosen)
    assert banner and "hidden" not in banner
    assert chosen.index('id="emergency"') < chosen.index('id="report-form"')
    assert 'href="tel:112"' in chosen


def test_the_emergency_number_is_the_regions(client, tangerang):
    tangerang.emergency_number = "113"
    tangerang.save()
    html = client.get(URL + "?kategori=KEBAKARAN").content.decode()
    assert "Telepon 113 sekarang" in html and 'href="tel:113"' in html and "112" not in html


def test_an_emergency_report_is_urgent_shows_the_number_first_and_is_flagged_on_the_wall(
    client, tangerang
):
    data = report_data(
        category="KEBAKARAN", description="Rumah terbakar di gang Melati, api besar."
    )
    response = client.post(URL, data)
    complaint = Complaint.objects.get()
    assert complaint.priority == Priority.URGENT
    html = client.get(response["Location"]).content.decode()
    assert "hidden" not in _banner(html)
    assert html.index('id="emergency"') < html.index("Laporan terkirim. Terima kasih!")
    track = client.get(response["Location"].replace("/lapor/terkirim/", "/lacak/")).content.decode()
    assert "Telepon 112 sekarang" in track
    card = complaint_card(with_cards(Complaint.objects.filter(pk=complaint.pk)).get())
    assert card["emergency"] is True


def test_an_ordinary_report_has_no_banner_and_no_flag(client, tangerang):
    response = client.post(URL, report_data())
    complaint = Complaint.objects.get()
    assert complaint.priority == Priority.NORMAL
    assert _banner(client.get(response["Location"]).content.decode()) is None
    assert complaint_card(with_cards(Complaint.objects.all()).get())["emergency"] is False
