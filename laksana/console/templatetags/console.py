"""Template helpers of the console: the role's menu, local times and deadline countdowns."""

from datetime import datetime

from django import template
from django.utils.html import format_html_join
from django.utils.safestring import SafeString, mark_safe

from laksana.agencies.services import Staff, staff_in
from laksana.common.configcache import ConfigCache
from laksana.common.errors import NotFound
from laksana.complaints.media import photo_url
from laksana.regions.models import Region

from .. import rows
from ..navigation import places
from ..options import Options

register = template.Library()


@register.inclusion_tag("console/_nav.html", takes_context=True)
def staff_nav(context) -> dict:
    """The staff menu (navigation.places) and sign-out, on every staff page. Pages that resolved
    the person already pass `staff`; others (the live desk) are resolved here from `region`."""
    request = context.get("request")
    staff: Staff | None = context.get("staff") or getattr(request, "staff", None)
    region = context.get("region")
    if staff is None and region is not None and request is not None:
        try:
            staff = staff_in(request.user, region)
        except NotFound:
            staff = None
    links = places(staff, request.path if request else "") if staff else []
    # A person working for several regions switches between them here; the URL names the region,
    # nothing guesses it.
    others = (
        [
            {"slug": slug, "name": name}
            for pk, slug, name in STAFF_REGIONS.get(staff.user.pk, lambda: _regions_of(staff.user))
            if pk != staff.region.pk
        ]
        if staff
        else []
    )
    return {"links": links, "staff": staff, "request": request, "other_regions": others}


# The regions a person works in, for the menu's switcher: every staff page asked for them (a
# join of memberships and regions), so each process keeps them (laksana.common.configcache;
# dropped at once on a membership or region change in this process). Only the menu reads
# them: every page resolves the person's roles afresh (agencies.services.staff_in).
STAFF_REGIONS = ConfigCache("staff regions", models=("agencies.Membership", "regions.Region"))


def _regions_of(user) -> tuple[tuple[int, str, str], ...]:
    regions = Region.objects.filter(memberships__user=user).distinct().order_by("name")
    return tuple(regions.values_list("pk", "slug", "name"))


@register.filter
def local(moment: datetime | None, region: Region) -> str:
    """A time in the region's own zone, e.g. '27-11-2026 09:05 WIB'."""
    return rows.local(moment, region)


@register.inclusion_tag("console/_deadline.html")
def deadline(complaint) -> dict:
    """The working time left before the complaint's current deadline (rows.deadline)."""
    return rows.deadline(complaint)


_SELECTED = mark_safe(" selected")


@register.simple_tag
def options(choices, selected="") -> SafeString:
    """`<option>` elements of (value, label) pairs, those whose value is `selected` (a value, or a
    list of them) marked selected. Values and labels are escaped as `{{ }}` would escape them.
    One tag instead of a template loop per option: a list's filter form has about 200."""
    if isinstance(selected, list | tuple | set | frozenset):
        chosen = {str(value) for value in selected}
    else:
        chosen = {str(selected)}
    if isinstance(choices, Options):  # the region's, written once per process
        return choices.html(chosen)
    return format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        ((value, _SELECTED if str(value) in chosen else "", label) for value, label in choices),
    )


@register.filter
def photo_src(attachment, region_slug: str = "") -> str:
    """A photo's address for a staff page: signed (complaints.media), so it opens whatever the
    complaint's privacy; the photo view also lets a signed-in staff member who may see the
    complaint open it once the link has expired (a page left open)."""
    return photo_url(attachment, public=False, region_slug=region_slug or None)
