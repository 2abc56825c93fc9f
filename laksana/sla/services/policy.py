"""Reading a region's deadline rules: its calendar, its budgets per stage (with the category's
overrides) and its escalation levels. Regions without settings get the national defaults."""

from dataclasses import dataclass

from laksana.regions.calendar import WorkingCalendar
from laksana.regions.models import Region

from ..models import Audience, CategoryPolicy, DayOverride, EscalationLevel, RegionPolicy

STAGE_FIELDS = ("verify_days", "ack_minutes", "respond_days", "resolve_days", "autoclose_days")


@dataclass(frozen=True)
class Budgets:
    verify_days: int
    ack_minutes: int
    respond_days: int
    resolve_days: int | None
    autoclose_days: int


@dataclass(frozen=True)
class Level:
    level: int
    after_minutes: int
    notify: str


# Level 1 is the breach itself; level 2 one working day (8 office hours) later.
DEFAULT_LEVELS = (
    Level(1, 0, Audience.AGENCY_ADMINS),
    Level(2, 480, Audience.COMMAND_CENTER),
)


def region_policy(region: Region) -> RegionPolicy:
    """The region's saved settings, or unsaved defaults; loaded once per Region instance."""
    cached = region.__dict__.get("_sla_policy")
    if cached is None:
        cached = RegionPolicy.objects.filter(region=region).first() or RegionPolicy(region=region)
        region.__dict__["_sla_policy"] = cached
    return cached


def load_calendar(region: Region) -> WorkingCalendar:
    """The region's working calendar from its settings (installed as the regions app's loader)."""
    policy = region_policy(region)
    days = dict(DayOverride.objects.filter(policy_id=region.pk).values_list("date", "kind"))
    return WorkingCalendar(
        tz=region.tz,
        weekend=policy.weekend_days,
        national_holidays=policy.national_holidays,
        days_off=frozenset(d for d, kind in days.items() if kind == DayOverride.Kind.OFF),
        days_on=frozenset(d for d, kind in days.items() if kind == DayOverride.Kind.WORK),
        office=(policy.office_start, policy.office_end),
        duty=(policy.duty_start, policy.duty_end) if policy.duty_start is not None else None,
    )


def budgets(region: Region, category_id: int | None) -> Budgets:
    """The budgets of a category, kept per Region instance (so once per request or job: the
    reports' rollup asks for them at every event it replays)."""
    cached = region.__dict__.setdefault("_sla_budgets", {})
    if category_id not in cached:
        cached[category_id] = _budgets(region, category_id)
    return cached[category_id]


def _budgets(region: Region, category_id: int | None) -> Budgets:
    policy = region_policy(region)
    values = {name: getattr(policy, name) for name in STAGE_FIELDS}
    override = CategoryPolicy.objects.filter(category_id=category_id).first()
    if override is not None:
        for name in STAGE_FIELDS:
            if getattr(override, name) is not None:
                values[name] = getattr(override, name)
    return Budgets(**values)


def levels(region: Region) -> tuple[Level, ...]:
    cached = region.__dict__.get("_sla_levels")
    if cached is None:
        rows = EscalationLevel.objects.filter(policy_id=region.pk).order_by("level")
        cached = tuple(Level(r.level, r.after_minutes, r.notify) for r in rows) or DEFAULT_LEVELS
        region.__dict__["_sla_levels"] = cached
    return cached


def load_policy(region: Region, directory) -> RegionPolicy | None:
    """Save the region's stage budgets from the file region.json names as `policy`, the first
    time only: a region admin's later edits are kept. Unknown keys are refused."""
    import json
    from pathlib import Path

    directory = Path(directory)
    manifest = json.loads((directory / "region.json").read_text(encoding="utf-8"))
    if not manifest.get("policy"):
        return None
    values = json.loads((directory / manifest["policy"]).read_text(encoding="utf-8"))
    unknown = set(values) - set(STAGE_FIELDS)
    if unknown:
        raise ValueError(f"{manifest['policy']}: unknown keys {sorted(unknown)}")
    policy, _created = RegionPolicy.objects.get_or_create(region=region, defaults=values)
    region.__dict__.pop("_sla_policy", None)
    return policy
