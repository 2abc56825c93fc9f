"""The speed figures of issue 19: suggestion time per complaint and training time on a large
history. A command (`laksana routing bench`), never a timed test: run it under
`flock /tmp/heavy.lock` on a shared machine.

Training rows are synthesised from the starter corpus, because no region ships 100,000 real
complaints: each synthetic complaint is a starter row (its labels: category and agency function),
with a probability of 0.3 followed by a second row of the same category (a longer report), the
name of one of the region's kelurahan and an RT/RW, and about one word in twelve mistyped (a
letter dropped, doubled or swapped), so the vocabulary grows the way real typing makes it grow.
Fixed seed: the same size gives the same rows.
"""

from __future__ import annotations

import csv
import os
import random
import statistics
import time
from pathlib import Path

from laksana.regions.models import Area, Region

from . import fits, services
from .services import STARTER, Row

SUGGESTIONS = 1_000
TRAINING_ROWS = 100_000
SEED = 19


def _mistype(word: str, rng: random.Random) -> str:
    j = rng.randrange(1, len(word) - 1)
    kind = rng.random()
    if kind < 0.4:
        return word[:j] + word[j + 1 :]
    if kind < 0.7:
        return word[:j] + word[j] + word[j:]
    return word[:j] + word[j + 1] + word[j] + word[j + 2 :]


def synthesise(n: int, *, places: list[str], path: Path = STARTER, seed: int = SEED) -> list[Row]:
    """n complaints made from the starter corpus as the module docstring says."""
    with path.open(encoding="utf-8", newline="") as f:
        corpus = list(csv.DictReader(f))
    by_category: dict[str, list[dict]] = {}
    for r in corpus:
        by_category.setdefault(r["category"], []).append(r)
    places = places or ["kelurahan"]
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        r = rng.choice(corpus)
        text = r["text"]
        if rng.random() < 0.3:
            text += " " + rng.choice(by_category[r["category"]])["text"]
        words = [
            _mistype(w, rng) if len(w) > 3 and rng.random() < 1 / 12 else w for w in text.split()
        ]
        words.append(f"{rng.choice(places)} rt {rng.randint(1, 20):02d}/{rng.randint(1, 15):02d}")
        rows.append(Row(" ".join(words), r["category"], r["agency_function"], group=f"s{i}"))
    return rows


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def suggestion_times(region: Region, texts: list[str]) -> dict:
    """Milliseconds per complaint of `services.suggest` (model already loaded, so the database
    look-ups of the newest version and of the names are in it) and of the two models alone."""
    services.suggest(region, texts[0])  # load and unpickle once, as a running server has
    whole, model = [], []
    loaded = {t: services.load(region, t) for t in services.TARGETS}
    models = {t: item[1] for t, item in loaded.items() if item is not None}
    for text in texts:
        started = time.perf_counter()
        services.suggest(region, text)
        whole.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        services.guesses(models, text, k=services.TOP + 2)
        model.append((time.perf_counter() - started) * 1000)

    def summary(ms: list[float]) -> dict:
        return {
            "median_ms": round(statistics.median(ms), 3),
            "p99_ms": round(_percentile(ms, 0.99), 3),
            "max_ms": round(max(ms), 3),
        }

    return {"n": len(texts), "suggest": summary(whole), "models_only": summary(model)}


def training_time(rows: list[Row]) -> dict:
    """Seconds to fit both targets' models (with calibration) and serialise them, as
    `services.train` does before it stores them."""
    phases: dict = {}
    started = time.perf_counter()
    fitted = fits.fit_models(rows, phases=phases)
    fit_seconds = time.perf_counter() - started
    size = sum(len(fits.dump(clf)) for clf in fitted.values())
    seconds = time.perf_counter() - started
    return {
        "rows": len(rows),
        "seconds": round(seconds, 2),
        "fit_seconds": round(fit_seconds, 2),
        "read_seconds": phases.get("read_seconds"),
        "payload_bytes": size,
        "features": len(next(iter(fitted.values())).feature_names) if fitted else 0,
        "calibrated": {t: bool(clf.calibrated) for t, clf in fitted.items()},
    }


def bench(region: Region, *, suggestions: int = SUGGESTIONS, rows: int = TRAINING_ROWS) -> dict:
    """Both figures for one region: its newest model (trained now on the starter corpus and its
    history when it has none) answers `suggestions` synthetic complaints; `rows` synthetic
    complaints are trained on."""
    if any(services.load(region, t) is None for t in services.TARGETS):
        services.train(region)
    places = list(
        Area.objects.filter(region=region, level=Area.Level.KELURAHAN)
        .order_by("code")
        .values_list("name", flat=True)
    )
    texts = [r.text for r in synthesise(suggestions, places=places, seed=SEED + 1)]
    # Other people's work on a shared machine slows every figure: the load is reported with them.
    report = {"region": region.slug, "load_before": _load()}
    report["suggestion"] = suggestion_times(region, texts)
    report["training"] = training_time(synthesise(rows, places=places)) if rows else None
    report["load_after"] = _load()
    report["cpus"] = os.cpu_count()
    return report


def _load() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def table(report: dict) -> str:
    s = report["suggestion"]
    lines = [
        f"Region {report['region']}: suggestion time per complaint over {s['n']} texts "
        "(model loaded)",
        f"  {'':<28} {'median':>9} {'p99':>9} {'max':>9}",
    ]
    for name, label in (("suggest", "suggest() with DB look-ups"), ("models_only", "models only")):
        m = s[name]
        lines.append(
            f"  {label:<28} {m['median_ms']:>7.2f}ms {m['p99_ms']:>7.2f}ms {m['max_ms']:>7.2f}ms"
        )
    t = report.get("training")
    if t:
        lines += [
            "",
            f"Training on {t['rows']:,} synthetic complaints (category and agency, calibrated "
            f"{', '.join(k for k, v in t['calibrated'].items() if v) or 'none'}): "
            f"{t['seconds']:.1f} s ({t['read_seconds']:.1f} s reading the texts, "
            f"{t['fit_seconds'] - t['read_seconds']:.1f} s fitting, the rest serialising); "
            f"{t['features']:,} features, {t['payload_bytes'] / 1e6:.1f} MB stored",
        ]
    lines.append(
        f"{report['cpus']} CPUs; load average (1, 5, 15 min) before {report['load_before']}, "
        f"after {report['load_after']}"
    )
    return "\n".join(lines)
