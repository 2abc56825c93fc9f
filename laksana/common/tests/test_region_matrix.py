"""The region matrix (issue 14): every role of one region against every way into the other.

Region A (Kota Contoh) attacks region B (Kota Tangerang); both are filled with one of everything
(laksana.testing.regiondata). The routes are not listed by hand: every operation of the API's
OpenAPI schema and every URL pattern of Django's resolver that takes a region or an object id is
requested, with B's region and B's ids (and with A's region and B's ids), by every role of A, with
every method it answers and a plausible body. No answer may be a 5xx, no 2xx may hold any of B's
secrets, and afterwards not one row of the database may have changed but A's own bookkeeping.

A route whose parameters the matrix cannot fill fails the test, so coverage cannot shrink unseen.
The figures (requests, routes, roles) are printed in pytest's terminal summary.
"""

import json
import re
import time
from datetime import timedelta
from urllib.parse import urlencode

import pytest
from django.apps import apps
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from laksana.api import api
from laksana.complaints.tests.images import jpeg_bytes
from laksana.console.views.actions import ACTIONS as CONSOLE_ACTIONS
from laksana.reports.exports import REPORTS as REPORT_EXPORTS
from laksana.testing.personas import (
    CONTOH_DIR,
    IN_CONTOH,
    IN_TANGERANG,
    TANGERANG_DIR,
    ensure_region,
)
from laksana.testing.regiondata import ROLES, World, populate

# Committed data: the live streams check access on their own thread pool's connection.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.xdist_group("region-matrix")]

API = "/api/v1/"
# Values of the path segments that name an action rather than an object.
ACTIONS = {
    ("act", "action"): sorted({*CONSOLE_ACTIONS, "reporter"}),
    ("task_action", "action"): ["start", "check-in", "finish", "unable"],
    ("staff_manage", "operation"): ["invite", "grant", "revoke", "cancel"],
}
# Rows the requests may write without changing anything of B's: sign-in failures and rate-limit
# logs of A's own address, A's sessions, the cache table.
# Ways in that still leak, each an open item of issue 14 fixed elsewhere: listed so the rest of the
# matrix keeps guarding; once fixed, the test fails until its line here goes.

# Downloads every visitor may take (open data): their content is checked for secrets like a page.
OPEN_DATA = ("/transparansi/data.csv", "/transparansi/opd/PUPR/data.csv")
KNOWN: dict[str, str] = {}  # prefix -> the open issue that lets it leak, while it does
# Admin models of the whole installation (no region): filled with whatever rows exist.
GLOBAL = {"sla.periodicjob", "django_tasks_database.dbtaskresult"}
BOOKKEEPING = {"sessions.session", "accounts.loginfailure", "accounts.loginattempt"}


# ---------------------------------------------------------------- routes


def _walk(resolver, prefix="", names=()):
    for p in resolver.url_patterns:
        if isinstance(p, URLResolver):
            yield from _walk(p, prefix + str(p.pattern), names)
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern), p


_PARAM = re.compile(r"<(?:(\w+):)?(\w+)>|\(\?P<(\w+)>[^)]*\)")


def django_routes() -> list[tuple[str, str, list[str]]]:
    """(template, url name, parameter names) of every pattern outside the API that takes one."""
    routes = []
    for raw, pattern in _walk(get_resolver()):
        if raw.startswith("api/v1/"):
            continue  # the API is enumerated from its OpenAPI schema, with methods and bodies
        template = raw.replace("(?:\\.(?P<fmt>json|xml))?", ".(?P<fmt>json|xml)")
        names = [m.group(2) or m.group(3) for m in _PARAM.finditer(template)]
        if not names:
            continue
        template = _PARAM.sub(lambda m: "{" + (m.group(2) or m.group(3)) + "}", template)
        template = "/" + template.replace("^", "").replace("$", "").replace("\\.", ".")
        routes.append((template, pattern.name or pattern.callback.__name__, names))
    return routes


def api_operations() -> list[tuple[str, str, dict]]:
    schema = api.get_openapi_schema(path_prefix=API)
    ops = []
    for path, methods in schema["paths"].items():
        for method, op in methods.items():
            ops.append((method.upper(), path, op))
    return ops, schema


# ---------------------------------------------------------------- values of B


