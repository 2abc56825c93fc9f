"""What the public may see of a complaint. Identity and contact details never leave through here."""

import re

from django.utils.translation import gettext as _

from .models import Complaint, Event

# 16-digit NIK (optionally grouped), e-mail addresses, and Indonesian phone numbers (08…, +62…).
_NIK = re.compile(r"(?<!\d)(?:\d[ .-]?){15}\d(?!\d)")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_PHONE = re.compile(r"(?<![\w])(?:\+?62|0)[\s.-]?8(?:[\s.-]?\d){7,11}(?!\d)")
_DIGIT = re.compile(r"\d")
# The fewest digits a NIK (16) or a phone number (08 + 7) can have: texts with fewer skip those
# patterns, which otherwise try a match at every position (most descriptions have no number).
_NIK_DIGITS, _PHONE_DIGITS = 16, 9


def mask(text: str) -> str:
    """Mask NIK numbers, e-mail addresses and phone numbers in text shown to the public."""
    if not text:
        return text
    if "@" in text:
        text = _EMAIL.sub("[email disamarkan]", text)
    digits = len(_DIGIT.findall(text))
    if digits >= _NIK_DIGITS:
        text = _NIK.sub("[NIK disamarkan]", text)
    if digits >= _PHONE_DIGITS:
        text = _PHONE.sub("[nomor disamarkan]", text)
    return text


def reporter_label(complaint: Complaint) -> str:
    if complaint.is_anonymous or complaint.reporter is None or not complaint.reporter.name:
        return _("Anonim")
    # First name only: enough to be human, not enough to find the person.
    return complaint.reporter.name.split()[0]


def public_actor(event: Event) -> str:
    if event.actor_id is None:
        return _("Pelapor") if event.actor_label == "Pelapor" else event.actor_label
    if event.agency_id and event.type not in (Event.Type.DISPOSED, Event.Type.FORWARDED):
        return event.agency.short_name
    return _("Ruang Kendali")


def is_public(complaint: Complaint) -> bool:
    return not complaint.is_confidential
