import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from laksana.complaints.models import Complaint
from laksana.complaints.tests.images import jpeg_bytes

pytestmark = pytest.mark.django_db


def test_smoke(client, in_state, operator, pupr, media_root):
    c = in_state("submitted")
    client.force_login(operator.user)
    for p in ["", "kotak-masuk/", "siap-disposisi/", "laporan/", f"laporan/{c.number}/", "templat/alasan-tolak/", "laporan/?q=berlubang", "laporan/?q=" + c.number]:
        r = client.get(f"/kota-tangerang/console/{p}")
        assert r.status_code == 200, (p, r.content[:3000])
    assert c.number.encode() in client.get("/kota-tangerang/console/laporan/?q=berlubang").content
    r = client.post(f"/kota-tangerang/console/laporan/{c.number}/verify/", {"version": c.version, "title": "Jalan berlubang", "then": "dispose"})
    assert r.status_code == 302, r.content[:2000]
    c.refresh_from_db()
    assert c.status == "dispatched"
    client.force_login(pupr.user)
    for p in ["", "meja-opd/", f"laporan/{c.number}/"]:
        r = client.get(f"/kota-tangerang/console/{p}")
        assert r.status_code == 200, (p, r.content[:3000])
    r = client.post(f"/kota-tangerang/console/laporan/{c.number}/accept/", {"version": c.version}, HTTP_HX_REQUEST="true")
    assert r.status_code == 200
    c.refresh_from_db()
    r = client.post(f"/kota-tangerang/console/laporan/{c.number}/resolve/", {"version": c.version, "response": "Sudah ditambal", "photo": SimpleUploadedFile("a.jpg", jpeg_bytes())})
    assert r.status_code == 302, r.content.decode()[:3000]
    assert Complaint.objects.get(pk=c.pk).status == "resolved"
