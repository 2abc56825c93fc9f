"""Officers who joined before this app existed get their profile (later ones get it on joining)."""

from django.db import migrations


def create_profiles(apps, schema_editor):
    Membership = apps.get_model("agencies", "Membership")
    FieldOfficer = apps.get_model("dispatch", "FieldOfficer")
    for m in Membership.objects.filter(role="field_officer", agency__isnull=False).order_by("id"):
        FieldOfficer.objects.get_or_create(
            region_id=m.region_id, user_id=m.user_id, defaults={"agency_id": m.agency_id}
        )


class Migration(migrations.Migration):
    dependencies = [
        ("dispatch", "0001_officers_assignments_roster"),
        ("agencies", "0001_agencies_categories_memberships"),
    ]

    operations = [migrations.RunPython(create_profiles, migrations.RunPython.noop)]
