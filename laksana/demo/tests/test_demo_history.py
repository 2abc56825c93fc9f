import pytest
from django.contrib.auth.models import User

from laksana.agencies.models import Membership
from laksana.complaints.models import Complaint, Event, StatusCount
from laksana.demo.services import ACCOUNTS, HistoryWriter, ensure_accounts, seed_history

pytestmark = pytest.mark.django_db


def test_demo_accounts_cover_every_role_and_are_created_once(tangerang):
    ensure_accounts(tangerang)
    ensure_accounts(tangerang)
    roles = set(
        Membership.objects.filter(
            region=tangerang, user__username__in=[a.username for a in ACCOUNTS]
        ).values_list("role", flat=True)
    )
    assert roles == {
        "region_admin",
        "operator",
        "agency_admin",
        "agency_staff",
        "field_officer",
        "viewer",
        "auditor",
    }
    assert User.objects.filter(username="operator").count() == 1
    assert User.objects.get(username="operator").check_password("laksana-demo")


def test_history_is_replayable_and_never_duplicated(tangerang, media_root):
    ensure_accounts(tangerang)
    assert seed_history(tangerang, count=40) == 40
    events = Event.objects.count()
    assert seed_history(tangerang, count=40) == 0
    assert Complaint.objects.filter(region=tangerang).count() == 40
    assert Event.objects.count() == events
    statuses = set(Complaint.objects.values_list("status", flat=True))
    assert len(statuses) >= 4
    # The counters the services keep equal a real count.
    kept = sum(StatusCount.objects.filter(region=tangerang).values_list("count", flat=True))
    assert kept == 40


def test_history_texts_fill_every_category(tangerang):
    ensure_accounts(tangerang)
    writer = HistoryWriter(tangerang)
    codes = {c.code for c in writer.categories}
    assert codes <= set(writer.texts["categories"])
