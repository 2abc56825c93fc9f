"""A reporter's reply to one of our notification e-mails (threaded by its Message-ID, see
services.handle): the answer to staff's question while the complaint waits for one, otherwise a
message of the citizen's kept on the complaint (complaints.citizen_message: a `message` event that
staff read on the console's complaint page, the status unchanged, its image attachments the
report's photos) and acknowledged by reply. A resolved complaint is reopened only the way the
portal reopens it (the tracking page's "Buka kembali laporan", with a reason, within 10 working
days): the acknowledgment says how, and until when; a closed one cannot be reopened, so it says
how to report again. Idempotent on Message-ID: the InboundMail row is written in the message's
own transaction."""

import base64
import logging

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from laksana.common import clock, ratelimit
from laksana.common.errors import DomainError
from laksana.common.timefmt import local_iso
from laksana.complaints import services as complaints
from laksana.complaints.models import FINAL_STATUSES, Channel, Complaint, Status
from laksana.complaints.services.core import MAX_TEXT

from .models import InboundMail
from .services import Outcome, _ignore, _photos, _record, _send

log = logging.getLogger("laksana.mailin")


def answer(mailbox, mid, sender, subject, text, key, message) -> Outcome:
    from laksana.notify.models import Notification

    region = mailbox.region
    notification = (
        Notification.objects.filter(key=key, complaint__region=region)
        .select_related("complaint__reporter", "complaint__region")
        .first()
    )
    complaint = notification.complaint if notification else None
    reporter = complaint.reporter if complaint else None
    if complaint is None or reporter is None or (reporter.email or "").lower() != sender:
        return _ignore(region, mid, sender, subject, "reply not from the reporter")
    if not ratelimit.check("write", f"mail:{sender}").allowed:
        return _ignore(region, mid, sender, subject, "rate limited")
    if complaint.status != Status.WAITING:
        return _message(mailbox, mid, sender, subject, text, complaint, message)
    if not text:
        return _ignore(region, mid, sender, subject, "empty answer")
    with transaction.atomic():
        recorded = _record(
            region, mid, sender, subject, InboundMail.State.ANSWER, complaint=complaint
        )
        if recorded is None:
            return Outcome("seen")
        complaints.answer(complaint=complaint, text=text)
    return Outcome(InboundMail.State.ANSWER, complaint)


def _message(mailbox, mid, sender, subject, text, complaint: Complaint, message) -> Outcome:
    """Keep what the citizen wrote (and sent) on the complaint, then acknowledge it."""
    region = mailbox.region
    photos = _photos(message)
    if not text and not photos:
        return _ignore(region, mid, sender, subject, "empty message")
    uploads = [
        SimpleUploadedFile(p["name"], base64.b64decode(p["data"]), content_type="image/jpeg")
        for p in photos
    ]
    try:
        with transaction.atomic():
            recorded = _record(
                region, mid, sender, subject, InboundMail.State.MESSAGE, complaint=complaint
            )
            if recorded is None:
                return Outcome("seen")  # another poller took the same message
            kept = complaints.citizen_message(
                complaint=complaint, text=text[:MAX_TEXT], uploads=uploads, channel=Channel.EMAIL
            )
    except DomainError as exc:
        log.warning("mailin: message %s for %s not kept: %s", mid, complaint.number, exc.detail)
        return _ignore(region, mid, sender, subject, f"refused: {exc.detail}"[:200])
    for why in kept.refused:
        log.info("mailin: a photo of the message for %s refused: %s", complaint.number, why)
    _send(
        mailbox,
        to=sender,
        subject=_("Re: %(subject)s") % {"subject": subject} if subject else complaint.number,
        body=acknowledgment(kept.complaint, photos=len(kept.photos), refused=kept.refused),
        reply_to_id=mid,
    )
    return Outcome(InboundMail.State.MESSAGE, kept.complaint)


def _when(moment, region) -> str:
    return f"{local_iso(moment, region)[:16].replace('T', ' ')} {region.tz_abbreviation}"


def acknowledgment(complaint: Complaint, *, photos: int, refused: list[str]) -> str:
    """The reply: the message is kept, what the status is, and what the citizen can do next."""
    region = complaint.region
    lookup = settings.PUBLIC_URL + reverse("portal:lookup", kwargs={"region_slug": region.slug})
    values = {
        "number": complaint.number,
        "status": complaint.get_status_display(),
        "lookup": lookup,
        "report": settings.PUBLIC_URL
        + reverse("portal:report", kwargs={"region_slug": region.slug}),
    }
    lines = [
        _(
            "Terima kasih. Pesan Anda sudah kami catat pada laporan %(number)s dan dapat dibaca "
            "petugas yang menanganinya. Status laporan: “%(status)s”."
        )
        % values
    ]
    if photos:
        lines.append(_("%(n)d foto Anda ditambahkan ke laporan.") % {"n": photos})
    for why in refused:
        lines.append(_("Satu foto tidak dapat disimpan: %(why)s") % {"why": why})
    until = complaints.reopen_deadline(complaint)
    if complaint.status == Status.RESOLVED and (until is None or clock.now() <= until):
        values["until"] = _when(until, region) if until else ""
        lines.append(
            (
                _(
                    "Bila masalahnya belum selesai, Anda dapat membuka kembali laporan ini sampai "
                    "%(until)s: buka tautan pelacakan di e-mail pertama kami (atau %(lookup)s "
                    "dengan nomor laporan dan alamat e-mail ini), pilih “Buka kembali laporan”, "
                    "lalu ceritakan apa yang belum beres. Balasan e-mail saja tidak membuka "
                    "kembali laporan."
                )
                if until
                else _(
                    "Bila masalahnya belum selesai, buka tautan pelacakan di e-mail pertama kami "
                    "(atau %(lookup)s dengan nomor laporan dan alamat e-mail ini), pilih “Buka "
                    "kembali laporan”, lalu ceritakan apa yang belum beres."
                )
            )
            % values
        )
    elif complaint.status == Status.RESOLVED or complaint.status in FINAL_STATUSES:
        lines.append(
            _(
                "Laporan ini sudah tidak dapat dibuka kembali. Bila masalahnya masih ada atau "
                "muncul lagi, kirim laporan baru: tulis e-mail baru (bukan balasan) ke alamat "
                "ini dengan nama kelurahannya, atau laporkan di %(report)s."
            )
            % values
        )
    else:
        lines.append(
            _(
                "Untuk melihat perkembangannya, buka tautan pelacakan di e-mail pertama kami "
                "(atau %(lookup)s dengan nomor laporan dan alamat e-mail ini)."
            )
            % values
        )
    return "\n\n".join(lines) + "\n"