def _b_rows(model, b: World):
    """B's rows of a model registered in the admin: by its region, its complaint, or its user."""
    names = {f.name for f in model._meta.get_fields()}
    qs = model._default_manager.all()
    if model._meta.label_lower == "regions.region":
        return qs.filter(pk=b.region.pk)
    if model._meta.label_lower == "auth.user":
        return qs.filter(pk__in=b.user_ids)
    for path in ("region", "complaint__region", "policy__region", "desk__region"):
        if path.split("__")[0] in names:
            return qs.filter(**{path: b.region})
    if "user" in names:
        return qs.filter(user__in=b.user_ids)
    return qs.none()


class Filler:
    """The values a parameter takes in the matrix; None where it cannot be filled."""

    def __init__(self, a: World, b: World):
        self.a, self.b = a, b
        c = b.complaints
        self.numbers = [c["confidential"].number, c["submitted"].number, c["public"].number]
        self.admin_models = {
            f"{m._meta.app_label}_{m._meta.model_name}": m for m in admin.site._registry
        }

    def values(self, route_name: str, param: str, template: str) -> list[str] | None:
        a, b = self.a, self.b
        key = (route_name, param)
        if key in ACTIONS:
            return ACTIONS[key]
        if param == "action" and "/field/tasks/" in template:
            return ACTIONS[("task_action", "action")]
        by_name = {
            "number": self.numbers,
            "task_id": [str(i) for i in b.task_ids],
            "officer_id": [str(i) for i in b.officer_ids],
            "shift_id": [str(i) for i in b.shift_ids],
            "desk_id": [str(i) for i in b.desk_ids],
            "key_id": [str(b.open311_key_id)],
            "token_id": [str(i) for i in b.api_token_ids],
            "agency_code": ["PUPR"],
            "code": ["JALAN-RUSAK"] if "/services/" in template else ["PUPR"],
            "fmt": ["csv", "xlsx"] if "/statistik/" in template else ["json"],
            "report": sorted(REPORT_EXPORTS),
            # Secret tokens are credentials: the attacker holds A's own, never B's.
            "token": [
                a.invitation_token if "undangan" in template else a.tracking_tokens["public"]
            ],
            "uidb64": [urlsafe_base64_encode(force_bytes(i)) for i in b.user_ids[:1]],
            "attachment_id": [str(i) for i in b.photo_ids],
            "ext": b.photo_exts,
            "row": [str(i) for i in b.lapor_row_ids],
        }
        if param in by_name:
            return by_name[param]
        if param == "pk":
            if "filter" in template:
                return [str(i) for i in b.filter_ids]
            if "alasan-tolak" in template:
                return [str(i) for i in b.rejection_template_ids]
            if "tanggapan" in template:
                return [str(i) for i in b.response_template_ids]
            if "sp4n-lapor" in template:
                return [str(i) for i in b.lapor_import_ids]
            if "/ekspor/tugas/" in template:
                return [str(i) for i in b.export_job_ids]
            return None
        if param == "path":
            if template.startswith("/media/"):
                return b.photo_paths
            if template.startswith("/open311/"):
                return ["requests/" + self.numbers[0]]
            return None
        if param == "object_id":
            found = re.match(r"/admin/(\w+)/(\w+)/\{object_id\}/", template)
            if found:
                model = apps.get_model(found[1], found[2])
                rows = _b_rows(model, b) if model._meta.label_lower not in GLOBAL else None
                if rows is None:  # the installation's own rows: no region to cross
                    rows = model._default_manager.all()
                pks = [str(pk) for pk in rows.values_list("pk", flat=True)[:1]]
                return pks or (["0"] if model._meta.label_lower in GLOBAL else None)
            if route_name == "view_on_site":
                return [str(b.complaints["confidential"].pk)]
            return None
        if param == "app_label":
            return sorted({m._meta.app_label for m in admin.site._registry})
        if param == "url" and template == "/admin/{url}":
            return ["nothing-here/"]
        if param == "content_type_id":
            from django.contrib.contenttypes.models import ContentType

            from laksana.complaints.models import Complaint

            return [str(ContentType.objects.get_for_model(Complaint).pk)]
        return None

    def form(self, url: str) -> dict:
        """One plausible body for any form: every field a Laksana form reads, with B's ids."""
        b = self.b
        c = b.complaints["confidential"]
        for complaint in b.complaints.values():
            if complaint.number in url:
                c = complaint
        start = timezone.now() + timedelta(days=2)
        return {
            "version": c.version,
            "reason": "Uji matriks wilayah.",
            "text": "Uji matriks wilayah.",
            "response": "Uji matriks wilayah.",
            "question": "Uji matriks wilayah?",
            "note": "Uji matriks wilayah.",
            "title": "Uji matriks",
            "name": "Uji matriks",
            "description": "Uji matriks wilayah: jalan berlubang di depan pasar.",
            "agency": "PUPR",
            "category": "JALAN-RUSAK",
            "kind": "pengaduan",
            "channel": "phone",
            "email": "matriks@example.id",
            "role": "viewer",
            "user": b.user_ids[0],
            "user_id": b.user_ids[0],
            "membership": b.user_ids[0],
            "invitation": b.invitation_id,
            "numbers": self.numbers,
            "mode": "dispose",
            "duplicate_of": b.complaints["public"].number,
            "into": b.complaints["public"].number,
            "anonymous": "1",
            "confidential": "1",
            "priority": 1,
            "rating": 3,
            "comment": "Uji.",
            "outcome": "fixed",
            "notes": "Uji.",
            "lat": IN_TANGERANG[0],
            "lng": IN_TANGERANG[1],
            "accuracy": 10,
            "desk": b.desk_ids[0],
            "officers": b.officer_ids,
            "officer": b.officer_ids[0],
            "areas": [],
            "availability": "available",
            "enabled": "1",
            "starts_at": start.isoformat(),
            "ends_at": (start + timedelta(hours=4)).isoformat(),
            "query": "status=submitted",
            "post": "yes",  # the admin's delete confirmation
            "photo": SimpleUploadedFile("bukti.jpg", jpeg_bytes(), content_type="image/jpeg"),
        }


