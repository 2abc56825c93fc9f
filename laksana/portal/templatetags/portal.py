"""Template helpers of the citizen pages."""

from datetime import datetime

from django import template
from django.utils import formats, timezone

register = template.Library()


def _local(value: datetime | str) -> datetime:
    # present.public_view gives ISO strings; models give datetimes. Both shown in the active zone,
    # which every portal view sets to the region's.
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return timezone.localtime(value)


@register.filter
def when(value: datetime | str | None) -> str:
    """A moment in the reader's language and the region's zone: '3 Des 2026, 14.05 WIB'."""
    if not value:
        return ""
    local = _local(value)
    return f"{formats.date_format(local, 'DATETIME_FORMAT')} {local.tzname()}"


@register.filter
def day(value: datetime | str | None) -> str:
    return formats.date_format(_local(value), "DATE_FORMAT") if value else ""


@register.filter
def of_purpose(photos: list[dict], purpose: str) -> list[dict]:
    """The photos of one purpose: the citizen's ("report") or the handling's ("evidence")."""
    return [p for p in photos or [] if p.get("purpose") == purpose]
