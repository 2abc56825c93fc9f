"""Maintained aggregates the reports read: one row per region, day (in the region's zone), agency,
category, kelurahan, channel, kind and publicness (DailyStat: counters for breakdowns), and one per
region, day, agency and publicness (AgencyDay: counters and durations), rebuilt from the event
table by the rollup (rollup.py), never written by anything else. Reports sum these rows; they
never scan complaints."""

import sys
from array import array

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from laksana.agencies.models import Agency, Category
from laksana.regions.models import Area, Region

COUNTERS = (
    "received",
    "verified",
    "rejected",
    "disposed",
    "accepted",
    "acknowledged",
    "responded",
    "resolved",
    "closed",
    "returned",
    "forwarded",
    "reopened",
    "ratings",
    "rating_sum",
)
STAGES = ("verify", "acknowledge", "respond", "resolve")
STAGE_COUNTERS = tuple(f"{stage}_{end}" for stage in STAGES for end in ("within", "over"))
# Working minutes, sorted: acknowledge in the command center's duty time, the others in office time.
# The field work of the dispatch app's tasks: assigned → started (on the way), started → arrived
# (travel), arrived → finished (on site).
FIELD_DURATIONS = ("start_minutes", "travel_minutes", "onsite_minutes")
DURATIONS = ("ack_minutes", "response_minutes", "resolve_minutes", *FIELD_DURATIONS)


def pack_minutes(values) -> bytes:
    """Whole minutes as the stored form: little-endian 32-bit integers, in the given order."""
    packed = array("i", values)
    if sys.byteorder == "big":
        packed.byteswap()
    return packed.tobytes()


def unpack_minutes(data) -> array:
    unpacked = array("i")
    unpacked.frombytes(bytes(data or b""))
    if sys.byteorder == "big":
        unpacked.byteswap()
    return unpacked


