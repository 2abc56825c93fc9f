"""Who may open a photo (issue 14, item 8): the public only the public photos of published
complaints; everything else on a short-lived signed address bound to the photo and its region, or
for signed-in staff who may see the complaint. Every page and API that shows a photo emits an
address that opens over HTTP."""

import html
import json
import re
from datetime import timedelta

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from laksana.common import clock
from laksana.complaints import services
from laksana.complaints.media import photo_url
from laksana.complaints.models import Attachment
from laksana.complaints.tests.images import jpeg_bytes
from laksana.testing.personas import IN_CONTOH, staff

pytestmark = pytest.mark.django_db
IMG = re.compile(r'<img[^>]*\ssrc="([^"]+)"')


def _photo(complaint, actor=None, **kwargs) -> Attachment:
    upload = SimpleUploadedFile("foto.jpg", jpeg_bytes((80, 60)))
    return services.add_photo(
        complaint=complaint, actor=actor or services.Citizen(), upload=upload, **kwargs
    )


def _storage_path(attachment: Attachment) -> str:
    return "/media/" + attachment.file.name


def _opens(url: str, client: Client | None = None) -> bool:
    response = (client or Client()).get(url)
    if response.status_code != 200:
        return False
    assert response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content).startswith(b"\xff\xd8")  # JPEG bytes
    return True


def _images(page) -> list[str]:
    return [html.unescape(src) for src in IMG.findall(page.content.decode())]


@pytest.fixture
def published(submit, operator, media_root):
    """A verified, public complaint with the citizen's photo: what the portal shows to anyone."""
    complaint, token = submit()
    photo = _photo(complaint)
    complaint = services.verify(staff=operator, complaint=complaint)
    return complaint, token, photo


@pytest.fixture
def confidential(submit, operator, media_root):
    complaint, token = submit(is_confidential=True, description="Pungli di kantor kelurahan.")
    photo = _photo(complaint)
    complaint = services.verify(staff=operator, complaint=complaint)
    return complaint, token, photo


# ---------------------------------------------------------------------------------------------
# Refused


def test_a_confidential_complaints_photo_does_not_open_without_signing_in(client, confidential):
    _complaint, _token, photo = confidential
    assert client.get(_storage_path(photo)).status_code == 404  # the old /media/<file> address
    assert client.get(photo_url(photo, public=True)).status_code == 404  # the plain address


def test_media_lists_and_serves_no_file_by_its_storage_path(client, published):
    _complaint, _token, photo = published
    region_folder = photo.file.name.split("/", 1)[0]
    for url in ("/media/", f"/media/{region_folder}/", _storage_path(photo), "/media/../x"):
        assert client.get(url).status_code == 404, url


def test_an_unverified_complaints_photo_is_not_public_yet(client, submit, media_root):
    complaint, _token = submit()
    photo = _photo(complaint)
    assert client.get(photo_url(photo, public=True)).status_code == 404


def test_a_staff_member_of_another_region_is_refused(client, confidential, other_operator):
    _complaint, _token, photo = confidential
    client.force_login(other_operator.user)
    assert client.get(photo_url(photo, public=True)).status_code == 404
    # The other region's slug in the address with this photo's signature: not this photo there.
    signed = photo_url(photo, public=False)
    assert client.get(signed.replace("kota-tangerang", "kota-contoh")).status_code == 404


def test_agency_staff_see_only_their_agencys_photos(client, confidential, tangerang):
    _complaint, _token, photo = confidential  # verified, not yet disposed to any agency
    client.force_login(staff("dlh-tng", tangerang, "agency_staff", "DLH").user)
    assert client.get(photo_url(photo, public=True)).status_code == 404


def test_an_expired_signature_is_refused(confidential):
    _complaint, _token, photo = confidential
    with time_machine.travel(clock.now(), tick=False) as traveller:
        signed = photo_url(photo, public=False)
        assert _opens(signed)
        traveller.shift(timedelta(minutes=16))  # PHOTO_LINK_MINUTES is 15
        response = Client().get(signed)
        english = Client()
        english.cookies["django_language"] = "en"
        in_english = english.get(signed)
    assert response.status_code == 403
    assert "kedaluwarsa" in response.content.decode()
    assert in_english.status_code == 403 and "photo link has expired" in in_english.content.decode()


def test_a_tampered_signature_is_refused(confidential):
    _complaint, _token, photo = confidential
    signed = photo_url(photo, public=False)
    path, token = signed.split("?sig=")
    timestamp, signature = token.split(":")
    flipped = signature[:-1] + ("A" if signature[-1] != "A" else "B")
    for url in (f"{path}?sig={timestamp}:{flipped}", f"{path}?sig=0:{signature}", f"{path}?sig="):
        assert Client().get(url).status_code == 404, url


def test_a_signature_opens_only_the_photo_it_was_made_for(confidential, operator):
    complaint, _token, photo = confidential
    second = _photo(complaint, actor=operator)
    signed_first = photo_url(photo, public=False)
    token = signed_first.split("?sig=")[1]
    other = photo_url(second, public=True) + f"?sig={token}"
    assert _opens(signed_first)
    assert Client().get(other).status_code == 404