def _json_body(op: dict, schema: dict, form: dict):
    content = op.get("requestBody", {}).get("content", {})
    if not content:
        return None, None
    ctype, media = next(iter(content.items()))
    ref = media["schema"].get("$ref")
    props = schema["components"]["schemas"][ref.split("/")[-1]] if ref else media["schema"]
    body = {}
    for name, prop in props.get("properties", {}).items():
        if name in form:
            value = form[name]
        elif "enum" in prop:
            value = prop["enum"][0]
        else:
            value = {"integer": 1, "number": 1.0, "boolean": True, "array": []}.get(
                prop.get("type"), "uji"
            )
        body[name] = value
    if ctype == "application/json":
        body.pop("photo", None)
        return ctype, json.dumps(body, default=str)
    return ctype, body


# ---------------------------------------------------------------- state of the database


def snapshot(b: World) -> dict:
    """Every row of B's, by model: its region's, its complaints', its people's."""
    from laksana.complaints.models import Complaint

    complaints = set(Complaint.objects.filter(region=b.region).values_list("pk", flat=True))
    users = set(b.user_ids)
    state = {}
    for model in apps.get_models():
        label = model._meta.label_lower
        if label in BOOKKEEPING or not model._meta.managed:
            continue
        rows = {}
        for r in model._default_manager.order_by("pk").values():
            pk = r.get("id", r.get("pk"))
            if (
                r.get("region_id") == b.region.pk
                or r.get("policy_id") == b.region.pk
                or r.get("complaint_id") in complaints
                or r.get("user_id") in users
                or (label == "regions.region" and pk == b.region.pk)
                or (label == "auth.user" and pk in users)
            ):
                rows[pk] = r
        state[label] = rows
    return state


# What a citizen may do to any region: hand in a complaint. Its rows, and the counters it moves.
INTAKE_COUNTERS = {
    "regions.region": {"complaint_seq"},
    "complaints.statuscount": {"count"},
    "live.tally": {"value"},
    "live.streamhead": {"events"},
}


def changes_to_b(before: dict, after: dict) -> list[str]:
    """Rows of B added, changed or deleted, less new complaints handed in publicly (and theirs)."""
    new = set(after["complaints.complaint"]) - set(before["complaints.complaint"])
    reporters = {after["complaints.complaint"][pk]["reporter_id"] for pk in new}
    changes = []
    for label, rows in after.items():
        old = before.get(label, {})
        for pk, row in rows.items():
            if label == "complaints.complaint" and pk in new:
                continue
            if row.get("complaint_id") in new or (
                label == "complaints.reporter" and pk in reporters
            ):
                continue
            if pk not in old:
                changes.append(f"{label} #{pk} added: {str(row)[:300]}")
            elif old[pk] != row:
                changed = {k: (old[pk][k], v) for k, v in row.items() if old[pk].get(k) != v}
                if new and set(changed) <= INTAKE_COUNTERS.get(label, set()):
                    continue
                changes.append(f"{label} #{pk} changed: {str(changed)[:300]}")
        changes.extend(f"{label} #{pk} deleted" for pk in old.keys() - rows.keys())
    return changes


