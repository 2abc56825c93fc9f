from django.db import migrations


def label(apps, schema_editor):
    """Photos officers took before this label existed: their assignment says which is which."""
    Assignment = apps.get_model("dispatch", "Assignment")
    Attachment = apps.get_model("complaints", "Attachment")
    for field, stage in (("before_photo", "before"), ("after_photo", "after")):
        ids = Assignment.objects.filter(**{f"{field}__isnull": False}).values(field)
        Attachment.objects.filter(pk__in=ids, stage="").update(stage=stage)


class Migration(migrations.Migration):
    dependencies = [
        ("complaints", "0006_attachment_stage"),
        ("dispatch", "0002_profiles_for_existing_officers"),
    ]

    operations = [migrations.RunPython(label, migrations.RunPython.noop)]
