"""Region admins invite staff and set their roles in the console."""

import pytest
import time_machine
from django.contrib.auth.models import User

from laksana.accounts import staffing
from laksana.accounts.models import Invitation
from laksana.agencies.models import Membership
from laksana.common.errors import NotFound, ValidationFailed
from laksana.testing.personas import staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(tangerang):
    return staff("adm-tng", tangerang, "region_admin")


def test_admin_invites_and_the_invitee_creates_an_account_through_the_link(
    client, admin, tangerang
):
    client.force_login(admin.user)
    page = client.post(
        f"/{tangerang.slug}/console/staf/invite/",
        {
            "email": "Sari@Example.id",
            "name": "Sari Wulandari",
            "role": "agency_staff",
            "agency": "",
        },
    )
    assert page.status_code == 422 and "membutuhkan OPD" in page.content.decode()
    pupr = tangerang.agencies.get(code="PUPR")
    page = client.post(
        f"/{tangerang.slug}/console/staf/invite/",
        {"email": "Sari@Example.id", "name": "Sari", "role": "agency_staff", "agency": pupr.pk},
    )
    link = page.context["link"]
    assert "/console/undangan/" in link and Invitation.objects.get().email == "sari@example.id"
    client.logout()
    path = link.split("testserver", 1)[1]
    weak = client.post(path, {"username": "sari", "password": "123"})
    assert weak.status_code == 422
    joined = client.post(path, {"username": "sari", "password": "penghubung-pupr-2026"})
    assert joined.status_code == 302 and joined["Location"] == f"/{tangerang.slug}/console/"
    sari = User.objects.get(username="sari")
    assert sari.email == "sari@example.id" and sari.first_name == "Sari"
    assert Membership.objects.filter(user=sari, role="agency_staff", agency=pupr).exists()
    assert client.get(f"/{tangerang.slug}/console/meja-opd/").status_code == 200
    assert client.get(path).status_code == 404  # used once


def test_signed_in_person_adds_the_invited_role_to_their_account(client, admin, operator):
    invited = staffing.invite(admin=admin, email="op@example.id", role="auditor")
    client.force_login(operator.user)
    client.post(f"/{admin.region.slug}/console/undangan/{invited.token}/")
    roles = set(Membership.objects.filter(user=operator.user).values_list("role", flat=True))
    assert roles == {"operator", "auditor"}


def test_invitation_expires_after_seven_days(admin):
    with time_machine.travel("2026-11-02 02:00:00+00:00", tick=False):
        invited = staffing.invite(admin=admin, email="x@example.id", role="viewer")
    with (
        time_machine.travel("2026-11-09 02:01:00+00:00", tick=False),
        pytest.raises(NotFound),
    ):
        staffing.open_invitation(invited.token)


def test_admin_grants_and_revokes_roles_but_not_their_own_admin_role(client, admin, operator):
    client.force_login(admin.user)
    base = f"/{admin.region.slug}/console/staf/"
    page = client.get(base).content.decode()
    assert "Op-Tng" in page
    client.post(base + "grant/", {"user": operator.user.pk, "role": "viewer"})
    viewer = Membership.objects.get(user=operator.user, role="viewer")
    client.post(base + "revoke/", {"membership": viewer.pk})
    assert not Membership.objects.filter(pk=viewer.pk).exists()
    own = Membership.objects.get(user=admin.user, role="region_admin")
    refused = client.post(base + "revoke/", {"membership": own.pk})
    assert refused.status_code == 422 and Membership.objects.filter(pk=own.pk).exists()


def test_admin_cannot_touch_people_or_roles_of_another_region(admin, other_operator):
    with pytest.raises(NotFound):
        staffing.grant_role(admin=admin, user_id=other_operator.user.pk, role="viewer")
    other = Membership.objects.get(user=other_operator.user)
    with pytest.raises(NotFound):
        staffing.revoke_role(admin=admin, membership_id=other.pk)
    with pytest.raises(ValidationFailed):
        staffing.invite(admin=admin, email="x@example.id", role="emperor")
