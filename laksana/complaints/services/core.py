"""Shared machinery of the lifecycle: actors, locking, permission checks, events, counters."""

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import F, Q
from django.utils.translation import gettext as _

from laksana.agencies.models import Role
from laksana.agencies.services import Staff
from laksana.common import clock
from laksana.common.errors import (
    Conflict,
    Forbidden,
    InvalidTransition,
    NotFound,
    ValidationFailed,
)

from .. import hooks
from ..models import (
    Complaint,
    Event,
    StatusCount,
)

MAX_DESCRIPTION = 4000
MIN_DESCRIPTION = 10
MAX_TEXT = 4000
REOPEN_WORKING_DAYS = 10
OPERATORS = (Role.OPERATOR, Role.REGION_ADMIN)
# Event types that always come with a status change (written only by their transitions).
STATUS_EVENTS = {
    "submitted",
    "verified",
    "rejected",
    "merged",
    "acknowledged",
    "disposed",
    "accepted",
    "returned",
    "resolved",
    "reopened",
    "closed",
    "waiting",
    "answered",
}
HANDLERS = (Role.AGENCY_ADMIN, Role.AGENCY_STAFF)


@dataclass(frozen=True)
class Citizen:
    """The reporter, acting through the secret token of their tracking link."""

    label: str = "Pelapor"


@dataclass(frozen=True)
class System:
    """Laksana itself (auto-close, imports)."""

    label: str = "Sistem"


@dataclass(frozen=True)
class Integration:
    """An agency's own system (through a region API key) acting for that agency."""

    region_id: int
    agency_id: int | None
    label: str = "Sistem OPD"


Actor = Staff | Citizen | System | Integration


# ---------------------------------------------------------------------------------------------
# Finding complaints


def get_by_token(token: str) -> Complaint:
    complaint = (
        Complaint.objects.select_related("region", "category", "agency", "area")
        .filter(token_hash=hash_token(token or ""))
        .first()
    )
    if complaint is None:
        raise NotFound(_("Laporan tidak ditemukan. Periksa kembali tautan pelacakan Anda."))
    return complaint


def visible_to(staff: Staff):
    """The complaints a staff member may see: the whole region for operators, admins, viewers and
    auditors; their agencies' complaints for agency roles; the ones assigned to them for field
    officers (dispatch's Assignment, by its related name); nothing else."""
    qs = Complaint.objects.filter(region=staff.region)
    if staff.sees_whole_region:
        return qs
    handler_agencies = [a for a in staff.agency_ids if staff.has_in_agency(a, *HANDLERS)]
    visible = Q(agency_id__in=handler_agencies)
    if any(Role.FIELD_OFFICER in roles for roles in staff.agency_roles.values()):
        assigned = Complaint.objects.filter(field_assignments__officer__user=staff.user)
        visible |= Q(pk__in=assigned.values("pk"))
    return qs.filter(visible)


def get_for_staff(staff: Staff, number: str) -> Complaint:
    complaint = (
        visible_to(staff)
        .select_related("region", "category", "agency", "area", "reporter")
        .filter(number=number)
        .first()
    )
    if complaint is None:
        raise NotFound(_("Laporan %(number)s tidak ditemukan.") % {"number": number})
    return complaint


# ---------------------------------------------------------------------------------------------
# Transitions


@contextmanager
def _editing(complaint: Complaint, version: int | None) -> Iterator[Complaint]:
    with transaction.atomic():
        fresh = (
            Complaint.objects.select_for_update(of=("self",))
            .select_related("region", "category", "agency")
            .get(pk=complaint.pk)
        )
        if version is not None and fresh.version != version:
            raise Conflict(
                _("Laporan %(number)s baru saja diubah oleh orang lain. Muat ulang lalu coba lagi.")
                % {"number": fresh.number},
                code="stale",
            )
        yield fresh


def _require(allowed: bool, message: str | None = None) -> None:
    if not allowed:
        raise Forbidden(message or _("Anda tidak berwenang melakukan tindakan ini."))


