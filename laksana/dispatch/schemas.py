"""Request and response shapes of the dispatch API (field officers, assignments, roster)."""

from datetime import date, datetime

from ninja import Schema
from pydantic import Field


class Location(Schema):
    lat: float | None
    lng: float | None
    accuracy_m: float | None
    at: str
    recent: bool


class OfficerOut(Schema):
    id: int
    name: str
    agency: str
    availability: str = Field(description="on_duty | busy | off_duty")
    availability_label: str
    shares_location: bool
    location: Location | None = Field(description="Last shared position (opt-in, while on duty)")
    areas: list[str] = Field(description="Codes of the kecamatan/kelurahan the officer covers")


class AvailabilityIn(Schema):
    availability: str = Field(description="on_duty | busy | off_duty")


class SharingIn(Schema):
    enabled: bool


class PositionIn(Schema):
    lat: float
    lng: float
    accuracy: float | None = Field(None, description="Metres, as the phone reports it")


class AreasIn(Schema):
    areas: list[str]


class TaskComplaint(Schema):
    number: str
    title: str
    status: str
    category: str
    description: str
    address: str
    kelurahan: str | None
    kecamatan: str | None
    lat: float | None
    lng: float | None
    photos: list[str] = Field(
        description="The citizen's photos of the problem (signed addresses, valid for "
        "PHOTO_LINK_MINUTES)"
    )


class Person(Schema):
    id: int
    name: str


class Navigate(Schema):
    geo: str
    web: str


class Contact(Schema):
    name: str
    phone: str


class TaskSeconds(Schema):
    to_start: int | None
    travel: int | None
    on_site: int | None


class CheckInOut(Schema):
    lat: float | None
    lng: float | None
    accuracy_m: float | None
    distance_m: int | None
    far: bool = Field(description="More than 200 m from the complaint (a warning, not a block)")


class TaskOut(Schema):
    id: int
    state: str = Field(description="assigned | en_route | on_site | finished | unable")
    state_label: str
    officer: Person
    agency: str
    instructions: str
    complaint: TaskComplaint
    navigate: Navigate | None
    reporter: Contact | None = Field(
        description="The reporter's name and phone: only for the task's officer while it is open, "
        "never when anonymous, and only with ?include=contact on one task; every such answer is "
        "recorded in the complaint's timeline"
    )
    contact_available: bool = Field(description="Whether ?include=contact would answer")
    assigned_at: str
    started_at: str | None
    arrived_at: str | None
    ended_at: str | None
    seconds: TaskSeconds
    check_in: CheckInOut | None
    outcome: str
    notes: str
    reason: str
    before_photo: str | None
    after_photo: str | None


class CheckInResult(Schema):
    task: TaskOut
    distance_m: int | None
    warning: str = Field(description="'' | far | no_location | no_complaint_location")


class ReasonIn(Schema):
    reason: str


class AssignIn(Schema):
    officers: list[int] = Field(description="Officer ids (from /field/officers)")
    instructions: str = ""


class SuggestionOut(Schema):
    officer: OfficerOut
    basis: str = Field(description="location | area | available")
    distance_m: int | None
    active_tasks: int


class ComplaintFieldOut(Schema):
    number: str
    status: str
    can_assign: bool
    resolve_blocker: str = Field(description="Why it cannot be resolved yet ('' when it can)")
    assignments: list[TaskOut]
    suggestions: list[SuggestionOut]


class ResolveIn(Schema):
    response: str = Field("", description="For the citizen; drafted from the officers' notes")


class DeskOut(Schema):
    id: int
    name: str
    kind: str = Field(description="operators | agency | squad")
    agency: str | None


class ShiftIn(Schema):
    desk: int
    user: int
    starts_at: datetime = Field(description="ISO 8601; without an offset it is the region's time")
    ends_at: datetime


class ShiftOut(Schema):
    id: int
    desk: DeskOut
    person: Person
    starts_at: str
    ends_at: str


class PeriodOut(Schema):
    id: int
    desk: DeskOut
    person: Person
    shift: int | None
    clocked_in_at: str
    clocked_out_at: str | None
    seconds: int


class ClockInIn(Schema):
    desk: int


class GapOut(Schema):
    starts_at: str
    ends_at: str


class OnDutyOut(Schema):
    at: str
    counts: dict[str, int]
    on_duty: list[PeriodOut]
    missing: list[ShiftOut] = Field(description="Planned now but not clocked in")
    officers: list[OfficerOut]


class StatOut(Schema):
    count: int
    median_seconds: int | None
    mean_seconds: int | None


class ShiftStats(PeriodOut):
    acknowledgment: StatOut
    handling: StatOut


class PersonStats(Schema):
    id: int
    name: str
    periods: int
    seconds_on_duty: int
    acknowledgment: StatOut
    handling: StatOut
    outside_duty: int


class FieldStats(Schema):
    officer: Person
    assigned: int
    finished: int
    unable: int
    to_start: StatOut
    travel: StatOut
    on_site: StatOut


class ReportOut(Schema):
    start: str
    end: str
    operators_on_duty: int
    now: OnDutyOut
    acknowledgment: StatOut
    handling: StatOut
    shifts: list[ShiftStats]
    people: list[PersonStats]
    field: list[FieldStats]


class DaysQuery(Schema):
    date_from: date | None = None
    date_to: date | None = None
