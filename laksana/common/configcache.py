"""Configuration rows kept per process: a region, its categories, its deadline rules, its
webhook endpoints.

Every submission read them afresh: seven queries before its write, about half of the Python
time of an intake request (issue 15, item 8: one SQLite process serving a burst of 30
submitters is bound by that time). They change when an administrator edits them, not per
request, so each process keeps what it read for CONFIG_SECONDS at most (the setting
CONFIG_CACHE_SECONDS, 10 by default; 0 keeps nothing), and forgets a cache at once when this
process saves or deletes one of the models it was read from. Another process's edit (another
web worker on PostgreSQL, a `laksana` command) or a QuerySet.update() is seen within
CONFIG_SECONDS.

What is kept is shared by the requests of the process: callers read it, never change it.
"""

import threading
import time
from collections.abc import Callable, Hashable
from typing import Any

from django.conf import settings
from django.db.models.signals import post_delete, post_save

CONFIG_SECONDS = float(getattr(settings, "CONFIG_CACHE_SECONDS", 10))

_caches: list["ConfigCache"] = []


class ConfigCache:
    def __init__(self, name: str, *, models: tuple[str, ...]) -> None:
        self.name = name
        self.models = set(models)  # "app_label.ModelName" whose changes drop this cache
        self._entries: dict[Hashable, tuple[float, Any]] = {}
        self._lock = threading.Lock()
        _caches.append(self)

    def get(self, key: Hashable, load: Callable[[], Any]) -> Any:
        now = time.monotonic()
        found = self._entries.get(key)
        if found is not None and now - found[0] < CONFIG_SECONDS:
            return found[1]
        value = load()  # an exception (not found) is not kept
        with self._lock:
            self._entries[key] = (now, value)
        return value

    def depends_on(self, *models: str) -> None:
        """Drop this cache on changes of these models too (an app above the one that owns the
        cache keeps its own data on what is cached: the sla app on a region)."""
        self.models.update(models)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


_other_stores: list[Callable[[], None]] = []


def also_clear(forget: Callable[[], None]) -> None:
    """Have clear_all() call `forget` too: a store of configuration kept another way (the
    regions' geometry, built once per process and dropped when their areas are loaded)."""
    _other_stores.append(forget)


def clear_all() -> None:
    """Forget everything (tests, between two tests' databases: a rolled-back test's region id
    is the next test's, for another region)."""
    for cache in _caches:
        cache.clear()
    for forget in _other_stores:
        forget()


def _changed(sender, **kwargs) -> None:
    label = sender._meta.label
    for cache in _caches:
        if label in cache.models:
            cache.clear()


post_save.connect(_changed, dispatch_uid="laksana.configcache.save")
post_delete.connect(_changed, dispatch_uid="laksana.configcache.delete")
