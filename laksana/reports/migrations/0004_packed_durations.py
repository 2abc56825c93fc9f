"""AgencyDay's duration lists from JSON to packed integers (models.MinutesField): the same
values in the same order, converted row by row; reversible."""


from django.db import migrations

import laksana.reports.models

NAMES = (
    "ack_minutes",
    "response_minutes",
    "resolve_minutes",
    "start_minutes",
    "travel_minutes",
    "onsite_minutes",
)


def _convert(apps, source, target, change):
    AgencyDay = apps.get_model("reports", "AgencyDay")
    rows = AgencyDay.objects.only("pk", *(f"{n}{source}" for n in NAMES))
    batch = []
    for row in rows.iterator(chunk_size=2000):
        for name in NAMES:
            setattr(row, f"{name}{target}", change(getattr(row, f"{name}{source}")))
        batch.append(row)
        if len(batch) == 2000:
            AgencyDay.objects.bulk_update(batch, [f"{n}{target}" for n in NAMES])
            batch = []
    if batch:
        AgencyDay.objects.bulk_update(batch, [f"{n}{target}" for n in NAMES])


def pack(apps, schema_editor):
    _convert(apps, "", "_packed", lambda v: laksana.reports.models.pack_minutes(v or []))


def unpack(apps, schema_editor):
    _convert(apps, "_packed", "", lambda v: list(v or []))


class Migration(migrations.Migration):
    dependencies = [("reports", "0003_export_jobs")]

    operations = [
        *(
            migrations.AddField(
                model_name="agencyday",
                name=f"{name}_packed",
                field=laksana.reports.models.MinutesField(),
            )
            for name in NAMES
        ),
        migrations.RunPython(pack, unpack, elidable=False),
        *(migrations.RemoveField(model_name="agencyday", name=name) for name in NAMES),
        *(
            migrations.RenameField(
                model_name="agencyday", old_name=f"{name}_packed", new_name=name
            )
            for name in NAMES
        ),
    ]
