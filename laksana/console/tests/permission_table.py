"""The permission matrix's one table: every staff page and staff API endpoint, who may use
it, and the answer every persona should get (see test_permissions.py)."""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.files.uploadedfile import SimpleUploadedFile

from laksana.agencies.models import Membership
from laksana.complaints import services
from laksana.complaints.tests.images import jpeg_bytes
from laksana.console.models import RejectionTemplate, SavedFilter
from laksana.testing.personas import person

ROLES = [
    "region_admin",
    "operator",
    "agency_admin",
    "agency_staff",
    "field_officer",
    "viewer",
    "auditor",
]
PERSONAS = [*ROLES, "other_region", "anonymous"]
OPS = {"region_admin", "operator"}
HANDLERS = {"agency_admin", "agency_staff"}
CONSOLE = OPS | HANDLERS | {"viewer", "auditor"}
WHOLE_REGION = OPS | {"viewer", "auditor"}
DISPOSED = {"dispatched", "in_progress", "resolved"}


@dataclass
class Ctx:
    """What a case's request may refer to: the complaint, another complaint, the persona."""

    c: object = None
    other: object = None
    user: object = None
    extra: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Endpoint:
    name: str
    method: str
    path: str  # {slug}, {n} (complaint number) and {x} (from setup) are filled in
    allowed: frozenset
    ok: int = 200
    api: bool = False
    page_roles: frozenset = frozenset(CONSOLE)  # the console decorator's roles
    state: str | None = None  # the complaint's status, when the endpoint is about one
    fields: dict = field(default_factory=dict)  # overrides for submitting that complaint
    data: Callable[[Ctx], dict] = lambda ctx: {}
    setup: Callable[[Ctx, object], None] | None = None


def _a_kelurahan(region) -> str:
    from laksana.regions.models import Area

    return Area.objects.filter(region=region, level="kelurahan").values_list("code", flat=True)[0]


def _v(ctx: Ctx, **more) -> dict:
    return {"version": ctx.c.version, **more}


def _photo() -> SimpleUploadedFile:
    return SimpleUploadedFile("bukti.jpg", jpeg_bytes())


def _other_complaint(ctx: Ctx, tangerang) -> None:
    ctx.other = services.submit(
        region=tangerang,
        category_code="JALAN-RUSAK",
        description="Lubang besar di depan SDN 3 Sukarasa makin dalam.",
        lat=-6.1728,
        lng=106.6318,
    ).complaint


def _template(ctx: Ctx, tangerang) -> None:
    ctx.extra["x"] = RejectionTemplate.objects.create(region=tangerang, title="A", text="B").pk


def _saved(ctx: Ctx, tangerang) -> None:
    ctx.extra["x"] = SavedFilter.objects.create(
        region=tangerang, user=ctx.user, name="baru", query="status=submitted"
    ).pk


def _colleague(ctx: Ctx, tangerang) -> None:
    ctx.extra["colleague"] = person("rekan-tng", tangerang, "viewer")
    ctx.extra["membership"] = Membership.objects.get(user=ctx.extra["colleague"]).pk


def _invitation(ctx: Ctx, tangerang) -> None:
    from laksana.testing.personas import staff

    admin = staff("inviter-tng", tangerang, "region_admin")
    from laksana.accounts import staffing

    ctx.extra["invitation"] = staffing.invite(
        admin=admin, email="baru@example.id", role="viewer"
    ).invitation.pk


C = "/{slug}/console/"
L = C + "laporan/{n}/"
A = "/api/v1/regions/{slug}/staff/complaints"
F = frozenset
ADMINDUK = {"category_code": "ADMINDUK", "description": "KTP elektronik belum jadi 3 bulan."}

