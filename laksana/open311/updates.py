"""POST servicerequestupdates: an agency's own system reports progress (FixMyStreet's fields).

Only a key linked to an agency may send updates, and only about complaints disposed to that
agency; it acts as complaints.services.Integration, so the lifecycle's own rules apply. Status
values (case-insensitive, FixMyStreet's and ours):
- open, in_progress, investigating, action_scheduled: accept a dispatched complaint; with a
  description on one already in progress, a public response;
- closed, fixed, resolved: accept if needed, then resolve with the description as the response;
- not_councils_responsibility, not_responsible, internal_referral: return it to the operators.
Each update_id is applied once per agency; a repeat is refused with 409 and changes nothing.
"""

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import QueryDict
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext as _

from laksana.common import clock
from laksana.common.errors import DomainError
from laksana.complaints import services
from laksana.complaints.models import Complaint, Event
from laksana.complaints.models import Status as S
from laksana.regions.models import Region

from .errors import Open311Error, not_a_date, too_long
from .models import ApiKey, ReceivedUpdate
from .queries import parse_datetime

PROGRESS = {"open", "in_progress", "investigating", "action_scheduled"}
DONE = {"closed", "fixed", "resolved"}
NOT_OURS = {"not_councils_responsibility", "not_responsible", "internal_referral"}
MAX_UPDATE_ID = 64


@dataclass
class Applied:
    complaint: Complaint
    update_id: str


def _checked(data: QueryDict, region: Region, api_key: ApiKey) -> tuple[str, str, str]:
    errors: list[tuple[str, str]] = []
    number = data.get("service_request_id", "").strip()
    update_id = data.get("update_id", "").strip()
    status = data.get("status", "").strip().lower()
    if not number:
        errors.append(("service_request_id", _("Wajib diisi.")))
    if not update_id:
        errors.append(("update_id", _("Wajib diisi.")))
    elif len(update_id) > MAX_UPDATE_ID:
        errors.append(("update_id", too_long(MAX_UPDATE_ID)))
    if status not in PROGRESS | DONE | NOT_OURS:
        allowed = ", ".join(sorted(PROGRESS | DONE | NOT_OURS))
        errors.append(("status", _("Harus salah satu dari: %(values)s.") % {"values": allowed}))
    when = data.get("updated_datetime", "").strip()
    if when and parse_datetime(when, region) is None:
        errors.append(("updated_datetime", not_a_date()))
    if errors:
        raise Open311Error(400, errors)
    return number, update_id, status


def _complaint(region: Region, api_key: ApiKey, number: str) -> Complaint:
    # An agency's system may update a confidential complaint disposed to it; nobody else sees one.
    complaint = (
        Complaint.objects.filter(region=region, number=number)
        .filter(Q(is_confidential=False) | Q(agency_id=api_key.agency_id))
        .select_related("region", "category", "agency")
        .first()
    )
    if complaint is None:
        raise Open311Error(404, [("service_request_id", _("Laporan tidak ditemukan."))])
    return complaint


def _apply(complaint: Complaint, actor, status: str, text: str, uploads: list) -> Complaint:
    for upload in uploads:
        services.add_photo(complaint=complaint, actor=actor, upload=upload, purpose="evidence")
    if status in NOT_OURS:
        return services.return_to_operator(staff=actor, complaint=complaint, reason=text)
    if complaint.status == S.DISPATCHED:
        complaint = services.accept(staff=actor, complaint=complaint)
        if status in PROGRESS and not text:
            return complaint
    if status in DONE:
        return services.resolve(staff=actor, complaint=complaint, response=text)
    if complaint.status == S.IN_PROGRESS and text:
        return services.respond(staff=actor, complaint=complaint, text=text)
    if complaint.status == S.IN_PROGRESS:
        services.add_event(complaint=complaint, actor=actor, type=Event.Type.UPDATE, public=True)
        return complaint
    raise Open311Error(
        409,
        [
            (
                "status",
                _("Laporan berstatus '%(status)s' tidak dapat diperbarui begini.")
                % {"status": complaint.get_status_display()},
            )
        ],
    )


def apply_update(
    *, region: Region, api_key: ApiKey, data: QueryDict, files: MultiValueDict
) -> Applied:
    """Record the update_id and apply the update in one transaction: a refused update can be
    sent again, an applied one never twice."""
    if api_key.agency_id is None:
        message = _("Kunci API ini tidak terhubung ke OPD, jadi tidak boleh mengirim pembaruan.")
        raise Open311Error(403, [("api_key", message)])
    number, update_id, status = _checked(data, region, api_key)
    complaint = _complaint(region, api_key, number)
    received = ReceivedUpdate.objects.filter(
        region=region, agency_id=api_key.agency_id, update_id=update_id
    )
    already = Open311Error(
        409, [("update_id", _("Pembaruan %(id)s sudah diterima.") % {"id": update_id})]
    )
    if received.exists():
        raise already
    actor = services.Integration(
        region_id=region.id, agency_id=api_key.agency_id, label=api_key.agency.short_name[:120]
    )
    uploads = [f for name in files for f in files.getlist(name)]
    try:
        with transaction.atomic():
            ReceivedUpdate.objects.create(
                region=region,
                agency_id=api_key.agency_id,
                update_id=update_id,
                complaint=complaint,
                api_key=api_key,
                status=status,
                received_at=clock.now(),
            )
            complaint = _apply(complaint, actor, status, data.get("description", ""), uploads)
    except IntegrityError:  # the same update_id raced us on another connection
        raise already from None
    except DomainError as exc:
        raise Open311Error.from_domain(exc) from None
    return Applied(complaint, update_id)
