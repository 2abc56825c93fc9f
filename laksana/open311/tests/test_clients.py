"""Third-party Open311 clients from PyPI drive our server over HTTP, unmodified.

- georeport 0.3.1 (Python 3): services, service definitions and requests, in JSON and in XML.
  It cannot create requests.
- three 0.8.0 (Code for America, written for Python 2): creates a request with a photo as
  multipart `media`, and reads services, requests and tokens in JSON. Its only Python 3 problem
  on these paths is `from itertools import ifilter`; the shim below gives it the builtin `filter`
  under that name before import. Its XML reader calls the removed Element.getchildren(), so
  XML is read with georeport.
"""

import itertools

import pytest
import requests
from django.core.files.storage import default_storage

from laksana.complaints.models import Attachment, Complaint
from laksana.complaints.tests.images import jpeg_bytes
from laksana.open311.keys import create_key
from laksana.open311.tests.conftest import ROAD_ATTRIBUTES
from laksana.open311.tests.helpers import validate
from laksana.testing.personas import CONTOH_DIR, IN_TANGERANG, TANGERANG_DIR, ensure_region

if not hasattr(itertools, "ifilter"):
    itertools.ifilter = filter  # Python-3 shim for `three` (see the module docstring)

import three  # noqa: E402
from georeport import GeoReport  # noqa: E402

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("publish_at_once")]


@pytest.fixture(scope="module", autouse=True)
def restore_regions(django_db_blocker):
    """Transactional tests empty the database afterwards; put the two test regions back so the
    tests that run after these find them as the session set them up."""
    yield
    with django_db_blocker.unblock():
        ensure_region(TANGERANG_DIR)
        ensure_region(CONTOH_DIR)


def _text(value):
    """A JSON value as an XML reader (xmltodict) gives it back."""
    if isinstance(value, dict):
        return {k: _text(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_text(v) for v in value]
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def test_third_party_clients_list_read_create_with_a_photo_and_read_back(
    live_server, tangerang, tmp_path
):
    tangerang.categories.filter(code="JALAN-RUSAK").update(attributes=ROAD_ATTRIBUTES)
    key = create_key(region=tangerang, name="three-client", rate_limit=1000)[1]
    root = f"{live_server.url}/open311/v2"
    reader_json = GeoReport(root, jurisdiction="kota-tangerang")
    reader_xml = GeoReport(root, jurisdiction="kota-tangerang", output_format="xml")
    writer = three.Three(root, jurisdiction="kota-tangerang", api_key=key)

    # Services and a definition, in both formats.
    services = reader_json.get_service_list()
    validate("services", services)
    assert [s["service_code"] for s in services][:2] == ["JALAN-RUSAK", "DRAINASE"]
    assert _text(services) == reader_xml.get_service_list()
    assert writer.services() == services
    definition = reader_json.get_service_definition("JALAN-RUSAK")
    validate("service_definition", definition)
    assert [a["code"] for a in definition["attributes"]][:2] == ["SIZE", "LANES"]
    xml_definition = reader_xml.get_service_definition("JALAN-RUSAK")
    assert xml_definition["attributes"]["attribute"][0]["values"]["value"][1] == {
        "key": "large",
        "name": "Besar",
    }
    assert writer.services("JALAN-RUSAK") == definition

    # Create with a photo (multipart `media`), answering the required attribute.
    photo_path = tmp_path / "lubang.jpg"
    photo_path.write_bytes(jpeg_bytes(gps=True))
    with open(photo_path, "rb") as media:
        created = writer.post(
            "JALAN-RUSAK",
            lat=IN_TANGERANG[0],
            long=IN_TANGERANG[1],
            address_string="Jl. Daan Mogot depan SDN 3",
            description="Lubang besar di lajur kiri, berbahaya untuk motor malam hari.",
            first_name="Siti",
            last_name="Aminah",
            email="siti@example.com",
            media=media,
            **{"attribute[SIZE]": "large", "attribute[LANES][]": "left"},
        )
    assert writer.post_response.status_code == 200, created
    validate("request_created", created)
    number, token = created[0]["service_request_id"], created[0]["token"]
    assert writer.token(token) == [{"service_request_id": number, "token": token}]

    # Read it back: JSON and XML agree, and the photo is there to fetch.
    one = reader_json.get_service_request(number)
    validate("requests", [one])
    assert one["status"] == "open" and one["service_code"] == "JALAN-RUSAK"
    assert "Siti" not in str(one) and "example.com" not in str(one)
    assert reader_xml.get_service_request(number) == _text(one)
    assert writer.request(number) == [one]
    listed = reader_json.get_service_requests(service_request_id=number)
    assert listed == [one]
    assert reader_xml.get_service_requests(service_request_id=number) == _text(one)
    photo = requests.get(one["media_url"], timeout=10)
    assert photo.status_code == 200 and photo.headers["Content-Type"] == "image/jpeg"
    assert b"KameraUji" not in photo.content  # EXIF gone

    complaint = Complaint.objects.get(number=number)
    assert complaint.channel == "open311" and complaint.source == "three-client"
    assert complaint.attributes == {"SIZE": "large", "LANES": ["left"]}
    for attachment in Attachment.objects.filter(complaint=complaint):
        # The live server wrote to the configured media root (its URL route is fixed at start).
        default_storage.delete(attachment.file.name)
        assert not default_storage.exists(attachment.file.name)
