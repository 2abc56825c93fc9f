"""Which staff phones hear of an event: outbox rows (laksana/notify) on the "webpush" channel.

- A new disposition (or a forward) to an agency: its liaisons and admins (agency_staff,
  agency_admin), on every browser they subscribed in the complaint's region;
- a new field assignment (laksana/dispatch writes an "assigned" event naming the assignment): the
  officer sent, on theirs.
Written in the event's own transaction (an EventSubscriber, like notify's), one row per device, so
the outbox's rules hold: durable, retried, exactly once per (event, device). The text is short and
Indonesian: the complaint's number, category and kelurahan, never the reporter's name or contact.
"""

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import override

from laksana.agencies.models import Membership, Role
from laksana.common import clock
from laksana.complaints.hooks import EventSubscriber
from laksana.complaints.models import Complaint, Event
from laksana.notify import channels, tasks
from laksana.notify.models import Notification
from laksana.notify.outbox import _replaying

from . import keys
from .models import PushSubscription

CHANNEL = "webpush"
DISPOSITIONS = {Event.Type.DISPOSED, Event.Type.FORWARDED}
ASSIGNED = "assigned"
LIAISONS = (Role.AGENCY_STAFF, Role.AGENCY_ADMIN)


def _on() -> bool:
    return CHANNEL in channels.available() and keys.enabled() and not _replaying()


def _where(complaint: Complaint) -> str:
    area = complaint.area
    return area.name if area is not None else ""


def _liaisons(event: Event, complaint: Complaint) -> list[int]:
    return list(
        Membership.objects.filter(
            region_id=complaint.region_id,
            agency_id=event.agency_id,
            role__in=LIAISONS,
            user__is_active=True,
        )
        .values_list("user_id", flat=True)
        .distinct()
    )


def _officer(event: Event) -> list[int]:
    from laksana.dispatch.models import Assignment

    assignment_id = (event.data or {}).get("assignment")
    found = (
        Assignment.objects.filter(
            pk=assignment_id, region_id=event.region_id, officer__user__is_active=True
        )
        .values_list("officer__user_id", flat=True)
        .first()
    )
    return [found] if found else []


def _payload(event: Event, complaint: Complaint, *, task: bool) -> dict:
    region = complaint.region
    with override(settings.LANGUAGE_CODE):
        if task:
            title = _("Tugas lapangan baru")
            url = reverse(
                "dispatch:task",
                kwargs={"region_slug": region.slug, "task_id": event.data["assignment"]},
            )
        else:
            agency = event.agency
            title = _("Disposisi baru untuk %(agency)s") % {
                "agency": agency.short_name if agency else _("OPD")
            }
            url = (
                reverse(
                    "live:desk", kwargs={"region_slug": region.slug, "agency_code": agency.code}
                )
                if agency
                else reverse("console:home", kwargs={"region_slug": region.slug})
            )
        where = _where(complaint)
        body = f"{complaint.number} · {complaint.category.name}"
        if where:
            body += f" · {_('Kel.')} {where}"
    return {
        "kind": "push",
        "type": event.type,
        "number": complaint.number,
        "title": str(title),
        "body": body,
        "url": url,
    }


def record(event: Event, complaint: Complaint) -> list[Notification]:
    if event.type in DISPOSITIONS and event.agency_id:
        users, task = _liaisons(event, complaint), False
    elif event.type == ASSIGNED:
        users, task = _officer(event), True
    else:
        return []
    if not users:
        return []
    devices = list(
        PushSubscription.objects.filter(region_id=complaint.region_id, user_id__in=users)
        .order_by("id")
        .values_list("user_id", "endpoint")
    )
    if not devices:
        return []
    payload = _payload(event, complaint, task=task)
    now = clock.now()
    rows = [
        Notification(
            region_id=complaint.region_id,
            complaint=complaint,
            event=event,
            channel=CHANNEL,
            recipient=endpoint,
            audience=Notification.Audience.STAFF,
            user_id=user_id,
            language=settings.LANGUAGE_CODE,
            payload=payload,
            created_at=now,
            next_attempt_at=now,
        )
        for user_id, endpoint in devices
    ]
    created = Notification.objects.bulk_create(rows)
    ids = [row.id for row in created]
    if ids[0] is None:  # backends that do not return ids from bulk inserts
        ids = list(
            Notification.objects.filter(event=event, channel=CHANNEL)
            .order_by("id")
            .values_list("id", flat=True)
        )
    transaction.on_commit(lambda: tasks.queue(ids), robust=True)
    return created


class PushEvents(EventSubscriber):
    def written(self, event, complaint, *, by_citizen: bool, prepared) -> None:
        if (event.type in DISPOSITIONS or event.type == ASSIGNED) and _on():
            record(event, complaint)
