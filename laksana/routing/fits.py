"""Fitting a region's models, once per set of rows (issue 19): the targets' classifiers on one
vectorizer, and the stored bytes of every fit kept by what it read, in this process and, with
ROUTING_FIT_DIR, in a folder the machine's processes share."""

from __future__ import annotations

import fcntl
import hashlib
import io
import json
import os
import threading
import time
from collections import OrderedDict
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import joblib

from laksana.conf import env

from .classifier import Classifier, fit_targets
from .models import RoutingModel

if TYPE_CHECKING:
    from .services import Row


TARGETS = (RoutingModel.Target.CATEGORY, RoutingModel.Target.AGENCY)


def _targets(rows: list[Row], names=TARGETS) -> dict[str, tuple[list[int], list[str], list[str]]]:
    """fit_targets' input: per target, the row indices that have its label, the labels, groups."""
    targets = {}
    for target in names:
        idx = [i for i, r in enumerate(rows) if getattr(r, target)]
        labels = [getattr(rows[i], target) for i in idx]
        groups = [rows[i].group or f"row-{i}" for i in idx]
        targets[target] = (idx, labels, groups)
    return targets


def fit_models(
    rows: list[Row], *, phases: dict | None = None, targets=TARGETS
) -> dict[str, Classifier]:
    """The targets' classifiers on one vectorizer (classifier.fit_targets), which reads the texts
    of every row that has a label of either target (so a target fitted alone, without the other,
    gets the same vectorizer)."""
    rows = [r for r in rows if r.category or r.agency]
    if not rows:
        return {}
    return fit_targets([r.text for r in rows], _targets(rows, targets), phases=phases)


# --- one fit for the same rows ------------------------------------------------------------------
# A fit is deterministic (test_training_is_deterministic), so rows a process has fitted before
# give the model it stored then: adopting regions of the same agency structure one after the
# other (the category model of the starter corpus is the same in every region), `routing train`
# run twice, the weekly job for a region with no new history. Each such fit is ~10 s of both
# cores; kept are the stored bytes (compressed), newest first, up to _KEPT_BYTES per process,
# and, with ROUTING_FIT_DIR, in a folder the machine's processes share (the web workers that
# adopt regions, the task worker's weekly job, `routing train`; make test's two databases).
_KEPT_BYTES = 32 * 1024 * 1024
_fitted: OrderedDict[str, tuple[bytes, int, bool, float]] = OrderedDict()
_fitted_lock = threading.Lock()


def _fit_keys(rows: list[Row]) -> dict[str, str]:
    """Per target that can be fitted (two labels or more): a digest of everything its fit reads,
    the texts of the vectorizer, its rows, labels and groups, and the classifier's settings."""
    from . import classifier

    rows = [r for r in rows if r.category or r.agency]
    texts = hashlib.blake2b(digest_size=20)
    settings_read = (
        classifier.RANDOM_STATE,
        classifier.CALIBRATION_FOLDS,
        classifier.LARGE,
        classifier.HOLDOUT,
        classifier.PARALLEL_ROWS,
    )
    texts.update(repr(settings_read).encode())
    for r in rows:
        texts.update(r.text.encode() + b"\x00")
    keys = {}
    for target, (idx, labels, groups) in _targets(rows).items():
        if len(set(labels)) < 2:
            continue
        h = texts.copy()
        h.update(target.encode())
        for i, label, group in zip(idx, labels, groups, strict=True):
            h.update(f"\x00{i}\x01{label}\x01{group}".encode())
        keys[target] = h.hexdigest()
    return keys


def payloads(rows: list[Row]) -> dict[str, tuple[bytes, int, bool, float, bool]]:
    """Per target: (stored bytes, number of classes, calibrated, seconds its fit took, fitted
    before, by this process or one sharing ROUTING_FIT_DIR)."""
    keys = _fit_keys(rows)
    with _fitted_lock:
        known = {t: (*_fitted[k], True) for t, k in keys.items() if k in _fitted}
    missing = [t for t in keys if t not in known]
    if not missing:
        return known
    folder = env("ROUTING_FIT_DIR")
    with _shared_fits(folder, sorted(keys[t] for t in missing)):
        shared = {t: entry for t in missing if (entry := _read_fit(folder, keys[t]))}
        missing = [t for t in missing if t not in shared]
        started = time.perf_counter()
        fitted = fit_models(rows, targets=missing) if missing else {}
        seconds = round(time.perf_counter() - started, 2)  # the targets fitted together
        new = {
            t: (dump(clf), len(clf.classes), bool(clf.calibrated), seconds)
            for t, clf in fitted.items()
        }
        for target, entry in new.items():
            _write_fit(folder, keys[target], entry)
    with _fitted_lock:
        for target, entry in {**shared, **new}.items():
            _fitted[keys[target]] = entry
            _fitted.move_to_end(keys[target], last=False)
        while len(_fitted) > 1 and sum(len(e[0]) for e in _fitted.values()) > _KEPT_BYTES:
            _fitted.popitem()
    known |= {t: (*entry, True) for t, entry in shared.items()}
    return {**known, **{t: (*entry, False) for t, entry in new.items()}}


@contextmanager
def _shared_fits(folder: str, keys: list[str]):
    """Held while the fits of `keys` are looked for in `folder` and made: a second process
    that needs the same fits waits for the first and reads them (an exclusive lock per set of
    keys; none without a folder)."""
    if not folder:
        yield
        return
    Path(folder).mkdir(parents=True, exist_ok=True)
    name = hashlib.blake2b("\n".join(keys).encode(), digest_size=16).hexdigest()
    with open(Path(folder) / f"{name}.lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _read_fit(folder: str, key: str) -> tuple[bytes, int, bool, float] | None:
    """A fit another process wrote (a JSON line, then the stored bytes); None if there is none
    or it is not whole."""
    if not folder:
        return None
    try:
        header, payload = (Path(folder) / f"{key}.fit").read_bytes().split(b"\n", 1)
        meta = json.loads(header)
    except (OSError, ValueError):
        return None
    if len(payload) != meta["bytes"]:
        return None
    return payload, meta["classes"], meta["calibrated"], meta["seconds"]


def _write_fit(folder: str, key: str, entry: tuple[bytes, int, bool, float]) -> None:
    if not folder:
        return
    payload, classes, calibrated, seconds = entry
    header = {"bytes": len(payload), "classes": classes, "calibrated": calibrated}
    header["seconds"] = seconds
    final = Path(folder) / f"{key}.fit"
    part = final.with_suffix(f".{os.getpid()}.part")
    part.write_bytes(json.dumps(header).encode() + b"\n" + payload)
    os.replace(part, final)  # whole or absent for a reader


def dump(clf: Classifier) -> bytes:
    buffer = io.BytesIO()
    joblib.dump(clf, buffer, compress=3)
    return buffer.getvalue()
