"""Merging into a confidential complaint never shows its number to the public."""

import json

import pytest

from laksana.complaints import services
from laksana.open311.tests.helpers import TNG, both

pytestmark = pytest.mark.django_db


def test_merge_into_a_confidential_complaint_hides_its_number(client, submit, operator):
    hidden, _t = submit(is_confidential=True)
    public, token = submit(description="Jalan berlubang di depan SDN 3 belum diperbaiki juga.")
    public = services.verify(staff=operator, complaint=public)  # published once verified
    services.merge(staff=operator, complaint=public, into=hidden)

    page = client.get(f"/kota-tangerang/laporan/{public.number}/").content.decode()
    assert hidden.number not in page
    tracked = client.get(f"/api/v1/track/{token}").json()
    assert hidden.number not in json.dumps(tracked)
    assert "digabung dengan laporan lain" in json.dumps(tracked)
    row = both(client, f"requests/{public.number}", {**TNG, "extensions": "1"})[0]
    assert row["extended_attributes"]["duplicate_of"] is None
    assert hidden.number not in json.dumps(row)

    client.force_login(operator.user)
    staff = client.get(f"/api/v1/regions/kota-tangerang/staff/complaints/{public.number}").json()
    assert staff["duplicate_of"] == hidden.number
