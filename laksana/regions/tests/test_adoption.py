"""Adopting a kabupaten/kota from the national data (issue 17, item 1), with the real data in
data/indonesia: Kabupaten Luwu Timur (73.24, WITA) and Kabupaten Bangka Selatan (19.03, WIB)."""

import csv
import gzip
import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from shapely.geometry import shape

from laksana.accounts import staffing
from laksana.accounts.models import Invitation
from laksana.agencies.models import Agency, Category, Role
from laksana.agencies.services import staff_in, suggest_agency
from laksana.common.errors import NotFound, ValidationFailed
from laksana.complaints.services import submit
from laksana.complaints.services.transitions import accept, dispose, verify
from laksana.regions import national
from laksana.regions.adoption import (
    AdoptionError,
    adopt,
    derive_prefix,
    read_template,
    remap_categories,
    snapshot,
    standard_agencies,
)
from laksana.regions.calendar import calendar_for
from laksana.regions.geometry import repaired
from laksana.regions.models import Area, Region
from laksana.regions.services import _geometry, locate
from laksana.testing.personas import IN_TANGERANG, person

pytestmark = pytest.mark.django_db

LUWU_TIMUR = national.bundled_kelurahan_boundaries("73.24")
BANGKA_SELATAN = national.bundled_kelurahan_boundaries("19.03")


def wilayah_rows(code: str, level: str) -> list[dict]:
    """The national list's rows, read straight from the file the project ships."""
    with io.TextIOWrapper(gzip.open(national.NATIONAL_DIR / "wilayah.csv.gz"), "utf-8") as fh:
        return [
            r
            for r in csv.DictReader(fh)
            if r["tingkat"] == level and r["kode"].startswith(code + ".")
        ]


def boundary_features(path) -> list[dict]:
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        return json.load(fh)["features"]


@pytest.fixture(autouse=True)
def fresh_geometry():
    """The per-process geometry cache is dropped on commit; tests roll back, and SQLite hands
    the next test's region the same id."""
    _geometry.clear()
    yield
    _geometry.clear()


@pytest.fixture
def luwu_timur(tangerang):
    return adopt(code="73.24", kelurahan_boundaries=LUWU_TIMUR).region


def test_luwu_timur_is_a_wita_kabupaten_with_every_kecamatan_and_desa_of_the_national_list(
    luwu_timur,
):
    assert luwu_timur.name == "Kabupaten Luwu Timur" and luwu_timur.slug == "kabupaten-luwu-timur"
    assert luwu_timur.timezone == "Asia/Makassar" and luwu_timur.tz_abbreviation == "WITA"
    kecamatan = Area.objects.filter(region=luwu_timur, level="kecamatan")
    desa = Area.objects.filter(region=luwu_timur, level="kelurahan")
    assert sorted(kecamatan.values_list("code", flat=True)) == sorted(
        r["kode"] for r in wilayah_rows("73.24", "kecamatan")
    )
    assert sorted(desa.values_list("code", flat=True)) == sorted(
        r["kode"] for r in wilayah_rows("73.24", "desa_kelurahan")
    )
    assert kecamatan.count() == 11 and desa.count() == 128
    assert not desa.filter(parent__isnull=True).exists()
    assert luwu_timur.boundary and not kecamatan.filter(boundary__isnull=True).exists()
    # The boundary file has 127 of the 128: the one it lacks is located by its centroid.
    assert list(desa.filter(approximate=True).values_list("code", flat=True)) == ["73.24.06.2017"]


def test_bangka_selatan_is_wib_and_its_invalid_polygons_are_repaired(tangerang):
    region = adopt(code="19.03", kelurahan_boundaries=BANGKA_SELATAN).region
    assert region.timezone == "Asia/Jakarta" and region.name == "Kabupaten Bangka Selatan"
    assert Area.objects.filter(region=region, level="kecamatan").count() == len(
        wilayah_rows("19.03", "kecamatan")
    )
    assert Area.objects.filter(region=region, level="kelurahan").count() == len(
        wilayah_rows("19.03", "desa_kelurahan")
    )
    # As published, three of its kecamatan and its outline are invalid (nested shells).
    assert shape(region.boundary).is_valid
    for area in Area.objects.filter(region=region, level="kecamatan"):
        assert shape(area.boundary).is_valid, area.code


