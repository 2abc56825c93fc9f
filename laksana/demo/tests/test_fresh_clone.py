"""A fresh clone has no data folder: the README's first command must create it, not crash."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection


# `make demo` from a clone always runs on SQLite (the subprocess gets no DATABASE_URL), whatever
# database the suite runs on: on the PostgreSQL run it would prove the same thing a second time.
@pytest.mark.skipif(
    connection.vendor != "sqlite",
    reason="the demo of a fresh clone always uses SQLite: proven once, on the SQLite run",
)
def test_demo_command_creates_a_data_dir_that_does_not_exist_yet(tmp_path):
    data_dir = tmp_path / "not" / "there" / "var"
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "MEDIA_ROOT")}
    env.update(LAKSANA_DATA_DIR=str(data_dir), DEBUG="1")
    laksana = Path(sys.executable).with_name("laksana")
    result = subprocess.run(
        [str(laksana), "demo", "--no-serve", "--complaints", "3"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "Traceback" not in output and "No directory at" not in output, output
    assert (data_dir / "laksana.sqlite3").stat().st_size > 0
    assert "3 new complaints" in result.stdout
    # The platform administrator who adopts regions from the admin's form is there to sign in.
    assert "platform administrator: adopts a kabupaten/kota" in result.stdout
