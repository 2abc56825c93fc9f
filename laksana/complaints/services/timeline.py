"""Timeline entries without a status transition, waiting for the reporter, and photos."""

import errno
import logging
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from laksana.agencies.models import Role
from laksana.agencies.services import Staff
from laksana.common import clock
from laksana.common.errors import (
    Conflict,
    DomainError,
    StorageFull,
    StorageUnavailable,
    ValidationFailed,
)

from ..models import (
    Complaint,
    Event,
)
from ..models import Status as S
from .core import (
    STATUS_EVENTS,
    Actor,
    Citizen,
    _change,
    _editing,
    _event,
    _is_handler,
    _is_operator,
    _require,
    _require_state,
    _text,
)

log = logging.getLogger(__name__)


def add_event(
    *,
    complaint: Complaint,
    actor: Actor,
    type: str,
    text: str = "",
    public: bool = False,
    data: dict | None = None,
) -> Event:
    """A timeline entry that changes nothing else about the complaint (assignments, field work,
    deadline breaches, views of personal data). Status changes never come through here."""
    if type in STATUS_EVENTS:
        raise ValueError(f"{type} changes status: use its own service function")
    with transaction.atomic():
        return _event(complaint, actor=actor, type=type, text=text, public=public, data=data)


def ask_reporter(
    *, staff: Staff, complaint: Complaint, question: str, version: int | None = None
) -> Complaint:
    """Operator or agency asks the citizen for more information; the complaint waits for them."""
    with _editing(complaint, version) as c:
        _require(_is_operator(staff) or _is_handler(staff, c))
        _require_state(
            c, (S.SUBMITTED, S.VERIFIED, S.DISPATCHED, S.IN_PROGRESS), _("menunggu pelapor")
        )
        return _change(
            c,
            actor=staff,
            type=Event.Type.WAITING,
            to_status=S.WAITING,
            text=_text(question, field="question"),
            data={"resume": c.status},
        )


def answer(*, complaint: Complaint, text: str) -> Complaint:
    """The citizen answers a question; the complaint returns to the state it waited in."""
    with _editing(complaint, None) as c:
        _require_state(c, (S.WAITING,), _("dijawab"))
        asked = c.events.filter(type=Event.Type.WAITING).order_by("-id").first()
        resume = (asked.data or {}).get("resume", S.SUBMITTED) if asked else S.SUBMITTED
        return _change(
            c,
            actor=Citizen(),
            type=Event.Type.ANSWERED,
            to_status=resume,
            text=_text(text, field="text"),
        )


def acknowledge_disposition(*, staff: Staff, complaint: Complaint) -> Complaint:
    """The agency's liaison on duty confirms they saw a new disposition (timed by the duty report).
    Only the first acknowledgment counts."""
    with _editing(complaint, None) as c:
        _require(_is_handler(staff, c))
        _require_state(c, (S.DISPATCHED, S.IN_PROGRESS), _("dikonfirmasi"))
        if c.acknowledged_at is not None:
            raise Conflict(_("Disposisi ini sudah dikonfirmasi."), code="already_acknowledged")
        return _change(
            c, actor=staff, type=Event.Type.DESK_ACK, public=False, acknowledged_at=clock.now()
        )


MAX_REPORT_PHOTOS = 5


@dataclass
class CitizenMessage:
    complaint: Complaint
    event: Event
    photos: list  # the Attachments stored
    refused: list[str]  # why each other photo was not


def citizen_message(
    *, complaint: Complaint, text: str, uploads=(), channel: str = ""
) -> CitizenMessage:
    """A message from the reporter that answers no question (e.g. a reply by e-mail to one of
    our notifications while nothing is asked of them): a `message` event on the timeline, for
    staff (internal: the citizen's own unmasked words, like a note), the status unchanged.

    Its photos become the report's photos through the same checks as the portal's and at most
    MAX_REPORT_PHOTOS in all, whatever the status (the citizen is showing what they see now);
    a photo refused is left out and the reason returned, the message is kept all the same."""
    with _editing(complaint, None) as c:
        text = _text(text, field="text", required=not uploads)
        data = {"channel": channel} if channel else None
        c = _change(c, actor=Citizen(), type=Event.Type.MESSAGE, text=text, public=False, data=data)
        # The complaint is locked: the latest message event is this one.
        event = c.events.filter(type=Event.Type.MESSAGE).order_by("-id").first()
        photos, refused = [], []
        for upload in uploads:
            if c.attachments.filter(purpose="report").count() >= MAX_REPORT_PHOTOS:
                refused.append(
                    _("Paling banyak %(n)d foto per laporan.") % {"n": MAX_REPORT_PHOTOS}
                )
                continue
            try:
                photos.append(_attach(c, Citizen(), upload, purpose="report"))
            except DomainError as exc:  # raised before anything of the photo was written
                refused.append(str(exc.detail))
        return CitizenMessage(complaint=c, event=event, photos=photos, refused=refused)