# ---------------------------------------------------------------- the matrix


def _clients(a: World) -> dict[str, Client]:
    clients = {}
    for role in ROLES:
        client = Client(raise_request_exception=False)
        client.force_login(a.people[role].user)
        clients[role] = client
    clients["anonymous"] = Client(raise_request_exception=False)
    citizen = Client(raise_request_exception=False)
    citizen.get(f"/{a.slug}/lacak/{a.tracking_tokens['public']}/")  # holds A's own link
    clients["citizen"] = citizen
    clients["api-token"] = Client(
        raise_request_exception=False,
        headers={"Authorization": f"Bearer {a.api_tokens['operator']}"},
    )
    return clients


def _expand(template: str, params: dict[str, list[str]]) -> list[str]:
    urls = [template]
    for name, values in params.items():
        urls = [u.replace("{" + name + "}", v) for u in urls for v in values]
    return urls


@pytest.fixture
def worlds(settings):
    settings.RATE_LIMIT_EXEMPT_ADDRESSES = frozenset({"127.0.0.1"})
    a = populate(ensure_region(CONTOH_DIR), IN_CONTOH, "KTC")
    b = populate(ensure_region(TANGERANG_DIR), IN_TANGERANG, "TNG")
    yield a, b
    # The streams checked access on the live pool's threads: their connections must not keep
    # PostgreSQL from dropping the test database.
    from laksana.live import pool

    pool.close_connections()


