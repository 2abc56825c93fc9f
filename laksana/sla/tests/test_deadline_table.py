"""Deadlines computed by hand, compared with what Laksana stores and shows.

Rules used for the hand computation (defaults; a row's config changes them):
- office hours 08:00–16:00 in the region's zone (WIB Tangerang, WITA Kota Contoh), Saturday and
  Sunday off, national holidays and cuti bersama off; a working day is 8 hours of working time;
- N working days started during office hours end at the same clock time N working days later;
  started outside them the clock starts at the next opening, so they end at 16:00;
- verify 3 working days from submission, respond 5 from disposition, auto-close 10 after
  resolution, acknowledgment 15 minutes of duty time (24/7 unless duty hours are set);
- waiting for the reporter stops the clock; it resumes with the working time that was left.
March 2026: Wed 18 cuti bersama Nyepi, Thu 19 Nyepi, Fri 20 cuti bersama Idul Fitri, Sat 21 and
Sun 22 Idul Fitri, Mon 23 and Tue 24 cuti bersama Idul Fitri. December: Thu 24 cuti bersama,
Fri 25 Christmas.
"""

import pytest

from laksana.complaints import services
from laksana.complaints.models import Complaint
from laksana.testing.personas import CONTOH_DIR, TANGERANG_DIR, ensure_region, person

from .scenarios import configure, contoh_place, frozen, local, shown, tangerang_place, walk

pytestmark = pytest.mark.django_db

