"""How the apps above the lifecycle take part in writing an event, without the lifecycle
importing them.

The lifecycle (laksana.complaints.services) writes every event; `live` (stream head, room
counters, the bus), `notify` (the outbox) and `sla` (deadlines) act on it. They register here
in their AppConfig.ready(), so complaints knows no app above it:

- `subscribe(name, subscriber)`: an EventSubscriber takes part in each event's transaction;
- `set_deadline_policy(policy)`: the deadline fields a transition writes in its own UPDATE
  (Deadlines in the same UPDATE, docs/ARCHITECTURE.md), asked of the one registered policy.

Registering again under the same name replaces the earlier one (ready() may run twice).
"""

from datetime import datetime
from typing import Any, Protocol

Write = tuple[str, list]  # one SQL statement and its parameters


class EventSubscriber:
    """Takes part in writing an event; override what you need. In the order of an event:

    1. `prepare(region_id)`: reads that do not depend on the event, before the region's hot
       rows are taken (what a transaction does after taking them, every other event-writing
       transaction of the region waits for). What it returns comes back in `written`.
    2. `head(complaint, ...)`: the statement that locks the region's stream head, taken before
       the event id is drawn so a region's ids follow its commits. One subscriber gives it.
    3. `rows(complaint, ...)`: statements run in the same statement as the event's insert on
       PostgreSQL (counters): upserts whose rows are as hot as the head.
    4. `written(event, complaint, ...)`: after the event row, in its transaction (outbox rows;
       `transaction.on_commit` for what must wait for the commit).

    A submission (intake) asks two more, around the new complaint's own insert:

    - `arriving(complaint)`: reads about the complaint before its transaction begins (it has
      every field but its id and number); what it returns comes back in `arrived`.
    - `arrived(complaint, found)`: right after the complaint's insert, in its transaction and
      before the region's hot rows are taken (the duplicate link a wall card shows).
    """

    def prepare(self, region_id: int) -> Any:
        return None

    def head(self, complaint, *, type: str, agency, data: dict | None) -> Write | None:
        return None

    def rows(self, complaint, *, type: str, agency, data: dict | None) -> list[Write]:
        return []

    def written(self, event, complaint, *, by_citizen: bool, prepared: Any) -> None:
        pass

    def arriving(self, complaint) -> Any:
        return None

    def arrived(self, complaint, found: Any) -> None:
        pass


class DeadlinePolicy(Protocol):
    def for_submission(self, *, region, category_id: int, submitted_at: datetime) -> dict: ...

    def recompute(self, complaint, *, changes: dict, event_type: str, now: datetime) -> dict: ...


class NoDeadlines:
    """Without a registered policy (sla not installed) complaints have no deadlines."""

    def for_submission(self, *, region, category_id: int, submitted_at: datetime) -> dict:
        return {}

    def recompute(self, complaint, *, changes: dict, event_type: str, now: datetime) -> dict:
        return {}


_subscribers: dict[str, EventSubscriber] = {}
_policy: list[DeadlinePolicy] = [NoDeadlines()]


def subscribe(name: str, subscriber: EventSubscriber) -> None:
    _subscribers[name] = subscriber


def subscribers() -> list[EventSubscriber]:
    return list(_subscribers.values())


def set_deadline_policy(policy: DeadlinePolicy) -> None:
    _policy[0] = policy


def deadline_policy() -> DeadlinePolicy:
    return _policy[0]
