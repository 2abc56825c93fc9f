"""An agency desk's queue: dispositions its liaison has still to acknowledge or accept."""

from django.db.models import F, Q

from laksana.complaints.models import Complaint, Status

from .access import Desk
from .frames import desk_card, with_cards
from .hub import latest_event_id

QUEUE_LIMIT = 100


def desk_data(desk: Desk) -> dict:
    """The stream cursor first (see wall_data), then the queue: unacknowledged first, oldest
    disposition first."""
    cursor = latest_event_id(desk.staff.region.id)
    waiting = Complaint.objects.filter(
        Q(acknowledged_at__isnull=True) | Q(status=Status.DISPATCHED),
        region=desk.staff.region,
        agency=desk.agency,
        status__in=[Status.DISPATCHED, Status.IN_PROGRESS],
    )
    queue = with_cards(waiting).order_by(
        F("acknowledged_at").asc(nulls_first=True), "disposed_at", "id"
    )[:QUEUE_LIMIT]
    return {
        "cursor": cursor,
        "agency": {"code": desk.agency.code, "name": desk.agency.name},
        "may_acknowledge": desk.may_acknowledge,
        "queue": [desk_card(c) for c in queue],
    }
