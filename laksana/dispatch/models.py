"""Field officers and their assignments; desks, planned shifts and clocked duty (the roster)."""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from laksana.agencies.models import Agency
from laksana.complaints.models import Attachment, Complaint
from laksana.regions.models import Area, Region


class Availability(models.TextChoices):
    ON_DUTY = "on_duty", _("Siaga")
    BUSY = "busy", _("Sedang menangani")
    OFF_DUTY = "off_duty", _("Tidak bertugas")


class FieldOfficer(models.Model):
    """The profile of a person with a `field_officer` membership (petugas lapangan).

    Created with the membership (see apps.py); one profile per person and region, for the agency of
    that membership. The last known location is kept only while the officer opts in to sharing.
    """

    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="field_profiles"
    )
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="field_officers")
    areas = models.ManyToManyField(Area, blank=True, related_name="+")
    availability = models.CharField(
        max_length=10, choices=Availability.choices, default=Availability.OFF_DUTY
    )
    shares_location = models.BooleanField(default=False)
    last_lat = models.FloatField(null=True, blank=True)
    last_lng = models.FloatField(null=True, blank=True)
    last_accuracy_m = models.FloatField(null=True, blank=True)
    last_located_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["region", "user"], name="fieldofficer_one_per_region")
        ]
        indexes = [
            models.Index(fields=["region", "agency", "availability"], name="fieldofficer_agency")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.user.get_full_name() or self.user.get_username()


class State(models.TextChoices):
    ASSIGNED = "assigned", _("Ditugaskan")
    EN_ROUTE = "en_route", _("Menuju lokasi")
    ON_SITE = "on_site", _("Di lokasi")
    FINISHED = "finished", _("Selesai")
    UNABLE = "unable", _("Tidak dapat ditangani")


ACTIVE_STATES = [State.ASSIGNED, State.EN_ROUTE, State.ON_SITE]


class Outcome(models.TextChoices):
    FIXED = "fixed", _("Masalah sudah ditangani")
    TEMPORARY = "temporary", _("Ditangani sementara")
    FOLLOW_UP = "follow_up", _("Perlu tindak lanjut")


class Assignment(models.Model):
    """One officer sent to one complaint: assigned → en_route → on_site → finished | unable."""

    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="+")
    complaint = models.ForeignKey(
        Complaint, on_delete=models.CASCADE, related_name="field_assignments"
    )
    officer = models.ForeignKey(FieldOfficer, on_delete=models.PROTECT, related_name="assignments")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    state = models.CharField(max_length=10, choices=State.choices, default=State.ASSIGNED)
    instructions = models.TextField(blank=True)
    assigned_at = models.DateTimeField()
    started_at = models.DateTimeField(null=True, blank=True)
    arrived_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    checkin_lat = models.FloatField(null=True, blank=True)
    checkin_lng = models.FloatField(null=True, blank=True)
    checkin_accuracy_m = models.FloatField(null=True, blank=True)
    checkin_distance_m = models.FloatField(null=True, blank=True)
    before_photo = models.ForeignKey(
        Attachment, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    after_photo = models.ForeignKey(
        Attachment, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    outcome = models.CharField(max_length=10, choices=Outcome.choices, blank=True)
    notes = models.TextField(blank=True)
    reason = models.TextField(blank=True, help_text="Why the officer could not do it")

    class Meta:
        ordering = ["-assigned_at", "-id"]
        constraints = [
            # An officer holds at most one open assignment per complaint (a retry must not double).
            models.UniqueConstraint(
                fields=["complaint", "officer"],
                condition=Q(state__in=["assigned", "en_route", "on_site"]),
                name="assignment_one_open_per_officer",
            )
        ]
        indexes = [
            models.Index(fields=["region", "officer", "state"], name="assignment_officer"),
            models.Index(fields=["region", "complaint"], name="assignment_complaint"),
            models.Index(fields=["region", "assigned_at"], name="assignment_assigned_at"),
        ]

    def __str__(self) -> str:
        return f"{self.complaint_id} → {self.officer_id} ({self.state})"

    @property
    def is_active(self) -> bool:
        return self.state in ACTIVE_STATES

    @property
    def time_to_start(self) -> timedelta | None:
        return self.started_at - self.assigned_at if self.started_at else None

    @property
    def travel_time(self) -> timedelta | None:
        return self.arrived_at - self.started_at if self.arrived_at and self.started_at else None

    @property
    def time_on_site(self) -> timedelta | None:
        if self.state == State.FINISHED and self.arrived_at and self.ended_at:
            return self.ended_at - self.arrived_at
        return None


class Desk(models.Model):
    """A seat in the command center (operators' desks, one desk per agency) or a field squad."""

    class Kind(models.TextChoices):
        OPERATORS = "operators", _("Meja operator")
        AGENCY = "agency", _("Meja OPD")
        SQUAD = "squad", _("Regu lapangan")

    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    agency = models.ForeignKey(
        Agency, null=True, blank=True, on_delete=models.CASCADE, related_name="desks"
    )
    name = models.CharField(max_length=120)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["region", "name"], name="desk_unique_name"),
            models.UniqueConstraint(
                fields=["region", "agency"],
                condition=Q(kind="agency"),
                name="desk_one_per_agency",
            ),
            models.CheckConstraint(
                condition=Q(kind="operators", agency__isnull=True)
                | (~Q(kind="operators") & Q(agency__isnull=False)),
                name="desk_agency_iff_not_operators",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Shift(models.Model):
    """A planned turn of one person at one desk (the roster)."""

    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="+")
    desk = models.ForeignKey(Desk, on_delete=models.CASCADE, related_name="shifts")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="duty_shifts"
    )
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["starts_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="shift_ends_after_start"
            )
        ]
        indexes = [
            models.Index(fields=["region", "starts_at"], name="shift_region_start"),
            models.Index(fields=["region", "user", "starts_at"], name="shift_region_user"),
        ]

    def __str__(self) -> str:
        return f"{self.desk} {self.user} {self.starts_at:%Y-%m-%d %H:%M}"


class DutyPeriod(models.Model):
    """Time actually on duty: from clocking in to clocking out (open while on duty)."""

    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="+")
    desk = models.ForeignKey(Desk, on_delete=models.PROTECT, related_name="periods")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="duty_periods"
    )
    shift = models.ForeignKey(
        Shift, null=True, blank=True, on_delete=models.SET_NULL, related_name="periods"
    )
    clocked_in_at = models.DateTimeField()
    clocked_out_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-clocked_in_at", "-id"]
        constraints = [
            # One open period per person and region: clocking in twice at once is refused here.
            models.UniqueConstraint(
                fields=["region", "user"],
                condition=Q(clocked_out_at__isnull=True),
                name="dutyperiod_one_open",
            )
        ]
        indexes = [
            models.Index(fields=["region", "clocked_in_at"], name="dutyperiod_region_in"),
            models.Index(fields=["region", "clocked_out_at"], name="dutyperiod_region_out"),
        ]

    def __str__(self) -> str:
        return f"{self.desk} {self.user} {self.clocked_in_at:%Y-%m-%d %H:%M}"