def _require_state(complaint: Complaint, allowed: tuple[str, ...], action: str) -> None:
    if complaint.status not in allowed:
        raise InvalidTransition(
            _("Laporan berstatus '%(status)s' tidak dapat %(action)s.")
            % {"status": complaint.get_status_display(), "action": action}
        )


def _is_operator(actor: Actor) -> bool:
    return isinstance(actor, Staff) and actor.has(*OPERATORS)


def _is_handler(actor: Actor, complaint: Complaint) -> bool:
    if isinstance(actor, Integration):
        return actor.region_id == complaint.region_id and (
            actor.agency_id is None or actor.agency_id == complaint.agency_id
        )
    return isinstance(actor, Staff) and actor.has_in_agency(complaint.agency_id, *HANDLERS)


def _text(value: str | None, *, field: str, required: bool = True) -> str:
    errors: dict = {}
    value = _clean_text(value, field=field, limit=MAX_TEXT, errors=errors, required=required)
    if errors:
        raise ValidationFailed(errors[field], fields=errors)
    return value


def _counts(region_id: int, *changes: tuple[int | None, str, int]) -> list[tuple[str, list]]:
    """The status counters' upsert for (agency, status, delta) changes, as (sql, params) for the
    event's hot-row statement (live.services.record_event): these rows are as hot as the head."""
    deltas: dict[tuple[int, str], int] = {}
    for agency_id, status, delta in changes:
        deltas[(agency_id or 0, status)] = deltas.get((agency_id or 0, status), 0) + delta
    rows = sorted((key, status, n) for (key, status), n in deltas.items() if n)
    if not rows:
        return []
    table = StatusCount._meta.db_table
    values = ", ".join(["(%s, %s, %s, %s)"] * len(rows))
    sql = (
        f"INSERT INTO {table} (region_id, agency_key, status, count) VALUES {values} "
        f"ON CONFLICT (region_id, agency_key, status) DO UPDATE SET count = {table}.count + "
        "excluded.count"
    )
    return [(sql, [p for key, status, n in rows for p in (region_id, key, status, n)])]


def _actor_fields(actor: Actor) -> dict:
    if isinstance(actor, Staff):
        user = actor.user
        return {"actor": user, "actor_label": (user.get_full_name() or user.get_username())[:120]}
    return {"actor": None, "actor_label": actor.label}


def _event(
    complaint,
    *,
    actor,
    type,
    from_status="",
    to_status="",
    text="",
    public=True,
    data=None,
    agency=None,
    counts: list[tuple[str, list]] = (),
    prepared: list | None = None,
) -> Event:
    subscribers = hooks.subscribers()
    if prepared is None:  # reads of the subscribers (notify's endpoints), before the hot rows
        prepared = prepare_event(complaint.region_id)
    event = Event(
        region_id=complaint.region_id,
        complaint=complaint,
        type=type,
        from_status=from_status,
        to_status=to_status,
        agency=agency if agency is not None else complaint.agency,
        is_public=public,
        text=text,
        data=data or {},
        created_at=clock.now(),
        **_actor_fields(actor),
    )
    # The subscribers' hot rows (live: the region's stream head, then the room's counters) and
    # the status counters (`counts`, from _counts), with the event row.
    about = {"type": type, "agency": agency, "data": data}
    heads = [h for s in subscribers if (h := s.head(complaint, **about)) is not None]
    writes = [w for s in subscribers for w in s.rows(complaint, **about)]
    _insert_event(event, heads[0] if heads else None, [*writes, *counts])
    # Then in the same transaction: notify's outbox rows, live's publication after the commit.
    by_citizen = isinstance(actor, Citizen)
    for subscriber, ready in zip(subscribers, prepared, strict=True):
        subscriber.written(event, complaint, by_citizen=by_citizen, prepared=ready)
    return event


def prepare_event(region_id: int) -> list:
    """What the event subscribers read before an event of the region is written (see
    hooks.EventSubscriber.prepare); a caller may take it before its own transaction."""
    return [s.prepare(region_id) for s in hooks.subscribers()]


