"""The text model of routing (issue 19), apart from Django so that worker processes can fit and
unpickle it: TF-IDF of character n-grams (char_wb 3-6, robust to "jln", "gk", typos) and words into
a logistic regression with balanced class weights, its probabilities calibrated (sigmoid, 3 folds)
when every class has enough rows. Deterministic: fixed random_state, no shuffling, rows in a
stable order.
"""

from __future__ import annotations

import hashlib
from collections import Counter

import numpy as np

RANDOM_STATE = 19
CALIBRATION_FOLDS = 3
# A large history (`laksana routing bench`: 100,000 complaints in under a minute on 2 cores):
# past LARGE rows a model is calibrated on one held-out 1/HOLDOUT of its rows, n-grams seen in
# one text only are dropped, and past PARALLEL_ROWS the texts are read and the two targets
# fitted on both cores.
LARGE = 20_000
HOLDOUT = 10
PARALLEL_ROWS = 20_000
TOP = 3
WORDS = 3

# Never shown as the reason of a suggestion (still used as features).
_STOPWORDS = (
    "di ke dari dan yang yg ada ad ini itu sudah sdh udah dengan dgn untuk utk pak bu bpk min "
    "tolong tlg mohon dong sangat sekali bgt banget juga lagi sama tidak gk ga gak tdk belum "
    "blm saya sy kami kmi kita warga wrg nya se rt rw jl atau karena krn sampai sampe oleh pada "
    "akan bisa masih terus lama hari hr depan dekat dkt deket sebelah samping belakang"
)
STOPWORDS = frozenset(_STOPWORDS.split())


def _vectorizer(n_jobs: int | None = None, min_df: int = 1):
    # char_wb 3-6 and single words: agency top-1 on held-out starter reports 0.634 -> 0.664 over
    # char 2-5 with word bigrams (+0.8 and +1.7 points with two other fold seeds), category
    # 0.604 -> 0.619. Chosen among 12 settings (C, n-gram ranges, min_df, max_df) on those folds.
    # The character n-grams are two blocks (3-4, 5-6), each weighted 1/sqrt(2), so that a large
    # history reads them on both cores (n_jobs=2 while fitting): on the 287-report corpus grouped
    # CV moved 0.619 -> 0.617 (category) and 0.661 -> 0.657 (agency function); equal weights
    # scored 0.606 (chosen on CV only, never on heldout.csv).
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.pipeline import FeatureUnion

    def tfidf(**options):
        return TfidfVectorizer(
            sublinear_tf=True, lowercase=True, min_df=min_df, dtype=np.float32, **options
        )

    half = float(np.sqrt(0.5))
    return FeatureUnion(
        [
            ("char", tfidf(analyzer="char_wb", ngram_range=(3, 4))),
            ("char56", tfidf(analyzer="char_wb", ngram_range=(5, 6))),
            ("word", tfidf(analyzer="word", token_pattern=r"(?u)\b[^\W\d_]{2,}\b")),
        ],
        transformer_weights={"char": half, "char56": half, "word": 1.0},
        n_jobs=n_jobs,
    )


def _linear():
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(
        C=10.0, class_weight="balanced", max_iter=500, tol=1e-3, random_state=RANDOM_STATE
    )


