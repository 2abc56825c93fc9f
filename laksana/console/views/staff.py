"""Region admins manage their staff in the console: invitations and roles. Invitees accept
through a one-time link, creating their account (or adding the role to the signed-in one)."""

from django.contrib import messages
from django.contrib.auth import login
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from laksana.accounts import staffing
from laksana.accounts.models import Invitation
from laksana.accounts.views import SESSION_LOGIN_AT
from laksana.agencies.models import Agency, Role
from laksana.agencies.services import Staff
from laksana.common import clock
from laksana.common.errors import DomainError, NotFound
from laksana.regions.services import get_region

from ..access import console_view
from .queues import list_url


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _page(request, staff: Staff, *, error: str = "", link: str = "", status: int = 200):
    region = staff.region
    context = {
        "region": region,
        "staff": staff,
        "members": staffing.members(region),
        "invitations": Invitation.objects.filter(
            region=region, accepted_at__isnull=True, revoked_at__isnull=True
        )
        .select_related("agency")
        .order_by("-created_at"),
        "roles": Role.choices,
        "agencies": Agency.objects.filter(region=region, is_active=True),
        "error": error,
        "link": link,
        "posted": request.POST,
    }
    return render(request, "console/staff.html", context, status=status)


@console_view(Role.REGION_ADMIN)
def members(request: HttpRequest, staff: Staff) -> HttpResponse:
    return _page(request, staff)


@console_view(Role.REGION_ADMIN)
def manage(request: HttpRequest, staff: Staff, operation: str) -> HttpResponse:
    """invite / grant / revoke / cancel: one staffing service call each."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    data = request.POST
    try:
        if operation == "invite":
            invited = staffing.invite(
                admin=staff,
                email=data.get("email", ""),
                role=data.get("role", ""),
                agency_id=_int(data.get("agency")),
                name=data.get("name", ""),
            )
            link = request.build_absolute_uri(
                reverse(
                    "console:invitation",
                    kwargs={"region_slug": staff.region.slug, "token": invited.token},
                )
            )
            # The link is shown once (only its hash is kept): the admin passes it on.
            return _page(request, staff, link=link)
        if operation == "grant":
            staffing.grant_role(
                admin=staff,
                user_id=_int(data.get("user")) or 0,
                role=data.get("role", ""),
                agency_id=_int(data.get("agency")),
            )
            messages.success(request, _("Peran ditambahkan."))
        elif operation == "revoke":
            staffing.revoke_role(admin=staff, membership_id=_int(data.get("membership")) or 0)
            messages.success(request, _("Peran dicabut."))
        elif operation == "cancel":
            staffing.revoke_invitation(admin=staff, invitation_id=_int(data.get("invitation")) or 0)
            messages.success(request, _("Undangan dibatalkan."))
        else:
            raise Http404
    except DomainError as exc:
        return _page(request, staff, error=str(exc.detail), status=exc.status)
    return redirect(list_url(staff, "staff"))


def invitation(request: HttpRequest, region_slug: str, token: str) -> HttpResponse:
    """Open to anyone holding the link: the token is the permission."""
    region = get_region_or_404(region_slug)
    try:
        invited = staffing.open_invitation(token)
    except NotFound:
        raise Http404 from None
    if invited.region_id != region.id:
        raise Http404
    error, fields = "", {}
    if request.method == "POST":
        try:
            user = staffing.accept_invitation(
                token=token,
                user=request.user if request.user.is_authenticated else None,
                username=request.POST.get("username", ""),
                password=request.POST.get("password", ""),
                full_name=request.POST.get("name", ""),
            )
        except DomainError as exc:
            error, fields = str(exc.detail), exc.fields
        else:
            if not request.user.is_authenticated:
                login(request, user, backend="django.contrib.auth.backends.ModelBackend")
                request.session[SESSION_LOGIN_AT] = clock.now().timestamp()
            messages.success(request, _("Selamat bergabung. Peran Anda sudah aktif."))
            return redirect(reverse("console:home", kwargs={"region_slug": region.slug}))
    context = {
        "region": region,
        "invitation": invited,
        "error": error,
        "fields": fields,
        "posted": request.POST,
    }
    return render(request, "console/invitation.html", context, status=422 if error else 200)


def get_region_or_404(slug: str):
    try:
        return get_region(slug)
    except NotFound:
        raise Http404 from None
