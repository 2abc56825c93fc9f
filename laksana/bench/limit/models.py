"""The tables the stack limit uses.

Read: Laksana's own complaints table and the three it joins for a list row (category, agency,
kelurahan), mapped unmanaged with only the columns a row shows: the limit never writes them.

Written: two tables of its own (migrations/0001), so its inserts never change what Laksana
reads or counts: a complaint-like submission (the columns a citizen's report carries, a token
hash with a unique index, the region and time index a list needs) and an event-like note.
"""

from django.db import models


class Region(models.Model):
    slug = models.SlugField()

    class Meta:
        managed = False
        db_table = "regions_region"

    def __str__(self) -> str:
        return self.slug


class Category(models.Model):
    code = models.CharField(max_length=40)
    name = models.CharField(max_length=200)

    class Meta:
        managed = False
        db_table = "agencies_category"

    def __str__(self) -> str:
        return self.code


class Agency(models.Model):
    code = models.CharField(max_length=40)

    class Meta:
        managed = False
        db_table = "agencies_agency"

    def __str__(self) -> str:
        return self.code


class Area(models.Model):
    name = models.CharField(max_length=200)

    class Meta:
        managed = False
        db_table = "regions_area"

    def __str__(self) -> str:
        return self.name


class Complaint(models.Model):
    region = models.ForeignKey(Region, on_delete=models.DO_NOTHING)
    number = models.CharField(max_length=32)
    kind = models.CharField(max_length=24)
    status = models.CharField(max_length=16)
    title = models.CharField(max_length=200)
    description = models.TextField()
    address = models.CharField(max_length=300)
    lat = models.FloatField(null=True)
    lng = models.FloatField(null=True)
    priority = models.PositiveSmallIntegerField()
    channel = models.CharField(max_length=16)
    category = models.ForeignKey(Category, on_delete=models.DO_NOTHING)
    agency = models.ForeignKey(Agency, null=True, on_delete=models.DO_NOTHING)
    area = models.ForeignKey(Area, null=True, on_delete=models.DO_NOTHING)
    submitted_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        managed = False
        db_table = "complaints_complaint"

    def __str__(self) -> str:
        return self.number


class Submission(models.Model):
    region_id = models.BigIntegerField()
    kind = models.CharField(max_length=24, default="complaint")
    status = models.CharField(max_length=16, default="submitted")
    category_code = models.CharField(max_length=40)
    description = models.TextField()
    address = models.CharField(max_length=300, blank=True)
    lat = models.FloatField(null=True)
    lng = models.FloatField(null=True)
    reporter_name = models.CharField(max_length=200, blank=True)
    reporter_phone = models.CharField(max_length=40, blank=True)
    is_anonymous = models.BooleanField(default=False)
    token_hash = models.CharField(max_length=64, unique=True)
    submitted_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        indexes = [
            models.Index(fields=["region_id", "submitted_at", "id"], name="limit_sub_region")
        ]

    def __str__(self) -> str:
        return f"submission {self.pk}"


class Note(models.Model):
    submission = models.ForeignKey(Submission, on_delete=models.CASCADE)
    region_id = models.BigIntegerField()
    type = models.CharField(max_length=24)
    data = models.JSONField(default=dict)
    created_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.type} {self.pk}"
