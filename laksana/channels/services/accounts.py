"""The regions' provider accounts and where a citizen is answered (read by the outbox too)."""

import hashlib
import hmac
import logging

from django.conf import settings
from django.core.cache import cache

from laksana.complaints.models import Complaint

from ..models import ChannelSettings, ChatReport, Provider
from .base import SETTINGS_CACHE_SECONDS

log = logging.getLogger("laksana.channels")


def enabled_providers(region_id: int) -> set[str]:
    """The chat channels a region has switched on. Kept a few seconds per process, because the
    outbox asks on every event it writes."""
    key = f"channels:enabled:{region_id}"
    found = cache.get(key)
    if found is None:
        found = set(
            ChannelSettings.objects.filter(region_id=region_id, enabled=True).values_list(
                "provider", flat=True
            )
        )
        cache.set(key, found, SETTINGS_CACHE_SECONDS)
    return found


def forget_settings(region_id: int) -> None:
    cache.delete(f"channels:enabled:{region_id}")


def settings_for(region_id: int, provider: str) -> ChannelSettings | None:
    return ChannelSettings.objects.filter(
        region_id=region_id, provider=provider, enabled=True
    ).first()


def origin_contacts(complaint: Complaint) -> list[tuple[str, str]] | None:
    """Where a report that came by chat is answered: the conversation, unless the citizen said
    BERHENTI or the region switched the channel off since (None: the report came otherwise)."""
    if complaint.channel not in Provider.values:
        return None
    report = ChatReport.objects.select_related("conversation").filter(complaint=complaint).first()
    if report is None:
        return []
    conversation = report.conversation
    if conversation.opted_out or conversation.provider not in enabled_providers(
        complaint.region_id
    ):
        return []
    return [(conversation.provider, conversation.address)]


def sender_hash(provider: str, sender: str) -> str:
    return hmac.new(
        settings.SECRET_KEY.encode(), f"{provider}:{sender}".encode(), hashlib.sha256
    ).hexdigest()
