"""How well the routing model does (issue 19, item 3): cross-validated, time-split, or on a file."""

from __future__ import annotations

import csv
import time
from collections import Counter
from pathlib import Path

import numpy as np

from laksana.agencies.models import Agency, Category
from laksana.regions.models import Region

from .services import STARTER, Row, _fit, training_rows

HELDOUT = STARTER.parent / "heldout.csv"

FOLDS = 5
CONFUSIONS_SHOWN = 15  # in the terminal table; --json has them all
TIME_SPLIT = 0.8  # the oldest 80 % of the history trains, the newest 20 % tests


def _score(truth: list[str], proba: np.ndarray, classes: list[str]) -> dict:
    """top-1/top-3 accuracy, per-class recall, every confusion (true, top-1 predicted), most
    frequent first."""
    order = np.argsort(-proba, axis=1, kind="stable")
    top1 = top3 = 0
    per_class: dict[str, list[int]] = {}
    confusions: Counter = Counter()
    for i, label in enumerate(truth):
        ranked = [classes[j] for j in order[i, :3]]
        hit1 = ranked[0] == label
        top1 += hit1
        top3 += label in ranked
        got = per_class.setdefault(label, [0, 0])
        got[0] += hit1
        got[1] += 1
        if not hit1:
            confusions[(label, ranked[0])] += 1
    n = len(truth) or 1
    return {
        "n": len(truth),
        "top1": round(top1 / n, 4),
        "top3": round(top3 / n, 4),
        "recall": {k: round(v[0] / v[1], 4) for k, v in sorted(per_class.items())},
        "confusions": [
            {"true": t, "predicted": p, "count": c} for (t, p), c in confusions.most_common()
        ],
    }


def _baseline(truth: list[str]) -> float:
    if not truth:
        return 0.0
    return round(Counter(truth).most_common(1)[0][1] / len(truth), 4)


def cross_validate(rows: list[Row], target: str, folds: int = FOLDS) -> dict | None:
    """Stratified k-fold; the starter corpus's rows made from one hand-written report stay in one
    fold (StratifiedGroupKFold), so the score is on wording the model has not seen. Ranked by the
    uncalibrated linear model (calibration keeps the order nearly always and costs 4x)."""
    from sklearn.model_selection import StratifiedGroupKFold

    labelled = [r for r in rows if getattr(r, target)]
    labels = [getattr(r, target) for r in labelled]
    counts = Counter(labels)
    # Classes too small to appear in every fold are scored but never held out alone.
    k = min(folds, max(2, min(counts.values()))) if counts else 0
    if len(counts) < 2 or len(labelled) < k * 2:
        return None
    skf = StratifiedGroupKFold(n_splits=k, shuffle=True, random_state=19)
    groups = [r.group or f"row-{i}" for i, r in enumerate(labelled)]
    truth: list[str] = []
    probas: list[np.ndarray] = []
    all_classes = sorted(counts)
    started = time.perf_counter()
    y = np.array(labels)
    for train_idx, test_idx in skf.split(np.zeros(len(y)), y, groups):
        clf = _fit([labelled[i] for i in train_idx], target, calibrate=False)
        p = clf.predict([labelled[i].text for i in test_idx])
        full = np.zeros((len(test_idx), len(all_classes)))
        for j, c in enumerate(clf.classes):
            full[:, all_classes.index(c)] = p[:, j]
        probas.append(full)
        truth.extend(labels[i] for i in test_idx)
    result = _score(truth, np.vstack(probas), all_classes)
    result["folds"] = k
    result["baseline_top1"] = _baseline(truth)
    result["seconds"] = round(time.perf_counter() - started, 2)
    return result


def _holdout(train: list[Row], test: list[Row], target: str) -> dict | None:
    train = [r for r in train if getattr(r, target)]
    test = [r for r in test if getattr(r, target)]
    clf = _fit(train, target, calibrate=False)
    if clf is None or not test:
        return None
    p = clf.predict([r.text for r in test])
    truth = [getattr(r, target) for r in test]
    result = _score(truth, p, clf.classes)
    result["baseline_top1"] = _baseline(truth)
    return result


def time_split(rows: list[Row], target: str) -> dict | None:
    """Train on the starter corpus and the older history, test on the newest history."""
    history = sorted((r for r in rows if r.at is not None), key=lambda r: r.at)
    if len(history) < 10:
        return None
    cut = int(len(history) * TIME_SPLIT)
    starter = [r for r in rows if r.at is None]
    return _holdout(starter + history[:cut], history[cut:], target)


def corpus_rows(path: Path) -> list[Row]:
    """A corpus file (starter.csv, heldout.csv) with its own labels: the category code and the
    agency *function*, which each region maps to one of its agencies."""
    with path.open(encoding="utf-8", newline="") as f:
        return [
            Row(r["text"], r["category"], r["agency_function"], group=r.get("stem") or "")
            for r in csv.DictReader(f)
        ]


def starter_heldout(starter: Path | None = None, heldout: Path | None = None) -> dict:
    """The starter corpus alone (issue 19's figure): trained on starter.csv, scored on the
    reports written separately (heldout.csv), and the starter corpus's own grouped CV."""
    starter, heldout = starter or STARTER, heldout or HELDOUT
    train, test = corpus_rows(starter), corpus_rows(heldout)
    report: dict = {
        "corpus": {"starter": str(starter.name), "heldout": str(heldout.name)},
        "samples": {"starter": len(train), "heldout": len(test)},
    }
    for target in ("category", "agency"):
        started = time.perf_counter()
        part: dict = {"heldout": _holdout(train, test, target)}
        part["heldout"]["seconds"] = round(time.perf_counter() - started, 2)
        part["cross_validated"] = cross_validate(train, target)
        report[target] = part
    return report