TABLE = [
    # Console pages
    Endpoint("home", "GET", C, F(CONSOLE)),
    Endpoint("inbox", "GET", C + "kotak-masuk/", F(OPS), page_roles=F(OPS)),
    Endpoint("ready", "GET", C + "siap-disposisi/", F(OPS), page_roles=F(OPS)),
    Endpoint("record", "GET", C + "catat-laporan/", F(OPS), page_roles=F(OPS)),
    Endpoint(
        "record post",
        "POST",
        C + "catat-laporan/",
        F(OPS),
        page_roles=F(OPS),
        data=lambda ctx: {
            "channel": "phone",
            "kind": "pengaduan",
            "category": "JALAN-RUSAK",
            "description": "Penelepon: jalan berlubang di depan pasar sejak minggu lalu.",
            "kelurahan": ctx.extra.get("kelurahan", ""),
        },
        setup=lambda ctx, region: ctx.extra.update(kelurahan=_a_kelurahan(region)),
    ),
    Endpoint("desk", "GET", C + "meja-opd/", F(HANDLERS), page_roles=F(HANDLERS)),
    Endpoint(
        "working", "GET", C + "meja-opd/ditindaklanjuti/", F(HANDLERS), page_roles=F(HANDLERS)
    ),
    Endpoint("list", "GET", C + "laporan/?q=jalan&status=dispatched", F(CONSOLE)),
    Endpoint("complaint", "GET", L, F(CONSOLE), state="dispatched"),
    Endpoint("reject templates", "GET", C + "templat/alasan-tolak/", F(OPS), page_roles=F(OPS)),
    Endpoint(
        "reject template add",
        "POST",
        C + "templat/alasan-tolak/",
        F(OPS),
        ok=302,
        page_roles=F(OPS),
        data=lambda ctx: {"title": "Spam", "text": "Pesan ini bukan laporan."},
    ),
    Endpoint(
        "reject template edit",
        "POST",
        C + "templat/alasan-tolak/{x}/",
        F(OPS),
        ok=302,
        page_roles=F(OPS),
        setup=_template,
        data=lambda ctx: {"title": "Spam", "text": "Bukan laporan."},
    ),
    Endpoint(
        "response templates",
        "GET",
        C + "templat/tanggapan/",
        F({"region_admin", "agency_admin"}),
        page_roles=F({"region_admin", "agency_admin"}),
    ),
    Endpoint(
        "response template add",
        "POST",
        C + "templat/tanggapan/",
        F({"region_admin", "agency_admin"}),
        ok=302,
        page_roles=F({"region_admin", "agency_admin"}),
        data=lambda ctx: {"agency": "PUPR", "title": "Jadwal", "text": "Dijadwalkan pekan ini."},
    ),
    Endpoint(
        "onboarding", "GET", C + "persiapan/", F({"region_admin"}), page_roles=F({"region_admin"})
    ),
    Endpoint(
        "onboarding mark",
        "POST",
        C + "persiapan/",
        F({"region_admin"}),
        ok=302,
        page_roles=F({"region_admin"}),
        data=lambda ctx: {"step": "agencies", "done": "1"},
    ),
    Endpoint("staff", "GET", C + "staf/", F({"region_admin"}), page_roles=F({"region_admin"})),
    Endpoint(
        "staff invite",
        "POST",
        C + "staf/invite/",
        F({"region_admin"}),
        page_roles=F({"region_admin"}),
        data=lambda ctx: {"email": "baru@example.id", "role": "operator"},
    ),
    Endpoint(
        "staff grant",
        "POST",
        C + "staf/grant/",
        F({"region_admin"}),
        ok=302,
        page_roles=F({"region_admin"}),
        setup=_colleague,
        data=lambda ctx: {"user": ctx.extra["colleague"].pk, "role": "auditor"},
    ),
    Endpoint(
        "staff revoke",
        "POST",
        C + "staf/revoke/",
        F({"region_admin"}),
        ok=302,
        page_roles=F({"region_admin"}),
        setup=_colleague,
        data=lambda ctx: {"membership": ctx.extra["membership"]},
    ),
    Endpoint(
        "staff cancel invitation",
        "POST",
        C + "staf/cancel/",
        F({"region_admin"}),
        ok=302,
        page_roles=F({"region_admin"}),
        setup=_invitation,
        data=lambda ctx: {"invitation": ctx.extra["invitation"]},
    ),
    Endpoint(
        "bulk dispose",
        "POST",
        C + "massal/",
        F(OPS),
        page_roles=F(OPS),
        state="verified",
        data=lambda ctx: {"numbers": [ctx.c.number], "mode": "dispose"},
    ),
    Endpoint(
        "save filter",
        "POST",
        C + "filter/",
        F(CONSOLE),
        ok=302,
        data=lambda ctx: {"name": "Baru", "query": "status=submitted"},
    ),
    Endpoint("delete filter", "POST", C + "filter/{x}/hapus/", F(CONSOLE), ok=302, setup=_saved),
    # Console actions on one complaint (plain forms: 302 back to the complaint page)
    Endpoint(
        "verify",
        "POST",
        L + "verify/",
        F(OPS),
        ok=302,
        state="submitted",
        data=lambda ctx: _v(ctx, title="Jalan berlubang", then="dispose"),
    ),
    Endpoint(
        "reject",
        "POST",
        L + "reject/",
        F(OPS),
        ok=302,
        state="submitted",
        data=lambda ctx: _v(ctx, reason_template="Lokasi tidak jelas."),
    ),
    Endpoint(
        "merge",
        "POST",
        L + "merge/",
        F(OPS),
        ok=302,
        state="submitted",
        setup=_other_complaint,
        data=lambda ctx: _v(ctx, duplicate_of=ctx.other.number),
    ),
    Endpoint(
        "acknowledge",
        "POST",
        L + "acknowledge/",
        F(OPS),
        ok=302,
        state="submitted",
        fields={"kind": "aspirasi", "description": "Usul taman bermain di RW 05."},
        data=lambda ctx: _v(ctx, text="Terima kasih."),
    ),
    Endpoint(
        "dispose",
        "POST",
        L + "dispose/",
        F(OPS),
        ok=302,
        state="verified",
        data=lambda ctx: _v(ctx, agency="PUPR"),
    ),
    Endpoint(
        "privacy",
        "POST",
        L + "privacy/",
        F(OPS),
        ok=302,
        state="submitted",
        data=lambda ctx: _v(ctx, anonymous="1"),
    ),
    Endpoint("accept", "POST", L + "accept/", F(HANDLERS), ok=302, state="dispatched", data=_v),
    Endpoint("desk ack", "POST", L + "desk-ack/", F(HANDLERS), ok=302, state="dispatched"),
    Endpoint(
        "return",
        "POST",
        L + "return/",
        F(HANDLERS),
        ok=302,
        state="dispatched",
        data=lambda ctx: _v(ctx, reason="Jalan provinsi."),
    ),
    Endpoint(
        "forward",
        "POST",
        L + "forward/",
        F(HANDLERS),
        ok=302,
        state="dispatched",
        data=lambda ctx: _v(ctx, agency="DLH", reason="Sampah menutup jalan."),
    ),
    Endpoint(
        "respond",
        "POST",
        L + "respond/",
        F(HANDLERS),
        ok=302,
        state="in_progress",
        data=lambda ctx: _v(ctx, text="Dijadwalkan besok."),
    ),
    Endpoint(
        "note",
        "POST",
        L + "note/",
        F(OPS | HANDLERS),
        ok=302,
        state="in_progress",
        data=lambda ctx: _v(ctx, text="Butuh aspal."),
    ),
    Endpoint(
        "ask",
        "POST",
        L + "ask/",
        F(OPS | HANDLERS),
        ok=302,
        state="in_progress",
        data=lambda ctx: _v(ctx, question="Di sisi mana lubangnya?"),
    ),
    Endpoint(
        "evidence",
        "POST",
        L + "evidence/",
        F(OPS | HANDLERS),
        ok=302,
        state="in_progress",
        data=lambda ctx: {"photo": _photo()},
    ),
    Endpoint(
        "resolve",
        "POST",
        L + "resolve/",
        F(HANDLERS),
        ok=302,
        state="in_progress",
        data=lambda ctx: _v(ctx, response="Sudah ditambal.", photo=_photo()),
    ),
    Endpoint(
        "close",
        "POST",
        L + "close/",
        F(OPS),
        ok=302,
        state="resolved",
        fields=ADMINDUK,
        data=lambda ctx: _v(ctx, reason="fixed"),
    ),
    Endpoint(
        "reporter contact",
        "POST",
        L + "reporter/",
        F(OPS | HANDLERS | {"auditor"}),
        state="dispatched",
    ),
    # The JSON API's staff endpoints (complaints/staff_api.py)
    Endpoint("api list", "GET", A + "?status=dispatched", F(CONSOLE | {"field_officer"}), api=True),
    Endpoint("api detail", "GET", A + "/{n}", F(CONSOLE), api=True, state="dispatched"),
    Endpoint(
        "api verify",
        "POST",
        A + "/{n}/verify",
        F(OPS),
        api=True,
        state="submitted",
        data=lambda ctx: _v(ctx, title="Jalan berlubang"),
    ),
    Endpoint(
        "api reject",
        "POST",
        A + "/{n}/reject",
        F(OPS),
        api=True,
        state="submitted",
        data=lambda ctx: _v(ctx, reason="Lokasi tidak jelas."),
    ),
    Endpoint(
        "api merge",
        "POST",
        A + "/{n}/merge",
        F(OPS),
        api=True,
        state="submitted",
        setup=_other_complaint,
        data=lambda ctx: _v(ctx, duplicate_of=ctx.other.number),
    ),
    Endpoint(
        "api acknowledge",
        "POST",
        A + "/{n}/acknowledge",
        F(OPS),
        api=True,
        state="submitted",
        fields={"kind": "aspirasi", "description": "Usul taman bermain di RW 05."},
        data=lambda ctx: _v(ctx, text="Terima kasih."),
    ),
    Endpoint(
        "api dispose",
        "POST",
        A + "/{n}/dispose",
        F(OPS),
        api=True,
        state="verified",
        data=lambda ctx: _v(ctx, agency="PUPR"),
    ),
    Endpoint("api accept", "POST", A + "/{n}/accept", F(HANDLERS), api=True, state="dispatched"),
    Endpoint(
        "api return",
        "POST",
        A + "/{n}/return",
        F(HANDLERS),
        api=True,
        state="dispatched",
        data=lambda ctx: _v(ctx, reason="Jalan provinsi."),
    ),
    Endpoint(
        "api forward",
        "POST",
        A + "/{n}/forward",
        F(HANDLERS),
        api=True,
        state="dispatched",
        data=lambda ctx: _v(ctx, agency="DLH", reason="Sampah menutup jalan."),
    ),
    Endpoint(
        "api respond",
        "POST",
        A + "/{n}/respond",
        F(HANDLERS),
        api=True,
        state="in_progress",
        data=lambda ctx: _v(ctx, text="Dijadwalkan besok."),
    ),
    Endpoint(
        "api note",
        "POST",
        A + "/{n}/note",
        F(OPS | HANDLERS),
        api=True,
        state="in_progress",
        data=lambda ctx: _v(ctx, text="Butuh aspal."),
    ),
    Endpoint(
        "api resolve",
        "POST",
        A + "/{n}/resolve",
        F(HANDLERS),
        api=True,
        state="in_progress",
        fields=ADMINDUK,
        data=lambda ctx: _v(ctx, response="KTP sudah dapat diambil."),
    ),
    Endpoint(
        "api close",
        "POST",
        A + "/{n}/close",
        F(OPS),
        api=True,
        state="resolved",
        fields=ADMINDUK,
        data=lambda ctx: _v(ctx, reason="fixed"),
    ),
    Endpoint(
        "api privacy",
        "POST",
        A + "/{n}/privacy",
        F(OPS),
        api=True,
        state="submitted",
        data=lambda ctx: _v(ctx, confidential=True),
    ),
    Endpoint(
        "api evidence",
        "POST",
        A + "/{n}/evidence",
        F(OPS | HANDLERS),
        ok=201,
        api=True,
        state="in_progress",
        data=lambda ctx: {"photo": _photo()},
    ),
]


def sees(role: str, state: str | None) -> bool:
    """Whether the role can see the table's complaint (agency roles: once disposed to PUPR)."""
    return state is None or role in WHOLE_REGION or (role in HANDLERS and state in DISPOSED)


def expected(endpoint: Endpoint, persona: str) -> int:
    if persona == "anonymous":
        return 401 if endpoint.api else 302
    if persona == "other_region":
        return 404
    if persona in endpoint.allowed:
        return endpoint.ok
    if not endpoint.api and persona not in endpoint.page_roles:
        return 403
    return 403 if sees(persona, endpoint.state) else 404


CASES = [(e, p) for e in TABLE for p in PERSONAS]
