"""{% load sla %} then {{ complaint|time_left }} ("Sisa 2 hari kerja 3 jam", "Terlambat 4 jam",
"Dijeda, menunggu pelapor ...") and {{ complaint|is_overdue }} for a badge or a CSS class."""

from django import template

from laksana.complaints.models import Complaint

from ..services import time_left as compute

register = template.Library()


def _left(complaint: Complaint):
    # Memoised on the instance: a page may ask for the label and the overdue flag.
    if "_sla_time_left" not in complaint.__dict__:
        complaint.__dict__["_sla_time_left"] = compute(complaint)
    return complaint.__dict__["_sla_time_left"]


@register.filter
def time_left(complaint: Complaint) -> str:
    left = _left(complaint)
    return left.label if left else ""


@register.filter
def is_overdue(complaint: Complaint) -> bool:
    left = _left(complaint)
    return bool(left and left.overdue)


@register.filter
def deadline_stage(complaint: Complaint) -> str:
    left = _left(complaint)
    return left.stage_label if left else ""
