"""Django admin: a region admin sees and edits only their own region's reference data."""

import pytest

from laksana.agencies.models import Agency
from laksana.testing.personas import PASSWORD, person

pytestmark = pytest.mark.django_db


@pytest.fixture
def tangerang_admin(tangerang, contoh):
    user = person("admin-tng", tangerang, "region_admin")
    user.is_staff = True
    user.save()
    return user


def test_region_admin_lists_only_their_agencies(client, tangerang_admin, tangerang, contoh):
    client.login(username=tangerang_admin.username, password=PASSWORD)
    page = client.get("/admin/agencies/agency/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Dinas Pekerjaan Umum dan Penataan Ruang" in html
    assert "Dinas Pekerjaan Umum Contoh" not in html


def test_region_admin_gets_nothing_of_another_region(client, tangerang_admin, contoh):
    client.login(username=tangerang_admin.username, password=PASSWORD)
    theirs = Agency.objects.get(region=contoh, code="PUPR")
    assert client.get(f"/admin/agencies/agency/{theirs.pk}/change/").status_code in (302, 403, 404)
    response = client.post(
        f"/admin/agencies/agency/{theirs.pk}/change/",
        {"region": contoh.pk, "code": "PUPR", "short_name": "Diubah", "name": "x", "kind": "dinas"},
    )
    assert response.status_code in (302, 403, 404)
    theirs.refresh_from_db()
    assert theirs.short_name == "Dinas PU"
    regions = client.get("/admin/regions/region/").content.decode()
    assert "Kota Tangerang" in regions and "Kota Contoh" not in regions


def test_operators_do_not_get_into_the_admin(client, tangerang):
    user = person("op-admin-try", tangerang, "operator")
    user.is_staff = True
    user.save()
    client.login(username=user.username, password=PASSWORD)
    assert "Dinas Pekerjaan" not in client.get("/admin/agencies/agency/").content.decode()


def test_region_admin_cannot_pull_another_regions_user_into_their_region(
    client, tangerang_admin, tangerang, contoh
):
    """Issue 14 item 3: only people of the admin's own region are offered or accepted; others
    join by invitation."""
    from laksana.agencies.models import Membership

    foreign = person("op-contoh-pull", contoh, "operator")
    own = person("op-tng-own", tangerang, "operator")
    client.login(username=tangerang_admin.username, password=PASSWORD)
    form = client.get("/admin/agencies/membership/add/").content.decode()
    assert own.username in form and foreign.username not in form
    response = client.post(
        "/admin/agencies/membership/add/",
        {"user": foreign.pk, "region": tangerang.pk, "role": "operator"},
    )
    assert response.status_code == 200  # the form again, with the error
    assert "user" in response.context["adminform"].form.errors
    assert "belum terdaftar di wilayah Anda" in response.content.decode()
    assert not Membership.objects.filter(user=foreign, region=tangerang).exists()