def test_every_invalid_kecamatan_of_the_national_data_is_repaired():
    features = national.read_features(national.NATIONAL_DIR / "kecamatan.geojson.gz")
    invalid = [f for f in features if not shape(f["geometry"]).is_valid]
    assert 250 < len(invalid) < 0.05 * len(features)  # about 4%, as documented
    for feature in invalid:
        fixed = shape(repaired(feature["geometry"]))
        assert fixed.is_valid and not fixed.is_empty, feature["properties"]["kode"]
        assert fixed.geom_type in {"Polygon", "MultiPolygon"}
    valid = next(f for f in features if shape(f["geometry"]).is_valid)
    assert repaired(valid["geometry"]) is valid["geometry"]


@pytest.mark.parametrize("code, path", [("73.24", LUWU_TIMUR), ("19.03", BANGKA_SELATAN)])
def test_a_point_inside_each_desa_locates_to_it(tangerang, code, path):
    region = adopt(code=code, kelurahan_boundaries=path).region
    for feature in boundary_features(path):
        point = shape(feature["geometry"]).representative_point()
        area = locate(region, lat=point.y, lng=point.x)
        assert area.code == feature["properties"]["kode"] and not area.approximate


def test_without_boundaries_a_point_goes_to_the_nearest_centroid_of_its_kecamatan(tangerang):
    region = adopt(code="19.03").region
    desa = Area.objects.filter(region=region, level="kelurahan")
    assert desa.filter(approximate=True).count() == desa.count() == 53
    checked = 0
    for area in desa.select_related("parent"):
        if not shape(area.parent.boundary).contains(
            shape({"type": "Point", "coordinates": [area.center_lng, area.center_lat]})
        ):
            continue  # a centroid outside its own simplified kecamatan
        found = locate(region, lat=area.center_lat, lng=area.center_lng)
        assert found == area and found.approximate
        checked += 1
    assert checked > 40
    # A point inside the kecamatan but nearer another kecamatan's desa still stays in its own.
    toboali = Area.objects.get(region=region, code="19.03.01")
    point = shape(toboali.boundary).representative_point()
    assert locate(region, lat=point.y, lng=point.x).parent == toboali
    # Loading the boundary file later makes them exact.
    region = adopt(code="19.03", kelurahan_boundaries=BANGKA_SELATAN).region
    assert not Area.objects.filter(region=region, approximate=True).exists()


def test_adopting_twice_changes_nothing_and_says_so(luwu_timur, capsys):
    before = snapshot(luwu_timur)
    invitations = Invitation.objects.filter(region=luwu_timur).count()
    call_command("region", "adopt", "--code", "73.24")  # without the file: boundaries stay
    out = capsys.readouterr().out
    assert "Nothing changed" in out and "an admin invitation is open" in out
    assert snapshot(luwu_timur) == before
    assert Invitation.objects.filter(region=luwu_timur).count() == invitations == 1


def test_a_dry_run_saves_nothing_and_says_what_it_would_create(tangerang, capsys):
    call_command("region", "adopt", "--code", "73.24", "--dry-run")
    out = capsys.readouterr().out
    assert "kecamatan: 11 new" in out and "desa/kelurahan: 128 new" in out
    assert "Dry run: nothing was saved" in out
    assert not Region.objects.filter(code="73.24").exists()


def test_a_kabupaten_gets_its_standard_agencies_and_the_templates_categories_remapped(
    luwu_timur, tangerang
):
    agencies = Agency.objects.filter(region=luwu_timur)
    codes = set(agencies.values_list("code", flat=True))
    assert {"DPMD", "DISTAN", "PUPR", "PDAM", "RSUD"} <= codes
    assert agencies.filter(kind="kecamatan").count() == 11
    assert agencies.filter(kind="desa").count() == 125  # 2xxx codes
    assert agencies.filter(kind="kelurahan").count() == 3  # 1xxx codes
    assert agencies.get(code="DESA-73.24.01.2001").name == "Pemerintah Desa Maleku"
    assert agencies.get(code="PDAM").name == "Perumda Air Minum Kabupaten Luwu Timur"
    template = Category.objects.filter(region=tangerang)
    categories = Category.objects.filter(region=luwu_timur).select_related("default_agency")
    assert sorted(categories.values_list("code", flat=True)) == sorted(
        template.values_list("code", flat=True)
    )
    by_code = {c.code: c for c in categories}
    # Tangerang's street lights are its housing agency's (Perkimtan): here Perkim's.
    assert by_code["PJU"].default_agency.code == "PERKIM"
    assert by_code["AIR-BERSIH"].default_agency.code == "PDAM"
    assert by_code["KEBAKARAN"].is_emergency
    assert all(c.default_agency.region_id == luwu_timur.id for c in categories)
    assert by_code["JALAN-RUSAK"].attributes == template.get(code="JALAN-RUSAK").attributes


