"""Large exports run as worker jobs writing a file, with a progress page htmx polls and a
download link when done; small ones stay direct and streamed. A job is its owner's only."""

import csv
import io
from datetime import timedelta

import pytest
from django.test import Client
from django_tasks_db.models import DBTaskResult

from laksana.agencies.models import Membership
from laksana.common import clock
from laksana.reports import jobs
from laksana.reports.models import ExportJob
from laksana.testing.personas import person

pytestmark = pytest.mark.django_db
SLUG = "kota-tangerang"
BASE = f"/{SLUG}/console/statistik/"


@pytest.fixture
def small_limit(settings, tmp_path):
    settings.REPORTS_EXPORT_JOB_ROWS = 2  # Tangerang's four complaints make a "large" list
    settings.REPORTS_EXPORTS_DIR = tmp_path / "exports"
    return settings


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _ask(client, path, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(path)
    assert response.status_code == 302
    return ExportJob.objects.get(pk=int(response["Location"].rstrip("/").rsplit("/", 1)[1]))


def test_a_small_list_export_stays_direct_and_streamed(scene, tangerang, settings, tmp_path):
    settings.REPORTS_EXPORTS_DIR = tmp_path / "exports"
    response = _client(person("pimpinan-r", tangerang, "viewer")).get(f"{BASE}ekspor/daftar.csv")
    assert response.status_code == 200 and response.streaming
    assert not ExportJob.objects.exists()


def test_a_large_export_runs_as_a_job_with_progress_and_a_download(
    scene, tangerang, small_limit, django_capture_on_commit_callbacks
):
    client = _client(person("pimpinan-r", tangerang, "viewer"))
    job = _ask(client, f"{BASE}ekspor/daftar.csv", django_capture_on_commit_callbacks)
    assert (job.state, job.total, job.report, job.fmt) == ("queued", 4, "daftar", "csv")
    assert DBTaskResult.objects.filter(task_path="laksana.reports.tasks.export").count() == 1
    page = client.get(f"{BASE}ekspor/tugas/{job.pk}/").content.decode()
    assert 'hx-trigger="every 1s"' in page and "0 dari 4 baris ditulis" in page
    part = client.get(f"{BASE}ekspor/tugas/{job.pk}/", HTTP_HX_REQUEST="true")
    text = part.content.decode()
    assert text.lstrip().startswith("<section") and "<html" not in text  # only the part
    assert client.get(f"{BASE}ekspor/tugas/{job.pk}/unduh").status_code == 404  # not yet
    job = jobs.run(job.pk)
    assert (job.state, job.done) == ("done", 4)
    part = client.get(f"{BASE}ekspor/tugas/{job.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert "hx-get" not in part and "4 dari 4 baris ditulis" in part
    assert f"{BASE}ekspor/tugas/{job.pk}/unduh" in part
    download = client.get(f"{BASE}ekspor/tugas/{job.pk}/unduh")
    assert download.status_code == 200 and download.streaming
    assert download["Content-Disposition"].startswith("attachment")
    body = b"".join(download.streaming_content).decode().lstrip("\ufeff")
    numbers = {row["Nomor"] for row in csv.DictReader(io.StringIO(body))}
    assert numbers == {scene[k].number for k in ("resolved", "other", "unverified", "secret")}
    assert "Siti Aminah" not in body and "081234567890" not in body
    assert jobs.run(job.pk).state == "done"  # running it again changes nothing
    # A week later the next job removes this one and its file.
    path = small_limit.REPORTS_EXPORTS_DIR / job.file_name
    assert path.is_file()
    ExportJob.objects.filter(pk=job.pk).update(created_at=clock.now() - timedelta(days=8))
    later = _ask(client, f"{BASE}ekspor/daftar.csv", django_capture_on_commit_callbacks)
    assert jobs.run(later.pk).state == "done"
    assert not path.exists() and not ExportJob.objects.filter(pk=job.pk).exists()


def test_a_job_is_its_owners_only(
    scene, tangerang, contoh, small_limit, django_capture_on_commit_callbacks
):
    owner = _client(person("pimpinan-r", tangerang, "viewer"))
    job = _ask(owner, f"{BASE}ekspor/daftar.xlsx", django_capture_on_commit_callbacks)
    assert jobs.run(job.pk).state == "done"
    body = b"".join(owner.get(f"{BASE}ekspor/tugas/{job.pk}/unduh").streaming_content)
    assert body[:2] == b"PK"
    colleague = _client(person("auditor-r", tangerang, "auditor"))
    outsider = _client(person("pimpinan-contoh", contoh, "viewer"))
    for client in (colleague, outsider):
        assert client.get(f"{BASE}ekspor/tugas/{job.pk}/").status_code == 404
        assert client.get(f"{BASE}ekspor/tugas/{job.pk}/unduh").status_code == 404
    assert outsider.get(f"/kota-contoh/console/statistik/ekspor/tugas/{job.pk}/").status_code == 404


def test_an_agencys_job_holds_its_own_complaints_and_stops_when_its_role_is_gone(
    scene, tangerang, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.REPORTS_EXPORT_JOB_ROWS = 0
    settings.REPORTS_EXPORTS_DIR = tmp_path / "exports"
    client = _client(scene["pupr"].user)
    job = jobs.run(_ask(client, f"{BASE}ekspor/daftar.csv", django_capture_on_commit_callbacks).pk)
    body = b"".join(client.get(f"{BASE}ekspor/tugas/{job.pk}/unduh").streaming_content).decode()
    assert scene["resolved"].number in body and scene["other"].number not in body
    again = _ask(client, f"{BASE}ekspor/daftar.csv", django_capture_on_commit_callbacks)
    Membership.objects.filter(user=scene["pupr"].user, region=tangerang).delete()
    failed = jobs.run(again.pk)
    assert failed.state == "failed" and not failed.file_name
    assert not list((tmp_path / "exports").glob(f"{again.pk}-*"))
