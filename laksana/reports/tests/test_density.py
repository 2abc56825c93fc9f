"""The density map per kelurahan and the hot spots: drawn from the rollup on the stored
boundaries, per region and per agency, per kecamatan where the desa have no boundaries."""

from datetime import timedelta

import pytest
from django.test import Client

from laksana.agencies.models import Category
from laksana.common import clock
from laksana.regions.models import Area
from laksana.reports import density, exports, rollup, services
from laksana.reports.models import DailyStat, DimensionDay
from laksana.reports.periods import Period
from laksana.reports.services import Scope
from laksana.testing.personas import person

pytestmark = pytest.mark.django_db
SLUG = "kota-tangerang"
TRENDS = f"/{SLUG}/console/statistik/tren/"


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _today(region):
    return clock.now().astimezone(region.tz).date()


def test_the_trends_page_draws_each_kelurahan_with_its_count_from_the_rollup(scene, tangerang):
    area = scene["resolved"].area
    assert area is not None and area.level == "kelurahan"
    page = _client(person("pimpinan-r", tangerang, "viewer")).get(TRENDS).content.decode()
    assert 'class="chart choropleth"' in page
    kelurahan = Area.objects.filter(region=tangerang, level="kelurahan").count()
    assert page.count('<path d="M') == kelurahan  # every kelurahan drawn, none from elsewhere
    assert f"<title>{area.name}: 4</title>" in page  # the four Tangerang complaints
    assert f"kelurahan={area.code}" in page
    assert "data-coarse" not in page
    # The numbers come from the aggregates, not from the complaints.
    for model in (DailyStat, DimensionDay):
        model.objects.filter(region=tangerang).delete()
    rollup.touch(tangerang)  # as every rewrite of the aggregates does (what pages keep is stale)
    page = _client(person("pimpinan-r", tangerang, "viewer")).get(TRENDS).content.decode()
    assert f"<title>{area.name}: 0</title>" in page


def test_another_region_draws_only_its_own_places(scene, tangerang, contoh):
    area = scene["resolved"].area
    found = density.density_map(Scope(contoh), Period.last_days(_today(contoh), 30))
    assert {p.id for p in found.places} <= set(
        Area.objects.filter(region=contoh).values_list("id", flat=True)
    )
    assert area.id not in {p.id for p in found.places}
    page = _client(person("pimpinan-c", contoh, "viewer")).get(
        "/kota-contoh/console/statistik/tren/"
    )
    assert page.status_code == 200 and area.name not in page.content.decode()


def test_an_agency_sees_the_dispositions_it_received_only(scene, tangerang):
    period = Period.last_days(_today(tangerang), 30)
    area = scene["resolved"].area
    pupr = density.density_map(Scope.for_staff(scene["pupr"]), period)
    counts = {p.id: p.count for p in pupr.places if p.count}
    assert counts == {area.id: 1}  # the one disposed to PUPR; the other went elsewhere
    assert pupr.measure == "disposed"
    region = density.density_map(Scope(tangerang), period)
    assert {p.id: p.count for p in region.places if p.count} == {area.id: 4}
    page = _client(scene["pupr"].user).get(TRENDS).content.decode()
    assert f"<title>{area.name}: 1</title>" in page


def test_desa_located_by_centroid_only_are_drawn_per_kecamatan(scene, tangerang):
    area = scene["resolved"].area
    Area.objects.filter(pk=area.pk).update(boundary=None, approximate=True)
    period = Period.last_days(_today(tangerang), 30)
    found = density.density_map(Scope(tangerang), period)
    assert found.level == "kecamatan" and found.coarse and found.drawn
    assert {p.name: p.count for p in found.places if p.count} == {area.parent.name: 4}
    page = _client(person("pimpinan-r", tangerang, "viewer")).get(TRENDS).content.decode()
    assert "data-coarse" in page and f"kecamatan={area.parent.code}" in page
    kecamatan = Area.objects.filter(region=tangerang, level="kecamatan").count()
    assert page.count('<path d="M') == kecamatan
    # The monthly PDF draws the same map.
    month = Period.month(_today(tangerang).strftime("%Y-%m"))
    assert exports.monthly(tangerang, month, fmt="pdf").startswith(b"%PDF")


def test_hot_spots_link_to_the_list_of_that_kelurahan_category_and_period(scene, tangerang, contoh):
    client = _client(person("pimpinan-r", tangerang, "viewer"))
    area = scene["resolved"].area
    period = Period.last_days(_today(tangerang), 30)
    spots = density.hot_spots(Scope(tangerang), period)
    # Nothing before: the kelurahan (4) and its road damage (3 of them) are hot, parking (1) not.
    assert {(s.kelurahan, s.category, s.count) for s in spots} == {
        (area.name, "", 4),
        (area.name, scene["resolved"].category.name, 3),
    }
    road = next(s for s in spots if s.category)
    assert f"kelurahan={area.code}" in road.href and "category=JALAN-RUSAK" in road.href
    assert f"from={period.first.isoformat()}" in road.href
    listing = client.get(road.href).content.decode()
    assert scene["resolved"].number in listing and scene["other"].number not in listing
    page = client.get(TRENDS).content.decode()
    assert "Titik rawan" in page and road.href.replace("&", "&amp;") in page
    # Another region's scope: nothing of this.
    assert density.hot_spots(Scope(contoh), period) == []


