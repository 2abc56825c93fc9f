"""One sign-in lockout for every way in (console, Django admin, API token), per username and per
address across usernames; password-reset requests limited. All over HTTP."""

import pytest
from django.core import mail

from laksana.accounts.lockout import MAX_FAILURES, MAX_FAILURES_PER_IP
from laksana.testing.personas import PASSWORD, person

pytestmark = pytest.mark.django_db
ADMIN_LOGIN = "/admin/login/?next=/admin/"


def _admin_try(client, username: str, password: str, ip: str = "10.0.0.5"):
    return client.post(ADMIN_LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip)


@pytest.fixture
def superuser(tangerang):
    user = person("root-tng", tangerang, "region_admin")
    user.is_staff = user.is_superuser = True
    user.save()
    return user


def test_django_admin_locks_after_five_wrong_passwords(client, superuser):
    for _attempt in range(MAX_FAILURES):
        assert _admin_try(client, "root-tng", "salah").status_code == 200
    locked = _admin_try(client, "root-tng", PASSWORD)
    assert "_auth_user_id" not in client.session
    assert "Terlalu banyak percobaan masuk" in locked.content.decode()
    # The console's sign-in and the API token refuse the same username from that address too.
    console = client.post(
        "/accounts/login/", {"username": "root-tng", "password": PASSWORD}, REMOTE_ADDR="10.0.0.5"
    )
    assert console.status_code == 429 and "_auth_user_id" not in client.session
    token = client.post(
        "/api/v1/auth/token",
        {"username": "root-tng", "password": PASSWORD},
        content_type="application/json",
        REMOTE_ADDR="10.0.0.5",
    )
    assert token.status_code == 429 and token.json()["code"] == "locked_out"
    assert int(token["Retry-After"]) > 0
    # From another address the owner still gets in.
    assert _admin_try(client, "root-tng", PASSWORD, ip="10.0.0.6").status_code == 302


def test_one_address_trying_many_usernames_is_locked_out(client, superuser):
    for n in range(MAX_FAILURES_PER_IP):
        response = client.post(
            "/accounts/login/",
            {"username": f"tebak-{n}", "password": "salah"},
            REMOTE_ADDR="10.0.0.7",
        )
        assert response.status_code == 200
    # A username never tried from there, with its right password: refused from that address.
    assert _admin_try(client, "root-tng", PASSWORD, ip="10.0.0.7").status_code == 200
    assert "_auth_user_id" not in client.session
    refused = client.post(
        "/accounts/login/", {"username": "root-tng", "password": PASSWORD}, REMOTE_ADDR="10.0.0.7"
    )
    assert refused.status_code == 429
    assert _admin_try(client, "root-tng", PASSWORD, ip="10.0.0.8").status_code == 302


def test_password_reset_requests_are_limited(client, superuser, settings):
    superuser.email = "root@example.id"
    superuser.save()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    codes = [
        client.post("/accounts/password_reset/", {"email": "root@example.id"}).status_code
        for _ in range(4)
    ]
    assert codes == [302, 302, 302, 429]
    assert len(mail.outbox) == 3
    other = client.post(
        "/accounts/password_reset/", {"email": "lain@example.id"}, REMOTE_ADDR="10.0.0.9"
    )
    assert other.status_code == 302
    flood = [
        client.post(
            "/accounts/password_reset/", {"email": f"x{n}@example.id"}, REMOTE_ADDR="10.0.0.10"
        ).status_code
        for n in range(6)
    ]
    assert flood == [302] * 5 + [429]
    assert (
        "Terlalu banyak permintaan atur ulang"
        in client.post(
            "/accounts/password_reset/", {"email": "y@example.id"}, REMOTE_ADDR="10.0.0.10"
        ).content.decode()
    )