def test_deadlines_and_calendar_come_from_the_template_with_national_holidays(luwu_timur):
    policy = luwu_timur.sla_policy
    assert (policy.verify_days, policy.respond_days, policy.resolve_days) == (3, 5, 14)
    calendar = calendar_for(luwu_timur)
    assert str(calendar.tz) == "Asia/Makassar" and calendar.national_holidays
    from datetime import date

    assert not calendar.is_working_day(date(2026, 8, 17))  # Independence Day
    assert not calendar.is_working_day(date(2026, 3, 20))  # cuti bersama, Idul Fitri


def test_a_complaint_in_the_adopted_region_routes_to_its_agency(luwu_timur):
    maleku = next(
        f for f in boundary_features(LUWU_TIMUR) if f["properties"]["kode"] == "73.24.01.2001"
    )
    point = shape(maleku["geometry"]).representative_point()
    complaint = submit(
        region=luwu_timur,
        category_code="JALAN-RUSAK",
        description="Jalan desa berlubang besar di depan sekolah dasar, berbahaya bagi motor.",
        lat=point.y,
        lng=point.x,
    ).complaint
    assert complaint.number.startswith("LTM-") and complaint.area.code == "73.24.01.2001"
    pupr = Agency.objects.get(region=luwu_timur, code="PUPR")
    assert suggest_agency(complaint.category, complaint.area) == pupr
    operator = staff_in(person("op-ltm", luwu_timur, Role.OPERATOR), luwu_timur)
    complaint = verify(staff=operator, complaint=complaint)
    complaint = dispose(staff=operator, complaint=complaint)
    assert complaint.agency == pupr and complaint.next_deadline is not None
    liaison = staff_in(person("pupr-ltm", luwu_timur, Role.AGENCY_STAFF, "PUPR"), luwu_timur)
    assert accept(staff=liaison, complaint=complaint).status == "in_progress"


def test_the_adopted_region_is_isolated_from_kota_tangerang(tangerang):
    before = snapshot(tangerang)
    region = adopt(code="73.24", kelurahan_boundaries=LUWU_TIMUR).region
    assert snapshot(tangerang) == before
    with pytest.raises(ValidationFailed) as outside:
        locate(region, lat=IN_TANGERANG[0], lng=IN_TANGERANG[1])
    assert outside.value.code == "outside_region"
    tangerang_operator = person("op-tng", tangerang, Role.OPERATOR)
    with pytest.raises(NotFound):
        staff_in(tangerang_operator, region)
    assert not Agency.objects.filter(region=region, default_for__region=tangerang).exists()
    assert region.tracking_prefix != tangerang.tracking_prefix


def test_the_admin_invitation_makes_the_first_region_admin(tangerang, capsys):
    call_command("region", "adopt", "--code", "73.24", "--admin-email", "Kominfo@LuwuTimur.go.id")
    out = capsys.readouterr().out
    link = next(w for w in out.split() if "/undangan/" in w)
    assert link.startswith("http://") and "/kabupaten-luwu-timur/console/undangan/" in link
    token = link.rstrip("/").rsplit("/", 1)[1]
    user = staffing.accept_invitation(
        token=token, username="admin-ltm", password="Rahasia-uji-1234!"
    )
    region = Region.objects.get(code="73.24")
    assert staff_in(user, region).has(Role.REGION_ADMIN) and user.email == "kominfo@luwutimur.go.id"
    call_command("region", "adopt", "--code", "73.24")
    assert "the region has an admin already" in capsys.readouterr().out


def test_reinvite_replaces_the_open_invitation(luwu_timur):
    first = Invitation.objects.get(region=luwu_timur)
    result = adopt(code="73.24", reinvite=True, base_url="https://laksana.example.go.id")
    assert result.invitation_link.startswith("https://laksana.example.go.id/kabupaten-luwu-timur/")
    first.refresh_from_db()
    assert first.revoked_at is not None
    assert Invitation.objects.filter(region=luwu_timur, revoked_at__isnull=True).count() == 1


def test_slug_and_prefix_can_be_chosen_but_not_changed_later(tangerang):
    region = adopt(code="19.03", slug="basel", prefix="bsl").region
    assert (region.slug, region.tracking_prefix) == ("basel", "BSL")
    with pytest.raises(AdoptionError, match="adopted already"):
        adopt(code="19.03", prefix="BS2")
    with pytest.raises(AdoptionError, match="another region"):
        adopt(code="73.24", prefix="TNG")
    with pytest.raises(AdoptionError, match="not a kabupaten/kota"):
        adopt(code="73.24.01")
    with pytest.raises(CommandError, match="not a kabupaten/kota"):
        call_command("region", "adopt", "--code", "99.99")


