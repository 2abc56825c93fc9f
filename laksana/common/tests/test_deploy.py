"""Production settings: `check --deploy` is clean behind an HTTPS proxy; staff pages are not
cached (issue 14, item 10)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]


def test_check_deploy_is_clean_with_the_documented_production_settings(tmp_path):
    # Not the test process's own environment: browser tests set DJANGO_ALLOW_ASYNC_UNSAFE in it.
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DEBUG": "0",
        "SECRET_KEY": "x7-" + "Qm9vLkRlcGxveUNoZWNrU2VjcmV0S2V5VGhhdElzTG9uZ0Vub3VnaA" * 2,
        "LAKSANA_DATA_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path}/db.sqlite3",
        "ALLOWED_HOSTS": "lapor.example.go.id",
        "CSRF_TRUSTED_ORIGINS": "https://lapor.example.go.id",
        "HTTPS": "1",
        "BEHIND_HTTPS_PROXY": "1",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNINGS" not in result.stderr + result.stdout


@pytest.mark.django_db
def test_staff_pages_are_not_stored_and_public_pages_may_be(client, operator, tangerang):
    assert client.get("/accounts/login/")["Cache-Control"] == "no-store"
    assert client.get("/admin/login/")["Cache-Control"] == "no-store"
    client.force_login(operator.user)
    for path in [
        f"/{tangerang.slug}/console/",
        f"/{tangerang.slug}/field/",
        f"/{tangerang.slug}/live/",
        "/admin/",
    ]:
        response = client.get(path)
        assert response["Cache-Control"] == "no-store", (path, response.status_code)
    client.logout()
    assert "no-store" not in client.get(f"/{tangerang.slug}/").get("Cache-Control", "")
