"""Photo storage failures (issue 15 item 4): a full disk or read-only media gets a clear 507/503
in Indonesian, never leaves a (truncated) orphan file, and the portal still hands out the tracking
link.

The fault is injected in the filesystem layer: a FileSystemStorage that really writes part of the
file into MEDIA_ROOT and then fails as the kernel would (ENOSPC, EROFS, EIO), which is what a full
disk does to Django's storage."""

import errno
import os

import pytest
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from laksana.complaints.models import Attachment, Complaint
from laksana.complaints.tests.images import jpeg_bytes, png_bytes
from laksana.portal.tests.helpers import report_data

pytestmark = pytest.mark.django_db

FAULT = {"errno": errno.ENOSPC}


class FailingDisk(FileSystemStorage):
    """Writes half of the file where Django would, then fails with FAULT['errno']."""

    def _save(self, name, content):
        full = self.path(name)
        os.makedirs(os.path.dirname(full), exist_ok=True)
        data = content.read()
        with open(full, "wb") as partial:
            partial.write(data[: len(data) // 2])
        code = FAULT["errno"]
        raise OSError(code, os.strerror(code), full)


FAILING = {
    "default": {"BACKEND": f"{__name__}.FailingDisk"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}


def _files(media_root):
    return [p for p in media_root.rglob("*") if p.is_file()] if media_root.exists() else []


@pytest.mark.parametrize(
    ("code", "status", "api_code", "words"),
    [
        (errno.ENOSPC, 507, "storage_full", "penuh"),
        (errno.EROFS, 503, "storage_unavailable", "tidak dapat ditulis"),
        (errno.EIO, 503, "storage_unavailable", "tidak dapat ditulis"),
    ],
)
def test_api_photo_on_a_failing_disk_is_a_clear_answer_and_leaves_no_file(
    client, tangerang, media_root, code, status, api_code, words
):
    from laksana.complaints.tests.test_submit_api import _post, _valid

    token = _post(client, _valid()).json()["token"]
    FAULT["errno"] = code
    with override_settings(STORAGES=FAILING):
        response = client.post(
            f"/api/v1/track/{token}/photos", {"photo": SimpleUploadedFile("a.png", png_bytes())}
        )
    assert response.status_code == status, response.content
    assert response.json()["code"] == api_code
    assert words in response.json()["detail"]
    if status == 503:
        assert response["Retry-After"]
    assert not Attachment.objects.exists()
    assert _files(media_root) == []  # the half-written file is gone
    # The disk is back: the same photo goes through.
    retry = client.post(
        f"/api/v1/track/{token}/photos", {"photo": SimpleUploadedFile("a.png", png_bytes())}
    )
    assert retry.status_code == 201
    assert len(_files(media_root)) == 1


def test_portal_on_a_full_disk_stores_the_report_and_still_gives_the_tracking_link(
    client, tangerang, media_root
):
    FAULT["errno"] = errno.ENOSPC
    photos = [
        SimpleUploadedFile("jalan.jpg", jpeg_bytes(), content_type="image/jpeg"),
        SimpleUploadedFile("lubang.png", png_bytes(), content_type="image/png"),
    ]
    with override_settings(STORAGES=FAILING):
        response = client.post("/kota-tangerang/lapor/", {**report_data(), "photos": photos})
        assert response.status_code == 302
        page = client.get(response["Location"])
    html = page.content.decode()
    complaint = Complaint.objects.get()
    assert page.status_code == 200
    assert complaint.number in html
    token = response["Location"].rstrip("/").split("/")[-1]
    assert f"/kota-tangerang/lacak/{token}/" in html
    assert "Laporan Anda sudah tersimpan, tetapi 2 foto tidak sampai: jalan.jpg, lubang.png" in html
    assert not Attachment.objects.exists()
    assert _files(media_root) == []
