"""The README's curl walkthrough runs unchanged against a real HTTP server and demo accounts."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings

from laksana.complaints.models import Complaint
from laksana.demo.services import ensure_accounts

README = Path(settings.BASE_DIR) / "README.md"


def _walkthrough() -> str:
    text = README.read_text(encoding="utf-8")
    section = text.split("## Walkthrough", 1)[1]
    return re.search(r"```bash\n(.*?)```", section, re.DOTALL).group(1)


@pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed")
@pytest.mark.django_db(transaction=True)
def test_readme_walkthrough_runs_as_written(live_server, tangerang, tmp_path, media_root):
    ensure_accounts(tangerang)
    script = _walkthrough().replace("http://127.0.0.1:8000", live_server.url)
    result = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", script],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.split()
    number = result.stdout.splitlines()[0]
    for expected in ["verified", "dispatched", "in_progress", "evidence", "resolved", "closed"]:
        assert expected in lines, result.stdout
    complaint = Complaint.objects.get(number=number)
    assert complaint.status == "closed" and complaint.rating == 5
    assert complaint.events.count() == 10  # one per step, photo and the contact's view included
    assert lines[-1] == "081234567890"
    assert complaint.events.filter(type="viewed", data__via="api").count() == 1
