"""What the public may see of a complaint. Identity and contact details never leave through here."""

import re

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from laksana.regions.models import Region

from .models import Complaint, Event, Status

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


def published(region: Region) -> Q:
    """The one rule for which of a region's complaints the public may see, on every surface (the
    portal's pages and map, the JSON API, Open311): never a confidential one; and, as LAPOR!
    does, only once an operator has looked at it: verified, or noted as an aspiration (which
    skips verification). A region may choose to publish at once. Until then only the reporter
    sees it, through the secret tracking link."""
    rule = Q(is_confidential=False)
    if not region.publish_before_verification:
        rule &= Q(verified_at__isnull=False) | Q(status=Status.NOTED)
    return rule


def public_complaints(region: Region) -> QuerySet:
    return Complaint.objects.filter(region=region).filter(published(region))


def is_public(complaint: Complaint) -> bool:
    """`published` for one complaint already loaded."""
    if complaint.is_confidential:
        return False
    if complaint.region.publish_before_verification:
        return True
    return complaint.verified_at is not None or complaint.status == Status.NOTED
