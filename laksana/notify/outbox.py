"""Who is told of an event, written to the outbox in the event's own transaction.

- The citizen, of every public event, on each contact they gave: e-mail, and their phone once the
  region has SMS switched on; a report that came by WhatsApp, Telegram or SMS is answered on that
  chat instead (laksana/channels registers where: `add_origin_contacts`). Not of what they did
  themselves (they know), except the receipt of their submission.
- Staff by e-mail: the agency's liaisons and admins of a new disposition; the audience an
  overdue/escalated event names (the agency's admins, or the command center) of a breach.
- Other systems: the region's webhook endpoints, of the event types they asked for.
History written with the clock set to the past (the demo, imports) is not announced.
"""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation

from laksana.agencies.models import Membership, Role
from laksana.common import clock
from laksana.common.configcache import ConfigCache
from laksana.common.timefmt import local_iso
from laksana.complaints.hooks import EventSubscriber
from laksana.complaints.models import Complaint, Event
from laksana.complaints.privacy import mask

from . import channels, tasks
from .models import Notification, WebhookEndpoint

# The first one configured carries messages to a phone given on a form. Not WhatsApp: outside the
# 24 hours after the citizen's own last message, the Cloud API sends pre-approved templates only.
PHONE_CHANNELS = ("sms",)
STAFF_EVENTS = {Event.Type.DISPOSED, Event.Type.FORWARDED, Event.Type.OVERDUE, Event.Type.ESCALATED}
REPLAY_MARGIN = timedelta(hours=1)
LANGUAGES = {code for code, _name in settings.LANGUAGES}
CITIZEN, STAFF, SYSTEM = Notification.Audience.values


def _replaying() -> bool:
    """History written with the clock set to the past (the demo, imports) is not announced."""
    return clock.now() < timezone.now() - REPLAY_MARGIN


# Endpoints kept per process (laksana.common.configcache): an admin's change in this process
# applies at once, one in another process within CONFIG_SECONDS.
ENDPOINTS = ConfigCache("webhook endpoints", models=("notify.WebhookEndpoint",))


def webhook_endpoints(region_id: int) -> list[WebhookEndpoint]:
    """The region's active endpoints (read before the event is written: see record)."""
    if "webhook" not in channels.available() or _replaying():
        return []
    return list(
        ENDPOINTS.get(
            region_id,
            lambda: list(WebhookEndpoint.objects.filter(region_id=region_id, is_active=True)),
        )
    )


def record(
    event: Event, complaint: Complaint, *, by_citizen: bool, endpoints: list[WebhookEndpoint]
) -> list[Notification]:
    """Write the outbox rows announcing `event`; their delivery is queued after commit.

    `endpoints`: webhook_endpoints(region), read by the caller before it took the region's
    stream head, so the query is not among what other transactions wait for."""
    if _replaying():
        return []
    now = clock.now()
    rows = []
    if event.is_public and (not by_citizen or event.type == Event.Type.SUBMITTED):
        rows += _citizen(event, complaint)
    if event.type in STAFF_EVENTS:
        rows += _staff(event, complaint)
    rows += _webhooks(event, complaint, endpoints)
    if not rows:
        return []
    for row in rows:
        row.created_at = row.next_attempt_at = now
    created = Notification.objects.bulk_create(rows)
    ids = [row.id for row in created]
    if ids[0] is None:  # backends that do not return ids from bulk inserts
        ids = list(
            Notification.objects.filter(event=event).order_by("id").values_list("id", flat=True)
        )
    transaction.on_commit(lambda: tasks.queue(ids), robust=True)
    return created


class OutboxEvents(EventSubscriber):
    def prepare(self, region_id: int) -> list[WebhookEndpoint]:
        return webhook_endpoints(region_id)

    def written(self, event, complaint, *, by_citizen: bool, prepared) -> None:
        record(event, complaint, by_citizen=by_citizen, endpoints=prepared)


def _payload(event: Event, complaint: Complaint) -> dict:
    region = complaint.region
    return {
        "event": event.id,
        "type": event.type,
        "text": event.text,
        "data": event.data,
        "number": complaint.number,
        "status": complaint.status,
        "category": complaint.category.name,
        "agency": complaint.agency.name if complaint.agency_id else "",
        "at": local_iso(event.created_at, region),
        "deadline": local_iso(complaint.next_deadline, region),
        "region": region.name,
        "tz": region.tz_abbreviation,
    }


# Set by laksana/channels: region id -> names of the channels the region has switched on (its
# own credentials), and complaint -> [(channel, recipient)] of the chat a report came by (None
# for a report that came otherwise). This app
# imports no app above it; without them every installed channel counts for every region.
_region_channels = None
_origin_contacts = None


def set_region_channels(source) -> None:
    global _region_channels
    _region_channels = source


def add_origin_contacts(source) -> None:
    global _origin_contacts
    _origin_contacts = source


