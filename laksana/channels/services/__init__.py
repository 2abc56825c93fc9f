"""The one conversation every chat channel shares (WhatsApp, Telegram, SMS).

A provider's webhook (views.py) checks the signature, turns the payload into `Incoming` messages
and calls `receive`. The conversation asks, in Indonesian, for what the report still lacks:
1. what happened (the description);
2. where: a shared location (lat/lng), or a kelurahan name matched against the region's areas;
3. a photo (optional: "LEWATI" skips it; never asked on SMS);
4. the category, from a short numbered list ordered by the words of the description;
then submits through `complaints.services.submit` (the channel, the sender's phone as contact)
and replies with the tracking number and link. At any time: "status <number>" answers the
complaint's status, "BATAL" drops the report being written, "BERHENTI" stops every message
("MULAI" starts them again), and `LAPOR <kategori> <kelurahan> <isi>` fills everything at once.
A citizen asked a question by staff answers it by simply replying.

Replies are outbox rows (laksana/notify): durable, retried, sent once each.
"""

from .accounts import enabled_providers, forget_settings, origin_contacts, sender_hash, settings_for
from .base import DRAFT_LIFETIME, Incoming, Reply
from .conversation import offered_categories
from .inbound import expire_drafts, joined_sms_id, receive, take_sms_part

__all__ = [
    "DRAFT_LIFETIME",
    "Incoming",
    "Reply",
    "enabled_providers",
    "expire_drafts",
    "forget_settings",
    "joined_sms_id",
    "offered_categories",
    "origin_contacts",
    "receive",
    "sender_hash",
    "settings_for",
    "take_sms_part",
]
