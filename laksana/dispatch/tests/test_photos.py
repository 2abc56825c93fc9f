"""Field pages show the complaint's and the officers' photos on addresses that open for the
people on the task, and only for them (issue 14, item 8)."""

import html
import re

import pytest
from django.test import Client

from laksana.complaints import services
from laksana.complaints.media import photo_url
from laksana.dispatch import assignments as work
from laksana.dispatch.officers import officer_for
from laksana.dispatch.tests.helpers import NEAR, photo

pytestmark = pytest.mark.django_db
FIELD = "/kota-tangerang/field"
MEDIA = re.compile(r'(?:src|href)="(/media/[^"]+)"')


def _media(page) -> list[str]:
    assert page.status_code == 200
    return sorted({html.unescape(url) for url in MEDIA.findall(page.content.decode())})


def _opens(url: str, client: Client) -> bool:
    response = client.get(url)
    return response.status_code == 200 and response["Content-Type"] == "image/jpeg"


@pytest.fixture
def finished(submit, operator, pupr, officer, media_root):
    """A confidential complaint with the citizen's photo, worked by the officer with a before-
    and an after-photo."""
    complaint, _token = submit(is_confidential=True)
    services.add_photo(complaint=complaint, actor=services.Citizen(), upload=photo())
    complaint = services.verify(staff=operator, complaint=complaint)
    complaint = services.dispose(staff=operator, complaint=complaint, agency_code="PUPR")
    (task,) = work.assign(staff=pupr, complaint=complaint, officers=[officer_for(officer)])
    task = work.start(staff=officer, assignment=task)
    task = work.check_in(
        staff=officer, assignment=task, lat=NEAR[0], lng=NEAR[1], photo=photo()
    ).assignment
    task = work.finish(staff=officer, assignment=task, photo=photo(), outcome="fixed")
    return complaint, task


def test_the_officer_and_the_agency_open_the_photos_of_the_task(client, finished, officer, pupr):
    complaint, task = finished
    client.force_login(officer.user)
    on_task = _media(client.get(f"{FIELD}/tasks/{task.pk}/"))
    assert len(on_task) >= 2  # the citizen's photo and the after-photo
    assert all(_opens(url, client) for url in on_task)
    agency = Client()
    agency.force_login(pupr.user)
    on_assign = _media(agency.get(f"{FIELD}/assign/{complaint.number}/"))
    assert on_assign and all(_opens(url, agency) for url in on_assign)


def test_another_officer_and_a_stranger_cannot_open_them_without_a_link(
    client, finished, make_officer
):
    complaint, _task = finished
    plain = [photo_url(a, public=True) for a in complaint.attachments.all()]
    assert len(plain) == 3
    other, _profile = make_officer("budi-tng")  # same agency, not on this task
    client.force_login(other.user)
    assert all(client.get(url).status_code == 404 for url in plain)
    assert all(Client().get(url).status_code == 404 for url in plain)
