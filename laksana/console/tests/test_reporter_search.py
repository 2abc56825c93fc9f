"""Searching the console by the reporter's name or phone: only for roles that may see contacts,
each complaint found logged like a view of personal data, never across regions; and what a list
row shows."""

import pytest

from laksana.complaints import services
from laksana.complaints.models import Event
from laksana.testing.personas import staff

from .conftest import url

pytestmark = pytest.mark.django_db


def _row(html: str, complaint) -> str:
    (row,) = [r for r in html.split("<tr>") if complaint.number in r]
    return row.split("</tr>")[0]


def _numbers(html: str, *complaints) -> list[str]:
    return [c.number for c in complaints if c.number in html]


def test_operator_finds_by_name_and_by_phone_written_any_way_and_each_find_is_logged(
    client, in_state, operator, tangerang
):
    mine = in_state("submitted", reporter_name="Siti Aminah", phone="0812 3456 7890")
    other = in_state("submitted", reporter_name="Budi Santoso", phone="085711112222")
    client.force_login(operator.user)
    page = client.get(url(tangerang.slug, "laporan"), {"reporter": "siti amin"})
    assert page.status_code == 200
    assert _numbers(page.content.decode(), mine, other) == [mine.number]
    (logged,) = Event.objects.filter(type="viewed")
    assert logged.complaint == mine and logged.actor == operator.user and not logged.is_public
    assert logged.data == {"via": "search", "fields": [], "query": "siti amin"}
    by_phone = client.get(url(tangerang.slug, "laporan"), {"reporter": "+62 812-3456-7890"})
    assert _numbers(by_phone.content.decode(), mine, other) == [mine.number]
    assert Event.objects.filter(type="viewed", complaint=mine).count() == 2
    plain = client.get(url(tangerang.slug, "laporan"), {"q": "jalan"})  # text search: no log
    assert plain.status_code == 200 and Event.objects.filter(type="viewed").count() == 2


def test_roles_without_contacts_cannot_probe_names(client, in_state, tangerang):
    c = in_state("dispatched", reporter_name="Siti Aminah")
    viewer = staff("pimpinan-tng", tangerang, "viewer")
    client.force_login(viewer.user)
    page = client.get(url(tangerang.slug, "laporan"))
    assert 'name="reporter"' not in page.content.decode()
    probe = client.get(url(tangerang.slug, "laporan"), {"reporter": "Siti"})
    assert probe.status_code == 403 and c.number not in probe.content.decode()
    assert not Event.objects.filter(type="viewed").exists()


def test_agency_finds_only_its_own_complaints_and_never_an_anonymous_reporter(
    client, in_state, pupr, tangerang
):
    named = in_state("dispatched", reporter_name="Siti Aminah")
    hidden = in_state("dispatched", reporter_name="Siti Aminah", is_anonymous=True)
    elsewhere = in_state("submitted", reporter_name="Siti Aminah")  # not disposed to PUPR
    client.force_login(pupr.user)
    html = client.get(url(tangerang.slug, "laporan"), {"reporter": "Siti"}).content.decode()
    assert _numbers(html, named, hidden, elsewhere) == [named.number]
    assert list(Event.objects.filter(type="viewed").values_list("complaint", flat=True)) == [
        named.pk
    ]


def test_another_regions_operator_finds_nothing(client, in_state, other_operator, contoh):
    c = in_state("submitted", reporter_name="Siti Aminah")
    client.force_login(other_operator.user)
    html = client.get(url(contoh.slug, "laporan"), {"reporter": "Siti"}).content.decode()
    assert c.number not in html
    assert not Event.objects.filter(type="viewed").exists()


def test_a_row_shows_the_citizens_first_line_and_the_category_once(
    client, in_state, operator, tangerang
):
    c = in_state("submitted", description="Lubang besar di Jl. Merdeka.\nSudah dua minggu.")
    client.force_login(operator.user)
    html = client.get(url(tangerang.slug, "kotak-masuk")).content.decode()
    row = _row(html, c)
    assert "Lubang besar di Jl. Merdeka." in row and "Sudah dua minggu" not in row
    assert row.count(c.category.name) == 1
    services.verify(staff=operator, complaint=c, title="Jalan Merdeka berlubang")
    html = client.get(url(tangerang.slug, "siap-disposisi")).content.decode()
    row = _row(html, c)
    assert "Jalan Merdeka berlubang" in row and c.category.name in row
