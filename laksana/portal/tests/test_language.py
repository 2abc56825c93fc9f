"""Indonesian by default whatever the browser says; English by the switch, remembered by cookie,
including the words that come from the complaint lifecycle itself."""

import pytest
from django.conf import settings

from .helpers import field_error, report_data

pytestmark = pytest.mark.django_db


def test_indonesian_is_the_default_even_for_an_english_browser(client, tangerang):
    html = client.get("/kota-tangerang/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="id">' in html and "Buat laporan" in html


@pytest.mark.usefixtures("publish_at_once")
def test_the_switch_turns_every_page_english_and_is_remembered(client, submit):
    complaint, token = submit()
    switched = client.post("/i18n/setlang/", {"language": "en", "next": "/kota-tangerang/"})
    assert switched.status_code == 302 and switched["Location"] == "/kota-tangerang/"
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"

    home = client.get("/kota-tangerang/").content.decode()
    assert '<html lang="en">' in home and "Report a problem" in home
    assert "Received" in home  # the status label, translated in laksana/locale
    track = client.get(f"/kota-tangerang/lacak/{token}/").content.decode()
    assert "Report received" in track and "We have received your report" in track
    bad = client.post("/kota-tangerang/lapor/", report_data(phone="12")).content.decode()
    assert "Invalid phone number" in field_error(bad, "id_phone")  # from complaints.services

    client.post("/i18n/setlang/", {"language": "id", "next": "/kota-tangerang/"})
    assert "Buat laporan" in client.get("/kota-tangerang/").content.decode()
