"""The dispatch demo data: field work in every state, a roster, people on duty; idempotent."""

import pytest

from laksana.complaints.models import Attachment, Complaint
from laksana.dispatch import roster
from laksana.dispatch.demo import seed
from laksana.dispatch.models import Assignment, Shift

pytestmark = pytest.mark.django_db


def test_seed_shows_every_step_and_running_it_again_adds_nothing(tangerang, media_root):
    first = seed(tangerang)
    assert first["new_complaints"] == 6 and first["on_duty"] == 2
    states = set(Assignment.objects.filter(region=tangerang).values_list("state", flat=True))
    assert states == {"assigned", "en_route", "on_site", "finished", "unable"}
    resolved = Complaint.objects.get(region=tangerang, idempotency_key="dispatch-demo-resolved")
    assert resolved.status == "resolved"
    assert Attachment.objects.filter(complaint=resolved, purpose="evidence").count() == 1
    now = roster.on_duty_now(tangerang)
    assert now.counts["operators"] == 1 and len(now.officers) == 4
    busy = {o.user.username for o in now.officers if o.availability == "busy"}
    assert busy == {"petugas-pupr-2", "petugas-pupr-3"}  # en route / on site
    shifts = Shift.objects.filter(region=tangerang).count()
    again = seed(tangerang)
    assert again == {**first, "new_complaints": 0}
    assert Shift.objects.filter(region=tangerang).count() == shifts
    assert {o.pk: o.availability for o in roster.on_duty_now(tangerang).officers} == {
        o.pk: o.availability for o in now.officers
    }