def add_photo(
    *, complaint: Complaint, actor: Actor, upload, purpose: str = "report", stage: str = ""
):
    """Store a photo for a complaint: the citizen's (while still new) or an agency's evidence.

    Steps: check who may add it and the limit of report photos; validate and re-encode the image
    (content, not name, decides: JPEG, PNG or WebP; EXIF and GPS stripped; resized); store it
    through Django's storage; write the event.
    """
    from ..models import Attachment

    with _editing(complaint, None) as c:
        if purpose == Attachment.Purpose.EVIDENCE:
            # Field officers of the agency bring evidence from the site (dispatch checks that the
            # complaint is assigned to them before calling this).
            field_officer = isinstance(actor, Staff) and actor.has_in_agency(
                c.agency_id, Role.FIELD_OFFICER
            )
            _require(_is_handler(actor, c) or _is_operator(actor) or field_officer)
            _require_state(c, (S.DISPATCHED, S.IN_PROGRESS), _("diberi foto bukti"))
            if stage not in ("", *Attachment.Stage.values):
                raise ValidationFailed(_("Tahap foto tidak dikenal."), fields={"stage": stage})
        else:
            _require(isinstance(actor, Citizen) or _is_operator(actor))
            _require_state(c, (S.SUBMITTED, S.VERIFIED), _("diberi foto"))
            stage = ""  # before/after describe field work only
            if c.attachments.filter(purpose=purpose).count() >= MAX_REPORT_PHOTOS:
                raise ValidationFailed(
                    _("Paling banyak %(n)d foto per laporan.") % {"n": MAX_REPORT_PHOTOS},
                    code="too_many_photos",
                    fields={"photo": ""},
                )
        return _attach(c, actor, upload, purpose=purpose, stage=stage)


def _attach(c: Complaint, actor: Actor, upload, *, purpose: str, stage: str = ""):
    """Check, store and record one photo of a locked complaint (add_photo checked who and when).
    An image refused raises before anything is written."""
    from ..models import Attachment
    from ..photos import clean_image

    image = clean_image(upload)
    attachment = Attachment(
        region_id=c.region_id,
        complaint=c,
        purpose=purpose,
        stage=stage,
        content_type=image.content_type,
        size=len(image.data),
        width=image.width,
        height=image.height,
        sha256=image.sha256,
        uploaded_by=actor.user if isinstance(actor, Staff) else None,
        created_at=clock.now(),
    )
    _store_file(attachment, f"photo.{image.extension}", image.as_file())
    try:
        attachment.save()
        _change(
            c,
            actor=actor,
            type=Event.Type.ATTACHMENT,
            public=purpose == "report",
            data={
                "attachment": attachment.id,
                "purpose": purpose,
                **({"stage": stage} if stage else {}),
            },
        )
    except BaseException:
        # The row will not be committed: the file it names must not stay behind either.
        _discard(attachment.file.storage, attachment.file.name)
        raise
    return attachment


def _store_file(attachment, name: str, content) -> None:
    """Write the photo through the storage; a failure leaves no (partial) file and says why.

    Django's FileSystemStorage writes straight into the final name, so a full disk leaves a
    truncated file: whatever name the storage chose is removed before the error is raised.
    ENOSPC/EDQUOT answer 507, any other OSError (read-only media, permissions, I/O) 503.
    """
    field = attachment.file
    storage = field.storage
    length = field.field.max_length
    # The name chosen now is the one the storage writes to (it picks a free one the same way).
    target = storage.get_available_name(field.field.generate_filename(attachment, name), length)
    try:
        stored = storage.save(target, content, max_length=length)
    except OSError as exc:
        log.error("photo store failed for %s: %s", target, exc)
        _discard(storage, target)
        if exc.errno in (errno.ENOSPC, errno.EDQUOT):
            raise StorageFull(
                _(
                    "Penyimpanan foto sedang penuh, foto belum tersimpan. Coba kirim foto lagi "
                    "nanti."
                ),
                fields={"photo": ""},
            ) from exc
        raise StorageUnavailable(
            _(
                "Penyimpanan foto sedang tidak dapat ditulis, foto belum tersimpan. Coba kirim "
                "foto lagi beberapa menit lagi."
            ),
            fields={"photo": ""},
        ) from exc
    setattr(attachment, field.field.attname, stored)


def _discard(storage, name: str) -> None:
    try:
        storage.delete(name)
    except Exception:  # cleaning up must never hide the error that caused it
        log.exception("could not remove orphan photo %s", name)