def test_the_hot_spot_rule_compares_with_the_four_periods_before(tangerang):
    today = _today(tangerang)
    period = Period.last_days(today, 7)
    category = Category.objects.filter(region=tangerang).first()
    places = list(Area.objects.filter(region=tangerang, level="kelurahan")[:3])
    common = {"region": tangerang, "category": category, "channel": "web", "kind": "complaint"}

    def put(area, counts):
        for i, n in enumerate(counts):  # counts[0]: this period, then the periods before
            day = period.last - timedelta(days=7 * i)
            DailyStat.objects.create(day=day, area=area, received=n, **common)
            DimensionDay.objects.create(  # as the rollup sums it from the fine row
                region=tangerang,
                day=day,
                dimension=rollup.AREA_CATEGORY,
                value=f"{area.id}:{category.id}",
                received=n,
            )

    put(places[0], [3, 2, 1, 2, 1])  # mean 1.5: 3 is twice it, hot
    put(places[1], [4, 2, 2, 2, 3])  # mean 2.25: 4 is less than twice, not hot
    put(places[2], [9, 0, 0, 0, 0, 50])  # a fifth period back is not compared: hot
    spots = density.hot_spots(Scope(tangerang), period)
    hot = {s.kelurahan for s in spots if not s.category}
    assert hot == {places[0].name, places[2].name}
    first = next(s for s in spots if s.kelurahan == places[0].name and not s.category)
    assert first.mean == 1.5 and first.factor_text == "2,0×"
    assert density.is_hot(3, [0, 0, 0, 0]) and not density.is_hot(2, [0, 0, 0, 0])
    # A year is too long a period to compare with four before it.
    assert density.hot_spots(Scope(tangerang), Period.last_days(today, 365)) == []


def test_the_grid_is_read_once_per_rollup_version_and_per_scope(
    tangerang, django_assert_num_queries
):
    today = _today(tangerang)
    period = Period.last_days(today, 7)
    category = Category.objects.filter(region=tangerang).first()
    area = Area.objects.filter(region=tangerang, level="kelurahan").first()

    def put(day, n):
        DimensionDay.objects.create(
            region=tangerang,
            day=day,
            dimension=rollup.AREA_CATEGORY,
            value=f"{area.id}:{category.id}",
            received=n,
        )

    for i in range(1, 5):
        put(period.last - timedelta(days=7 * i), 1)
    key = (area.id, category.id)
    with django_assert_num_queries(2):  # the rollup's version, the grid
        assert density.read_grid(Scope(tangerang), period).cells == {key: [0, 1, 1, 1, 1]}
    put(period.last, 5)  # only the rollup writes these rows, and it bumps the version
    with django_assert_num_queries(1):  # the version only: the same grid
        assert density.read_grid(Scope(tangerang), period).cells == {key: [0, 1, 1, 1, 1]}
    rollup.touch(tangerang)
    assert density.read_grid(Scope(tangerang), period).cells == {key: [5, 1, 1, 1, 1]}
    # Another scope (the public page: published complaints only) is read on its own.
    assert density.read_grid(Scope.public(tangerang), period).cells == {}


def test_a_rebuild_bumps_the_version_the_reports_keep_their_reads_by(tangerang):
    before = services.aggregates_version(tangerang)
    rollup.rebuild(tangerang, [_today(tangerang)])
    assert services.aggregates_version(tangerang) == before + 1


def test_the_map_and_hot_spots_read_in_english(scene, tangerang):
    client = Client()
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    client.force_login(person("pimpinan-r", tangerang, "viewer"))
    page = client.get(TRENDS).content.decode()
    assert "Hot spots" in page and "Incoming complaints per village" in page
    assert "at least 3 complaints in this period" in page
    assert "Titik rawan" not in page
    agency = Client()
    agency.post("/i18n/setlang/", {"language": "en", "next": "/"})
    text = agency.get(f"/{SLUG}/transparansi/opd/PUPR/").content.decode()
    assert "dispositions received" in text and "The same figures as the staff" in text


def _filled_shapes(pdf: bytes) -> int:
    """Filled-and-stroked paths (the map's polygons) in the PDF's page streams."""
    import re
    import zlib

    found = 0
    for stream in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        try:
            found += len(re.findall(rb"\sB\n", zlib.decompress(stream.group(1))))
        except zlib.error:
            continue
    return found


def test_the_monthly_pdf_draws_every_kelurahan(scene, tangerang):
    month = Period.month(_today(tangerang).strftime("%Y-%m"))
    kelurahan = Area.objects.filter(region=tangerang, level="kelurahan").count()
    assert _filled_shapes(exports.monthly(tangerang, month, fmt="pdf")) >= kelurahan
    # Without kelurahan boundaries, the kecamatan only.
    Area.objects.filter(region=tangerang, level="kelurahan").update(boundary=None)
    kecamatan = Area.objects.filter(region=tangerang, level="kecamatan").count()
    shapes = _filled_shapes(exports.monthly(tangerang, month, fmt="pdf"))
    assert kecamatan <= shapes < kelurahan


def test_the_public_pages_draw_the_map_of_public_complaints_without_staff_links(scene, tangerang):
    area = scene["resolved"].area
    page = Client().get(f"/{SLUG}/transparansi/").content.decode()
    assert 'class="chart choropleth"' in page
    kelurahan = Area.objects.filter(region=tangerang, level="kelurahan").count()
    assert page.count('<path d="M') == kelurahan
    # Two of the four are public: the unverified and the confidential ones are not counted.
    assert f"<title>{area.name}: 2</title>" in page
    assert "/console/" not in page and "Titik rawan" not in page
    agency = Client().get(f"/{SLUG}/transparansi/opd/PUPR/").content.decode()
    assert f"<title>{area.name}: 1</title>" in agency and "/console/" not in agency
    assert "Disposisi diterima per kelurahan" in agency