def _available_in(region_id: int) -> set[str]:
    names = channels.available()
    if _region_channels is None:
        return names
    per_region = _region_channels(region_id)
    # Channels without per-region credentials (e-mail, webhooks) stay installation-wide.
    return {n for n in names if n not in CHAT_CHANNELS or n in per_region}


CHAT_CHANNELS = ("whatsapp", "telegram", "sms")


def citizen_contacts(region_id: int, *, email: str, phone: str) -> list[tuple[str, str]]:
    """(channel, recipient) for each contact a citizen gave that a channel configured in the
    region reaches: what they are sent, and so all the portal may promise them."""
    available = _available_in(region_id)
    contacts = []
    if email and "email" in available:
        contacts.append(("email", email))
    phone_channel = next((c for c in PHONE_CHANNELS if c in available), None)
    if phone and phone_channel:
        contacts.append((phone_channel, phone))
    return contacts


def _citizen(event: Event, complaint: Complaint) -> list[Notification]:
    reporter = complaint.reporter
    # None: not a chat report; else the chat to answer on (maybe none), which replaces the phone.
    origin = _origin_contacts(complaint) if _origin_contacts is not None else None
    if reporter is None and not origin:
        return []
    email, phone = (reporter.email, reporter.phone) if reporter else ("", "")
    if origin is not None:
        phone = ""
    contacts = (origin or []) + citizen_contacts(complaint.region_id, email=email, phone=phone)
    if not contacts:
        return []
    language = _citizen_language(event, complaint)
    payload = _payload(event, complaint)
    return [
        _row(event, complaint, channel, recipient, CITIZEN, payload, language=language)
        for channel, recipient in contacts
    ]


def _citizen_language(event: Event, complaint: Complaint) -> str:
    """The language the citizen used when they submitted (kept on their first message)."""
    if event.type == Event.Type.SUBMITTED:
        language = (translation.get_language() or "")[:2]
        return language if language in LANGUAGES else settings.LANGUAGE_CODE
    earlier = (
        Notification.objects.filter(complaint=complaint, audience=CITIZEN)
        .order_by("id")
        .values_list("language", flat=True)
        .first()
    )
    return earlier or settings.LANGUAGE_CODE


def _staff(event: Event, complaint: Complaint) -> list[Notification]:
    if "email" not in channels.available():
        return []
    members = Membership.objects.filter(
        region_id=complaint.region_id, user__is_active=True
    ).exclude(user__email="")
    command_center = Q(role__in=[Role.OPERATOR, Role.REGION_ADMIN])
    if event.type in (Event.Type.DISPOSED, Event.Type.FORWARDED):
        members = members.filter(
            agency_id=event.agency_id, role__in=[Role.AGENCY_STAFF, Role.AGENCY_ADMIN]
        )
    elif (event.data or {}).get("notify") == "agency_admins" and complaint.agency_id:
        admins = members.filter(agency_id=complaint.agency_id, role=Role.AGENCY_ADMIN)
        # An agency without an admin on file must not let a breach pass unseen.
        members = admins if admins.exists() else members.filter(command_center)
    else:
        members = members.filter(command_center)
    payload = _payload(event, complaint)
    addresses = {}  # one message per address, even for a person with several roles
    for user_id, email in members.values_list("user_id", "user__email").order_by("user_id"):
        addresses.setdefault(email, user_id)
    return [
        _row(event, complaint, "email", email, STAFF, payload, user_id=user_id)
        for email, user_id in addresses.items()
    ]


def _webhooks(event: Event, complaint: Complaint, active: list) -> list[Notification]:
    endpoints = {}  # one delivery per URL, even if two endpoints name the same one
    for e in active:
        if e.wants(event.type):
            endpoints.setdefault(e.url, e)
    if not endpoints:
        return []
    region = complaint.region
    # Other systems get what the public may know, plus the internal event types, never a
    # reporter's identity or contact; text only of public events, masked.
    payload = {
        "id": event.id,
        "region": region.slug,
        "complaint": complaint.number,
        "type": event.type,
        "public": event.is_public,
        "status": complaint.status,
        "category": complaint.category.code,
        "agency": complaint.agency.code if complaint.agency_id else None,
        "text": mask(event.text) if event.is_public and not complaint.is_confidential else "",
        "created_at": local_iso(event.created_at, region),
        "next_deadline": local_iso(complaint.next_deadline, region),
        "deadline_stage": complaint.deadline_stage,
    }
    return [
        _row(event, complaint, "webhook", url, SYSTEM, payload, endpoint=endpoint)
        for url, endpoint in endpoints.items()
    ]


def _row(event, complaint, channel, recipient, audience, payload, **extra) -> Notification:
    extra.setdefault("language", settings.LANGUAGE_CODE)
    return Notification(
        region_id=complaint.region_id,
        complaint=complaint,
        event=event,
        channel=channel,
        recipient=recipient,
        audience=audience,
        payload=payload,
        **extra,
    )