def _insert_event(
    event: Event, head: tuple[str, list] | None, writes: list[tuple[str, list]]
) -> None:
    """Insert `event` after taking the region's stream head and running the other hot writes.

    The head's row lock queues every event-writing transaction of the region until the holder
    commits; taken before the event id is allocated, it keeps the region's event ids in commit
    order (resumable streams, see laksana.live). What the holder does between taking it and its
    commit bounds the region's throughput, so on PostgreSQL all of it is one statement: the
    INSERT selects from the head's WITH clause (the head is locked before the id is drawn) and
    the other writes run after it (PostgreSQL completes unread data-modifying WITH clauses last).
    SQLite has one writer at a time anyway: the same steps one by one.
    """
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            for sql, params in [head, *writes] if head else writes:
                cursor.execute(sql, params)
        event.save(force_insert=True)
        return
    fields = [f for f in Event._meta.local_concrete_fields if not f.primary_key]
    qn = connection.ops.quote_name
    columns = ", ".join(qn(f.column) for f in fields)
    # Each value cast to its column's type: nothing depends on how parameters are bound.
    values = ", ".join(f"%s::{f.db_type(connection)}" for f in fields)
    clauses = [f"w{i} AS ({sql})" for i, (sql, _params) in enumerate(writes)]
    if head:
        clauses.insert(0, f"head AS ({head[0]} RETURNING region_id)")
    sql = (
        (f"WITH {', '.join(clauses)} " if clauses else "")
        + f"INSERT INTO {qn(Event._meta.db_table)} ({columns}) SELECT {values}"
        + (" FROM head" if head else "")
        + f" RETURNING {qn(Event._meta.pk.column)}"
    )
    params = [*(head[1] if head else []), *(p for _sql, ps in writes for p in ps)]
    params += [f.get_db_prep_save(f.pre_save(event, True), connection) for f in fields]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        event.pk = cursor.fetchone()[0]
    event._state.adding, event._state.db = False, connection.alias


def _change(
    complaint: Complaint,
    *,
    actor: Actor,
    type: str,
    to_status: str | None = None,
    text: str = "",
    public: bool = True,
    data: dict | None = None,
    event_agency=None,
    **changes,
) -> Complaint:
    """Apply one change to a locked complaint: conditional update, counters, the event."""
    now = clock.now()
    old_status, old_agency = complaint.status, complaint.agency_id
    new_status = to_status or old_status
    changes.update(status=new_status, updated_at=now)
    # Deadlines (the policy sla registers): every transition recomputes the current stage's
    # deadline in working time, written by this same UPDATE so it never disagrees with the status.
    policy = hooks.deadline_policy()
    changes.update(policy.recompute(complaint, changes=changes, event_type=type, now=now))
    updated = Complaint.objects.filter(pk=complaint.pk, version=complaint.version).update(
        version=F("version") + 1, **changes
    )
    if updated != 1:
        raise Conflict(_("Laporan baru saja diubah oleh orang lain. Muat ulang lalu coba lagi."))
    for name, value in changes.items():
        setattr(complaint, name, value)
    complaint.version += 1
    if "agency" in changes:
        complaint.agency_id = changes["agency"].id if changes["agency"] else None
    counts = _counts(
        complaint.region_id,
        (old_agency, old_status, -1),
        (complaint.agency_id, new_status, +1),
    )
    _event(
        complaint,
        actor=actor,
        type=type,
        from_status=old_status if new_status != old_status else "",
        to_status=new_status if new_status != old_status else "",
        text=text,
        public=public,
        data=data,
        agency=event_agency,
        counts=counts,
    )
    return complaint


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _clean_text(value: str | None, *, field: str, limit: int, errors: dict, required: bool = False):
    value = (value or "").strip()
    if required and not value:
        errors[field] = _("Wajib diisi.")
    elif len(value) > limit:
        errors[field] = _("Terlalu panjang: paling banyak %(n)d karakter.") % {"n": limit}
    return value
