"""Who may open which console page. Resolved once per request by `console_view`.

Answers, the same for every page (the permission matrix in tests/test_permissions.py checks them):
- not signed in: redirect to the sign-in page (302), htmx requests get 401;
- signed in without any role in the region (e.g. staff of another region): 404, as if the region's
  data did not exist, so an outsider learns nothing;
- a role in the region but not one the page is for: 403 with a page that says so;
- a complaint the role may not see (another agency's): 404.
"""

from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from laksana.accounts.views import SESSION_LOGIN_AT
from laksana.agencies.models import Role
from laksana.agencies.services import Staff, staff_in
from laksana.common import clock
from laksana.common.errors import NotFound
from laksana.regions.services import get_region

OPERATORS = (Role.REGION_ADMIN, Role.OPERATOR)
HANDLERS = (Role.AGENCY_ADMIN, Role.AGENCY_STAFF)
READERS = (Role.VIEWER, Role.AUDITOR)
CONSOLE_ROLES = (*OPERATORS, *HANDLERS, *READERS)
# Signed-in staff are signed out after this long without a console request.
IDLE_SECONDS = 2 * 3600
_SEEN = "laksana_seen"


def handles_any_agency(staff: Staff, *roles: str) -> bool:
    return any(staff.has_in_agency(a, *(roles or HANDLERS)) for a in staff.agency_ids)


def has_role(staff: Staff, roles: tuple[str, ...]) -> bool:
    agency_roles = tuple(r for r in roles if r in HANDLERS)
    return staff.has(*roles) or (bool(agency_roles) and handles_any_agency(staff, *agency_roles))


def _session_expired(request: HttpRequest) -> bool:
    """Idle for too long, or signed in longer than the session's lifetime: sign out."""
    now = clock.now().timestamp()
    session = request.session
    login_at = session.get(SESSION_LOGIN_AT)
    seen = session.get(_SEEN)
    if (login_at and now - login_at > settings.SESSION_COOKIE_AGE) or (
        seen and now - seen > IDLE_SECONDS
    ):
        return True
    if not seen or now - seen > 60:  # write the session at most once a minute
        session[_SEEN] = now
    return False


def forbidden(request: HttpRequest, staff: Staff | None, message: str) -> HttpResponse:
    region = staff.region if staff else None
    context = {"region": region, "staff": staff, "message": message}
    return render(request, "console/forbidden.html", context, status=403)


def console_view(*roles: str) -> Callable:
    """Decorate a page view(request, staff, ...) for the given roles (default: every console
    role). The region comes from the URL; the view receives the resolved Staff."""
    allowed = roles or CONSOLE_ROLES

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(request: HttpRequest, region_slug: str, *args, **kwargs) -> HttpResponse:
            if not request.user.is_authenticated or _session_expired(request):
                if request.user.is_authenticated:
                    logout(request)
                    messages.info(request, _("Sesi Anda berakhir. Silakan masuk kembali."))
                if request.htmx:
                    return HttpResponse(_("Silakan masuk kembali."), status=401)
                return redirect_to_login(request.get_full_path())
            # As this process last read it (regions.services.get_region): with its working
            # calendar and deadline rules, which every list's countdowns read (two queries).
            try:
                region = get_region(region_slug)
            except NotFound:
                raise Http404(_("Tidak ditemukan.")) from None
            try:
                staff = staff_in(request.user, region)
            except NotFound:
                raise Http404(_("Tidak ditemukan.")) from None
            if not has_role(staff, allowed):
                return forbidden(
                    request, staff, _("Halaman ini bukan untuk peran Anda di wilayah ini.")
                )
            request.staff = staff
            return view(request, staff, *args, **kwargs)

        return wrapper

    return decorate