def _holdout_split(y: np.ndarray, groups: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """(train, calibration) row indices: the groups whose CRC-32 ends in 0 mod HOLDOUT
    calibrate, the others train; a class with no row left to train on trains on all of its
    rows. Deterministic, and rows of one group stay together."""
    import zlib

    held = np.array([zlib.crc32(g.encode()) % HOLDOUT == 0 for g in groups])
    for c in np.unique(y):
        if not (~held & (y == c)).any():
            held[y == c] = False
    return np.flatnonzero(~held), np.flatnonzero(held)


class Classifier:
    """A fitted vectorizer, a linear model (for the reasons) and the probabilities (calibrated
    when every class has enough rows)."""

    def __init__(
        self,
        texts: list[str],
        labels: list[str],
        *,
        calibrate: bool = True,
        groups: list[str] | None = None,
        vectorized: tuple | None = None,
    ):
        from sklearn.calibration import CalibratedClassifierCV

        if vectorized is None:
            self.vectorizer = _vectorizer()
            X = self.vectorizer.fit_transform(texts)
        else:
            # (fitted vectorizer, its matrix of these texts): train() reads the texts once for
            # both targets, which is most of the time on a large history.
            self.vectorizer, X = vectorized
        counts = Counter(labels)
        self.classes = sorted(counts)
        index = {c: i for i, c in enumerate(self.classes)}
        y = np.array([index[label] for label in labels])
        self.calibrated = None
        if calibrate and len(counts) > 1 and min(counts.values()) >= CALIBRATION_FOLDS:
            groups = list(groups or [str(i) for i in range(len(labels))])
            if len(y) > LARGE:
                # A large history: one model on the rows outside a fixed tenth (by group), its
                # sigmoids fitted on that tenth (ensemble=True with one split). One big fit per
                # target; each fit's cost grows with classes x features, not with rows, so
                # three folds (or folds of a sample) would cost three or four of them.
                splits = [_holdout_split(y, groups)]
                ensemble = True
            else:
                from sklearn.model_selection import StratifiedGroupKFold

                # Rows made from one hand-written report stay in one fold, or the out-of-fold
                # logits would be as sure as the training ones and T far too small.
                folds = StratifiedGroupKFold(n_splits=CALIBRATION_FOLDS)
                splits = list(folds.split(np.zeros(len(y)), y, groups))
                # Sigmoid calibration on out-of-fold scores, then one model on all rows
                # (ensemble=False): confidences are those of wording the model has not seen,
                # and asking costs one model.
                ensemble = False
            self.calibrated = CalibratedClassifierCV(
                _linear(), method="sigmoid", cv=splits, ensemble=ensemble
            )
            self.calibrated.fit(X, y)
            self.linear = self.calibrated.calibrated_classifiers_[0].estimator
        else:
            self.linear = _linear().fit(X, y)
        names = self.vectorizer.get_feature_names_out()
        self.word_features = np.array([n.startswith("word__") for n in names])
        self.feature_names = np.array([n.split("__", 1)[1] for n in names], dtype=object)
        # Words too common to explain anything are still features, never a reason shown.
        self.stopword_features = np.array(
            [bool(set(n.split()) & STOPWORDS) for n in self.feature_names]
        )

    def proba(self, X) -> np.ndarray:
        model = self.calibrated if self.calibrated is not None else self.linear
        return model.predict_proba(X)

    def predict(self, texts: list[str]) -> np.ndarray:
        return self.proba(self.vectorizer.transform(texts))

    def words(self, x, class_index: int, n: int = WORDS) -> list[str]:
        """The words with the largest positive contribution to one class for one text."""
        x = x.tocsr()
        return self._words(x.indices, x.data, class_index, n)

    def _words(self, idx: np.ndarray, data: np.ndarray, class_index: int, n: int) -> list[str]:
        coef = self.linear.coef_
        row = coef[class_index] if coef.shape[0] > 1 else coef[0] * (1 if class_index else -1)
        contributions = data * row[idx]
        keep = (contributions > 0) & self.word_features[idx] & ~self.stopword_features[idx]
        order = np.argsort(-contributions[keep], kind="stable")
        words: list[str] = []
        for j in idx[keep][order]:
            name = self.feature_names[j]
            for w in name.split():
                if w not in words:
                    words.append(w)
            if len(words) >= n:
                break
        return words[:n]

    # One text at a time (a suggestion) with numpy alone: scikit-learn's input checks cost ~15 ms
    # per text with 28 per-class calibrators; this path costs well under 1 ms and gives the same
    # numbers (test_fast_path_gives_the_same_probabilities).

    def _prepared(self) -> tuple[list, np.ndarray, np.ndarray, np.ndarray | None]:
        fast = self.__dict__.get("_fast")
        if fast is None:
            blocks, offset = [], 0
            weights = self.vectorizer.transformer_weights or {}
            for name, vectorizer in self.vectorizer.transformer_list:
                analyze, vocabulary = vectorizer.build_analyzer(), vectorizer.vocabulary_
                weight = weights.get(name, 1.0)
                blocks.append((offset, analyze, vocabulary, vectorizer.idf_, weight))
                offset += len(vocabulary)
            coef = self.linear.coef_
            intercept = self.linear.intercept_
            sigmoid = None
            if self.calibrated is not None:
                calibrators = self.calibrated.calibrated_classifiers_[0].calibrators
                sigmoid = np.array([[c.a_, c.b_] for c in calibrators])
            fast = self.__dict__["_fast"] = (blocks, coef, intercept, sigmoid)
        return fast

    def __getstate__(self) -> dict:
        state = self.__dict__.copy()
        state.pop("_fast", None)
        state.pop("_reading", None)
        return state

    @property
    def reading(self) -> str:
        """A digest of the fitted vectorizer: equal for the targets trained together
        (fit_targets), whose `encode` of a text is then the same, so a suggestion reads it once."""
        digest = self.__dict__.get("_reading")
        if digest is None:
            h = hashlib.blake2b(digest_size=16)
            h.update(repr(self.vectorizer.transformer_weights).encode())
            for name, vectorizer in self.vectorizer.transformer_list:
                h.update(repr((name, sorted(vectorizer.get_params().items()))).encode())
                terms = sorted(vectorizer.vocabulary_, key=vectorizer.vocabulary_.__getitem__)
                h.update("\n".join(terms).encode())
                h.update(np.ascontiguousarray(vectorizer.idf_).tobytes())
            digest = self.__dict__["_reading"] = h.hexdigest()
        return digest

    def encode(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """The text's feature indices and TF-IDF values: per block, sublinear tf times idf,
        L2-normalised, as the FeatureUnion of TfidfVectorizers computes them."""
        indices, values = [], []
        for offset, analyze, vocabulary, idf, weight in self._prepared()[0]:
            counts = Counter(map(vocabulary.get, analyze(text)))  # counted in C, then
            counts.pop(None, None)  # the n-grams never seen in training dropped
            if not counts:
                continue
            j = np.fromiter(counts.keys(), dtype=np.int64, count=len(counts))
            v = (1.0 + np.log(np.fromiter(counts.values(), dtype=np.float64))) * idf[j]
            order = np.argsort(j)
            indices.append(j[order] + offset)
            values.append(v[order] * (weight / np.sqrt(v @ v)))
        if not indices:
            return np.zeros(0, dtype=np.int64), np.zeros(0)
        return np.concatenate(indices), np.concatenate(values)

    def _proba_one(self, idx: np.ndarray, data: np.ndarray) -> np.ndarray:
        _, coef, intercept, sigmoid = self._prepared()
        scores = coef[:, idx] @ data + intercept
        if sigmoid is None:
            if len(self.classes) == 2:
                p1 = 1.0 / (1.0 + np.exp(-scores[0]))
                return np.array([1.0 - p1, p1])
            e = np.exp(scores - scores.max())
            return e / e.sum()
        p = 1.0 / (1.0 + np.exp(sigmoid[:, 0] * scores + sigmoid[:, 1]))
        if len(self.classes) == 2:
            return np.array([1.0 - p[0], p[0]])
        total = p.sum()
        return p / total if total else np.full(len(p), 1.0 / len(p))

    def top(self, text: str, k: int = TOP) -> list[tuple[str, float, list[str]]]:
        return self.top_encoded(self.encode(text), k=k)

    def top_encoded(
        self, encoded: tuple[np.ndarray, np.ndarray], k: int = TOP
    ) -> list[tuple[str, float, list[str]]]:
        """`top` of a text already read by `encode` (of a model with the same `reading`)."""
        idx, data = encoded
        p = self._proba_one(idx, data)
        order = np.argsort(-p, kind="stable")[:k]
        return [
            (self.classes[i], float(p[i]), self._words(idx, data, int(i), WORDS)) for i in order
        ]


def _one(labels: list[str], groups: list[str], vectorizer, X) -> Classifier:
    return Classifier([], labels, groups=groups, vectorized=(vectorizer, X))


def fit_targets(
    texts: list[str],
    targets: dict[str, tuple[list[int], list[str], list[str]]],
    *,
    phases: dict | None = None,
) -> dict[str, Classifier]:
    """Classifiers of several targets on one vectorizer, which reads every text once. targets:
    name -> (row indices into texts, their labels, their groups). A large history is read and
    fitted on two cores (loky processes: the same numbers as one core, in about half the time)."""
    import time

    started = time.perf_counter()
    parallel = len(texts) > PARALLEL_ROWS
    vectorizer = _vectorizer(n_jobs=2 if parallel else None, min_df=2 if len(texts) > LARGE else 1)
    X = vectorizer.fit_transform(texts)
    if phases is not None:  # where the time goes (laksana routing bench)
        phases["read_seconds"] = round(time.perf_counter() - started, 2)
    vectorizer.n_jobs = None  # a suggestion is one text: never start processes for it
    jobs = {
        name: (labels, groups, X if len(idx) == len(texts) else X[idx])
        for name, (idx, labels, groups) in targets.items()
        if len(set(labels)) > 1
    }
    # One BLAS thread per fit, here and in the worker processes: a multi-threaded BLAS sums in
    # another order (confidences differing by ~1e-8 between a fit here and one in a worker), so
    # the same data gives the same model on any machine, however many cores it has.
    if parallel and len(jobs) > 1:
        from joblib import Parallel, delayed, parallel_config

        with parallel_config(backend="loky", inner_max_num_threads=1):
            fitted = Parallel(n_jobs=2)(
                delayed(_one)(labels, groups, vectorizer, x) for labels, groups, x in jobs.values()
            )
        return dict(zip(jobs, fitted, strict=True))
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1):
        return {
            name: _one(labels, groups, vectorizer, x) for name, (labels, groups, x) in jobs.items()
        }
