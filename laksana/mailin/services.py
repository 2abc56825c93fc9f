"""E-mail in: each region's inbox is polled over IMAP (imap-tools); every message is read once.

- A reply to one of our notifications becomes the citizen's answer on that complaint when staff
  asked them something, else a message of theirs kept on it (replies.py), never lost. Threading
  is by header, never by guessing: our e-mails carry `Message-ID: <notification key@laksana>`
  (notify.channels), a mail client puts it in `In-Reply-To`/`References`, and the key is a random
  UUID of one notification of one complaint. Only the reporter's own address may answer.
- Any other message is a new report through the one intake service (channel e-mail, the sender
  as the reporter's e-mail, so the outbox confirms with the tracking number and keeps them
  informed). Its place is the kelurahan the text names; when it names none, we reply asking for
  it, and the answer to that question (threaded by our question's signed Message-ID) completes
  the report. A question not answered within 24 hours expires without a complaint.
- Image attachments become the report's photos, through the same checks as the portal's.
- Idempotent on Message-ID (a message seen twice, e.g. after a crash before it was flagged seen,
  is handled once); automatic mail (bounces, out-of-office) is never answered; rate-limited per
  sender like every public write.
"""

import base64
import email
import hashlib
import hmac
import logging
import re
from dataclasses import dataclass
from datetime import timedelta
from email.message import EmailMessage as ParsedMessage
from email.policy import default as default_policy
from email.utils import getaddresses, parseaddr

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.translation import gettext as _

from laksana.common import ratelimit
from laksana.common.errors import DomainError
from laksana.complaints import services as complaints
from laksana.complaints.models import Channel, Complaint
from laksana.regions.models import Area, Region

from .models import InboundMail, Mailbox

log = logging.getLogger("laksana.mailin")

ASK_HOURS = 24
MAX_PHOTOS = 3
MAX_PHOTO_BYTES = 10 * 1024 * 1024
_NOTIFICATION_ID = re.compile(
    r"^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})@laksana$"
)
_ASK_ID = re.compile(r"^mailin-ask-(\d+)\.([0-9a-f]{16})@laksana$")
_QUOTE_START = re.compile(
    r"^(>|On .+ wrote:|Pada .+ menulis:|-----\s*Original Message|-----\s*Pesan Asli|-- $)",
    re.IGNORECASE,
)
_KELURAHAN_HINT = re.compile(r"\b(kelurahan|kel|desa)\b\.?\s*", re.IGNORECASE)


@dataclass
class Outcome:
    state: str
    complaint: Complaint | None = None
    reason: str = ""


# Reading a message ------------------------------------------------------------------------------


def parse(raw: bytes) -> ParsedMessage:
    return email.message_from_bytes(raw, policy=default_policy)


def message_id(message: ParsedMessage) -> str:
    found = (message.get("Message-ID") or "").strip().strip("<>")
    if found:
        return found[:255]
    digest = hashlib.sha256(message.as_bytes()).hexdigest()
    return f"sha256:{digest}"


def _text(message: ParsedMessage) -> str:
    body = message.get_body(preferencelist=("plain", "html"))
    if body is None:
        return ""
    content = body.get_content()
    if body.get_content_subtype() == "html":
        content = strip_tags(content)
    lines = []
    for line in content.splitlines():
        if _QUOTE_START.match(line.strip() if not line.startswith(">") else line):
            break
        lines.append(line.rstrip())
    return "\n".join(lines).strip()


def _photos(message: ParsedMessage) -> list[dict]:
    found = []
    for part in message.iter_attachments():
        if part.get_content_maintype() != "image":
            continue
        data = part.get_content()
        if isinstance(data, bytes) and 0 < len(data) <= MAX_PHOTO_BYTES:
            found.append(
                {
                    "name": (part.get_filename() or "foto.jpg")[:100],
                    "data": base64.b64encode(data).decode(),
                }
            )
        if len(found) == MAX_PHOTOS:
            break
    return found


def _is_automatic(message: ParsedMessage, sender: str) -> bool:
    auto = (message.get("Auto-Submitted") or "no").strip().lower()
    precedence = (message.get("Precedence") or "").strip().lower()
    local = sender.split("@")[0].lower()
    return (
        auto != "no"
        or precedence in {"bulk", "junk", "list", "auto_reply"}
        or local in {"mailer-daemon", "postmaster", "no-reply", "noreply"}
        or bool(message.get("X-Autoreply") or message.get("X-Autorespond"))
    )


def _referenced(message: ParsedMessage) -> list[str]:
    ids = []
    for header in ("In-Reply-To", "References"):
        ids += re.findall(r"<([^<>\s]+)>", str(message.get(header) or ""))
    return ids


# Places named in the text -----------------------------------------------------------------------


