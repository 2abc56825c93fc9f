"""Generated complaints carry the deadline fields the lifecycle services write for their state:
the stage, its deadline in the region's working time, no escalation and no desk acknowledgement.

Two checks: every generated row against sla's own recompute for its final state and timeline, and
a sample of generated lives replayed through the real services at the same moments."""

from collections import Counter

import pytest

from laksana.agencies.models import Agency
from laksana.bench.generator import generate
from laksana.common import clock
from laksana.complaints import services
from laksana.complaints.models import Complaint, Event
from laksana.sla.models import RegionPolicy
from laksana.sla.services import deadlines as dl
from laksana.testing.personas import staff

pytestmark = pytest.mark.django_db
E = Event.Type
FIELDS = ("next_deadline", "deadline_stage", "overdue_level", "acknowledged_at")
# Steps the replay below knows how to take (photos, rejections, notings and closings are
# covered by the recompute check: they end in states without a deadline or need an upload).
REPLAYABLE = {E.SUBMITTED, E.VERIFIED, E.DISPOSED, E.RETURNED, E.ACCEPTED, E.RESPONDED, E.NOTE}
REPLAYABLE |= {E.RESOLVED, E.REOPENED, E.RATED}


def _fields(c: Complaint) -> dict:
    return {name: getattr(c, name) for name in FIELDS}


@pytest.fixture(params=[None, 7], ids=["no-resolve-budget", "resolve-in-7-days"])
def generated(request, tangerang, media_root):
    RegionPolicy.objects.update_or_create(
        region=tangerang, defaults={"resolve_days": request.param}
    )
    # A short history, so many complaints are still open at every stage.
    generate(tangerang, count=200, seed=3, days=20, chunk=64)
    return tangerang


def test_every_generated_row_has_the_deadline_sla_recomputes_for_its_state(generated):
    stages = Counter()
    for c in Complaint.objects.filter(region=generated).select_related("region"):
        last = c.events.order_by("-id").first()
        expected = dl.recompute(c, changes={}, event_type="", now=last.created_at)
        expected["overdue_level"] = 0  # no sweep ran: every transition left it at 0
        assert _fields(c) == {**expected, "acknowledged_at": None}, (c.number, c.status)
        stages[c.deadline_stage] += 1
    assert {dl.VERIFY, dl.ACKNOWLEDGE, dl.RESPOND, dl.AUTOCLOSE, ""} <= set(stages)


def _replay(original: Complaint, operator, liaisons) -> Complaint:
    """The original's life, step by step through the services at the original's moments."""
    complaint = None
    for e in original.events.order_by("id"):
        agency = liaisons.get(original.agency_id) if e.agency_id is None else liaisons[e.agency_id]
        with clock.at(e.created_at):
            if e.type == E.SUBMITTED:
                complaint = services.submit(
                    region=original.region,
                    category_code=original.category.code,
                    description=original.description,
                    kind=original.kind,
                    lat=original.lat,
                    lng=original.lng,
                ).complaint
            elif e.type == E.VERIFIED:
                services.verify(staff=operator, complaint=complaint, title=original.title)
            elif e.type == E.DISPOSED:
                code = Agency.objects.get(pk=e.agency_id).code
                services.dispose(staff=operator, complaint=complaint, agency_code=code)
            elif e.type == E.RETURNED:
                services.return_to_operator(staff=agency, complaint=complaint, reason=e.text)
            elif e.type == E.ACCEPTED:
                services.accept(staff=agency, complaint=complaint)
            elif e.type == E.RESPONDED:
                services.respond(staff=agency, complaint=complaint, text=e.text)
            elif e.type == E.NOTE:
                services.note(staff=agency, complaint=complaint, text=e.text)
            elif e.type == E.RESOLVED:
                services.resolve(staff=agency, complaint=complaint, response=e.text)
            elif e.type == E.REOPENED:
                services.reopen(complaint=complaint, reason=e.text)
            elif e.type == E.RATED:
                services.rate(complaint=complaint, rating=e.data["rating"], comment=e.text)
        complaint.refresh_from_db()
    return complaint


def test_generated_deadlines_equal_what_the_services_write_replaying_the_same_life(
    generated, operator
):
    liaisons = {
        a.id: staff(f"liaison-{a.code.lower()}", generated, "agency_staff", a.code)
        for a in Agency.objects.filter(region=generated)
    }
    taken = Counter()
    for original in Complaint.objects.filter(region=generated).order_by("-id"):
        types = set(original.events.values_list("type", flat=True))
        key = (original.status, original.deadline_stage)
        if not types <= REPLAYABLE or original.category.needs_photo_to_resolve or taken[key] >= 2:
            continue
        replayed = _replay(original, operator, liaisons)
        assert replayed.status == original.status
        assert _fields(replayed) == _fields(original), (original.number, key)
        taken[key] += 1
    assert {dl.VERIFY, dl.ACKNOWLEDGE, dl.RESPOND, dl.AUTOCLOSE} <= {s for _st, s in taken}