def read_file(region: Region, path: Path) -> tuple[list[Row], list[str]]:
    """A labelled CSV (text, agency, optional category): agency as code, short or full name."""
    agencies: dict[str, str] = {}
    for code, short, name in Agency.objects.filter(region=region).values_list(
        "code", "short_name", "name"
    ):
        for key in (code, short, name):
            agencies.setdefault(key.strip().lower(), code)
    categories: dict[str, str] = {}
    for code, name in Category.objects.filter(region=region).values_list("code", "name"):
        categories.setdefault(code.lower(), code)
        categories.setdefault(name.strip().lower(), code)
    rows, problems = [], []
    with path.open(encoding="utf-8-sig", newline="") as f:
        for line, r in enumerate(csv.DictReader(f), start=2):
            text = (r.get("text") or "").strip()
            agency_given = (r.get("agency") or "").strip()
            category_given = (r.get("category") or "").strip()
            agency = agencies.get(agency_given.lower()) if agency_given else None
            category = categories.get(category_given.lower()) if category_given else None
            if not text:
                problems.append(f"line {line}: no text")
                continue
            if agency_given and agency is None:
                problems.append(f"line {line}: unknown agency {agency_given!r}")
            if category_given and category is None:
                problems.append(f"line {line}: unknown category {category_given!r}")
            if agency or category:
                rows.append(Row(text, category, agency, source="file"))
    return rows, problems


def evaluate(region: Region, *, file: Path | None = None) -> dict:
    rows = training_rows(region)
    report: dict = {
        "region": region.slug,
        "samples": {
            "starter": sum(r.source == "starter" for r in rows),
            "history": sum(r.source == "history" for r in rows),
        },
    }
    for target in ("category", "agency"):
        part: dict = {}
        if file is not None:
            test, problems = read_file(region, file)
            part["file"] = _holdout(rows, test, target)
            report["file_problems"] = problems[:50]
        else:
            part["cross_validated"] = cross_validate(rows, target)
            part["time_split"] = time_split(rows, target)
        report[target] = part
    report["training"] = last_training(region)
    from .usage import real_use

    report["real_use"] = real_use(region)
    return report


def last_training(region: Region) -> dict:
    """Per target, the newest stored model: its version, when and on how many rows it was
    trained and how long its fit took (measured by `routing train`; evaluating fits none to time
    it)."""
    from .models import RoutingModel

    newest: dict = {}
    for m in (
        RoutingModel.objects.filter(region=region)
        .order_by("target", "-version")
        .only("target", "version", "trained_at", "samples", "metrics")
    ):
        newest.setdefault(
            m.target,
            {
                "version": m.version,
                "trained_at": m.trained_at.isoformat(),
                "samples": m.samples,
                "seconds": m.metrics.get("train_seconds"),
            },
        )
    return newest


def table(report: dict) -> str:
    """The evaluation as text for the terminal."""
    if "corpus" in report:
        head = (
            f"Starter corpus alone: trained on {report['corpus']['starter']} "
            f"({report['samples']['starter']} rows), scored on {report['corpus']['heldout']} "
            f"({report['samples']['heldout']} reports written separately); agency = agency "
            "function"
        )
    else:
        head = (
            f"Region {report['region']}: {report['samples']['starter']} starter rows, "
            f"{report['samples']['history']} complaints"
        )
    lines = [
        head,
        "",
        f"{'target':<10} {'evaluation':<16} {'n':>6} {'top-1':>7} {'top-3':>7} {'baseline':>9}",
    ]
    for target in ("category", "agency"):
        for name, result in report[target].items():
            if result is None:
                lines.append(f"{target:<10} {name:<16} {'n/a (too few rows)':>32}")
                continue
            lines.append(
                f"{target:<10} {name:<16} {result['n']:>6} {result['top1']:>7.3f} "
                f"{result['top3']:>7.3f} {result['baseline_top1']:>9.3f}"
            )
        if "training" in report:
            t = report["training"].get(target)
            lines.append(
                f"{target:<10} stored model: version {t['version']}, {t['samples']} rows, "
                f"fitted in {t['seconds']} s ({t['trained_at'][:10]})"
                if t
                else f"{target:<10} stored model: none yet (laksana routing train)"
            )
    for target in ("category", "agency"):
        for name, result in report[target].items():
            if not isinstance(result, dict):
                continue
            lines += ["", f"{target} ({name}): recall per class"]
            recall = sorted(result["recall"].items(), key=lambda kv: (kv[1], kv[0]))
            for code, value in recall:
                lines.append(f"  {code:<24} {value:.3f}")
            if result["confusions"]:
                lines.append(
                    f"{target} ({name}): confusions, most frequent {CONFUSIONS_SHOWN} "
                    f"of {len(result['confusions'])} (true -> predicted: count)"
                )
                for c in result["confusions"][:CONFUSIONS_SHOWN]:
                    lines.append(f"  {c['true']} -> {c['predicted']}: {c['count']}")
    if report.get("real_use"):
        from .usage import table as real_use_table

        lines += ["", *real_use_table(report["real_use"])]
    if report.get("file_problems"):
        lines += ["", "File problems:"] + [f"  {p}" for p in report["file_problems"]]
    return "\n".join(lines)
