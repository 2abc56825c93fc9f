"""The deadline of a complaint's current stage, in the region's working time.

Stages, in the order a complaint meets them (budgets from the region, overridable per category):
  verify       submitted or verified: verify and dispose within N working days of submission;
  acknowledge  disposed, not yet acknowledged by the agency's liaison: N minutes of duty time;
  respond      acknowledged: the agency's first substantive response (a `responded` event) within
               N working days of disposition (or of the citizen reopening it);
  resolve      responded: resolved within N working days of disposition, when the region or
               category sets it;
  autoclose    resolved: closed by the sweep N working days later unless the citizen replies.
While the complaint waits for the reporter the clock stops: the deadline is pushed back by the
working time spent waiting, so the stage resumes with exactly the time it had left.

Everything here is recomputed from the complaint and its timeline, so recomputing is idempotent.
"""

from dataclasses import dataclass
from datetime import datetime

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from laksana.common import clock
from laksana.complaints.models import Complaint, Event
from laksana.complaints.models import Status as S
from laksana.regions.calendar import WorkingCalendar, calendar_for
from laksana.regions.models import Region

from .policy import budgets

VERIFY, ACKNOWLEDGE, RESPOND, RESOLVE, AUTOCLOSE = (
    "verify",
    "acknowledge",
    "respond",
    "resolve",
    "autoclose",
)
STAGE_LABELS = {
    VERIFY: gettext_lazy("Verifikasi dan disposisi"),
    ACKNOWLEDGE: gettext_lazy("Konfirmasi disposisi"),
    RESPOND: gettext_lazy("Tanggapan pertama OPD"),
    RESOLVE: gettext_lazy("Penyelesaian"),
    AUTOCLOSE: gettext_lazy("Tutup otomatis"),
}
# Stages a breach of which is the staff's (auto-close is the citizen's silence, not a breach).
BREACHABLE = (VERIFY, ACKNOWLEDGE, RESPOND, RESOLVE)
_TIMELINE = (Event.Type.WAITING, Event.Type.ANSWERED, Event.Type.RESPONDED, Event.Type.REOPENED)
_FIELDS = (
    "status",
    "submitted_at",
    "disposed_at",
    "acknowledged_at",
    "accepted_at",
    "resolved_at",
)


def clock_of(stage: str) -> str:
    return "duty" if stage == ACKNOWLEDGE else "office"


@dataclass(frozen=True)
class Plan:
    """Where a complaint's clock stands: its stage, when the stage began, its budget and the
    working time spent waiting for the reporter since then (all working seconds)."""

    stage: str
    start: datetime | None = None
    budget: float = 0
    paused: float = 0
    waiting: bool = False

    def deadline(self, calendar: WorkingCalendar) -> datetime | None:
        if not self.stage:
            return None
        return calendar.add(self.start, self.budget + self.paused, clock=clock_of(self.stage))


def _state(complaint: Complaint, changes: dict) -> dict:
    state = {name: changes.get(name, getattr(complaint, name)) for name in _FIELDS}
    category = changes.get("category")
    state["category_id"] = category.id if category is not None else complaint.category_id
    return state


def _timeline(complaint: Complaint, event_type: str, now: datetime) -> list[tuple[str, datetime]]:
    rows = []
    if complaint.pk is not None:
        rows = list(
            Event.objects.filter(complaint_id=complaint.pk, type__in=_TIMELINE)
            .order_by("id")
            .values_list("type", "created_at")
        )
    if event_type in _TIMELINE:  # the event of this very transition is not written yet
        rows.append((event_type, now))
    return rows


def plan(region: Region, state: dict, timeline: list[tuple[str, datetime]], now: datetime) -> Plan:
    """The stage a complaint in `state` is in, from its timestamps and timeline (see above)."""
    status = state["status"]
    if status not in (S.SUBMITTED, S.VERIFIED, S.DISPATCHED, S.IN_PROGRESS, S.WAITING, S.RESOLVED):
        return Plan("")
    limits = budgets(region, state["category_id"])
    calendar = calendar_for(region)
    day = calendar.office_day_seconds
    if status == S.RESOLVED:
        if not limits.autoclose_days:
            return Plan("")
        stage, start, budget = AUTOCLOSE, state["resolved_at"], limits.autoclose_days * day
    elif state["disposed_at"] is not None:  # with an agency (or waiting while with one)
        reopened = [at for kind, at in timeline if kind == Event.Type.REOPENED]
        since = max([state["disposed_at"], *reopened])
        responded = any(kind == Event.Type.RESPONDED and at >= since for kind, at in timeline)
        # Accepting a disposition acknowledges it too (the agency has plainly seen it).
        accepted = state["accepted_at"] is not None and state["accepted_at"] >= state["disposed_at"]
        if limits.ack_minutes and state["acknowledged_at"] is None and not accepted:
            stage, start, budget = ACKNOWLEDGE, state["disposed_at"], limits.ack_minutes * 60
        elif not responded:
            stage, start, budget = RESPOND, since, limits.respond_days * day
        elif limits.resolve_days:
            stage, start, budget = RESOLVE, since, limits.resolve_days * day
        else:
            return Plan("")
    else:
        stage, start, budget = VERIFY, state["submitted_at"], limits.verify_days * day
    paused, waiting_since = 0.0, None
    for kind, at in timeline:
        if kind == Event.Type.WAITING:
            waiting_since = at
        elif kind == Event.Type.ANSWERED and waiting_since is not None:
            paused += _paused(calendar, stage, start, waiting_since, at)
            waiting_since = None
    waiting = status == S.WAITING
    if waiting and waiting_since is not None:  # still waiting: the pause runs until now
        paused += _paused(calendar, stage, start, waiting_since, now)
    return Plan(stage, start, budget, paused, waiting)