def test_no_role_of_one_region_reads_or_changes_anything_of_the_other(worlds, record_property):
    a, b = worlds
    filler = Filler(a, b)
    clients = _clients(a)
    unfilled, problems = [], []
    requests = 0
    routes = set()

    def send(role: str, method: str, url: str, body=None, ctype=None) -> None:
        nonlocal requests
        requests += 1
        client = clients[role]
        kwargs = {}
        if body is not None and ctype and ctype != "multipart/form-data":
            kwargs["content_type"] = ctype
        if method == "GET":
            response = client.get(url)
        else:
            response = getattr(client, method.lower())(url, data=body or {}, **kwargs)
        where = f"{role} {method} {url}"
        if response.status_code >= 500:
            problems.append(f"{where}: {response.status_code}")
        if 200 <= response.status_code < 300:
            open_data = url.split("?")[0].endswith(OPEN_DATA)
            if response.streaming and not open_data:  # a stream or a file: not B's
                if names_b(url):
                    problems.append(f"{where}: {response.status_code} opens B's stream or file")
                response.close()
                return
            # Open data (the transparency download) is public by design: read like a page.
            body = b"".join(response.streaming_content) if response.streaming else response.content
            text = body.decode(errors="replace")
            leaked = sorted(s for s in b.secrets if s in text)
            if leaked:
                problems.append(f"{where}: {response.status_code} shows {leaked[:5]}")

    def read_only(url: str) -> bool:
        """Writes go to the confidential and the new complaint; the public one is only read."""
        return b.complaints["public"].number in url

    def names_b(url: str) -> bool:
        return url.startswith(f"/{b.slug}/") or any(
            x in url for x in [*filler.numbers, *b.photo_paths, f"jurisdiction_id={b.slug}"]
        )

    before = snapshot(b)
    cpu = time.process_time()
    staff_roles = [*ROLES, "anonymous", "citizen"]

    # Every page, panel, stream, Open311 route and admin page with a region or an id.
    for template, name, params in django_routes():
        values = {}
        for param in params:
            if param == "region_slug":
                continue
            found = filler.values(name, param, template)
            if not found:
                unfilled.append(f"{template} ({name}): {param}")
            values[param] = found or []
        if any(not v for v in values.values()):
            continue
        slugs = [b.slug, a.slug] if "region_slug" in params else [None]
        routes.add(template)
        for slug in slugs:
            base = template.replace("{region_slug}", slug) if slug else template
            for url in _expand(base, values):
                if url.startswith("/open311/"):
                    roles = [*staff_roles]
                    for jurisdiction in (b.slug, a.slug):
                        q = urlencode({"jurisdiction_id": jurisdiction})
                        for role in roles:
                            send(role, "GET", f"{url}?{q}")
                            body = {
                                **filler.form(url),
                                "jurisdiction_id": jurisdiction,
                                "api_key": a.open311_key,
                                "service_code": "JALAN-RUSAK",
                                "service_request_id": b.complaints["confidential"].number,
                                "status": "closed",
                            }
                            if not read_only(url):
                                send(role, "POST", url, body)
                    continue
                for role in staff_roles:
                    send(role, "GET", url)
                    if not read_only(url):
                        send(role, "POST", url, filler.form(url))

    # Every API operation, by its schema.
    ops, schema = api_operations()
    api_roles = [*staff_roles, "api-token"]
    for method, path, op in ops:
        params = [p for p in op.get("parameters", []) if p["in"] == "path"]
        query = {
            "include": "contact",
            "q": b.complaints["confidential"].number,
            "desk": b.desk_ids[0],
            "user": b.user_ids[0],
            "agency": "PUPR",
        }
        query = {
            p["name"]: query[p["name"]]
            for p in op.get("parameters", [])
            if p["in"] == "query" and p["name"] in query
        }
        values = {}
        for p in params:
            if p["name"] == "slug":
                continue
            found = filler.values(op["operationId"], p["name"], path)
            if not found:
                unfilled.append(f"{method} {path}: {p['name']}")
            values[p["name"]] = found or []
        if any(not v for v in values.values()):
            continue
        routes.add(f"{method} {path}")
        slugs = [b.slug, a.slug] if "{slug}" in path else [None]
        for slug in slugs:
            base = path.replace("{slug}", slug) if slug else path
            for url in _expand(base, values):
                if method != "GET" and read_only(url):
                    continue
                if query:
                    url = f"{url}?{urlencode(query)}"
                ctype, body = _json_body(op, schema, filler.form(url))
                for role in api_roles:
                    send(role, method, url, body, ctype)

    # The API's patterns in Django's resolver are all in the schema (none escapes the matrix).
    schema_paths = {re.sub(r"\{\w+\}", "{}", p) for p in schema["paths"]}
    for template, _name, _params in _api_resolver_routes():
        if template not in schema_paths:
            unfilled.append(f"{template}: not in the OpenAPI schema")

    changes = changes_to_b(before, snapshot(b))
    figures = (
        f"region matrix: {requests} requests, {len(routes)} routes, "
        f"{len(clients)} roles of {a.slug} against {b.slug} "
        f"({time.process_time() - cpu:.0f} s of CPU)"
    )
    record_property("figures", figures)
    print(figures)
    assert not unfilled, "routes the matrix cannot fill in:\n" + "\n".join(unfilled)
    known = [
        p for p in problems if any(p.split(": ")[0].split(" ")[2].startswith(k) for k in KNOWN)
    ]
    assert not [p for p in problems if p not in known], (
        f"{len(problems)} answers:\n" + "\n".join(p for p in problems if p not in known)[:8000]
    )
    for prefix, why in KNOWN.items():
        assert any(f" {prefix}" in p for p in known), (
            f"{prefix} is fixed ({why}): drop it from KNOWN"
        )
    assert not changes, f"{len(changes)} rows changed:\n" + "\n".join(changes[:60])
    assert requests > 2000 and len(routes) > 100, figures


def _api_resolver_routes():
    for raw, pattern in _walk(get_resolver()):
        if raw.startswith("api/v1/") and raw not in ("api/v1/", "api/v1/openapi.json"):
            if raw == "api/v1/docs":
                continue
            template = "/" + re.sub(r"<(?:\w+:)?\w+>", "{}", raw)
            yield template, pattern.name, []


def test_the_matrix_fills_every_route_it_finds():
    """The enumeration itself: a pattern with an unknown parameter is caught, not skipped."""
    templates = {t for t, _n, _p in django_routes()}
    assert "/{region_slug}/console/laporan/{number}/" in templates
    assert "/open311/v2/requests/{number}.{fmt}" in templates
    assert any(t.startswith("/admin/complaints/complaint/") for t in templates)
    assert resolve("/kota-tangerang/live/stream/").url_name == "wall_stream"
