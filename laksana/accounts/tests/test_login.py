"""Password sign-in: lockout after repeated failures, and sessions that end."""

import pytest
import time_machine

from laksana.accounts.models import LoginFailure
from laksana.testing.personas import PASSWORD, staff

pytestmark = pytest.mark.django_db
LOGIN = "/accounts/login/"


def _try(client, password: str, ip: str = "10.0.0.1", username: str = "op-tng"):
    return client.post(
        LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip, follow=False
    )


def test_login_page_is_indonesian_and_signs_staff_into_their_console(client, operator):
    page = client.get(LOGIN)
    assert page.status_code == 200 and "Masuk untuk petugas" in page.content.decode()
    response = _try(client, PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == "/kota-tangerang/console/"


def test_five_failures_in_fifteen_minutes_lock_that_username_from_that_address(client, operator):
    with time_machine.travel("2026-11-02 02:00:00+00:00", tick=False):
        for _attempt in range(5):
            failed = _try(client, "salah")
            assert failed.status_code == 200
            assert "Nama pengguna atau kata sandi salah." in failed.content.decode()
        locked = _try(client, PASSWORD)  # even the right password is refused now
        assert locked.status_code == 429
        assert "Terlalu banyak percobaan" in locked.content.decode()
        assert "_auth_user_id" not in client.session
        # Another address is not locked out by someone else's guessing.
        assert _try(client, PASSWORD, ip="10.0.0.2").status_code == 302
    with time_machine.travel("2026-11-02 02:16:00+00:00", tick=False):
        client.logout()
        assert _try(client, PASSWORD).status_code == 302
        assert not LoginFailure.objects.filter(ip="10.0.0.1").exists()


def test_token_exchange_of_the_api_shares_the_lockout(client, operator):
    body = {"username": "op-tng", "password": "salah"}
    for _attempt in range(5):
        response = client.post("/api/v1/auth/token", body, content_type="application/json")
        assert response.status_code == 401
    body["password"] = PASSWORD
    response = client.post("/api/v1/auth/token", body, content_type="application/json")
    assert response.status_code == 429 and response.json()["code"] == "locked_out"


def test_console_session_ends_after_idle_time_and_after_its_lifetime(client, operator, tangerang):
    home = f"/{tangerang.slug}/console/"
    with time_machine.travel("2026-11-02 01:00:00+00:00", tick=False):
        _try(client, PASSWORD)
        assert client.get(home).status_code == 200
    with time_machine.travel("2026-11-02 02:30:00+00:00", tick=False):
        assert client.get(home).status_code == 200  # 90 minutes idle: still fine
    with time_machine.travel("2026-11-02 04:31:00+00:00", tick=False):
        expired = client.get(home)  # over two hours idle
        assert expired.status_code == 302 and expired["Location"].startswith(LOGIN)
        assert "_auth_user_id" not in client.session
    with time_machine.travel("2026-11-02 04:32:00+00:00", tick=False):
        _try(client, PASSWORD)
        for hour in range(1, 12):  # active all day long...
            with time_machine.travel(f"2026-11-02 {4 + hour:02d}:30:00+00:00", tick=False):
                assert client.get(home).status_code == 200
    with time_machine.travel("2026-11-02 16:33:00+00:00", tick=False):
        assert client.get(home).status_code == 302  # ...but not past the 12-hour lifetime


def test_field_officer_is_sent_to_their_own_pages(client, tangerang):
    officer = staff("fo-tng", tangerang, "field_officer", "PUPR")
    client.force_login(officer.user)
    response = client.get(f"/{tangerang.slug}/console/")
    assert response.status_code == 403
    assert f"/{tangerang.slug}/field/" in response.content.decode()
