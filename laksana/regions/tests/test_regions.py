import subprocess
import sys

import pytest
from django.core.management import call_command

from laksana.agencies.models import Agency, Category
from laksana.common.errors import ValidationFailed
from laksana.regions.models import Area, Region
from laksana.regions.services import locate
from laksana.testing.personas import CONTOH_DIR, IN_CONTOH, IN_TANGERANG, OUTSIDE, TANGERANG_DIR

pytestmark = pytest.mark.django_db


def test_kota_tangerang_has_its_13_kecamatan_and_104_kelurahan(tangerang):
    assert tangerang.code == "36.71" and tangerang.tracking_prefix == "TNG"
    assert Area.objects.filter(region=tangerang, level="kecamatan").count() == 13
    kelurahan = Area.objects.filter(region=tangerang, level="kelurahan")
    assert kelurahan.count() == 104
    assert not kelurahan.filter(parent__isnull=True).exists()
    assert not kelurahan.filter(boundary__isnull=True).exists()
    assert Agency.objects.filter(region=tangerang).count() == 30
    jalan = Category.objects.get(region=tangerang, code="JALAN-RUSAK")
    assert jalan.default_agency.code == "PUPR" and jalan.needs_photo_to_resolve


def test_loading_twice_duplicates_nothing(tangerang, capsys):
    counts = (
        Region.objects.count(),
        Area.objects.count(),
        Agency.objects.count(),
        Category.objects.count(),
    )
    call_command("region", "load", str(TANGERANG_DIR))
    call_command("region", "load", str(CONTOH_DIR))
    after = (
        Region.objects.count(),
        Area.objects.count(),
        Agency.objects.count(),
        Category.objects.count(),
    )
    assert after == counts
    assert "13 kecamatan, 104 kelurahan, 30 agencies, 28 categories" in capsys.readouterr().out


def test_region_load_refuses_a_folder_without_manifest(tmp_path):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("region", "load", str(tmp_path))


def test_points_are_placed_in_their_kelurahan(tangerang, contoh):
    assert locate(tangerang, lat=IN_TANGERANG[0], lng=IN_TANGERANG[1]).name == "Sukarasa"
    assert locate(contoh, lat=IN_CONTOH[0], lng=IN_CONTOH[1]).code == "99.01.01.1001"


def test_the_geometry_a_process_built_is_forgotten_with_its_configuration(tangerang):
    """Ids of a rolled-back transaction come again (SQLite; a test's region is the next test's
    other region): the kelurahan polygons a process built for a region id are dropped by
    configcache.clear_all(), as the tests call it between two databases."""
    from laksana.common import configcache
    from laksana.regions import services

    locate(tangerang, lat=IN_TANGERANG[0], lng=IN_TANGERANG[1])
    assert tangerang.pk in services._geometry
    configcache.clear_all()
    assert tangerang.pk not in services._geometry


@pytest.mark.parametrize("point", [OUTSIDE, IN_CONTOH, (95.0, 200.0)])
def test_points_outside_the_region_are_refused(tangerang, point):
    with pytest.raises(ValidationFailed) as refused:
        locate(tangerang, lat=point[0], lng=point[1])
    assert refused.value.code in ("outside_region", "invalid_location")


def test_regions_keep_their_own_time_zone(tangerang, contoh):
    assert (tangerang.tz_abbreviation, contoh.tz_abbreviation) == ("WIB", "WITA")


def test_public_reference_endpoints(client, tangerang):
    categories = client.get("/api/v1/regions/kota-tangerang/categories").json()
    assert len(categories) == 28 and categories[0]["code"] == "JALAN-RUSAK"
    kecamatan = client.get("/api/v1/regions/kota-tangerang/areas?level=kecamatan").json()
    assert len(kecamatan) == 13
    assert client.get("/api/v1/regions/nowhere/categories").status_code == 404


def test_the_laksana_command_runs_region_load():
    result = subprocess.run(
        [sys.executable, "-m", "laksana.cli", "region", "--help"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0 and "load" in result.stdout
