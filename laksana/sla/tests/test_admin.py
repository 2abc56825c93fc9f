import pytest

from laksana.regions.calendar import calendar_for
from laksana.regions.models import Region
from laksana.sla.models import DayOverride, RegionPolicy
from laksana.testing.personas import person

pytestmark = pytest.mark.django_db


def _region_admin(username, region):
    user = person(username, region, "region_admin")
    user.is_staff = True
    user.save()
    return user


def _policy_form(region, **changes):
    form = {
        "region": region.pk,
        "weekend": "6,7",
        "national_holidays": "on",
        "office_start": "08:00",
        "office_end": "16:00",
        "duty_start": "07:00",
        "duty_end": "22:00",
        "verify_days": "3",
        "ack_minutes": "15",
        "respond_days": "5",
        "resolve_days": "",
        "autoclose_days": "10",
        "days-TOTAL_FORMS": "1",
        "days-INITIAL_FORMS": "0",
        "days-0-date": "2026-11-06",
        "days-0-kind": "off",
        "days-0-note": "Libur daerah",
        "levels-TOTAL_FORMS": "0",
        "levels-INITIAL_FORMS": "0",
    }
    form.update(changes)
    return form


def test_region_admin_sets_the_calendar_of_their_own_region_only(client, tangerang, contoh):
    RegionPolicy.objects.all().delete()  # the region data's policy: this admin starts afresh
    client.force_login(_region_admin("admin-tng", tangerang))
    bad = client.post("/admin/sla/regionpolicy/add/", _policy_form(tangerang, weekend="0,9"))
    assert bad.status_code == 200 and not RegionPolicy.objects.exists()
    other = client.post("/admin/sla/regionpolicy/add/", _policy_form(contoh))
    assert other.status_code == 200 and not RegionPolicy.objects.exists()  # not their region
    done = client.post("/admin/sla/regionpolicy/add/", _policy_form(tangerang))
    assert done.status_code == 302
    assert "Kota Tangerang" in client.get(done.url).content.decode()
    day = DayOverride.objects.get()
    assert (day.policy.region, str(day.date)) == (tangerang, "2026-11-06")
    calendar = calendar_for(Region.objects.get(pk=tangerang.pk))
    assert not calendar.is_working_day(day.date) and calendar.duty is not None
    client.force_login(_region_admin("admin-contoh", contoh))
    listing = client.get("/admin/sla/regionpolicy/").content.decode()
    assert "Kota Tangerang" not in listing
    assert client.get(f"/admin/sla/regionpolicy/{tangerang.pk}/change/").status_code == 302