# id: (region, config, stage, start (local), expected deadline (local), pause (ask, answer))
CASES = {
    "weekday": ("tng", {}, "verify", "2026-11-02 10:00", "2026-11-05 10:00", None),
    "across-a-weekend": ("tng", {}, "verify", "2026-11-05 10:00", "2026-11-10 10:00", None),
    "friday-afternoon": ("tng", {}, "verify", "2026-11-06 15:00", "2026-11-11 15:00", None),
    "sent-on-saturday": ("tng", {}, "verify", "2026-11-07 11:00", "2026-11-11 16:00", None),
    "before-opening": ("tng", {}, "verify", "2026-11-09 07:00", "2026-11-11 16:00", None),
    "after-closing": ("tng", {}, "verify", "2026-11-09 20:00", "2026-11-12 16:00", None),
    "at-closing-time": ("tng", {}, "verify", "2026-11-09 16:00", "2026-11-12 16:00", None),
    "nyepi-and-idul-fitri": ("tng", {}, "verify", "2026-03-17 10:00", "2026-03-27 10:00", None),
    "before-the-long-break": ("tng", {}, "verify", "2026-03-16 09:00", "2026-03-26 09:00", None),
    "sent-on-nyepi": ("tng", {}, "verify", "2026-03-19 12:00", "2026-03-27 16:00", None),
    "sent-on-cuti-bersama": ("tng", {}, "verify", "2026-03-20 09:00", "2026-03-27 16:00", None),
    "christmas": ("tng", {}, "verify", "2026-12-23 10:00", "2026-12-30 10:00", None),
    "region-declared-day-off": (
        "tng",
        {"days": [("2026-11-06", "off")]},
        "verify",
        "2026-11-05 10:00",
        "2026-11-11 10:00",
        None,
    ),
    "cuti-bersama-cancelled-by-region": (
        "tng",
        {"days": [("2026-03-18", "work")]},
        "verify",
        "2026-03-17 10:00",
        "2026-03-26 10:00",
        None,
    ),
    "six-day-week": (
        "tng",
        {"weekend": "7"},
        "verify",
        "2026-11-05 10:00",
        "2026-11-09 10:00",
        None,
    ),
    "office-07:30-16:00-after-hours": (
        "tng",
        {"office": ("07:30", "16:00")},
        "verify",
        "2026-11-02 17:00",
        "2026-11-05 16:00",
        None,
    ),
    "category-override-flood-1-day": (
        "tng",
        {"category": ("BANJIR", {"verify_days": 1})},
        "verify",
        "2026-11-02 10:00",
        "2026-11-03 10:00",
        None,
    ),
    "wita-weekday": ("ktc", {}, "verify", "2026-11-02 10:00", "2026-11-05 10:00", None),
    "wita-monday-07:30-is-sunday-in-utc": (
        "ktc",
        {},
        "verify",
        "2026-11-09 07:30",
        "2026-11-11 16:00",
        None,
    ),
    "wita-nyepi": ("ktc", {}, "verify", "2026-03-17 15:00", "2026-03-27 15:00", None),
    "respond-across-nyepi": ("tng", {}, "respond", "2026-03-13 14:00", "2026-03-27 14:00", None),
    "wita-respond": ("ktc", {}, "respond", "2026-11-06 09:00", "2026-11-13 09:00", None),
    "resolve-category-2-days": (
        "tng",
        {"category": ("PARKIR-LIAR", {"resolve_days": 2})},
        "resolve",
        "2026-11-02 09:00",
        "2026-11-04 09:00",
        None,
    ),
    "autoclose-ten-days": ("tng", {}, "autoclose", "2026-11-06 10:00", "2026-11-20 10:00", None),
    "autoclose-across-idul-fitri": (
        "tng",
        {},
        "autoclose",
        "2026-03-11 10:00",
        "2026-04-01 10:00",
        None,
    ),
    "ack-24-7-over-midnight": (
        "tng",
        {},
        "acknowledge",
        "2026-11-07 23:55",
        "2026-11-08 00:10",
        None,
    ),
    "ack-duty-07-22": (
        "tng",
        {"duty": ("07:00", "22:00")},
        "acknowledge",
        "2026-11-02 21:50",
        "2026-11-03 07:05",
        None,
    ),
    "ack-wita-on-nyepi": (
        "ktc",
        {"duty": ("07:00", "22:00")},
        "acknowledge",
        "2026-03-19 10:00",
        "2026-03-19 10:15",
        None,
    ),
    "ack-night-shift-30-min": (
        "tng",
        {"duty": ("22:00", "06:00"), "ack_minutes": 30},
        "acknowledge",
        "2026-11-02 05:50",
        "2026-11-02 22:20",
        None,
    ),
    # Deadline Thu 5 Nov 10:00; asked Tue 10:00 with 2 days (16 h) left; answered Mon 9 Nov 14:00.
    "paused-and-resumed": (
        "tng",
        {},
        "verify",
        "2026-11-02 10:00",
        "2026-11-11 14:00",
        ("2026-11-03 10:00", "2026-11-09 14:00"),
    ),
    # Same, answered on Saturday: the 16 h resume at Monday's opening.
    "answered-on-saturday": (
        "tng",
        {},
        "verify",
        "2026-11-02 10:00",
        "2026-11-10 16:00",
        ("2026-11-03 10:00", "2026-11-07 09:00"),
    ),
    # Respond by Mon 9 Nov 09:00; the agency asks Wed 4 Nov 09:00 (3 days = 24 h left); answered
    # Thu 12 Nov 12:00: 4 h Thu, 8 h Fri, 8 h Mon, 4 h Tue.
    "agency-asks-wita": (
        "ktc",
        {},
        "respond",
        "2026-11-02 09:00",
        "2026-11-17 12:00",
        ("2026-11-04 09:00", "2026-11-12 12:00"),
    ),
}


@pytest.mark.parametrize("case", CASES)
def test_deadline_matches_the_hand_computed_table(case, client):
    where, config, stage, start, expected, pause = CASES[case]
    region = ensure_region(TANGERANG_DIR if where == "tng" else CONTOH_DIR)
    configure(region, **config)
    place = tangerang_place(region) if where == "tng" else contoh_place(region)
    category = config["category"][0] if "category" in config else None
    complaint = walk(place, stage, local(region, start), category=category)
    if pause:
        asker = place.operator if stage == "verify" else place.handler
        with frozen(local(region, pause[0])):
            waiting = services.ask_reporter(
                staff=asker, complaint=complaint, question="Di sebelah mana tepatnya?"
            )
            assert (waiting.next_deadline, waiting.deadline_stage) == (None, stage)
        with frozen(local(region, pause[1])):
            services.answer(complaint=complaint, text="Depan warung Bu Ani.")
    stored = Complaint.objects.get(pk=complaint.pk)
    assert (stored.deadline_stage, shown(region, stored.next_deadline)) == (stage, expected)
    # What the staff API shows for it (in the region's zone).
    with frozen(local(region, start)):
        client.force_login(person(place.operator.user.username, region, "operator"))
        body = client.get(f"/api/v1/regions/{region.slug}/sla/complaints/{stored.number}").json()
    assert body["stage"] == stage
    assert body["deadline"].startswith(expected.replace(" ", "T"))
