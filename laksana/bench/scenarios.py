"""What the bench measures: one small entry per scenario (name, URL builder, auth, target).

Scenarios whose pages are built on other branches (operator inbox, Open311, live wall) are listed
too: when their URL answers 404 they are reported as pending, never faked.

The live scenario (LIVE) is not a request/response figure: laksana.live.latency opens its SSE
clients on the running bench server and times each commit's delivery to every one of them.
"""

import json
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import quote, urlencode

# Issue 20: targets are ratios to the stack limit measured in the same run (laksana.bench.limit),
# since absolute times on the shared machine move by 2x from one day to the next.
READ_LIMIT_RATIO = 2.0  # ours ÷ limit, at p50 and at p99
INTAKE_RATE_LIMIT_RATIO = 0.5  # ours ÷ limit throughput at least this
INTAKE_P99_LIMIT_RATIO = 3.0
LIVE_P99_LIMIT_RATIO = 1.5
# The embedded default (SQLite, one worker) serving a small region's burst of submissions.
SQLITE_INTAKE = "intake_sqlite"
# Its reads (item 5 of issue 20): each read held against a limit page, and that limit page, served
# from the same SQLite file by one worker each; the same names with this prefix.
SQLITE = "sqlite."
SQLITE_INTAKE_P99_TARGET_MS = 1000.0
GROWTH_TARGET = 1.5
RSS_TARGET_MB = 200.0
# Issue 18: every report page and export of a month answers within a second.
REPORT_TARGET_MS = 1000.0


@dataclass(frozen=True)
class Read:
    name: str
    paths: Callable[[dict], list[str]]
    auth: str  # "token" (Bearer), "session" (cookie) or "none"
    target_ms: float | None = None  # an absolute target where no limit scenario compares
    pending: str = ""  # which piece of work brings the page, when it answers 404
    peer: str | None = None  # the peer scenario it is compared with
    first_byte: bool = False  # time to the response's head (streamed exports), not its end
    limit: str | None = None  # the stack limit's scenario it is held within READ_LIMIT_RATIO of


def _staff_list(c: dict) -> list[str]:
    base = f"/api/v1/regions/{c['region']}/staff/complaints"
    return [f"{base}?{urlencode({'status': s, 'category': cat})}" for s, cat in c["filters"]]


def _staff_list_deep(c: dict) -> list[str]:
    return [f"/api/v1/regions/{c['region']}/staff/complaints?cursor={c['deep_cursor']}"]


def _detail(c: dict) -> list[str]:
    return [f"/api/v1/regions/{c['region']}/staff/complaints/{c['long_timeline']}"]


def _track(c: dict) -> list[str]:
    return [f"/api/v1/track/{token}" for token in c["track_tokens"]]


def _inbox(c: dict) -> list[str]:
    return [f"/{c['region']}/console/kotak-masuk/"]


def _inbox_deep(c: dict) -> list[str]:
    # The console's list of every complaint, a page deep in the data (same keyset cursor).
    return [f"/{c['region']}/console/laporan/?after={c['deep_cursor']}"]


def _open311(c: dict) -> list[str]:
    query = urlencode(
        {"jurisdiction_id": c["region"], "page_size": 1000, "start_date": "2000-01-01"}
    )
    return [f"/open311/v2/requests.json?{query}"]


def _wall(c: dict) -> list[str]:
    return [f"/api/v1/regions/{c['region']}/live/wall"]


def _report(path: str) -> Callable[[dict], list[str]]:
    return lambda c: [f"/{c['region']}/console/statistik/{path}"]


def _month(path: str) -> Callable[[dict], list[str]]:
    """A report of the last whole month (prepare's `month`, inside the rolled-up weeks)."""
    return lambda c: [f"/{c['region']}/console/statistik/{path}month={c['month']}"]


def _public(path: str) -> Callable[[dict], list[str]]:
    return lambda c: [f"/{c['region']}/transparansi/{path.format(**c)}"]


A_25, A_50, B_25, PAGE_1000 = (
    "limit.api_page_25",
    "limit.api_page_50",
    "limit.template_page_25",
    "limit.api_page_1000",
)
READS = [
    # Laksana's staff list answers 50 rows a page: held against the limit's page of 50.
    Read("staff_list_filtered", _staff_list, "token", peer="ticket_list", limit=A_50),
    Read(
        "staff_list_deep_page", _staff_list_deep, "token", peer="ticket_list_deep_page", limit=A_50
    ),
    Read("complaint_detail_50_events", _detail, "token", limit=A_25),
    Read("public_track", _track, "none", limit=A_25),
    Read(
        "operator_inbox_first_page",
        _inbox,
        "session",
        pending="staff console (issue 5)",
        limit=B_25,
    ),
    Read(
        "operator_inbox_deep_page",
        _inbox_deep,
        "session",
        pending="staff console (issue 5)",
        limit=B_25,
    ),
    Read("portal_home", lambda c: [f"/{c['region']}/"], "none", limit=B_25),
    Read("portal_list", lambda c: [f"/{c['region']}/laporan/"], "none", limit=B_25),
    Read("open311_requests_1000", _open311, "none", pending="Open311 (issue 3)", limit=PAGE_1000),
    Read("live_wall_initial_data", _wall, "session", pending="live room (issue 9)", limit=B_25),
    # The reports (issue 18) read the daily aggregates the bench's preparation rolls up; no
    # limit page compares with them, so they keep the absolute second.
    Read("report_agency_performance_30d", _report("?period=30d"), "session", REPORT_TARGET_MS),
    Read("report_trends_30d", _report("tren/?period=30d"), "session", REPORT_TARGET_MS),
    Read(
        "report_performance_xlsx_30d",
        _report("ekspor/kinerja.xlsx?period=30d"),
        "session",
        REPORT_TARGET_MS,
    ),
    Read("report_monthly_pdf", _report("bulanan/?format=pdf"), "session", REPORT_TARGET_MS),
    # A whole month: the trends page (with the density map and hot spots), and the first byte
    # of its exports (CSV is streamed; XLSX and PDF are built before their first byte).
    Read("report_trends_month", _month("tren/?"), "session", REPORT_TARGET_MS),
    Read(
        "report_performance_csv_month_first_byte",
        _month("ekspor/kinerja.csv?"),
        "session",
        REPORT_TARGET_MS,
        first_byte=True,
    ),
    Read(
        "report_trends_csv_month_first_byte",
        _month("ekspor/tren.csv?"),
        "session",
        REPORT_TARGET_MS,
        first_byte=True,
    ),
    Read(
        "report_monthly_xlsx_first_byte",
        _month("bulanan/?format=xlsx&"),
        "session",
        REPORT_TARGET_MS,
        first_byte=True,
    ),
    Read("transparency_region_30d", _public(""), "none", REPORT_TARGET_MS),
    Read("transparency_agency_30d", _public("opd/{agency}/"), "none", REPORT_TARGET_MS),
    # Not named by issue 20; held against the template page like the other console pages.
    Read("console_home_leaders", lambda c: [f"/{c['region']}/console/"], "session", limit=B_25),
]


