"""The public side: home numbers, the list and map with filters and keyset pages, one complaint's
page, the boundaries, and that no region shows another's complaints, whoever is signed in."""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from laksana.complaints import services
from laksana.portal import queries

from . import helpers
from .helpers import resolve

pytestmark = pytest.mark.django_db

WIB = ZoneInfo("Asia/Jakarta")
JATIUWUNG_KELURAHAN = "36.71.02.1001"


def _stat(html: str, label: str) -> str:
    return re.search(rf"<dt>{label}</dt><dd>([^<]*)</dd>", html).group(1)


def test_home_shows_what_to_report_and_the_headline_numbers(
    client, submit, operator, pupr, media_root, django_assert_max_num_queries
):
    with time_machine.travel(datetime(2026, 2, 20, 9, tzinfo=WIB), tick=False) as clock:
        last_month, _t = submit()
        clock.shift(timedelta(hours=5))
        resolve(last_month, operator=operator, pupr=pupr)
        clock.move_to(datetime(2026, 3, 2, 8, tzinfo=WIB))
        fast, _t = submit()
        slow, _t = submit(description="Drainase tersumbat di gang Mawar, air meluap.")
        submit(is_confidential=True)
        clock.shift(timedelta(hours=2))
        resolve(fast, operator=operator, pupr=pupr)
        clock.shift(timedelta(hours=28))
        resolve(slow, operator=operator, pupr=pupr)
        with django_assert_max_num_queries(12):
            html = client.get("/kota-tangerang/").content.decode()
    assert _stat(html, "Laporan masuk") == "4"
    assert _stat(html, "Selesai bulan ini") == "2"
    assert _stat(html, "Median waktu penyelesaian bulan ini") == "16 jam"  # of 2 h and 30 h
    assert "<summary>Infrastruktur" in html
    assert "/kota-tangerang/lapor/?kategori=JALAN-RUSAK" in html
    assert html.count('class="card complaint"') == 3  # the confidential one is not listed


@pytest.mark.usefixtures("publish_at_once")
def test_list_filters_by_category_kecamatan_status_and_period(client, submit, operator):
    with time_machine.travel(datetime(2026, 3, 1, 9, tzinfo=WIB), tick=False) as clock:
        old, _t = submit(category_code="SAMPAH", description="Sampah di pasar tidak diangkut.")
        clock.shift(timedelta(days=20))
        road, _t = submit()
        elsewhere, _t = submit(lat=None, lng=None, area_code=JATIUWUNG_KELURAHAN)
        services.verify(staff=operator, complaint=road)

        def numbers(query: str) -> set[str]:
            html = client.get(f"/kota-tangerang/laporan/?{query}").content.decode()
            return set(re.findall(r"TNG-\d{4}-\d{6}", html))

        assert numbers("") == {old.number, road.number, elsewhere.number}
        assert numbers("kategori=SAMPAH") == {old.number}
        assert numbers("kecamatan=36.71.01") == {old.number, road.number}
        assert numbers("status=verified") == {road.number}
        assert numbers("periode=7") == {road.number, elsewhere.number}
        bad = client.get("/kota-tangerang/laporan/?status=hilang&kategori=SAMPAH")
    assert bad.status_code == 400
    assert 'id="id_status_error"' in bad.content.decode()
    assert set(re.findall(r"TNG-\d{4}-\d{6}", bad.content.decode())) == {old.number}


@pytest.mark.usefixtures("publish_at_once")
def test_list_pages_by_keyset_without_repeats_even_at_the_same_second(client, submit, monkeypatch):
    monkeypatch.setattr(queries, "PAGE_SIZE", 2)
    with time_machine.travel(datetime(2026, 3, 1, 9, tzinfo=WIB), tick=False):
        made = [submit()[0].number for _i in range(5)]
    seen, url = [], "/kota-tangerang/laporan/"
    while url:
        html = client.get(url).content.decode()
        seen += re.findall(r'<a href="/kota-tangerang/laporan/(TNG-[\d-]+)/">', html)
        link = re.search(r'<a href="\?([^"]+)" rel="next">', html)
        url = "/kota-tangerang/laporan/?" + link.group(1).replace("&amp;", "&") if link else None
    assert seen == list(reversed(made))
    assert client.get("/kota-tangerang/laporan/?sebelum=rusak").status_code == 200


