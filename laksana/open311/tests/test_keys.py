from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from laksana.open311.errors import Open311Error
from laksana.open311.keys import authenticate
from laksana.open311.models import ApiKey
from laksana.testing.personas import person

pytestmark = pytest.mark.django_db

KEYS = "/kota-tangerang/console/apikeys/"


def _cli(*args) -> str:
    out = StringIO()
    call_command("apikey", *args, stdout=out)
    return out.getvalue()


def test_cli_create_prints_the_key_last_and_stores_only_its_hash(tangerang):
    out = _cli("create", "--region", "kota-tangerang", "--name", "Aplikasi Warga")
    key = out.strip().splitlines()[-1].split()[-1]
    assert key.startswith("o311_") and len(key) > 40
    stored = ApiKey.objects.get(name="Aplikasi Warga")
    assert key not in str(stored.__dict__) and stored.prefix == key[:12]
    assert authenticate(key, tangerang) == stored


def test_cli_create_with_agency_and_rate_limit(tangerang):
    _cli(
        "create",
        "--region",
        "kota-tangerang",
        "--name",
        "SIMPUPR",
        "--agency",
        "PUPR",
        "--rate-limit",
        "5",
    )
    stored = ApiKey.objects.get(name="SIMPUPR")
    assert stored.agency.code == "PUPR" and stored.rate_limit == 5


def test_cli_lists_and_revokes(tangerang):
    key = _cli("create", "--region", "kota-tangerang", "--name", "Dasbor").split()[-1]
    stored = ApiKey.objects.get(name="Dasbor")
    listing = _cli("list", "--region", "kota-tangerang")
    assert f"{stored.id}\t{stored.prefix}…\tDasbor" in listing and key not in listing
    assert "Revoked" in _cli("revoke", "--region", "kota-tangerang", str(stored.id))
    assert "revoked" in _cli("list", "--region", "kota-tangerang")
    with pytest.raises(Open311Error) as refused:
        authenticate(key, tangerang)
    assert refused.value.status == 403


def test_cli_refuses_bad_input(tangerang, contoh):
    with pytest.raises(CommandError, match="kota-atlantis"):
        _cli("create", "--region", "kota-atlantis", "--name", "X")
    with pytest.raises(CommandError, match="agency"):
        _cli("create", "--region", "kota-tangerang", "--name", "X", "--agency", "NOPE")
    with pytest.raises(CommandError, match="rate_limit"):
        _cli("create", "--region", "kota-tangerang", "--name", "X", "--rate-limit", "0")
    contoh_key = _cli("create", "--region", "kota-contoh", "--name", "Y")
    assert contoh_key
    with pytest.raises(CommandError):  # a key of Kota Contoh is not found in Kota Tangerang
        _cli("revoke", "--region", "kota-tangerang", str(ApiKey.objects.get(name="Y").id))


# --- console pages ----------------------------------------------------------------------------


@pytest.fixture
def admin(tangerang):
    return person("admin-tng", tangerang, "region_admin")


def test_anonymous_is_sent_to_login(client, tangerang):
    response = client.get(KEYS)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    login = client.get(response["Location"])
    assert login.status_code == 200 and b'name="username"' in login.content


def test_staff_of_another_region_get_404(client, other_operator, contoh):
    client.force_login(other_operator.user)
    assert client.get(KEYS).status_code == 404
    admin_contoh = person("admin-contoh", contoh, "region_admin")
    client.force_login(admin_contoh)
    assert client.get(KEYS).status_code == 404
    assert client.get("/kota-contoh/console/apikeys/").status_code == 200


def test_staff_who_are_not_region_admins_get_403(client, operator, pupr):
    for persona in (operator, pupr):
        client.force_login(persona.user)
        assert client.get(KEYS).status_code == 403
        assert client.post(KEYS, {"name": "X"}).status_code == 403
    assert not ApiKey.objects.exists()


def test_region_admin_creates_a_key_shown_once(client, admin, tangerang):
    client.force_login(admin)
    page = client.get(KEYS)
    assert page.status_code == 200 and "Dinas PUPR" in page.content.decode()
    created = client.post(KEYS, {"name": "SIMPUPR", "rate_limit": "30", "agency": "PUPR"})
    assert created.status_code == 200 and created["Cache-Control"] == "no-store"
    key = created.context["new_key"]["key"]
    assert key in created.content.decode()
    stored = ApiKey.objects.get(name="SIMPUPR")
    assert (stored.rate_limit, stored.agency.code, stored.created_by) == (30, "PUPR", admin)
    assert authenticate(key, tangerang) == stored
    assert key not in client.get(KEYS).content.decode()  # never shown again


def test_region_admin_sees_errors_for_bad_input(client, admin):
    client.force_login(admin)
    response = client.post(KEYS, {"name": "", "rate_limit": "banyak", "agency": "NOPE"})
    assert response.status_code == 400
    assert set(response.context["errors"]) == {"name", "rate_limit", "agency"}
    assert not ApiKey.objects.exists()


def test_region_admin_revokes_a_key(client, admin, tangerang, contoh):
    client.force_login(admin)
    client.post(KEYS, {"name": "Lama", "rate_limit": "60"})
    stored = ApiKey.objects.get(name="Lama")
    response = client.post(f"{KEYS}{stored.id}/revoke/", follow=True)
    assert response.status_code == 200 and "Lama" in response.content.decode()
    stored.refresh_from_db()
    assert stored.revoked_at is not None
    # A key of another region cannot be reached through this region's pages.
    from laksana.open311.keys import create_key

    other, _raw = create_key(region=contoh, name="Milik Contoh")
    assert client.post(f"{KEYS}{other.id}/revoke/").status_code == 404
    other.refresh_from_db()
    assert other.revoked_at is None
