"""Console pages where a region admin creates, lists and revokes Open311 API keys."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from laksana.agencies.models import Agency, Role
from laksana.agencies.services import staff_in
from laksana.common.errors import NotFound, ValidationFailed
from laksana.regions.models import Region
from laksana.regions.services import get_region

from .keys import DEFAULT_RATE_LIMIT, create_key, keys_of, revoke_key


def _admin_region(request: HttpRequest, region_slug: str) -> Region:
    """The region if the user administers it: outsiders get 404, other staff 403."""
    try:
        region = get_region(region_slug)
        staff = staff_in(request.user, region)
    except NotFound:
        raise Http404 from None
    if not staff.has(Role.REGION_ADMIN):
        raise PermissionDenied(_("Hanya admin wilayah yang mengelola kunci API."))
    return region


def _page(request, region, *, form=None, errors=None, new_key=None, status=200) -> HttpResponse:
    context = {
        "region": region,
        "keys": keys_of(region),
        "agencies": Agency.objects.filter(region=region, is_active=True),
        "form": form or {"rate_limit": DEFAULT_RATE_LIMIT},
        "errors": errors or {},
        "new_key": new_key,
    }
    response = render(request, "open311/apikeys.html", context, status=status)
    if new_key:
        response["Cache-Control"] = "no-store"  # the key is shown once and must not be cached
    return response


@login_required
@require_http_methods(["GET", "POST"])
def keys(request: HttpRequest, region_slug: str) -> HttpResponse:
    region = _admin_region(request, region_slug)
    if request.method == "GET":
        return _page(request, region)
    form = request.POST
    try:
        rate_limit = int(form.get("rate_limit") or DEFAULT_RATE_LIMIT)
    except ValueError:
        rate_limit = -1
    try:
        api_key, raw = create_key(
            region=region,
            name=form.get("name", ""),
            rate_limit=rate_limit,
            agency_code=form.get("agency") or None,
            created_by=request.user,
        )
    except ValidationFailed as exc:
        return _page(request, region, form=form, errors=exc.fields, status=400)
    return _page(request, region, new_key={"key": raw, "name": api_key.name})


@login_required
@require_POST
def revoke(request: HttpRequest, region_slug: str, key_id: int) -> HttpResponse:
    region = _admin_region(request, region_slug)
    try:
        api_key = revoke_key(region=region, key_id=key_id)
    except NotFound:
        raise Http404 from None
    messages.success(request, _("Kunci %(name)s dicabut.") % {"name": api_key.name})
    return redirect("open311_console:keys", region_slug=region.slug)
