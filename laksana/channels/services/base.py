"""What every part of the chat channels shares: the messages in and out, the draft's lifetime."""

import logging
from dataclasses import dataclass, field
from datetime import timedelta

from django.core.files.storage import default_storage

from ..models import Conversation

log = logging.getLogger("laksana.channels")


Step = Conversation.Step
DRAFT_LIFETIME = timedelta(hours=24)
PENDING_PHOTOS = "channels/pending"
SETTINGS_CACHE_SECONDS = 30


@dataclass
class Incoming:
    """One message from a citizen, whatever the provider."""

    provider: str
    message_id: str
    sender: str  # WhatsApp id (phone), Telegram chat id, phone number
    text: str = ""
    lat: float | None = None
    lng: float | None = None
    media: str = ""  # the provider's handle of a photo (WhatsApp media id, Telegram file id)
    choice: str = ""  # the id of an interactive reply (list row, button)


@dataclass
class Reply:
    text: str
    options: list[tuple[str, str]] = field(default_factory=list)  # (id, title)
    ask_location: bool = False

    def payload(self) -> dict:
        return {
            "kind": "reply",
            "text": self.text,
            "options": [list(o) for o in self.options],
            "ask_location": self.ask_location,
        }


def discard_photo(name: str | None) -> None:
    if name:
        try:
            default_storage.delete(name)
        except OSError:
            log.warning("channels: pending photo %s could not be removed", name, exc_info=True)


def clear(conversation: Conversation) -> None:
    """Drop the report being written (and its photo)."""
    discard_photo(conversation.draft.get("photo"))
    conversation.step = Step.IDLE
    conversation.draft = {}
