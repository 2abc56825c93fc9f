"""The sweep: complaints past their deadline are marked overdue and escalated level by level;
resolved complaints the citizen left silent are closed.

Safe with several workers at once: each escalation is claimed with a conditional UPDATE on the
level, stage and deadline the worker saw (`... .update(overdue_level=new) == 1`), in the same
transaction as its events, so a complaint is escalated once per level however many workers
sweep, and never for a stage a transition has just left. The sweep writes only overdue_level:
status changes (auto-close) go through the lifecycle services.
"""

import logging
from dataclasses import asdict, dataclass
from datetime import datetime

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from laksana.common import clock
from laksana.common.errors import DomainError
from laksana.common.timefmt import local_iso
from laksana.complaints import services
from laksana.complaints.models import ClosingReason, Complaint, Event
from laksana.regions.calendar import calendar_for
from laksana.regions.models import Region

from .deadlines import AUTOCLOSE, STAGE_LABELS, clock_of
from .policy import Level, levels

log = logging.getLogger("laksana.sla")
BATCH = 500


@dataclass
class SweepResult:
    overdue: int = 0
    escalated: int = 0
    closed: int = 0

    def as_dict(self) -> dict:
        return asdict(self)


def sweep(*, now: datetime | None = None) -> SweepResult:
    """Sweep every region (each one a range scan of its (region, next_deadline) index)."""
    now = now or clock.now()
    result = SweepResult()
    for region in Region.objects.all():
        sweep_region(region, now=now, result=result)
    return result


def sweep_region(region: Region, *, now: datetime, result: SweepResult | None = None):
    result = result or SweepResult()
    region_levels = levels(region)
    top = region_levels[-1].level
    due = (
        Complaint.objects.filter(region=region, next_deadline__lte=now)
        .filter(Q(deadline_stage=AUTOCLOSE) | Q(overdue_level__lt=top))
        .select_related("category", "agency")
        .order_by("next_deadline", "id")
    )
    last = None
    while True:  # in batches, by deadline: the index's own order
        batch = list(due.filter(_after(last))[:BATCH])
        for complaint in batch:
            complaint.region = region  # share the region's calendar across the batch
            if complaint.deadline_stage == AUTOCLOSE:
                result.closed += _autoclose(complaint)
            else:
                _escalate(complaint, region_levels, now, result)
        if len(batch) < BATCH:
            return result
        last = (batch[-1].next_deadline, batch[-1].id)


def _after(last) -> Q:
    if last is None:
        return Q()
    deadline, pk = last
    return Q(next_deadline__gt=deadline) | Q(next_deadline=deadline, id__gt=pk)


def _autoclose(complaint: Complaint) -> int:
    try:
        services.close(
            actor=services.System(),
            complaint=complaint,
            reason=ClosingReason.FIXED,
            text=_("Ditutup otomatis: tidak ada tanggapan pelapor setelah laporan selesai."),
        )
    except DomainError:  # reopened, or closed by someone (or another worker) meanwhile
        return 0
    return 1


def _escalate(complaint: Complaint, region_levels, now: datetime, result: SweepResult) -> None:
    calendar = calendar_for(complaint.region)
    stage_clock = clock_of(complaint.deadline_stage)
    reached = [
        level
        for level in region_levels
        if level.level > complaint.overdue_level
        and calendar.add(complaint.next_deadline, level.after_minutes * 60, clock=stage_clock)
        <= now
    ]
    if not reached:
        return
    with transaction.atomic():
        claimed = Complaint.objects.filter(
            pk=complaint.pk,
            overdue_level=complaint.overdue_level,
            deadline_stage=complaint.deadline_stage,
            next_deadline=complaint.next_deadline,
        ).update(overdue_level=reached[-1].level)
        if claimed != 1:
            return  # another worker escalated it, or a transition moved it on
        first = complaint.overdue_level == 0
        for level in reached:
            _announce(complaint, level, first=first)
            if first:
                result.overdue += 1
            else:
                result.escalated += 1
            first = False
        complaint.overdue_level = reached[-1].level


def _announce(complaint: Complaint, level: Level, *, first: bool) -> None:
    """One event per level reached; notify (laksana.notify) tells the level's audience."""
    stage = complaint.deadline_stage
    values = {
        "stage": str(STAGE_LABELS[stage]).lower(),
        "deadline": complaint.next_deadline.astimezone(complaint.region.tz).strftime(
            "%d-%m-%Y %H:%M"
        ),
        "tz": complaint.region.tz_abbreviation,
        "level": level.level,
    }
    if first:
        text = _("Batas waktu %(stage)s lewat (%(deadline)s %(tz)s).") % values
    else:
        text = _("Eskalasi tingkat %(level)s: batas waktu %(stage)s lewat (%(deadline)s %(tz)s).")
        text %= values
    services.add_event(
        complaint=complaint,
        actor=services.System(),
        type=Event.Type.OVERDUE if first else Event.Type.ESCALATED,
        text=text,
        public=False,
        data={
            "stage": stage,
            "deadline": local_iso(complaint.next_deadline, complaint.region),
            "level": level.level,
            "notify": level.notify,
        },
    )
