"""The routing model in real use: every suggestion shown is recorded, and the lifecycle's events
say whether it was taken, so "suggestion accuracy in real use" is a figure (issue 19).

- shown: `record_shown` when a person is shown a suggestion for an undecided complaint (the
  verification form, the staff API, bulk acceptance), once per complaint and model version;
- taken: `UsageEvents` (an EventSubscriber, registered in RoutingConfig.ready) fills in, in the
  event's own transaction, whether the verification kept the suggested category, whether the
  first disposition went to the suggested agency, and which agency finally accepted it after any
  forwards and returns (the status itself is only ever written by the lifecycle);
- the figure: `real_use(region)`, shares over the region's records.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models import BooleanField, Count, ExpressionWrapper, F, Q

from laksana.common import clock
from laksana.complaints.hooks import EventSubscriber
from laksana.complaints.models import Complaint, Status
from laksana.regions.models import Region

from .models import ShownSuggestion

UNDECIDED = (Status.SUBMITTED, Status.VERIFIED)


def record_shown(complaint: Complaint, suggestion, via: str) -> None:
    """One record per complaint and model version; showing it again changes nothing."""
    if suggestion is None or complaint.status not in UNDECIDED:
        return
    if ShownSuggestion.objects.filter(complaint=complaint, version=suggestion.version).exists():
        return
    category, agency = suggestion.category, suggestion.agency
    try:
        with transaction.atomic():  # a savepoint: a race on the unique pair loses nothing
            ShownSuggestion.objects.create(
                region_id=complaint.region_id,
                complaint=complaint,
                version=suggestion.version,
                via=via,
                category=category.code if category else "",
                category_confidence=category.confidence if category else None,
                agency=agency.code if agency else "",
                agency_confidence=agency.confidence if agency else None,
                shown_at=clock.now(),
            )
    except IntegrityError:
        pass  # shown at the same moment on another screen: already recorded


class UsageEvents(EventSubscriber):
    """Whether a shown suggestion was taken, from the events that decide it: one UPDATE of the
    complaint's few records (its own index), in the event's transaction."""

    def written(self, event, complaint, *, by_citizen: bool, prepared) -> None:
        records = ShownSuggestion.objects.filter(complaint_id=complaint.pk)
        if event.type == "verified":
            code = complaint.category.code
            records.filter(category_taken__isnull=True).exclude(category="").update(
                category_taken=ExpressionWrapper(Q(category=code), output_field=BooleanField())
            )
        elif event.type == "disposed":
            # The operator's own choice is the first disposition; after a return the agency
            # that sent it back has already said the choice was wrong (final_agency shows it).
            code = complaint.agency.code
            records.filter(agency_taken__isnull=True).exclude(agency="").update(
                agency_taken=ExpressionWrapper(Q(agency=code), output_field=BooleanField())
            )
        elif event.type == "accepted":
            records.filter(final_agency="").update(final_agency=complaint.agency.code)


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def real_use(region: Region, *, days: int | None = None) -> dict:
    """The region's suggestion accuracy in real use (optionally over the last `days`): how many
    were shown, the share whose category and agency the operator took, and the share whose top
    agency is the one that finally accepted the complaint (after forwards and returns)."""
    qs = ShownSuggestion.objects.filter(region=region)
    if days:
        qs = qs.filter(shown_at__gte=clock.now() - timedelta(days=days))
    n = qs.aggregate(
        shown=Count("id"),
        category_decided=Count("id", filter=Q(category_taken__isnull=False)),
        category_taken=Count("id", filter=Q(category_taken=True)),
        agency_decided=Count("id", filter=Q(agency_taken__isnull=False)),
        agency_taken=Count("id", filter=Q(agency_taken=True)),
        final_known=Count("id", filter=~Q(final_agency="") & ~Q(agency="")),
        final_agrees=Count("id", filter=~Q(final_agency="") & Q(agency=F("final_agency"))),
    )
    return {
        **n,
        "days": days,
        "category_taken_share": _share(n["category_taken"], n["category_decided"]),
        "agency_taken_share": _share(n["agency_taken"], n["agency_decided"]),
        "final_agency_top1": _share(n["final_agrees"], n["final_known"]),
    }


def table(figure: dict) -> list[str]:
    """The figure as lines of the `laksana routing evaluate` table."""

    def pct(value: float | None) -> str:
        return "n/a" if value is None else f"{value:.3f}"

    period = f"last {figure['days']} days" if figure.get("days") else "all time"
    return [
        f"Suggestion accuracy in real use ({period}): {figure['shown']} suggestions shown",
        f"  category taken at verification   {pct(figure['category_taken_share']):>6} "
        f"of {figure['category_decided']}",
        f"  agency taken at disposition      {pct(figure['agency_taken_share']):>6} "
        f"of {figure['agency_decided']}",
        f"  top-1 = agency that accepted it  {pct(figure['final_agency_top1']):>6} "
        f"of {figure['final_known']} (after forwards and returns)",
    ]