def _paused(calendar, stage, start, began, ended) -> float:
    began = max(began, start)  # a pause before this stage began does not move its deadline
    return max(0.0, calendar.between(began, ended, clock=clock_of(stage))) if ended > began else 0


def recompute(complaint: Complaint, *, changes: dict, event_type: str, now: datetime) -> dict:
    """The deadline fields to write with a transition, for the complaint as it will be after
    `changes`. Called by the lifecycle services inside their transaction, before the UPDATE."""
    state = _state(complaint, changes)
    stage_plan = plan(complaint.region, state, _timeline(complaint, event_type, now), now)
    deadline = stage_plan.deadline(calendar_for(complaint.region))
    fields = {
        "next_deadline": None if stage_plan.waiting else deadline,
        "deadline_stage": stage_plan.stage,
    }
    # A new stage, or a deadline moved into the future, starts escalation over; a complaint that
    # is still late (e.g. answered after its deadline) keeps its level and is not told twice.
    if stage_plan.stage != complaint.deadline_stage or deadline is None or deadline > now:
        fields["overdue_level"] = 0
    return fields


def for_submission(*, region: Region, category_id: int, submitted_at: datetime) -> dict:
    """The deadline fields of a complaint being submitted (the verify stage)."""
    state = {
        "status": S.SUBMITTED,
        "submitted_at": submitted_at,
        "disposed_at": None,
        "acknowledged_at": None,
        "accepted_at": None,
        "resolved_at": None,
        "category_id": category_id,
    }
    stage_plan = plan(region, state, [], submitted_at)
    return {
        "next_deadline": stage_plan.deadline(calendar_for(region)),
        "deadline_stage": stage_plan.stage,
    }


@dataclass(frozen=True)
class TimeLeft:
    """How much working time the current stage has left (negative: how late it is)."""

    stage: str
    deadline: datetime | None  # None while paused (waiting for the reporter)
    seconds: float
    clock: str
    day_seconds: int
    paused: bool
    past: bool  # the deadline has passed (even if no working time has, e.g. on a Sunday)

    @property
    def overdue(self) -> bool:
        return self.past and not self.paused and self.stage in BREACHABLE

    @property
    def stage_label(self) -> str:
        return str(STAGE_LABELS.get(self.stage, self.stage))

    @property
    def amount(self) -> str:
        """The time left (or late) in words: '2 hari kerja 3 jam', '12 menit'."""
        seconds = abs(self.seconds)
        if seconds < 3600:
            return _("%(n)d menit") % {"n": round(seconds / 60)}
        if self.clock == "duty":  # duty time counts whole hours of the command center's shifts
            hours, rest = divmod(int(seconds), 3600)
            return _("%(h)d jam %(m)d menit") % {"h": hours, "m": rest // 60}
        days, rest = divmod(int(seconds), self.day_seconds)
        hours = rest // 3600
        parts = []
        if days:
            parts.append(_("%(n)d hari kerja") % {"n": days})
        if hours or not days:
            parts.append(_("%(n)d jam") % {"n": hours})
        return " ".join(parts)

    @property
    def label(self) -> str:
        if self.paused:
            return _("Dijeda, menunggu pelapor (sisa %(left)s)") % {"left": self.amount}
        if self.stage == AUTOCLOSE:
            return _("Ditutup otomatis dalam %(left)s") % {"left": self.amount}
        if self.past:
            return _("Terlambat %(late)s") % {"late": self.amount}
        return _("Sisa %(left)s") % {"left": self.amount}


def time_left(complaint: Complaint, *, now: datetime | None = None) -> TimeLeft | None:
    """The working time left in the complaint's current stage, or None when none applies."""
    if not complaint.deadline_stage:
        return None
    now = now or clock.now()
    calendar = calendar_for(complaint.region)
    stage_clock = clock_of(complaint.deadline_stage)
    deadline = complaint.next_deadline
    paused = complaint.status == S.WAITING
    if paused:  # what the deadline would be if the reporter answered right now
        state = _state(complaint, {})
        deadline = plan(complaint.region, state, _timeline(complaint, "", now), now).deadline(
            calendar
        )
    if deadline is None:
        return None
    return TimeLeft(
        stage=complaint.deadline_stage,
        deadline=None if paused else deadline,
        seconds=calendar.between(now, deadline, clock=stage_clock),
        clock=stage_clock,
        day_seconds=calendar.office_day_seconds,
        paused=paused,
        past=not paused and now > deadline,
    )
