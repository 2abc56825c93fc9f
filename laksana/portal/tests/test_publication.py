"""A complaint reaches the public only once an operator verified it (LAPOR!'s practice), on every
public surface: the portal's home, list, map and complaint page, and Open311's GET. Until then its
reporter follows it through the tracking link (the portal's page and the JSON API). A region may
choose to publish at once; a confidential complaint is never public."""

import json
import re

import pytest

from laksana.complaints import services

pytestmark = pytest.mark.django_db

OPEN311 = {"jurisdiction_id": "kota-tangerang"}


def _map_numbers(html: str) -> set[str]:
    config = re.search(
        r'<script id="map-config" type="application/json">(.*?)</script>', html, re.S
    )
    return {p["number"] for p in json.loads(config.group(1))["points"]}


def seen_by_the_public(client, number: str) -> dict[str, bool]:
    """Where `number` shows up for someone who is not its reporter."""
    home = client.get("/kota-tangerang/").content.decode()
    listing = client.get("/kota-tangerang/laporan/").content.decode()
    detail = client.get(f"/kota-tangerang/laporan/{number}/")
    requests = client.get("/open311/v2/requests.json", OPEN311).json()
    by_id = client.get("/open311/v2/requests.json", {**OPEN311, "service_request_id": number})
    one = client.get(f"/open311/v2/requests/{number}.json", OPEN311)
    xml = client.get("/open311/v2/requests.xml", OPEN311).content.decode()
    return {
        "home": number in home,
        "home map": number in _map_numbers(home),
        "list": number in listing,
        "list map": number in _map_numbers(listing),
        "page": detail.status_code == 200,
        "open311 list": number in [r["service_request_id"] for r in requests],
        "open311 by id": by_id.json() != [],
        "open311 one": one.status_code == 200,
        "open311 xml": number in xml,
    }


def _nowhere(seen: dict[str, bool]) -> bool:
    return not any(seen.values())


def _everywhere(seen: dict[str, bool]) -> bool:
    return all(seen.values())


def test_a_new_complaint_is_public_only_after_verification(client, submit, operator):
    complaint, token = submit()
    seen = seen_by_the_public(client, complaint.number)
    assert _nowhere(seen), seen
    # Its reporter still sees it, through the tracking link and the API's track endpoint.
    track = client.get(f"/kota-tangerang/lacak/{token}/")
    assert track.status_code == 200 and complaint.number in track.content.decode()
    assert "belum tampil untuk umum" in track.content.decode()
    assert client.get(f"/api/v1/track/{token}").json()["number"] == complaint.number

    services.verify(staff=operator, complaint=complaint)
    seen = seen_by_the_public(client, complaint.number)
    assert _everywhere(seen), seen
    assert (
        "belum tampil untuk umum"
        not in client.get(f"/kota-tangerang/lacak/{token}/").content.decode()
    )


def test_a_complaint_rejected_without_verification_never_becomes_public(client, submit, operator):
    complaint, _t = submit()
    services.reject(staff=operator, complaint=complaint, reason="Iklan, bukan laporan.")
    assert _nowhere(seen_by_the_public(client, complaint.number))


def test_a_noted_aspiration_is_public_without_verification(client, submit, operator):
    complaint, _t = submit(kind="aspirasi", description="Mohon taman kota dibuka sampai malam.")
    services.acknowledge(staff=operator, complaint=complaint)
    assert _everywhere(seen_by_the_public(client, complaint.number))


def test_a_region_may_publish_at_once_but_never_a_confidential_complaint(
    client, submit, tangerang, operator
):
    tangerang.publish_before_verification = True
    tangerang.save()
    complaint, _t = submit()
    secret, _t = submit(is_confidential=True)
    assert _everywhere(seen_by_the_public(client, complaint.number))
    services.verify(staff=operator, complaint=secret)
    assert _nowhere(seen_by_the_public(client, secret.number))


def test_the_setting_of_one_region_does_not_publish_another_regions_complaints(
    client, submit, tangerang, contoh
):
    from .helpers import foreign

    contoh.publish_before_verification = True
    contoh.save()
    mine, _t = submit()
    theirs = foreign(contoh).complaint
    assert _nowhere(seen_by_the_public(client, mine.number))
    assert client.get(f"/kota-contoh/laporan/{theirs.number}/").status_code == 200
    assert client.get(f"/kota-tangerang/laporan/{theirs.number}/").status_code == 404