@pytest.mark.usefixtures("publish_at_once")
def test_public_page_masks_personal_numbers_and_hides_anonymous_names(client, submit):
    named, _t = submit(
        description="Jalan rusak. NIK 3671012345678901, e-mail siti@contoh.id, hp 081234567890."
    )
    anonymous, _t = submit(is_anonymous=True)
    html = client.get(f"/kota-tangerang/laporan/{named.number}/").content.decode()
    assert "[NIK disamarkan]" in html and "[email disamarkan]" in html
    assert "[nomor disamarkan]" in html
    assert "3671012345678901" not in html and "siti@contoh.id" not in html
    assert "<dd>Siti</dd>" in html and "Aminah" not in html
    other = client.get(f"/kota-tangerang/laporan/{anonymous.number}/").content.decode()
    assert "<dd>Anonim</dd>" in other and "Siti" not in other


@pytest.fixture(params=["tangerang_staff", "contoh_staff", "anonymous"])
def visitor(request, client, operator, other_operator):
    users = {"tangerang_staff": operator.user, "contoh_staff": other_operator.user}
    if request.param in users:
        client.force_login(users[request.param])
    return client


def test_no_one_sees_confidential_or_foreign_complaints_on_public_pages(
    visitor, submit, contoh, operator, other_operator
):
    public = services.verify(staff=operator, complaint=submit()[0])
    secret = services.verify(staff=operator, complaint=submit(is_confidential=True)[0])
    foreign = services.verify(staff=other_operator, complaint=helpers.foreign(contoh).complaint)
    assert visitor.get(f"/kota-tangerang/laporan/{public.number}/").status_code == 200
    assert visitor.get(f"/kota-tangerang/laporan/{secret.number}/").status_code == 404
    assert visitor.get(f"/kota-tangerang/laporan/{foreign.number}/").status_code == 404
    assert visitor.get(f"/kota-contoh/laporan/{foreign.number}/").status_code == 200
    assert visitor.get(f"/kota-contoh/laporan/{public.number}/").status_code == 404
    listing = visitor.get("/kota-tangerang/laporan/").content.decode()
    assert public.number in listing
    assert secret.number not in listing and foreign.number not in listing
    assert visitor.get("/kota-hilang/").status_code == 404


def test_kecamatan_boundaries_are_served_as_cacheable_geojson(client, tangerang, contoh):
    response = client.get("/kota-tangerang/peta/kecamatan.geojson")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    assert "public" in response["Cache-Control"]
    data = response.json()
    assert len(data["features"]) == 13
    assert {"code", "name"} <= set(data["features"][0]["properties"])
    assert len(response.content) < 20_000  # simplified for slow connections
    other = client.get("/kota-contoh/peta/kecamatan.geojson").json()
    assert {f["properties"]["code"] for f in other["features"]}.isdisjoint(
        {f["properties"]["code"] for f in data["features"]}
    )


def test_maps_take_their_tiles_from_the_setting(client, tangerang, settings):
    settings.MAP_TILE_URL = ""
    html = client.get("/kota-tangerang/").content.decode()
    assert '"tiles": ""' in html and "leaflet/leaflet.js" in html
    settings.MAP_TILE_URL = "https://tiles.example.go.id/{z}/{x}/{y}.png"
    assert "tiles.example.go.id" in client.get("/kota-tangerang/laporan/").content.decode()


def test_the_headlines_median_of_microseconds_is_the_median_of_the_durations():
    import random
    import statistics
    from array import array

    from laksana.portal.queries import _median

    rng = random.Random(5)
    for n in (1, 2, 3, 10, 1001):
        durations = [timedelta(microseconds=rng.randrange(10**12)) for _i in range(n)]
        micros = array("q", (d // timedelta(microseconds=1) for d in durations))
        assert _median(micros) == statistics.median(durations)
    assert _median(array("q")) is None
