"""The routing page of the console: the model's accuracy in real use, and its versions."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from laksana.agencies.models import Role
from laksana.agencies.services import Staff
from laksana.console.access import console_view

from .models import RoutingModel
from .usage import real_use

# Region admins and leaders (viewers) and auditors read it; operators see suggestions anyway.
READERS = (Role.REGION_ADMIN, Role.VIEWER, Role.AUDITOR)
PERIOD_DAYS = 30


@console_view(*READERS)
def usage(request: HttpRequest, staff: Staff) -> HttpResponse:
    region = staff.region
    models = list(
        RoutingModel.objects.filter(region=region)
        .order_by("target", "-version")
        .only("target", "version", "trained_at", "samples", "history_samples", "classes")[:10]
    )
    context = {
        "region": region,
        "staff": staff,
        "recent": real_use(region, days=PERIOD_DAYS),
        "overall": real_use(region),
        "models": models,
    }
    return render(request, "routing/usage.html", context)
