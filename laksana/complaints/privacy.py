"""What the public may see of a complaint. Identity and contact details never leave through here."""

import functools
import re
import unicodedata

import phonenumbers
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from laksana.regions.models import Region

from .models import Complaint, Event, Status

# NIK: 16 digits, grouped with spaces, dots, slashes or dashes (also " - ").
_NIK = re.compile(r"(?<!\d)\d(?:[ ./-]{0,3}\d){15}(?!\d)")
# E-mail, also written to dodge spam robots: "nama [at] domain [dot] com", "nama (at) domain.com".
_AT = r"(?:\s*@\s*|\s*[\[({]\s*(?:at|et)\s*[\])}]\s*)"
_DOT = r"(?:\.|\s*[\[({]\s*(?:dot|titik)\s*[\])}]\s*)"
_EMAIL = re.compile(rf"[\w.+-]+{_AT}[\w-]+(?:{_DOT}[\w-]+)+", re.IGNORECASE)
# "nama at domain dot com": plain words, so only with a known ending.
_EMAIL_WORDS = re.compile(
    r"[\w.+-]+\s+at\s+[\w-]+(?:(?:\.|\s+dot\s+)[\w-]+)*(?:\.|\s+dot\s+)"
    r"(?:com|net|org|id|co\.id|go\.id|ac\.id|sch\.id|or\.id|web\.id|my\.id)\b",
    re.IGNORECASE,
)
# A phone number as Indonesians write it starts with 0, 62 or +62; without such a run of digits
# the phone-number library is not asked at all.
_PHONE_HINT = re.compile(r"(?<!\d)(?:\+?\s*62|\(?0)\)?[\d\s().\/-]{6,}")
_DIGIT = re.compile(r"\d")
# Not phone numbers although they look like one to the matcher: "08.00-12.00", "Rp 62.500.000".
_TIME_RANGE = re.compile(r"\d{2}[.:]\d{2}\s*-?\s*\d{2}[.:]\d{2}")
_MONEY = re.compile(r"(?:Rp|IDR)\.?\s*$", re.IGNORECASE)
# The fewest digits a NIK (16) or a phone number (021 + 4) can have: texts with fewer, and no
# sign of an e-mail address, are returned as they are (most descriptions have no number).
_NIK_DIGITS, _PHONE_DIGITS = 16, 7


def _may_hold_email(text: str) -> bool:
    # Plain substring tests ("[ at ]" holds " at "): a regex or any() over a tuple cost more
    # than the rest of masking together.
    return (
        "@" in text
        or " at " in text
        or "[at" in text
        or "(at" in text
        or "\uff20" in text
        or " AT " in text
        or "[AT" in text
        or "(AT" in text
    )


@functools.cache
def _folding() -> dict[int, str]:
    """Digits of other scripts (full-width, Arabic-Indic…), full-width signs, dashes and spaces
    as ASCII, one character for one character; superscripts ("m²") and letters stay."""
    table = {}
    for code in range(0x80, 0x10000):
        ch = chr(code)
        kind = unicodedata.category(ch)
        folded = unicodedata.normalize("NFKC", ch)
        if kind == "Pd":
            table[code] = "-"
        elif kind == "Zs":
            table[code] = " "
        elif (kind == "Nd" or 0xFF00 <= code <= 0xFFEF) and len(folded) == 1 and folded.isascii():
            table[code] = folded
    return table


def _is_personal_number(text: str, start: int, raw: str, number) -> bool:
    if _TIME_RANGE.fullmatch(raw) or _MONEY.search(text, max(0, start - 5), start):
        return False
    digits = "".join(c for c in raw if c.isdigit())
    if digits.startswith("0"):
        return len(digits) >= 8
    # 62… without "+" is also how amounts can begin (62.500.000): only a number that validates.
    return digits.startswith("62") and ("+" in raw or phonenumbers.is_valid_number(number))


def _phone_spans(text: str) -> list[tuple[int, int]]:
    # The matcher is asked only about each run of digits that could be a number (with a few
    # characters around it for context): on a whole description it costs ten times as much.
    spans = []
    for hint in _PHONE_HINT.finditer(text):
        left = max(0, hint.start() - 6)
        window = text[left : hint.end() + 1]
        for m in phonenumbers.PhoneNumberMatcher(
            window, "ID", leniency=phonenumbers.Leniency.POSSIBLE
        ):
            if _is_personal_number(window, m.start, m.raw_string, m.number):
                spans.append((left + m.start, left + m.end))
    return spans


class _Masking:
    """The text as written and its folded copy, masked at the same places (equal lengths)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.folded = text if text.isascii() else text.translate(_folding())

    def replace(self, spans, label: str) -> None:
        for start, end in sorted(spans, reverse=True):
            self.text = self.text[:start] + label + self.text[end:]
            self.folded = self.folded[:start] + label + self.folded[end:]

    def sub(self, pattern: re.Pattern, label: str) -> None:
        self.replace([m.span() for m in pattern.finditer(self.folded)], label)


def mask(text: str) -> str:
    """Mask NIK numbers, e-mail addresses and phone numbers in text shown to the public.

    Steps: return texts with too few digits and no sign of an e-mail address untouched; find
    everything in a copy with full-width digits, dashes and spaces folded to ASCII; mask e-mail
    addresses (also "[at]", "(at)", "nama at domain dot com"), then NIK numbers, then phone
    numbers found by libphonenumber's matcher for Indonesia (mobile and landline, any grouping,
    glued to words like "HP0812…"), except times and amounts; the rest stays as written.
    """
    if not text:
        return text
    digits = len(_DIGIT.findall(text))  # \d: full-width and other digits count too
    email = _may_hold_email(text)
    if digits < _PHONE_DIGITS and not email:
        return text
    work = _Masking(text)
    if email:
        work.sub(_EMAIL, "[email disamarkan]")
        work.sub(_EMAIL_WORDS, "[email disamarkan]")
    if digits >= _NIK_DIGITS:
        work.sub(_NIK, "[NIK disamarkan]")
    if digits >= _PHONE_DIGITS:
        work.replace(_phone_spans(work.folded), "[nomor disamarkan]")
    return work.text


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