def test_a_boundary_file_of_another_region_is_refused(tangerang):
    with pytest.raises(AdoptionError, match="not desa/kelurahan of 19.03"):
        adopt(code="19.03", kelurahan_boundaries=LUWU_TIMUR)


def test_a_kota_gets_kelurahan_offices_and_no_village_agency(tangerang):
    region = adopt(code="73.71", dry_run=False).region  # Kota Makassar
    agencies = Agency.objects.filter(region=region)
    assert not agencies.filter(code__in=["DPMD", "DISTAN"]).exists()
    assert agencies.filter(kind="kelurahan").count() == len(wilayah_rows("73.71", "desa_kelurahan"))
    assert region.timezone == "Asia/Makassar"


def test_every_kabupaten_and_kota_of_the_national_list_can_be_adopted():
    """The plan for all 514 (no database): areas, agencies, categories, a unique prefix."""
    template = read_template("kota-tangerang")
    taken, slugs, zones = set(), set(), set()
    for code, name in national.regions():
        data = national.region_data(code)
        assert data.kecamatan and data.kelurahan, code
        assert data.kind in {"kota", "kabupaten"}
        agencies = standard_agencies(data)
        assert len({a["code"] for a in agencies}) == len(agencies), code
        assert all(len(a["code"]) <= 32 and len(a["short_name"]) <= 80 for a in agencies)
        categories, unmapped = remap_categories(template, agencies)
        assert not unmapped and len(categories) == len(template.categories), code
        prefix = derive_prefix(name, taken)
        assert prefix not in taken and len(prefix) <= 8
        taken.add(prefix)
        slugs.add(name.lower())
        zones.add(data.timezone)
    assert len(taken) == len(slugs) == 514
    assert zones == {"Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura"}


def test_a_person_with_roles_in_both_regions_switches_between_them(luwu_timur, tangerang, client):
    both = person("op-both", tangerang, Role.OPERATOR)
    person("op-both", luwu_timur, Role.OPERATOR)
    only = person("op-only-tng", tangerang, Role.OPERATOR)
    client.force_login(both)
    page = client.get("/kota-tangerang/console/").content.decode()
    assert 'href="/kabupaten-luwu-timur/console/"' in page
    back = client.get("/kabupaten-luwu-timur/console/").content.decode()
    assert 'href="/kota-tangerang/console/"' in back
    client.force_login(only)
    page = client.get("/kota-tangerang/console/").content.decode()
    assert "/kabupaten-luwu-timur/" not in page


def test_the_new_regions_admin_follows_a_checklist_that_keeps_progress(luwu_timur, client):
    admin = person("admin-ltm", luwu_timur, Role.REGION_ADMIN)
    client.force_login(admin)
    url = "/kabupaten-luwu-timur/console/persiapan/"
    page = client.get(url).content.decode()
    assert "0 dari 7 langkah selesai" in page
    assert 'href="/kabupaten-luwu-timur/console/staf/"' in page
    assert client.post(url, {"step": "agencies", "done": "1"}).status_code == 302
    person("op-ltm", luwu_timur, Role.OPERATOR)
    person("pupr-ltm", luwu_timur, Role.AGENCY_STAFF, "PUPR")  # the data shows this step
    page = client.get(url).content.decode()
    assert "2 dari 7 langkah selesai" in page
    client.post(url, {"step": "agencies", "done": "0"})
    assert "1 dari 7 langkah selesai" in client.get(url).content.decode()
    client.force_login(person("op-ltm", luwu_timur, Role.OPERATOR))
    assert client.get(url).status_code == 403


def test_each_kecamatan_centroid_of_the_three_demo_regions_locates_inside_that_kecamatan(
    tangerang,
):
    regions = [
        tangerang,
        adopt(code="73.24", template="kota-tangerang", kelurahan_boundaries=LUWU_TIMUR).region,
        adopt(code="19.03", template="kota-tangerang", kelurahan_boundaries=BANGKA_SELATAN).region,
    ]
    checked, wrong = 0, []
    for region in regions:
        for kecamatan in Area.objects.filter(region=region, level="kecamatan"):
            polygon = shape(kecamatan.boundary)
            point = polygon.centroid
            if not polygon.contains(point):  # a crescent's centroid lies outside it
                point = polygon.representative_point()
            found = locate(region, lat=point.y, lng=point.x)
            checked += 1
            if found is None or found.parent_id != kecamatan.pk:
                wrong.append(f"{region.slug} {kecamatan.name}: {found and found.parent.name}")
    assert checked == 13 + 11 + 8 and wrong == []
