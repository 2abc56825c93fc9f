"""Taking in a provider's message: once per message id, within the sender's rate limit, in one
transaction with the conversation's step and the replies (outbox rows)."""

import logging
import uuid
from collections.abc import Callable

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils.translation import override

from laksana.common import clock, ratelimit
from laksana.common.errors import DomainError
from laksana.complaints.photos import clean_image
from laksana.notify import tasks as notify_tasks
from laksana.notify.models import Notification
from laksana.regions.models import Region

from ..models import Conversation, InboundMessage, Provider, SmsPart
from .accounts import sender_hash
from .base import DRAFT_LIFETIME, PENDING_PHOTOS, Incoming, Reply, clear, discard_photo
from .conversation import converse

log = logging.getLogger("laksana.channels")
Step = Conversation.Step


def receive(
    region: Region, message: Incoming, *, fetch_media: Callable[[str], bytes] | None = None
) -> str:
    """Take in one citizen message; returns what happened ("handled", "duplicate", "limited").

    Steps: a message id already taken in is dropped (providers retry); the sender's rate limit;
    the photo is fetched from the provider (outside the transaction: no network inside one);
    then in one transaction: the message id, the conversation's step, a submission if complete,
    and the replies as outbox rows. A failure rolls everything back, the provider retries."""
    if InboundMessage.objects.filter(
        region=region, provider=message.provider, message_id=message.message_id
    ).exists():
        return "duplicate"
    who = sender_hash(message.provider, message.sender)
    if not ratelimit.check("chat_message", f"{message.provider}:{who}").allowed:
        log.warning("channels: %s sender over the rate limit, message dropped", message.provider)
        return "limited"
    photo = _fetch_photo(message, fetch_media) if message.media else None
    try:
        with transaction.atomic():
            InboundMessage.objects.create(
                region=region,
                provider=message.provider,
                message_id=message.message_id,
                received_at=clock.now(),
            )
            conversation = _conversation(region, message, who)
            with override("id"):
                replies = converse(conversation, message, photo)
            conversation.updated_at = conversation.last_inbound_at = clock.now()
            conversation.save()
            _queue(conversation, message, replies)
    except IntegrityError:
        # The same message on two connections at once: the other one took it in.
        if InboundMessage.objects.filter(
            region=region, provider=message.provider, message_id=message.message_id
        ).exists():
            discard_photo(photo)
            return "duplicate"
        raise
    return "handled"


def _fetch_photo(message: Incoming, fetch_media) -> str | None:
    """Download, check and strip the photo; keep it in storage until the report is submitted.
    Returns the stored name, "" when the photo could not be used, None without a fetcher."""
    if fetch_media is None:
        return None
    try:
        data = fetch_media(message.media)
        image = clean_image(ContentFile(data))
    except DomainError as exc:
        log.info("channels: %s photo refused: %s", message.provider, exc)
        return ""
    except Exception:
        log.warning("channels: %s photo could not be fetched", message.provider, exc_info=True)
        return ""
    return default_storage.save(
        f"{PENDING_PHOTOS}/{uuid.uuid4().hex}.{image.extension}", ContentFile(image.data)
    )


def _conversation(region: Region, message: Incoming, who: str) -> Conversation:
    now = clock.now()
    conversation, _created = Conversation.objects.select_for_update().get_or_create(
        region=region,
        provider=message.provider,
        sender_hash=who,
        defaults={"address": message.sender, "created_at": now, "updated_at": now},
    )
    conversation.address = message.sender
    if conversation.step != Step.IDLE and conversation.updated_at < now - DRAFT_LIFETIME:
        clear(conversation)  # abandoned for 24 h: expired, nothing submitted
    return conversation


def expire_drafts(now=None) -> int:
    """Drafts left for 24 hours are dropped (with their photo) without creating a complaint."""
    now = now or clock.now()
    expired = 0
    stale = Conversation.objects.exclude(step=Step.IDLE).filter(updated_at__lt=now - DRAFT_LIFETIME)
    for conversation in stale:
        clear(conversation)
        conversation.save(update_fields=["step", "draft"])
        expired += 1
    return expired


def _queue(conversation: Conversation, message: Incoming, replies: list[Reply]) -> None:
    """The replies as outbox rows, keyed by the message they answer (sent once each)."""
    if not replies:
        return
    now = clock.now()
    rows = [
        Notification(
            key=uuid.uuid5(
                uuid.NAMESPACE_URL,
                f"laksana:{conversation.region_id}:{message.provider}:{message.message_id}:{i}",
            ),
            region_id=conversation.region_id,
            channel=conversation.provider,
            audience=Notification.Audience.CITIZEN,
            recipient=conversation.address,
            language="id",
            payload=reply.payload(),
            created_at=now,
            next_attempt_at=now,
        )
        for i, reply in enumerate(replies)
    ]
    for row in rows:
        row.save()
    ids = [row.id for row in rows]
    transaction.on_commit(lambda: notify_tasks.queue(ids), robust=True)


def joined_sms_id(region: Region, sender: str, reference: str) -> str:
    return f"concat:{reference}:{sender_hash(Provider.SMS, sender)[:16]}"


def take_sms_part(region: Region, part) -> Incoming | None:
    """Keep one part of a long SMS; once every part is in, the whole message (parts removed).
    A part repeated by the gateway is kept once."""
    if part.parts == 1:
        return Incoming(
            provider=Provider.SMS, message_id=part.message_id, sender=part.sender, text=part.text
        )

    joined_id = joined_sms_id(region, part.sender, part.reference)
    if InboundMessage.objects.filter(
        region=region, provider=Provider.SMS, message_id=joined_id
    ).exists():
        return None  # a retry of a part of a message already taken in
    who = sender_hash(Provider.SMS, part.sender)
    with transaction.atomic():
        try:
            with transaction.atomic():
                SmsPart.objects.create(
                    region=region,
                    sender_hash=who,
                    reference=part.reference,
                    part=part.part,
                    parts=part.parts,
                    text=part.text,
                    received_at=clock.now(),
                )
        except IntegrityError:
            pass  # the same part again
        parts = SmsPart.objects.filter(region=region, sender_hash=who, reference=part.reference)
        texts = dict(parts.values_list("part", "text"))
        if len(texts) < part.parts:
            return None
        parts.delete()
    text = "".join(texts[i] for i in sorted(texts))
    return Incoming(provider=Provider.SMS, message_id=joined_id, sender=part.sender, text=text)
