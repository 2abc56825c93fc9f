import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from laksana.complaints.models import Attachment, Complaint, Event
from laksana.complaints.tests.images import jpeg_bytes
from laksana.open311.keys import create_key, revoke_key
from laksana.open311.models import ApiKey, Submission
from laksana.open311.tests.helpers import (
    BASE,
    TNG,
    assert_same,
    both,
    descriptions,
    post_both,
    validate,
)
from laksana.testing.personas import IN_CONTOH, IN_TANGERANG

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("publish_at_once")]

SUKARASA = "36.71.01.1001"  # Kelurahan Sukarasa, Kecamatan Tangerang


def _form(api_key, **overrides):
    data = {
        **TNG,
        "api_key": api_key,
        "service_code": "DRAINASE",
        "description": "Saluran di depan pasar tersumbat sampah, air meluap ke jalan.",
        "lat": str(IN_TANGERANG[0]),
        "long": str(IN_TANGERANG[1]),
        "first_name": "Siti",
        "last_name": "Aminah",
        "email": "siti@example.com",
        "phone": "081234567890",
        "device_id": "android-123",
        "account_id": "akun-77",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def post_errors(client, data, status=400):
    as_json = client.post(BASE + "requests.json", data)
    as_xml = client.post(BASE + "requests.xml", data)
    assert as_json.status_code == as_xml.status_code == status, as_json.content
    body = as_json.json()
    validate("errors", body)
    assert_same(body, as_xml.content)
    return body


def test_form_post_creates_a_complaint_through_the_open311_channel(client, api_key):
    created, created_xml = post_both(client, "requests", lambda: _form(api_key))
    validate("request_created", created)
    assert set(created_xml[0]) == set(created[0])
    number = created[0]["service_request_id"]
    assert created[0]["account_id"] == "akun-77" and number in created[0]["service_notice"]
    complaint = Complaint.objects.select_related("reporter", "area").get(number=number)
    assert complaint.channel == "open311" and complaint.source == "Aplikasi Warga"
    assert complaint.kind == "pengaduan" and complaint.area.name == "Sukarasa"
    assert complaint.reporter.name == "Siti Aminah" and complaint.reporter.phone == "081234567890"
    submission = Submission.objects.get(complaint=complaint)
    assert (submission.device_id, submission.account_id) == ("android-123", "akun-77")
    assert Event.objects.get(complaint=complaint).data["channel"] == "open311"
    assert Complaint.objects.filter(source="Aplikasi Warga").count() == 2


def test_the_token_returned_finds_the_request(client, api_key):
    created = client.post(BASE + "requests.json", _form(api_key)).json()[0]
    body = both(client, f"tokens/{created['token']}")
    validate("tokens", body)
    assert body == [
        {"service_request_id": created["service_request_id"], "token": created["token"]}
    ]
    both(client, "tokens/not-a-token", status=404)


def test_jurisdiction_and_key_may_come_in_the_query_string(client, api_key):
    data = _form(api_key)
    query = f"?jurisdiction_id={data.pop('jurisdiction_id')}&api_key={data.pop('api_key')}"
    response = client.post(BASE + "requests.json" + query, data)
    assert response.status_code == 200, response.content


def test_multipart_post_with_a_photo_stores_it_and_shows_it_as_media_url(
    client, api_key, media_root
):
    photo = SimpleUploadedFile("lubang.jpg", jpeg_bytes(gps=True), content_type="image/jpeg")
    response = client.post(BASE + "requests.json", {**_form(api_key), "media": photo})
    assert response.status_code == 200, response.content
    number = response.json()[0]["service_request_id"]
    attachment = Attachment.objects.get(complaint__number=number)
    assert attachment.purpose == "report" and attachment.content_type == "image/jpeg"
    shown = both(client, f"requests/{number}")[0]
    assert shown["media_url"] == f"http://testserver/media/kota-tangerang/{attachment.pk}.jpg"
    assert client.get(shown["media_url"]).status_code == 200  # a published request's photo


def test_media_url_without_upload_is_kept_and_shown(client, api_key):
    url = "https://foto.example.org/lubang.jpg"
    number = client.post(BASE + "requests.json", _form(api_key, media_url=url)).json()[0][
        "service_request_id"
    ]
    assert both(client, f"requests/{number}")[0]["media_url"] == url


def test_address_id_alone_locates_the_complaint(client, api_key):
    data = _form(api_key, lat=None, long=None, address_id=SUKARASA, address_string="Jl. Merdeka")
    number = client.post(BASE + "requests.json", data).json()[0]["service_request_id"]
    complaint = Complaint.objects.get(number=number)
    assert complaint.area.code == SUKARASA and complaint.lat is None
    assert complaint.address == "Jl. Merdeka"


def test_address_string_alone_is_refused_with_what_to_send(client, api_key):
    data = _form(api_key, lat=None, long=None, address_string="Jl. Merdeka 10")
    response = client.post(BASE + "requests.json", data)
    assert response.status_code == 400
    assert "address_id" in descriptions(response.json())
    assert not Complaint.objects.filter(source="Aplikasi Warga").exists()


def test_attributes_are_checked_and_stored(client, api_key, road):
    data = _form(
        api_key,
        service_code="JALAN-RUSAK",
        **{
            "attribute[SIZE]": "large",
            "attribute[LANES][]": ["left", "right"],
            "attribute[DEPTH]": "12",
            "attribute[SEEN]": "2026-11-20T07:30:00+07:00",
            "attribute[NOTE]": "Dekat halte",
            "attribute[INFO]": "ignored",
        },
    )
    response = client.post(BASE + "requests.json", data)
    assert response.status_code == 200, response.content
    complaint = Complaint.objects.get(number=response.json()[0]["service_request_id"])
    assert complaint.attributes == {
        "SIZE": "large",
        "LANES": ["left", "right"],
        "DEPTH": 12,
        "SEEN": "2026-11-20T07:30:00+07:00",
        "NOTE": "Dekat halte",
    }


def test_wrong_attributes_are_all_reported_at_once(client, api_key, road):
    data = _form(
        api_key,
        service_code="JALAN-RUSAK",
        **{
            "attribute[LANES][]": ["left", "middle"],
            "attribute[DEPTH]": "dalam",
            "attribute[SEEN]": "kemarin",
            "attribute[COLOR]": "merah",
            "attribute": "x",
        },
    )
    body = post_errors(client, data)
    arguments = {e["description"].split(":")[0] for e in body}
    assert arguments == {
        "attribute[SIZE]",
        "attribute[LANES]",
        "attribute[DEPTH]",
        "attribute[SEEN]",
        "attribute[COLOR]",
        "attribute",
    }


def test_several_wrong_arguments_give_several_errors_and_store_nothing(client, api_key):
    data = _form(api_key, service_code="", lat="abc", long="106.6", device_id="d" * 101)
    data["media_url"] = "ftp://x"
    body = post_errors(client, data)
    arguments = sorted(e["description"].split(":")[0] for e in body)
    assert arguments == ["device_id", "lat", "media_url", "service_code"]
    assert all(e["code"] == 400 for e in body)
    assert not Complaint.objects.filter(source="Aplikasi Warga").exists()


def test_complaint_rules_are_reported_per_argument(client, api_key):
    data = _form(api_key, description="rusak", email="bukan-email", phone="12")
    body = post_errors(client, data)
    assert {e["description"].split(":")[0] for e in body} == {"description", "email", "phone"}


def test_point_outside_the_region_is_refused(client, api_key):
    body = post_errors(client, _form(api_key, lat=str(IN_CONTOH[0]), long=str(IN_CONTOH[1])))
    assert descriptions(body)


def test_one_coordinate_alone_and_out_of_range_are_refused(client, api_key):
    assert "lat/long" in descriptions(post_errors(client, _form(api_key, long=None)))
    body = post_errors(client, _form(api_key, lat="91", long="inf"))
    assert {e["description"].split(":")[0] for e in body} == {"lat", "long"}


def test_unknown_or_private_service_is_400_on_post(client, api_key, tangerang):
    tangerang.categories.filter(code="BANJIR").update(is_public=False)
    for code in ("TIDAK-ADA", "BANJIR"):
        body = post_errors(client, _form(api_key, service_code=code))
        assert descriptions(body).startswith("service_code:")


def test_a_refused_photo_stores_nothing(client, api_key, media_root):
    text = SimpleUploadedFile("x.jpg", b"not really a photo", content_type="image/jpeg")
    response = client.post(BASE + "requests.json", {**_form(api_key), "media": text})
    assert response.status_code == 400 and "media" in descriptions(response.json())
    assert not Complaint.objects.filter(source="Aplikasi Warga").exists()


def test_too_many_photos_are_refused(client, api_key, media_root):
    photos = [SimpleUploadedFile(f"{i}.jpg", jpeg_bytes()) for i in range(6)]
    response = client.post(BASE + "requests.json", {**_form(api_key), "media": photos})
    assert response.status_code == 400 and "media" in descriptions(response.json())


def test_nul_bytes_are_refused_not_crashed_on(client, api_key):
    body = post_errors(client, _form(api_key, description="ada\x00nul di sini ya"))
    assert descriptions(body).startswith("description:")


def test_anonymous_reporter_is_fine(client, api_key):
    data = _form(api_key, first_name=None, last_name=None, email=None, phone=None)
    number = client.post(BASE + "requests.json", data).json()[0]["service_request_id"]
    assert Complaint.objects.get(number=number).reporter is None


# --- keys ------------------------------------------------------------------------------------


def test_missing_or_wrong_key_is_403(client, tangerang):
    for key in (None, "o311_wrong"):
        body = post_errors(client, _form(key), status=403)
        assert body[0]["code"] == 403 and descriptions(body).startswith("api_key:")


def test_revoked_key_is_403(client, tangerang, api_key):
    revoke_key(region=tangerang, key_id=ApiKey.objects.get(name="Aplikasi Warga").id)
    post_errors(client, _form(api_key), status=403)


def test_key_of_another_region_cannot_create_here(client, tangerang, contoh_key):
    body = post_errors(client, _form(contoh_key), status=403)
    assert "jurisdiction_id" in descriptions(body)
    assert not Complaint.objects.filter(source="Aplikasi Contoh").exists()


def test_key_of_another_region_creates_only_in_its_own(client, tangerang, contoh_key):
    data = _form(
        contoh_key,
        jurisdiction_id="kota-contoh",
        service_code="SAMPAH",
        lat=str(IN_CONTOH[0]),
        long=str(IN_CONTOH[1]),
    )
    response = client.post(BASE + "requests.json", data)
    assert response.status_code == 200, response.content
    number = response.json()[0]["service_request_id"]
    assert number.startswith("KTC-")
    both(client, f"requests/{number}", TNG, status=404)
    both(client, f"requests/{number}", {"jurisdiction_id": "kota-contoh"})


def test_each_key_has_its_own_rate_limit(client, tangerang):
    slow = create_key(region=tangerang, name="Lambat", rate_limit=2)[1]
    fast = create_key(region=tangerang, name="Cepat", rate_limit=100)[1]
    statuses = [client.post(BASE + "requests.json", _form(slow)).status_code for _i in range(3)]
    assert statuses == [200, 200, 429]
    limited = client.post(BASE + "requests.xml", _form(slow))
    assert limited.status_code == 429 and b"<errors>" in limited.content
    assert client.post(BASE + "requests.json", _form(fast)).status_code == 200


def test_post_without_jurisdiction_while_several_regions_is_400(client, api_key, contoh):
    data = _form(api_key)
    del data["jurisdiction_id"]
    body = post_errors(client, data)
    assert descriptions(body).startswith("jurisdiction_id:")


def test_a_flood_of_fields_is_a_400_in_open311_shape(client, api_key):
    data = {**_form(api_key), **{f"x{i}": "1" for i in range(1100)}}
    response = client.post(BASE + "requests.json", data)
    assert response.status_code == 400
    validate("errors", response.json())
