"""The demo region's own-history figure with the demo's templates kept apart (issue 19).

`laksana routing evaluate --region kota-tangerang` on the demo scores copies of texts it trained
on: the demo history (laksana/demo/services.py) draws each complaint from about ten templates per
category in laksana/demo/data/texts.json (281 in all), changing only the street, landmark and
kelurahan, and verification gives it the template's title. Here the history is split by that
title, so no template is on both sides:

1. starter corpus alone, scored on the whole demo history (a region's day one);
2. five folds of the history grouped by template: the starter corpus and the other templates'
   complaints train, the held-out templates' complaints are scored (the own-history figure);

ranked by the uncalibrated model, as `routing evaluate` does. Run in the demo's environment:

    flock /tmp/heavy.lock python scripts/routing_demo_by_template.py [--region SLUG] [--json]
"""

import argparse
import json
import os

import django


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--region", default="kota-tangerang")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "laksana.settings")
    django.setup()

    import numpy as np
    from sklearn.model_selection import StratifiedGroupKFold

    from laksana.regions.models import Region
    from laksana.routing.evaluation import FOLDS, _baseline, _holdout, _score
    from laksana.routing.services import _fit, history_rows, starter_rows

    region = Region.objects.defer("boundary").get(slug=args.region)
    starter, history = starter_rows(region), history_rows(region)
    for r in history:
        r.group = "title:" + r.text.split(" \n", 1)[0]  # complaint_text puts the title first
    report: dict = {
        "region": region.slug,
        "history": len(history),
        "templates": len({r.group for r in history}),
    }
    for target in ("category", "agency"):
        rows = [r for r in history if getattr(r, target)]
        labels = np.array([getattr(r, target) for r in rows])
        folds = StratifiedGroupKFold(n_splits=FOLDS, shuffle=True, random_state=19)
        classes = sorted(set(labels) | {getattr(r, target) for r in starter if getattr(r, target)})
        truth: list[str] = []
        probas = []
        for train, test in folds.split(np.zeros(len(rows)), labels, [r.group for r in rows]):
            clf = _fit(starter + [rows[i] for i in train], target, calibrate=False)
            p = clf.predict([rows[i].text for i in test])
            full = np.zeros((len(test), len(classes)))
            for j, c in enumerate(clf.classes):
                full[:, classes.index(c)] = p[:, j]
            probas.append(full)
            truth.extend(labels[i] for i in test)
        grouped = _score(truth, np.vstack(probas), classes)
        grouped["baseline_top1"] = _baseline(truth)
        report[target] = {
            "starter_alone": _holdout(starter, rows, target),
            "grouped_by_template": grouped,
        }
    if args.json:
        print(json.dumps(report, indent=2, ensure_ascii=False))
        return
    print(
        f"Region {report['region']}: {report['history']} complaints from {report['templates']} "
        "templates, scored by template never seen in training"
    )
    print(f"{'target':<10} {'evaluation':<20} {'n':>6} {'top-1':>7} {'top-3':>7} {'baseline':>9}")
    for target in ("category", "agency"):
        for name, r in report[target].items():
            print(
                f"{target:<10} {name:<20} {r['n']:>6} {r['top1']:>7.3f} {r['top3']:>7.3f} "
                f"{r['baseline_top1']:>9.3f}"
            )
    for target in ("category", "agency"):
        confusions = report[target]["grouped_by_template"]["confusions"][:8]
        print(f"{target} (grouped_by_template), most frequent confusions:")
        for c in confusions:
            print(f"  {c['true']} -> {c['predicted']}: {c['count']}")


if __name__ == "__main__":
    main()
