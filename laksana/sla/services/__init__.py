"""Deadlines in working time, breaches and escalation. Other apps use:

- time_left(complaint): the working time the current stage has left (TimeLeft, or None);
- overdue_by_agency(region): how many complaints are past their deadline, per agency;
- deadlines.recompute(...): called by the lifecycle services on every transition.
The sweep (sweep.py) imports the lifecycle services, so it is not imported here.
"""

from .counts import overdue_by_agency, overdue_counts
from .deadlines import STAGE_LABELS, TimeLeft, time_left

__all__ = ["STAGE_LABELS", "TimeLeft", "overdue_by_agency", "overdue_counts", "time_left"]
