"""Short, readable durations and distances for small screens."""

from datetime import timedelta

from django import template
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def duration(value: timedelta | float | int | None) -> str:
    """'45 dtk', '12 mnt', '1 j 05 mnt', '2 h 3 j' — or '–' when unknown."""
    if value is None:
        return "–"
    seconds = round(value.total_seconds() if isinstance(value, timedelta) else value)
    if seconds < 60:
        return _("%(s)d dtk") % {"s": seconds}
    minutes = seconds // 60
    if minutes < 60:
        return _("%(m)d mnt") % {"m": minutes}
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return _("%(h)d j %(m)02d mnt") % {"h": hours, "m": minutes}
    days, hours = divmod(hours, 24)
    return _("%(d)d h %(h)d j") % {"d": days, "h": hours}


@register.filter
def meters(value: float | int | None) -> str:
    if value is None:
        return "–"
    if value < 1000:
        return f"{round(value)} m"
    return f"{value / 1000:.1f} km".replace(".", ",")