class MinutesField(models.BinaryField):
    """A list of whole minutes (an array of ints in Python), stored packed (pack_minutes).

    A month of a region at 10^6 complaints a year holds about 320,000 durations across its
    AgencyDay rows: as JSON lists, decoding them was most of a report page's time; packed, the
    reports read them straight into numpy (services.Figures)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("default", b"")
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        if kwargs.get("default") == b"":
            del kwargs["default"]
        return name, path, args, kwargs

    def from_db_value(self, value, expression, connection):
        return None if value is None else unpack_minutes(value)

    def to_python(self, value):
        if isinstance(value, array):
            return value
        if isinstance(value, (bytes, bytearray, memoryview)):
            return unpack_minutes(value)
        return array("i", value or ())

    def get_db_prep_value(self, value, connection, prepared=False):
        if value is not None and not isinstance(value, (bytes, bytearray, memoryview)):
            value = pack_minutes(value)
        return super().get_db_prep_value(value, connection, prepared)


class DailyStat(models.Model):
    region = models.ForeignKey(Region, on_delete=models.CASCADE)
    day = models.DateField()
    # The agency that had the complaint when the event happened (none before disposition).
    agency = models.ForeignKey(Agency, null=True, blank=True, on_delete=models.CASCADE)
    # The complaint's category, kelurahan, channel and kind as they are now (operators correct
    # category and place at verification; the rollup then rebuilds the complaint's earlier days).
    category = models.ForeignKey(Category, on_delete=models.CASCADE)
    area = models.ForeignKey(Area, null=True, blank=True, on_delete=models.CASCADE)
    channel = models.CharField(max_length=16)
    kind = models.CharField(max_length=24)
    # complaints.privacy.published: what the transparency page may count.
    published = models.BooleanField(default=False)

    received = models.PositiveIntegerField(default=0)
    verified = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0)
    disposed = models.PositiveIntegerField(default=0)
    accepted = models.PositiveIntegerField(default=0)
    acknowledged = models.PositiveIntegerField(default=0)
    responded = models.PositiveIntegerField(default=0)
    resolved = models.PositiveIntegerField(default=0)
    closed = models.PositiveIntegerField(default=0)
    returned = models.PositiveIntegerField(default=0)
    forwarded = models.PositiveIntegerField(default=0)
    reopened = models.PositiveIntegerField(default=0)
    ratings = models.PositiveIntegerField(default=0)
    rating_sum = models.PositiveIntegerField(default=0)
    verify_within = models.PositiveIntegerField(default=0)
    verify_over = models.PositiveIntegerField(default=0)
    acknowledge_within = models.PositiveIntegerField(default=0)
    acknowledge_over = models.PositiveIntegerField(default=0)
    respond_within = models.PositiveIntegerField(default=0)
    respond_over = models.PositiveIntegerField(default=0)
    resolve_within = models.PositiveIntegerField(default=0)
    resolve_over = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [
            models.Index(fields=["region", "day"], name="dailystat_region_day"),
            models.Index(fields=["region", "agency", "day"], name="dailystat_region_agency"),
        ]

    def __str__(self) -> str:
        return f"{self.region_id}:{self.day}:{self.agency_id}:{self.category_id}"


class AgencyDay(models.Model):
    """The same counters per region, day, agency and publicness only, with the durations: what
    the performance report, totals, the leaders' home and the transparency page read (a month
    is a few thousand of these rows at 10^6 complaints a year, against ~10^5 DailyStat rows)."""

    region = models.ForeignKey(Region, on_delete=models.CASCADE)
    day = models.DateField()
    agency = models.ForeignKey(Agency, null=True, blank=True, on_delete=models.CASCADE)
    published = models.BooleanField(default=False)
    received = models.PositiveIntegerField(default=0)
    verified = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0)
    disposed = models.PositiveIntegerField(default=0)
    accepted = models.PositiveIntegerField(default=0)
    acknowledged = models.PositiveIntegerField(default=0)
    responded = models.PositiveIntegerField(default=0)
    resolved = models.PositiveIntegerField(default=0)
    closed = models.PositiveIntegerField(default=0)
    returned = models.PositiveIntegerField(default=0)
    forwarded = models.PositiveIntegerField(default=0)
    reopened = models.PositiveIntegerField(default=0)
    ratings = models.PositiveIntegerField(default=0)
    rating_sum = models.PositiveIntegerField(default=0)
    verify_within = models.PositiveIntegerField(default=0)
    verify_over = models.PositiveIntegerField(default=0)
    acknowledge_within = models.PositiveIntegerField(default=0)
    acknowledge_over = models.PositiveIntegerField(default=0)
    respond_within = models.PositiveIntegerField(default=0)
    respond_over = models.PositiveIntegerField(default=0)
    resolve_within = models.PositiveIntegerField(default=0)
    resolve_over = models.PositiveIntegerField(default=0)
    ack_minutes = MinutesField()
    response_minutes = MinutesField()
    resolve_minutes = MinutesField()
    start_minutes = MinutesField()
    travel_minutes = MinutesField()
    onsite_minutes = MinutesField()

    class Meta:
        indexes = [models.Index(fields=["region", "day"], name="agencyday_region_day")]

    def __str__(self) -> str:
        return f"{self.region_id}:{self.day}:{self.agency_id}"


class DimensionDay(models.Model):
    """Received and resolved per region, day, agency, publicness and one dimension's value
    (category or area id, channel, kind): the breakdowns' rows, a few times fewer than
    DailyStat's, which crosses every dimension with every other. Summed from DailyStat."""

    region = models.ForeignKey(Region, on_delete=models.CASCADE)
    day = models.DateField()
    agency = models.ForeignKey(Agency, null=True, blank=True, on_delete=models.CASCADE)
    published = models.BooleanField(default=False)
    dimension = models.CharField(max_length=10)  # category, area, channel, kind
    value = models.CharField(max_length=40, blank=True)
    received = models.PositiveIntegerField(default=0)
    resolved = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [
            models.Index(fields=["region", "dimension", "day"], name="dimensionday_region_dim")
        ]

    def __str__(self) -> str:
        return f"{self.region_id}:{self.day}:{self.dimension}={self.value}"


class RollupCursor(models.Model):
    """The last event of a region the rollup has counted (the periodic job continues from it)."""

    region = models.OneToOneField(Region, primary_key=True, on_delete=models.CASCADE)
    last_event_id = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(null=True, blank=True)
    # Bumped by every rebuild of the region's rows: what the reports kept of them is stale then
    # (services.kept).
    version = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.region_id}@{self.last_event_id}"


class ExportJob(models.Model):
    """A large export written to a file by the worker (jobs.py): who asked for what, how far it
    has come (the progress page), and the file when done. Only its owner may download it."""

    class State(models.TextChoices):
        QUEUED = "queued", _("menunggu")
        RUNNING = "running", _("berjalan")
        DONE = "done", _("selesai")
        FAILED = "failed", _("gagal")

    region = models.ForeignKey(Region, on_delete=models.CASCADE)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    report = models.CharField(max_length=16)  # exports.REPORTS key
    fmt = models.CharField(max_length=8)  # csv | xlsx
    query = models.TextField(blank=True)  # the page's query string (filters, period)
    state = models.CharField(max_length=8, choices=State.choices, default=State.QUEUED)
    total = models.PositiveIntegerField(default=0)  # rows expected (counted when asked)
    done = models.PositiveIntegerField(default=0)  # rows written
    file_name = models.CharField(max_length=200, blank=True)  # under settings.EXPORTS_DIR
    download_name = models.CharField(max_length=200)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["region", "user", "created_at"], name="exportjob_owner")]

    def __str__(self) -> str:
        return f"{self.report}.{self.fmt} ({self.state})"

    @property
    def is_running(self) -> bool:
        return self.state in (self.State.QUEUED, self.State.RUNNING)
