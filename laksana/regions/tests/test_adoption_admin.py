"""The platform administrator adopts a region from a form in the admin (issue 17, item 2)."""

import pytest
from django.contrib.auth.models import User

from laksana.agencies.models import Role
from laksana.regions.models import Area, Region
from laksana.regions.services import _geometry
from laksana.testing.personas import person

pytestmark = pytest.mark.django_db

ADOPT = "/admin/regions/region/adopt/"


@pytest.fixture
def platform(client):
    _geometry.clear()
    user = User.objects.create_superuser("platform", "platform@example.go.id", "x-Rahasia-123")
    client.force_login(user)
    return client


def test_the_form_offers_every_kabupaten_and_kota(platform, tangerang):
    page = platform.get(ADOPT).content.decode()
    assert page.count('<option value="') >= 514 + 1  # the list, and the template choice
    assert '<option value="73.24 Kabupaten Luwu Timur">' in page
    assert 'value="36.71 Kota Tangerang">sudah diadopsi' in page


def test_a_platform_admin_adopts_luwu_timur_from_the_form(platform, tangerang):
    dry = platform.post(ADOPT, {"region": "73.24", "template": "kota-tangerang", "dry_run": "on"})
    assert "Dry run: nothing was saved" in dry.content.decode()
    assert not Region.objects.filter(code="73.24").exists()
    page = platform.post(
        ADOPT,
        {
            "region": "73.24 Kabupaten Luwu Timur",
            "template": "kota-tangerang",
            "shipped_boundaries": "on",
            "admin_email": "kominfo@luwutimurkab.go.id",
        },
    ).content.decode()
    region = Region.objects.get(code="73.24")
    assert "desa/kelurahan: 128 new" in page and 'id="invitation-link"' in page
    assert "http://testserver/kabupaten-luwu-timur/console/undangan/" in page
    assert Area.objects.filter(region=region, approximate=True).count() == 1
    again = platform.post(ADOPT, {"region": "Kabupaten Luwu Timur", "template": "kota-tangerang"})
    assert "Nothing changed" in again.content.decode()
    listing = platform.get("/admin/regions/region/").content.decode()
    assert "Kabupaten Luwu Timur" in listing and "Terlambat" in listing
    assert "Adopsi kabupaten/kota" in listing


def test_an_unknown_name_is_refused(platform, tangerang):
    regions = set(Region.objects.values_list("pk", flat=True))
    page = platform.post(ADOPT, {"region": "Kabupaten Atlantis", "template": "kota-tangerang"})
    assert "Pilih kabupaten/kota dari daftar" in page.content.decode()
    assert set(Region.objects.values_list("pk", flat=True)) == regions  # none adopted


def test_a_region_admin_cannot_adopt(client, tangerang):
    admin = person("admin-tng", tangerang, Role.REGION_ADMIN)
    admin.is_staff = True
    admin.save()
    client.force_login(admin)
    assert client.get(ADOPT).status_code == 403
    assert client.post(ADOPT, {"region": "73.24", "template": "kota-tangerang"}).status_code == 403
    assert not Region.objects.filter(code="73.24").exists()
    assert "Terlambat" not in client.get("/admin/regions/region/").content.decode()
