"""Which officer to send: nearest recent position first, then area coverage, then the rest."""

from datetime import timedelta

import pytest
import time_machine

from laksana.dispatch import assignments as work
from laksana.dispatch.officers import report_location, set_location_sharing, suggest
from laksana.regions.models import Area

pytestmark = pytest.mark.django_db
NOW = "2026-11-09 03:00:00+00:00"


def _share(profile, lat, lng):
    set_location_sharing(officer=profile, enabled=True)
    report_location(officer=profile, lat=lat, lng=lng)


def test_suggestions_are_ordered_by_distance_then_coverage_then_load(
    dispatched, pupr, make_officer
):
    complaint = dispatched()  # in Kelurahan Sukarasa, Kecamatan Tangerang
    sukarasa = Area.objects.get(region=complaint.region, name="Sukarasa")
    with time_machine.travel(NOW, tick=False) as moment:
        _p, stale = make_officer("stale")
        _share(stale, -6.1729, 106.6318)  # closest of all, but an hour old by now
        stale.areas.add(sukarasa)
        moment.shift(timedelta(minutes=60))
        _p, far = make_officer("far")
        _share(far, -6.1755, 106.6318)  # ~300 m
        _p, near = make_officer("near")
        _share(near, -6.1737, 106.6318)  # ~100 m
        district_staff, district = make_officer("district")
        district.areas.add(sukarasa.parent)
        _p, idle = make_officer("idle")
        _p, busy = make_officer("busy", availability="busy")
        _share(busy, -6.1728, 106.6318)
        make_officer("home", availability="off_duty")
        make_officer("other-agency", agency="DLH")
        _p, already = make_officer("already")
        _share(already, -6.1728, 106.6319)
        work.assign(staff=pupr, complaint=complaint, officers=[already])
        # `district` gave up on this complaint earlier and is busy elsewhere now: still a
        # candidate, but `stale` (same coverage, no load) goes first.
        (earlier,) = work.assign(staff=pupr, complaint=complaint, officers=[district])
        work.unable(staff=district_staff, assignment=earlier, reason="Dipanggil ke lokasi lain.")
        work.assign(staff=pupr, complaint=dispatched(), officers=[district])

        ranked = suggest(complaint=complaint, limit=10)

    assert [(s.officer.user.username, s.basis) for s in ranked] == [
        ("near", "location"),
        ("far", "location"),
        ("stale", "area"),
        ("district", "area"),
        ("idle", "available"),
    ]
    assert 90 < ranked[0].distance_m < 110 and 280 < ranked[1].distance_m < 320
    assert [s.active_tasks for s in ranked] == [0, 0, 0, 1, 0]


def test_no_agency_means_no_suggestion(submit, make_officer):
    make_officer("someone")
    complaint, _token = submit()
    assert suggest(complaint=complaint) == []