def _norm(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", text.lower()).split())


def find_kelurahan(region: Region, text: str) -> Area | None:
    """The one kelurahan the text names (with its kecamatan when two share a name), else None."""
    words = f" {_norm(text)} "
    found: dict[str, list[Area]] = {}
    for area in (
        Area.objects.filter(region=region, level=Area.Level.KELURAHAN)
        .select_related("parent")
        .defer("boundary", "parent__boundary")
    ):
        name = _norm(area.name)
        if name and f" {name} " in words:
            found.setdefault(name, []).append(area)
    if not found:
        return None
    longest = max(found, key=len)
    candidates = found[longest]
    if len(candidates) > 1:
        candidates = [a for a in candidates if f" {_norm(a.parent.name)} " in words]
    return candidates[0] if len(candidates) == 1 else None


# Handling one message ---------------------------------------------------------------------------


def _sign(pk: int) -> str:
    return hmac.new(
        settings.SECRET_KEY.encode(), f"mailin-ask:{pk}".encode(), hashlib.sha256
    ).hexdigest()[:16]


def _ask_id(pk: int) -> str:
    return f"mailin-ask-{pk}.{_sign(pk)}@laksana"


def _send(
    mailbox: Mailbox,
    *,
    to: str,
    subject: str,
    body: str,
    message_id: str = "",
    reply_to_id: str = "",
):
    headers = {"Auto-Submitted": "auto-replied"}
    if message_id:
        headers["Message-ID"] = f"<{message_id}>"
    if reply_to_id:
        headers["In-Reply-To"] = headers["References"] = f"<{reply_to_id}>"
    EmailMessage(
        subject=subject, body=body, from_email=mailbox.address, to=[to], headers=headers
    ).send()


def _record(region, mid, sender, subject, state, **fields) -> InboundMail | None:
    try:
        with transaction.atomic():
            return InboundMail.objects.create(
                region=region,
                message_id=mid,
                received_at=timezone.now(),
                sender=sender,
                subject=subject[:300],
                state=state,
                **fields,
            )
    except IntegrityError:  # another poller took the same message
        return None


def handle(mailbox: Mailbox, raw: bytes) -> Outcome:
    """One message of the region's inbox, whatever it is; never raises for bad mail."""
    region = mailbox.region
    message = parse(raw)
    mid = message_id(message)
    if InboundMail.objects.filter(region=region, message_id=mid).exists():
        return Outcome("seen")
    name, sender = parseaddr(str(message.get("From") or ""))
    sender = sender.strip().lower()
    subject = str(message.get("Subject") or "").strip()
    if "@" not in sender:
        return _ignore(region, mid, sender, subject, "no sender address")
    if _is_automatic(message, sender):
        return _ignore(region, mid, sender, subject, "automatic message")
    if any(addr.lower() == mailbox.address.lower() for _n, addr in getaddresses([sender])):
        return _ignore(region, mid, sender, subject, "our own address")
    text = _text(message)
    for ref in _referenced(message):
        if m := _NOTIFICATION_ID.match(ref):
            from .replies import answer  # it builds on this module's helpers

            return answer(mailbox, mid, sender, subject, text, m.group(1), message)
        if (m := _ASK_ID.match(ref)) and hmac.compare_digest(m.group(2), _sign(int(m.group(1)))):
            asked = InboundMail.objects.filter(
                pk=int(m.group(1)), region=region, state=InboundMail.State.ASKED
            ).first()
            if asked is not None and asked.sender == sender:
                return _complete(mailbox, asked, mid, sender, subject, text, message)
    return _new_report(mailbox, mid, sender, name, subject, text, message)


def _ignore(region, mid, sender, subject, reason) -> Outcome:
    log.info("mailin: %s ignored (%s)", mid, reason)
    _record(region, mid, sender or "-@-", subject, InboundMail.State.IGNORED, reason=reason)
    return Outcome(InboundMail.State.IGNORED, reason=reason)


def _new_report(mailbox, mid, sender, name, subject, text, message) -> Outcome:
    region = mailbox.region
    description = "\n\n".join(part for part in (subject, text) if part).strip()
    if len(description) < 10:
        return _ignore(region, mid, sender, subject, "no report text")
    if not ratelimit.check("submit", f"mail:{sender}").allowed:
        return _ignore(region, mid, sender, subject, "rate limited")
    kelurahan = find_kelurahan(region, description)
    photos = _photos(message)
    if kelurahan is None:
        asked = _record(
            region,
            mid,
            sender,
            subject,
            InboundMail.State.ASKED,
            text=description,
            photos=photos,
            reason=name[:200],
        )
        if asked is None:
            return Outcome("seen")
        _send(
            mailbox,
            to=sender,
            subject=_("Di kelurahan mana? %(subject)s") % {"subject": subject}
            if subject
            else _("Di kelurahan mana?"),
            body=_(
                "Terima kasih atas laporan Anda kepada %(region)s. Agar dapat kami teruskan, "
                "balas e-mail ini dengan nama kelurahan (dan kecamatan) tempat masalahnya, "
                "misalnya: Kelurahan Sukarasa, Kecamatan Tangerang.\n\n"
                "Tanpa balasan dalam 24 jam, laporan ini tidak kami catat."
            )
            % {"region": region.name},
            message_id=_ask_id(asked.pk),
            reply_to_id=mid,
        )
        return Outcome(InboundMail.State.ASKED)
    return _submit(region, mid, sender, name, subject, description, kelurahan, photos)


def _complete(mailbox, asked, mid, sender, subject, text, message) -> Outcome:
    region = mailbox.region
    kelurahan = find_kelurahan(region, text) or find_kelurahan(region, f"{asked.text}\n{text}")
    if kelurahan is None:
        _record(region, mid, sender, subject, InboundMail.State.IGNORED, reason="no kelurahan")
        _send(
            mailbox,
            to=sender,
            subject=asked.subject or _("Di kelurahan mana?"),
            body=_(
                "Maaf, kami belum menemukan nama kelurahan di balasan Anda. Balas sekali lagi "
                "dengan nama kelurahan saja, misalnya: Sukarasa."
            ),
            reply_to_id=_ask_id(asked.pk),
        )
        return Outcome(InboundMail.State.ASKED)
    photos = asked.photos + _photos(message)
    done = _submit(
        region,
        asked.message_id,
        sender,
        asked.reason,
        asked.subject,
        asked.text,
        kelurahan,
        photos[:MAX_PHOTOS],
        existing=asked,
    )
    _record(region, mid, sender, subject, InboundMail.State.ANSWER, complaint=done.complaint)
    return done


def _submit(region, mid, sender, name, subject, description, kelurahan, photos, existing=None):
    key = "mail:" + hashlib.sha256(mid.encode()).hexdigest()[:40]
    try:
        result = complaints.submit(
            region=region,
            category_code="LAINNYA",  # the operator sets the category when verifying
            description=description,
            area_code=kelurahan.code,
            reporter_name=name,
            email=sender,
            channel=Channel.EMAIL,
            idempotency_key=key,
            source=mid[:100],
        )
    except DomainError as exc:
        log.warning("mailin: %s not stored: %s", mid, exc.detail)
        if existing is None:
            return _ignore(region, mid, sender, subject, f"refused: {exc.detail}"[:200])
        return Outcome(InboundMail.State.IGNORED, reason=str(exc.detail))
    complaint = result.complaint
    if result.created:
        for photo in photos:
            upload = SimpleUploadedFile(photo["name"], base64.b64decode(photo["data"]))
            try:
                complaints.add_photo(complaint=complaint, actor=complaints.Citizen(), upload=upload)
            except DomainError as exc:
                log.info("mailin: a photo of %s refused: %s", complaint.number, exc.detail)
    if existing is not None:
        InboundMail.objects.filter(pk=existing.pk).update(
            state=InboundMail.State.REPORT, complaint=complaint, text="", photos=[]
        )
    else:
        _record(region, mid, sender, subject, InboundMail.State.REPORT, complaint=complaint)
    return Outcome(InboundMail.State.REPORT, complaint)


def expire_questions(now=None) -> int:
    """Questions for a location unanswered after 24 hours: no complaint, and no text kept."""
    cutoff = (now or timezone.now()) - timedelta(hours=ASK_HOURS)
    return InboundMail.objects.filter(state=InboundMail.State.ASKED, received_at__lt=cutoff).update(
        state=InboundMail.State.EXPIRED, text="", photos=[]
    )


# Polling ----------------------------------------------------------------------------------------


def poll(mailbox: Mailbox, *, limit: int = 200) -> dict:
    """Read the unseen messages of one inbox; each is flagged seen once handled."""
    from imap_tools import AND, MailBox, MailBoxUnencrypted, MailMessageFlags

    counts: dict[str, int] = {}
    box_class = MailBox if mailbox.use_ssl else MailBoxUnencrypted
    try:
        with box_class(mailbox.host, mailbox.port).login(
            mailbox.username, mailbox.password, initial_folder=mailbox.folder
        ) as box:
            for message in box.fetch(AND(seen=False), mark_seen=False, limit=limit, bulk=True):
                outcome = handle(mailbox, message.obj.as_bytes())
                counts[outcome.state] = counts.get(outcome.state, 0) + 1
                box.flag(message.uid, MailMessageFlags.SEEN, True)
    except Exception as exc:  # a server away or a refused login: kept for the admin, retried
        Mailbox.objects.filter(pk=mailbox.pk).update(
            last_error=f"{type(exc).__name__}: {exc}"[:1000], last_polled_at=timezone.now()
        )
        log.warning("mailin: polling %s failed: %s", mailbox.address, exc)
        counts["error"] = 1
        return counts
    Mailbox.objects.filter(pk=mailbox.pk).update(last_error="", last_polled_at=timezone.now())
    return counts


def poll_all() -> dict:
    totals: dict[str, int] = {}
    for mailbox in Mailbox.objects.filter(is_active=True).select_related("region"):
        for state, n in poll(mailbox).items():
            totals[state] = totals.get(state, 0) + n
    totals["expired"] = expire_questions()
    return totals


def inbox_address(region_id: int | None) -> str:
    """The region's active inbox, where citizens' replies to our e-mails should go."""
    if region_id is None:
        return ""
    box = Mailbox.objects.filter(region_id=region_id, is_active=True).only("address").first()
    return box.address if box else ""
