import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from laksana.conf import SETTINGS

README = Path(settings.BASE_DIR) / "README.md"


def test_every_setting_is_documented_in_the_readme():
    text = README.read_text(encoding="utf-8")
    table = {m.group(1) for m in re.finditer(r"^\| `([A-Z_]+)` \|", text, re.MULTILINE)}
    assert set(SETTINGS) <= table, f"undocumented: {sorted(set(SETTINGS) - table)}"


def _start(env):
    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='laksana.settings'; django.setup()"
    )
    clean = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DEBUG")}
    return subprocess.run(
        [sys.executable, "-c", code],
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_refuses_to_start_with_the_default_secret():
    refused = _start({"DEBUG": "0"})
    assert refused.returncode != 0 and "SECRET_KEY is not set" in refused.stderr
    assert _start({"DEBUG": "0", "SECRET_KEY": "a-long-random-value"}).returncode == 0
    assert _start({"DEBUG": "1"}).returncode == 0


def test_secret_can_come_from_a_file(tmp_path):
    secret = tmp_path / "secret"
    secret.write_text("from-a-file\n")
    assert _start({"DEBUG": "0", "SECRET_KEY_FILE": str(secret)}).returncode == 0


@pytest.mark.django_db
def test_sqlite_runs_in_wal_mode_with_immediate_transactions():
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("SQLite-only settings")
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        mode = cursor.fetchone()[0]
    assert mode in ("wal", "memory")
    assert settings.DATABASES["default"]["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
