"""A new region's checklist for its admin (issue 17, item 3): each step links to where it is
done; a step counts as done when the data shows it (a liaison invited, a key made, a complaint
accepted) or when the admin marks it, and the marks are kept."""

from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from laksana.agencies.models import Membership, Role
from laksana.agencies.services import Staff
from laksana.common import clock
from laksana.complaints.models import Complaint
from laksana.notify.models import WebhookEndpoint
from laksana.open311.models import ApiKey
from laksana.regions.models import Region
from laksana.sla.models import DayOverride

from ..access import console_view
from ..models import OnboardingStep


@dataclass(frozen=True)
class Step:
    key: str
    label: str
    url: str
    shown: bool  # what the data says
    marked: bool  # what the admin said

    @property
    def done(self) -> bool:
        return self.shown or self.marked


def steps(region: Region) -> list[Step]:
    slug = region.slug
    marked = set(OnboardingStep.objects.filter(region=region).values_list("step", flat=True))
    members = Membership.objects.filter(region=region)
    rows = [
        (
            "agencies",
            _("Periksa OPD dan kontaknya"),
            f"/admin/agencies/agency/?region__id__exact={region.pk}",
            False,
        ),
        (
            "staff",
            _("Undang operator dan petugas penghubung OPD"),
            reverse("console:staff", kwargs={"region_slug": slug}),
            members.filter(role=Role.OPERATOR).exists()
            and members.filter(role=Role.AGENCY_STAFF).exists(),
        ),
        (
            "categories",
            _("Periksa kategori, OPD tujuan dan batas waktu"),
            f"/admin/agencies/category/?region__id__exact={region.pk}",
            False,
        ),
        (
            "holidays",
            _("Hari libur khusus daerah"),
            "/admin/sla/dayoverride/",
            DayOverride.objects.filter(policy_id=region.pk).exists(),
        ),
        (
            "channels",
            _("Kanal pemberitahuan (webhook sistem lain)"),
            "/admin/notify/webhookendpoint/",
            WebhookEndpoint.objects.filter(region=region, is_active=True).exists(),
        ),
        (
            "open311",
            _("Kunci Open311 untuk aplikasi lain"),
            reverse("open311_console:keys", kwargs={"region_slug": slug}),
            ApiKey.objects.filter(region=region, revoked_at__isnull=True).exists(),
        ),
        (
            "first_complaint",
            _("Kirim laporan uji dan ikuti sampai diterima OPD"),
            reverse("portal:report", kwargs={"region_slug": slug}),
            Complaint.objects.filter(region=region, accepted_at__isnull=False).exists(),
        ),
    ]
    return [Step(key, label, url, shown, key in marked) for key, label, url, shown in rows]


@console_view(Role.REGION_ADMIN)
def checklist(request: HttpRequest, staff: Staff) -> HttpResponse:
    region = staff.region
    if request.method == "POST":
        key = request.POST.get("step", "")
        if key in {s.key for s in steps(region)}:
            if request.POST.get("done") == "1":
                OnboardingStep.objects.get_or_create(
                    region=region,
                    step=key,
                    defaults={"done_at": clock.now(), "done_by": request.user},
                )
            else:
                OnboardingStep.objects.filter(region=region, step=key).delete()
        return redirect(reverse("console:onboarding", kwargs={"region_slug": region.slug}))
    found = steps(region)
    context = {
        "region": region,
        "staff": staff,
        "steps": found,
        "done": sum(s.done for s in found),
        "total": len(found),
    }
    return render(request, "console/onboarding.html", context)
