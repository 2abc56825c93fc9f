"""The wall's panels that read the roster (dispatch) and the deadlines (sla)."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from laksana.complaints import services
from laksana.dispatch import roster
from laksana.dispatch.officers import (
    officer_for,
    report_location,
    set_availability,
    set_location_sharing,
)
from laksana.live.panels import wall_data
from laksana.sla.services.sweep import sweep_region
from laksana.testing.personas import IN_TANGERANG, staff

pytestmark = pytest.mark.django_db
WIB = ZoneInfo("Asia/Jakarta")
MONDAY = datetime(2026, 11, 2, 9, 0, tzinfo=WIB)


def test_the_wall_shows_who_is_on_duty_and_where_field_officers_are(tangerang, operator, pupr):
    desks = {d.name: d for d in roster.ensure_desks(tangerang)}
    joko = staff("joko-tng", tangerang, "field_officer", "PUPR")
    officer = officer_for(joko)
    with time_machine.travel(MONDAY, tick=False):
        roster.plan_shift(
            staff=operator,
            desk=desks["Meja Dinas PUPR"],
            user_id=pupr.user.pk,
            starts_at=MONDAY - timedelta(hours=1),
            ends_at=MONDAY + timedelta(hours=7),
        )
        roster.clock_in(staff=operator, desk=desks["Meja Operator"])
        set_availability(officer=officer, availability="on_duty")
        set_location_sharing(officer=officer, enabled=True)
        report_location(officer=officer, lat=IN_TANGERANG[0], lng=IN_TANGERANG[1])
        duty = wall_data(tangerang, names=["on_duty"])["panels"]["on_duty"]
    assert {"desk": "Meja Operator", "people": ["Op-Tng"]} in duty["desks"]
    assert {"desk": "Meja Dinas PUPR", "people": [], "absent": 1} in duty["desks"]
    assert duty["field"] == [{"agency": "Dinas PUPR", "available": 1, "busy": 0}]
    assert duty["on_map"] == [
        {
            "lat": round(IN_TANGERANG[0], 4),
            "lng": round(IN_TANGERANG[1], 4),
            "agency": "Dinas PUPR",
            "busy": False,
        }
    ]


def test_overdue_complaints_show_on_the_board_and_a_jump_raises_an_alarm(
    tangerang, submit, operator
):
    with time_machine.travel(MONDAY, tick=False):
        for _ in range(5):
            complaint, _token = submit()
            complaint = services.verify(staff=operator, complaint=complaint)
            services.dispose(staff=operator, complaint=complaint, agency_code="PUPR")
    a_week_later = MONDAY + timedelta(days=7, hours=1)
    with time_machine.travel(a_week_later, tick=False):
        assert wall_data(tangerang, names=["alarms"])["panels"]["alarms"]["items"] == []
        sweep_region(tangerang, now=a_week_later)
        data = wall_data(tangerang, names=["board", "alarms"])["panels"]
    board = {row["code"]: row for row in data["board"]["agencies"]}
    assert board["PUPR"]["overdue"] == 5 and board["PUPR"]["open"] == 5
    [alarm] = data["alarms"]["items"]
    assert (alarm["kind"], alarm["agency"], alarm["count"], alarm["usual"]) == (
        "overdue",
        "Dinas PUPR",
        5,
        0.0,
    )
