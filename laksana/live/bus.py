"""The live bus: committed events are published here; SSE streams and jobs subscribe.

This is the in-process backend (one process, SQLite). Services call `publish` from
`transaction.on_commit`, so a rolled-back transaction never publishes.
"""

import logging
import threading
from collections.abc import Callable

log = logging.getLogger("laksana.live")

Message = dict
Subscriber = Callable[[Message], None]

_subscribers: list[Subscriber] = []
_lock = threading.Lock()


def subscribe(callback: Subscriber) -> Callable[[], None]:
    with _lock:
        _subscribers.append(callback)

    def unsubscribe() -> None:
        with _lock:
            if callback in _subscribers:
                _subscribers.remove(callback)

    return unsubscribe


def publish(message: Message) -> None:
    with _lock:
        targets = list(_subscribers)
    for callback in targets:
        try:
            callback(message)
        except Exception:  # one broken subscriber must not stop the others or the request
            log.exception("live subscriber failed for event %s", message.get("id"))