# --- the stack limit (laksana.bench.limit): the same server, settings and table, bare -----------


def _limit_api(size: int) -> Callable[[dict], list[str]]:
    def paths(c: dict) -> list[str]:
        base = f"/limit/api/regions/{c['region']}/complaints?limit={size}"
        return [base, f"{base}&cursor={c['deep_cursor']}"]  # a first and a deep page in turn

    return paths


def _limit_template(c: dict) -> list[str]:
    base = f"/limit/{c['region']}/page/"
    return [base, f"{base}?after={c['deep_cursor']}"]


LIMIT_READS = [
    Read(A_25, _limit_api(25), "none"),
    Read(A_50, _limit_api(50), "none"),
    Read(B_25, _limit_template, "none"),
    Read(PAGE_1000, lambda c: [f"/limit/api/regions/{c['region']}/complaints-1000"], "none"),
]
LIMIT_INTAKE = "limit.insert_two_rows"  # (c), the comparison of "intake"
LIMIT_LIVE = "limit.sse_fanout"  # (d), the comparison of LIVE


def limit_intake_requests(context: dict) -> list[dict]:
    """The same bodies as Laksana's intake, to the limit's two-row insert."""
    path = f"/limit/api/regions/{context['region']}/submissions"
    return [dict(r, path=path) for r in intake_requests(context)]


@dataclass(frozen=True)
class Live:
    """Commit → delivery on the region's wall stream: `clients` SSE streams held open on the
    bench server while `events` complaints are committed one after another (p50/p99 over every
    delivery to every client; the target is on p99)."""

    name: str
    clients: int
    events: int
    quick_events: int
    limit: str = "limit.sse_fanout"  # held within LIVE_P99_LIMIT_RATIO of it at p99
    pending: str = "live room (issue 9)"

    def stream(self, context: dict) -> str:
        return f"/{context['region']}/live/stream/"


LIVE = Live("live_sse_commit_to_delivery", clients=1000, events=20, quick_events=10)


def headers(auth: str, context: dict) -> dict:
    if auth == "token":
        return {"Authorization": f"Bearer {context['token']}"}
    if auth == "session":
        return {"Cookie": f"sessionid={context['session']}"}
    return {}


def intake_requests(context: dict) -> list[dict]:
    path = f"/api/v1/regions/{context['region']}/complaints"
    return [
        {
            "method": "POST",
            "path": path,
            "headers": {"Content-Type": "application/json"},
            "body": json.dumps(body),
        }
        for body in context["intake"]
    ]


# --- the peer: django-helpdesk, on the equivalent operations ---------------------------------


def _helpdesk_query(status: list[int]) -> str:
    import base64

    query = {
        "filtering": {"status__in": status},
        "filtering_null": {},
        "sorting": "created",
        "sortreverse": True,
        "search_string": "",
    }
    return base64.b64encode(json.dumps(query).encode()).decode()


def peer_reads(size: int) -> dict[str, str]:
    """The helpdesk's staff ticket list data (as its list page loads it), first and deep page,
    and its dashboard; all open and closed statuses so the page is as full as ours."""
    query = quote(_helpdesk_query([1, 2, 3, 4]), safe="")
    deep = int(size * 0.9)
    return {
        "ticket_list": f"/helpdesk/datatables_ticket_list/{query}?draw=1&start=0&length=50",
        "ticket_list_deep_page": (
            f"/helpdesk/datatables_ticket_list/{query}?draw=1&start={deep}&length=50"
        ),
        "dashboard": "/helpdesk/dashboard/",
    }


def peer_intake(context: dict, peer: dict) -> list[dict]:
    return [
        {
            "method": "POST",
            "path": "/helpdesk/api/tickets/",
            "headers": {
                "Content-Type": "application/json",
                "Authorization": f"Token {peer['token']}",
            },
            "body": json.dumps(
                {
                    "queue": peer["queue"],
                    "title": body["description"][:60],
                    "description": body["description"],
                    "submitter_email": "warga@example.id",
                    "priority": 3,
                }
            ),
        }
        for body in context["intake"]
    ]
