"""Shared steps of the portal tests: a complete report, counts of what is stored, and a complaint
taken to `resolved` through the real services."""

import re

from django.core.files.uploadedfile import SimpleUploadedFile

from laksana.complaints import services
from laksana.complaints.models import Attachment, Complaint, Event
from laksana.complaints.tests.images import jpeg_bytes
from laksana.testing.personas import IN_CONTOH, IN_TANGERANG

SUKARASA = "36.71.01.1001"  # a kelurahan of Kecamatan Tangerang (36.71.01)
KECAMATAN_TANGERANG = "36.71.01"


def report_data(**overrides) -> dict:
    data = {
        "kind": "pengaduan",
        "category": "JALAN-RUSAK",
        "description": "Jalan berlubang dalam di depan SDN 3, sudah dua minggu.",
        "lat": str(IN_TANGERANG[0]),
        "lng": str(IN_TANGERANG[1]),
        "address": "Jl. Merdeka No. 5",
        "name": "Siti Aminah",
        "phone": "0812 3456 7890",
        "email": "",
        "idempotency_key": "form-key-1",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def stored() -> tuple[int, int, int]:
    return Complaint.objects.count(), Attachment.objects.count(), Event.objects.count()


def field_error(html: str, field: str) -> str:
    """The error text shown next to a field (Django's errorlist with id `<field id>_error`)."""
    match = re.search(rf'<ul class="errorlist" id="{field}_error">(.*?)</ul>', html, re.S)
    return re.sub(r"<[^>]+>", " ", match.group(1)).strip() if match else ""


def resolve(complaint, *, operator, pupr):
    """Verify, dispose to PUPR, accept, add the evidence photo roads need, resolve."""
    c = services.verify(staff=operator, complaint=complaint)
    c = services.dispose(staff=operator, complaint=c)
    c = services.accept(staff=pupr, complaint=c)
    services.add_photo(
        complaint=c,
        actor=pupr,
        purpose="evidence",
        upload=SimpleUploadedFile("bukti.jpg", jpeg_bytes()),
    )
    c.refresh_from_db()
    return services.resolve(staff=pupr, complaint=c, response="Lubang sudah ditambal.")


def foreign(contoh, **fields):
    """A complaint in Kota Contoh, the region none of the Tangerang pages may show."""
    return services.submit(
        region=contoh,
        category_code="SAMPAH",
        description="Sampah menumpuk di pasar sejak minggu lalu.",
        lat=IN_CONTOH[0],
        lng=IN_CONTOH[1],
        **fields,
    )
