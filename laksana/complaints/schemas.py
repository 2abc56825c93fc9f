"""Request and response shapes of the complaints API, split by purpose and audience."""

from ninja import Schema
from pydantic import BaseModel, Field


class Out(BaseModel):
    """A response shape. The views answer with the plain dicts of present.py, so responses are
    plain pydantic models: ninja's Schema would wrap every value for ORM attribute access, a
    tenth of a 50-row list's time."""


class SubmitIn(Schema):
    category: str = Field(description="Category code, from /regions/{slug}/categories")
    description: str = Field(description="What happened, in the citizen's words (10–4000 chars)")
    kind: str = Field("pengaduan", description="pengaduan | aspirasi | permintaan_informasi")
    lat: float | None = None
    lng: float | None = None
    area: str | None = Field(None, description="Kelurahan/kecamatan code when no coordinates")
    address: str = ""
    name: str = ""
    phone: str = ""
    email: str = ""
    anonymous: bool = Field(False, description="Hide who reported it from the public and agencies")
    confidential: bool = Field(False, description="Hide the whole report from the public")


class SubmitOut(Out):
    number: str
    token: str = Field(description="Secret: the citizen's key to track, rate and reopen")
    track_url: str
    status: str
    created: bool


class EventPublic(Out):
    at: str
    type: str
    label: str
    actor: str
    text: str
    rating: int | None = None  # the stars of a `rated` event: every rating stays in the timeline


class PhotoOut(Out):
    url: str = Field(
        description="Where the photo opens: a plain address for a published complaint's public "
        "photo; otherwise a signed one (`sig`) that opens it for PHOTO_LINK_MINUTES (15 by "
        "default). Read the complaint again for a fresh one."
    )
    purpose: str
    stage: str = ""  # evidence by a field officer: "before" or "after" the work
    label: str = ""  # who took it, in words (the citizen, a field officer before/after, ...)
    at: str | None = None  # when it was added, in the region's time


class ComplaintPublic(Out):
    number: str
    kind: str
    status: str
    status_label: str
    category: str
    category_name: str
    agency: str | None
    kecamatan: str | None
    kelurahan: str | None
    address: str
    lat: float | None
    lng: float | None
    description: str
    reporter: str
    submitted_at: str
    updated_at: str
    rating: int | None
    reopen_until: str | None
    photos: list[PhotoOut]
    timeline: list[EventPublic]


class ReopenIn(Schema):
    reason: str


class RateIn(Schema):
    rating: int
    comment: str = ""


class ReporterOut(Out):
    name: str
    phone: str
    email: str


class EventStaff(Out):
    id: int
    at: str
    type: str
    label: str
    actor: str
    actor_display: str = Field(description="Who, with the agency only when they act for it")
    agency: str | None
    public: bool
    from_status: str
    to_status: str
    text: str
    data: dict


class ComplaintRow(Out):
    number: str
    kind: str
    status: str
    category: str
    agency: str | None
    kelurahan: str | None
    title: str
    priority: int
    channel: str
    submitted_at: str
    updated_at: str
    version: int


class ComplaintPage(Out):
    items: list[ComplaintRow]
    next_cursor: str | None


class GuessOut(Out):
    code: str
    name: str
    confidence: float = Field(description="Calibrated probability, 0-1")
    words: list[str] = Field(description="The words of the report that drove the suggestion most")


class SuggestionOut(Out):
    version: int = Field(description="Version of the region's routing model")
    category: GuessOut | None
    agency: GuessOut | None
    categories: list[GuessOut] = Field(description="Top 3 categories")
    agencies: list[GuessOut] = Field(description="Top 3 agencies")


class ComplaintStaff(ComplaintRow):
    description: str
    address: str
    lat: float | None
    lng: float | None
    kecamatan: str | None
    anonymous: bool
    confidential: bool
    duplicate_of: str | None
    rating: int | None
    rating_comment: str
    reporter: ReporterOut | None = Field(
        description="Only with ?include=contact, and every such answer is recorded in the "
        "timeline (a 'viewed' event: who, when, through the API)"
    )
    contact_available: bool = Field(
        description="Whether you may ask for the reporter's contact details (?include=contact)"
    )
    photos: list[PhotoOut]
    timeline: list[EventStaff]
    suggestion: SuggestionOut | None = Field(
        None,
        description="The routing model's category and agency for the citizen's words (detail "
        "only; null when the region has no model yet)",
    )


class VersionIn(Schema):
    version: int | None = Field(None, description="The version you saw; 409 if it changed since")


class VerifyIn(VersionIn):
    category: str | None = None
    area: str | None = None
    priority: int | None = None
    title: str | None = None


class ReasonIn(VersionIn):
    reason: str


class TextIn(VersionIn):
    text: str


class MergeIn(VersionIn):
    duplicate_of: str


class AcknowledgeIn(VersionIn):
    text: str = ""


class DisposeIn(VersionIn):
    agency: str | None = Field(None, description="Agency code; default: suggested by category")
    note: str = ""


class ForwardIn(VersionIn):
    agency: str
    reason: str


class ResolveIn(VersionIn):
    response: str


class CloseIn(VersionIn):
    reason: str = "fixed"
    text: str = ""


class PrivacyIn(VersionIn):
    anonymous: bool = False
    confidential: bool = False


class ErrorOut(Schema):
    """The API's one error shape (laksana/api.py)."""

    detail: str
    code: str
    fields: dict[str, str] | None = None
