"""Counters of the live room, kept by the services in the same transaction as each event."""

from django.db import models

from laksana.regions.models import Region


class StreamHead(models.Model):
    """One row per region, bumped by every event before the event row is inserted.

    The row lock it takes serializes a region's event-writing transactions, so event ids of one
    region are allocated in commit order: a stream resumed with `id > last id` can never miss an
    event that committed late with a lower id (see laksana.live.services.record_event).
    """

    region = models.OneToOneField(Region, on_delete=models.CASCADE, primary_key=True)
    events = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.region_id}: {self.events} events"


class Tally(models.Model):
    """A named daily counter of a region, per agency (agency_key 0 = no agency).

    Names: every event type (`submitted`, `disposed`, `desk_ack`, ...) counts its events;
    `ack_on_time`, `rating_sum`, `rating_count`; and duration histograms `ack_h<i>`, `res_h<i>`
    (bucket i of laksana.live.services.BUCKETS). Day is the region's local date of the event.
    """

    region = models.ForeignKey(Region, on_delete=models.CASCADE)
    day = models.DateField()
    agency_key = models.BigIntegerField(default=0)
    name = models.CharField(max_length=24)
    value = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["region", "day", "agency_key", "name"], name="tally_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.region_id}/{self.day}/{self.agency_key}/{self.name}={self.value}"
