"""Reading a region's deadline rules: its calendar, its budgets per stage (with the category's
overrides) and its escalation levels. Regions without settings get the national defaults."""

from dataclasses import dataclass

from laksana.regions.calendar import WorkingCalendar
from laksana.regions.models import Region
from laksana.regions.services import REGIONS

from ..models import Audience, CategoryPolicy, DayOverride, EscalationLevel, RegionPolicy

# What this module keeps on a Region instance lives as long as the instance, which get_region
# keeps per process: a change of these rules in this process drops those instances.
REGIONS.depends_on(
    "sla.RegionPolicy", "sla.DayOverride", "sla.CategoryPolicy", "sla.EscalationLevel"
)

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
    """The region's saved settings, or unsaved defaults; loaded once per Region instance (so
    once per process for get_region's, at most CONFIG_SECONDS ago)."""
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


# Besides the stage budgets, a policy file may carry the calendar and, as lists, the escalation
# levels and per-category overrides (what adoption copies from its template region).
CALENDAR_FIELDS = ("weekend", "national_holidays", "office_start", "office_end")
DUTY_FIELDS = ("duty_start", "duty_end")


def load_policy(region: Region, directory) -> RegionPolicy | None:
    """Save the region's deadline policy from the file region.json names as `policy`, the first
    time only: a region admin's later edits are kept. Unknown keys are refused.

    The file holds the stage budgets (STAGE_FIELDS), optionally the calendar (weekend as ISO day
    numbers "6,7", national_holidays, office and duty hours as "HH:MM"), `escalation`
    ([{level, after_minutes, notify}]) and `categories` ({category code: {stage: budget}})."""
    import json
    from datetime import time
    from pathlib import Path

    from laksana.agencies.models import Category

    directory = Path(directory)
    manifest = json.loads((directory / "region.json").read_text(encoding="utf-8"))
    if not manifest.get("policy"):
        return None
    values = json.loads((directory / manifest["policy"]).read_text(encoding="utf-8"))
    escalation = values.pop("escalation", [])
    per_category = values.pop("categories", {})
    unknown = set(values) - set(STAGE_FIELDS) - set(CALENDAR_FIELDS) - set(DUTY_FIELDS)
    if unknown:
        raise ValueError(f"{manifest['policy']}: unknown keys {sorted(unknown)}")
    for name in ("office_start", "office_end", *DUTY_FIELDS):
        if values.get(name):
            values[name] = time.fromisoformat(values[name])
    policy, created = RegionPolicy.objects.get_or_create(region=region, defaults=values)
    if created:
        for level in escalation:
            EscalationLevel.objects.create(policy=policy, **level)
        codes = dict(Category.objects.filter(region=region).values_list("code", "id"))
        for code, budgets in per_category.items():
            unknown = set(budgets) - set(STAGE_FIELDS)
            if code not in codes or unknown:
                raise ValueError(f"{manifest['policy']}: category {code}: {sorted(unknown)}")
            CategoryPolicy.objects.create(category_id=codes[code], region=region, **budgets)
    for key in ("_sla_policy", "_sla_levels", "_working_calendar"):
        region.__dict__.pop(key, None)
    return policy