def test_a_signature_of_another_region_does_not_open_this_regions_photo(
    confidential, contoh, other_operator, media_root
):
    _complaint, _token, photo = confidential
    there = services.submit(
        region=contoh,
        category_code=contoh.categories.first().code,
        description="Lampu jalan mati di depan masjid sejak seminggu.",
        lat=IN_CONTOH[0],
        lng=IN_CONTOH[1],
        is_confidential=True,
    ).complaint
    theirs = _photo(there)
    token = photo_url(theirs, public=False).split("?sig=")[1]
    # Same token on this region's photo (and on this photo's id in their region): refused.
    assert Client().get(photo_url(photo, public=True) + f"?sig={token}").status_code == 404
    swapped = f"/media/kota-contoh/{photo.pk}.jpg?sig={token}"
    assert Client().get(swapped).status_code == 404


def test_making_a_complaint_confidential_closes_its_public_photo(published, operator):
    complaint, _token, photo = published
    assert _opens(photo_url(photo, public=True))
    services.restrict_privacy(staff=operator, complaint=complaint, confidential=True)
    assert Client().get(photo_url(photo, public=True)).status_code == 404


def test_evidence_is_public_only_once_a_resolution_followed_it(published, operator, pupr):
    complaint, _token, _photo_of_citizen = published
    complaint = services.dispose(staff=operator, complaint=complaint)
    complaint = services.accept(staff=pupr, complaint=complaint)
    evidence = _photo(complaint, actor=pupr, purpose="evidence")
    plain = photo_url(evidence, public=True)
    assert Client().get(plain).status_code == 404
    services.resolve(staff=pupr, complaint=complaint, response="Jalan sudah ditambal.")
    assert _opens(plain)


# ---------------------------------------------------------------------------------------------
# Served


def test_a_published_complaints_photo_opens_for_anyone_and_may_be_cached(client, published):
    _complaint, _token, photo = published
    response = client.get(photo_url(photo, public=True))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"].startswith("public")
    assert response["ETag"] == f'"{photo.sha256}"'
    again = client.get(photo_url(photo, public=True), HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304


def test_a_signed_photo_is_cached_only_privately(confidential):
    _complaint, _token, photo = confidential
    response = Client().get(photo_url(photo, public=False))
    assert response.status_code == 200
    assert response["Cache-Control"].startswith("private")


def test_the_reporter_sees_their_confidential_photo_on_the_tracking_page(confidential):
    _complaint, token, _photo_of_citizen = confidential
    browser = Client()
    page = browser.get(f"/kota-tangerang/lacak/{token}/")
    assert page.status_code == 200
    sources = [src for src in _images(page) if "/media/" in src]
    assert len(sources) == 1 and "?sig=" in sources[0]
    assert _opens(sources[0], browser)


def test_the_reporter_sees_their_unverified_photo_through_the_tracking_api(submit, media_root):
    complaint, token = submit()
    uploaded = Client().post(
        f"/api/v1/track/{token}/photos",
        {"photo": SimpleUploadedFile("foto.jpg", jpeg_bytes())},
    )
    assert uploaded.status_code == 201
    assert _opens(uploaded.json()["url"])
    tracked = Client().get(f"/api/v1/track/{token}").json()
    path = uploaded.json()["url"].split("?")[0]
    assert [p["url"].split("?")[0] for p in tracked["photos"]] == [path]
    assert _opens(tracked["photos"][0]["url"])


def test_the_portals_public_page_shows_photos_that_open(published):
    complaint, _token, _photo_of_citizen = published
    page = Client().get(f"/kota-tangerang/laporan/{complaint.number}/")
    assert page.status_code == 200
    sources = [src for src in _images(page) if "/media/" in src]
    assert sources and all("?sig=" not in src and _opens(src) for src in sources)


def test_the_console_shows_photos_that_open(client, confidential, operator):
    complaint, _token, _photo_of_citizen = confidential
    client.force_login(operator.user)
    page = client.get(f"/kota-tangerang/console/laporan/{complaint.number}/")
    assert page.status_code == 200
    sources = [src for src in _images(page) if "/media/" in src]
    assert sources
    for src in sources:
        assert _opens(src, client)  # signed in
        assert _opens(src)  # and on the signed address alone (opened in a new window)


def test_a_signed_in_staff_member_opens_a_photo_after_its_link_expired(client, confidential):
    _complaint, _token, photo = confidential
    from laksana.testing.personas import person

    client.force_login(person("op-tng", photo.region, "operator"))
    with time_machine.travel(clock.now(), tick=False) as traveller:
        signed = photo_url(photo, public=False)
        traveller.shift(timedelta(hours=2))  # a console page left open since the morning
        assert _opens(signed, client)
        assert Client().get(signed).status_code == 403


def test_the_staff_api_gives_addresses_that_open_for_a_token_client(confidential, operator):
    from laksana.complaints.tests.test_staff_api import api_token

    complaint, _token, _photo_of_citizen = confidential
    machine = Client()
    token = api_token(machine, operator.user)
    answer = machine.get(
        f"/api/v1/regions/kota-tangerang/staff/complaints/{complaint.number}",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert answer.status_code == 200
    urls = [p["url"] for p in answer.json()["photos"]]
    assert urls and all(_opens(url) for url in urls)


def test_open311_gives_photo_addresses_that_open(published, settings):
    complaint, _token, _photo_of_citizen = published
    answer = Client().get(
        f"/open311/v2/requests/{complaint.number}.json",
        {"jurisdiction_id": "kota-tangerang", "extensions": "true"},
    )
    assert answer.status_code == 200, answer.content
    row = json.loads(answer.content)[0]
    assert row["media_url"].startswith("http://testserver/media/kota-tangerang/")
    urls = [row["media_url"], *(p["url"] for p in row["extended_attributes"]["photos"])]
    assert all(_opens(url.removeprefix("http://testserver")) for url in urls)
