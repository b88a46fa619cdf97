#!/usr/bin/env python3
"""Reference fixtures for test/unit/metrics-*.test.ts: scikit-learn's metrics on fixed data.

Run from the repository root with Debian's python3 (numpy, scikit-learn 1.2):
    /usr/bin/python3 scripts/make-metric-fixtures.py
Writes test/fixtures/metrics/{classification,regression,permutation}.json. Deterministic: fixed
seeds, fixed data, sorted keys, floats written with repr (exact round trip). NaN is written as
null; there are no infinities. Undefined results (sklearn raises, e.g. ROC AUC with one class
present) are null as well.

Where sklearn 1.2 has no answer and Lathe chose one, the value is computed here with numpy from
sklearn's per-class results and the case says so (`*_extension` fields):
- multi-class one-vs-rest ROC AUC when a class is absent from y_true (sklearn raises): the mean
  (macro) / support-weighted mean (weighted) over the classes whose AUC is defined;
- multi-class Brier score (sklearn 1.2 is binary only): mean over rows of sum over classes of
  (onehot - p)^2.
"""
import json
import math
import os
import warnings

import numpy as np
import sklearn
from sklearn.base import BaseEstimator
from sklearn.calibration import calibration_curve
from sklearn.inspection import permutation_importance
from sklearn.metrics import (
    accuracy_score,
    average_precision_score,
    balanced_accuracy_score,
    brier_score_loss,
    confusion_matrix,
    log_loss,
    mean_absolute_error,
    mean_absolute_percentage_error,
    mean_squared_error,
    precision_recall_curve,
    precision_recall_fscore_support,
    r2_score,
    roc_auc_score,
    roc_curve,
)
from sklearn.preprocessing import label_binarize
from sklearn.utils import check_random_state

warnings.filterwarnings("ignore")
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "test", "fixtures", "metrics")
rng = np.random.default_rng(20261122)


def clean(x):
    """numpy values -> JSON values; NaN and None -> null."""
    if isinstance(x, dict):
        return {str(k): clean(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [clean(v) for v in x]
    if isinstance(x, np.ndarray):
        return clean(x.tolist())
    if x is None:
        return None
    if isinstance(x, (bool, np.bool_)):
        return bool(x)
    if isinstance(x, (int, np.integer)):
        return int(x)
    if isinstance(x, (float, np.floating)):
        x = float(x)
        if math.isnan(x):
            return None
        assert math.isfinite(x), "no infinities in fixtures"
        return x
    if isinstance(x, str):
        return x
    raise TypeError(type(x))


def write(name, data):
    os.makedirs(OUT, exist_ok=True)
    data = {"generator": "scripts/make-metric-fixtures.py", "sklearn": sklearn.__version__, **data}
    with open(os.path.join(OUT, name), "w") as f:
        json.dump(clean(data), f, sort_keys=True, allow_nan=False, separators=(",", ":"))
        f.write("\n")


def or_none(fn):
    try:
        return fn()
    except ValueError:
        return None


# ---------------------------------------------------------------- classification


def softmax_proba(y, k, signal, noise=1.0):
    logits = rng.normal(0, noise, size=(len(y), k))
    logits[np.arange(len(y)), y] += signal
    e = np.exp(logits - logits.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def binary_proba(p1):
    p1 = np.asarray(p1, dtype=np.float64)
    return np.column_stack([1 - p1, p1])


def calibration_counts(y_bin, prob, n_bins=10):
    """sklearn's uniform binning, to export the bin counts calibration_curve does not return."""
    bins = np.linspace(0.0, 1.0, n_bins + 1)
    binids = np.searchsorted(bins[1:-1], prob)
    total = np.bincount(binids, minlength=len(bins))
    nonzero = total != 0
    return bins, np.nonzero(nonzero)[0], total[nonzero]


def classification_case(name, y, proba, weight=None, note=""):
    y = np.asarray(y, dtype=np.int64)
    proba = np.asarray(proba, dtype=np.float64)
    n, k = proba.shape
    labels = list(range(k))
    pred = proba.argmax(axis=1)
    sw = None if weight is None else np.asarray(weight, dtype=np.float64)

    p, r, f, s = precision_recall_fscore_support(
        y, pred, labels=labels, average=None, zero_division=0, sample_weight=sw
    )
    macro = precision_recall_fscore_support(y, pred, average="macro", zero_division=0, sample_weight=sw)
    weighted = precision_recall_fscore_support(
        y, pred, average="weighted", zero_division=0, sample_weight=sw
    )

    roc_per_class, ap_per_class, curves = [], [], []
    for c in range(k):
        yc = (y == c).astype(np.int64)
        sc = proba[:, c]
        roc_per_class.append(or_none(lambda: roc_auc_score(yc, sc, sample_weight=sw)))
        ap_per_class.append(average_precision_score(yc, sc, sample_weight=sw))
        fpr, tpr, thr = roc_curve(yc, sc, sample_weight=sw)
        pp, rr, pthr = precision_recall_curve(yc, sc, sample_weight=sw)
        prob_true, prob_pred = calibration_curve(yc, sc, n_bins=10)
        edges, bin_ids, counts = calibration_counts(yc, sc)
        curves.append(
            {
                "roc": {"fpr": fpr, "tpr": tpr, "thresholds": thr},
                "pr": {"precision": pp, "recall": rr, "thresholds": pthr},
                "calibration": {
                    "prob_true": prob_true,
                    "prob_pred": prob_pred,
                    "counts": counts,
                    "bins": bin_ids,
                    "edges": edges,
                },
            }
        )

    support = np.array([np.sum((y == c) * (1.0 if sw is None else sw)) for c in range(k)])
    defined = [c for c in range(k) if roc_per_class[c] is not None]
    all_present = len(defined) == k
    if k == 2:
        roc_macro = float(np.mean([roc_per_class[c] for c in defined])) if defined else None
        roc_weighted = (
            float(np.average([roc_per_class[c] for c in defined], weights=support[defined]))
            if defined
            else None
        )
        ap_macro = float(np.mean(ap_per_class))
        ap_weighted = float(np.average(ap_per_class, weights=support))
    else:
        if all_present:
            kw = dict(multi_class="ovr", labels=labels, sample_weight=sw)
            roc_macro = roc_auc_score(y, proba, average="macro", **kw)
            roc_weighted = roc_auc_score(y, proba, average="weighted", **kw)
        elif defined:
            roc_macro = float(np.mean([roc_per_class[c] for c in defined]))
            roc_weighted = float(
                np.average([roc_per_class[c] for c in defined], weights=support[defined])
            )
        else:
            roc_macro = roc_weighted = None
        yb = label_binarize(y, classes=labels)
        ap_macro = average_precision_score(yb, proba, average="macro", sample_weight=sw)
        ap_weighted = average_precision_score(yb, proba, average="weighted", sample_weight=sw)
        assert np.allclose(
            average_precision_score(yb, proba, average=None, sample_weight=sw), ap_per_class
        )

    onehot = np.eye(k)[y]
    if k == 2:
        brier = brier_score_loss(y, proba[:, 1], sample_weight=sw)
    else:
        brier = np.average(((onehot - proba) ** 2).sum(axis=1), weights=sw)

    return {
        "name": name,
        "note": note,
        "k": k,
        "y_true": y,
        "proba": proba.ravel(),
        "sample_weight": sw,
        "y_pred": pred,
        "accuracy": accuracy_score(y, pred, sample_weight=sw),
        "balanced_accuracy": balanced_accuracy_score(y, pred, sample_weight=sw),
        "confusion_matrix": confusion_matrix(y, pred, labels=labels, sample_weight=sw),
        "precision": p,
        "recall": r,
        "f1": f,
        "support": support,
        "macro": {"precision": macro[0], "recall": macro[1], "f1": macro[2]},
        "weighted": {"precision": weighted[0], "recall": weighted[1], "f1": weighted[2]},
        "roc_auc": {
            "per_class": roc_per_class,
            "macro": roc_macro,
            "weighted": roc_weighted,
            "binary": or_none(lambda: roc_auc_score(y, proba[:, 1], sample_weight=sw))
            if k == 2
            else None,
            "from_sklearn_average": k > 2 and all_present,
            "macro_extension": k > 2 and not all_present,
        },
        "average_precision": {
            "per_class": ap_per_class,
            "macro": ap_macro,
            "weighted": ap_weighted,
            "binary": average_precision_score(y, proba[:, 1], sample_weight=sw) if k == 2 else None,
        },
        "log_loss": log_loss(y, proba, labels=labels, sample_weight=sw),
        "log_loss_eps_1e-15": log_loss(y, proba, labels=labels, sample_weight=sw, eps=1e-15),
        "brier": brier,
        "brier_extension": k > 2,
        "curves": curves,
    }


def tie_rows(k):
    """Probability rows from a small set, so many rows share scores (ties in every column)."""
    if k == 2:
        return [[1 - q, q] for q in (0.1, 0.3, 0.5, 0.7, 0.9, 0.3, 0.7)]
    base = []
    for a in range(1, 5):
        row = np.full(k, 0.1 / (k - 1))
        row[a % k] = 0.9
        base.append(row)
        row2 = np.full(k, 1.0 / k)
        base.append(row2)
        row3 = np.linspace(1, 2, k)
        base.append(row3 / row3.sum())
    return base


def classification_cases():
    cases = []
    # Binary.
    y = rng.integers(0, 2, 200)
    cases.append(classification_case("binary", y, softmax_proba(y, 2, 1.2)))
    y = rng.integers(0, 2, 120)
    rows = tie_rows(2)
    proba = np.array([rows[i] for i in rng.integers(0, len(rows), 120)])
    cases.append(classification_case("binary_ties", y, proba, note="7 distinct scores"))
    y = rng.integers(0, 2, 150)
    w = rng.uniform(0.2, 3.0, 150)
    w[rng.integers(0, 150, 10)] = 0.0
    cases.append(classification_case("binary_weighted", y, softmax_proba(y, 2, 1.0), w))
    y = rng.integers(0, 2, 40)
    proba = binary_proba(np.where(y == 1, rng.uniform(0.6, 1.0, 40), rng.uniform(0.0, 0.4, 40)))
    cases.append(classification_case("binary_perfect", y, proba))
    y = rng.integers(0, 2, 30)
    cases.append(classification_case("binary_constant", y, binary_proba(np.full(30, 0.5))))
    y = np.ones(25, dtype=np.int64)
    cases.append(
        classification_case(
            "binary_one_class", y, softmax_proba(y, 2, 1.0), note="ROC AUC undefined"
        )
    )
    y = rng.integers(0, 2, 50)
    p1 = rng.uniform(0, 1, 50)
    p1[:6] = [0.0, 1.0, 0.0, 1.0, 1e-20, 1 - 1e-17]
    cases.append(
        classification_case("binary_extreme", y, binary_proba(p1), note="0 and 1 probabilities")
    )
    # Three classes.
    y = rng.integers(0, 3, 240)
    cases.append(classification_case("multi3", y, softmax_proba(y, 3, 1.5)))
    y = rng.integers(0, 3, 150)
    rows = tie_rows(3)
    proba = np.array([rows[i] for i in rng.integers(0, len(rows), 150)])
    cases.append(classification_case("multi3_ties", y, proba))
    y = rng.integers(0, 3, 180)
    w = rng.uniform(0.5, 2.0, 180)
    cases.append(classification_case("multi3_weighted", y, softmax_proba(y, 3, 1.0), w))
    y = rng.integers(0, 3, 45)
    proba = softmax_proba(y, 3, 40.0, noise=0.1)
    cases.append(classification_case("multi3_perfect", y, proba))
    y = rng.integers(0, 3, 36)
    cases.append(classification_case("multi3_constant", y, np.full((36, 3), 1 / 3)))
    # Five classes.
    y = rng.integers(0, 5, 300)
    cases.append(classification_case("multi5", y, softmax_proba(y, 5, 1.8)))
    y = rng.integers(0, 5, 200)
    proba = softmax_proba(y, 5, 1.0)
    proba[:, 4] *= 0.01  # class 4 never wins the arg-max
    proba /= proba.sum(axis=1, keepdims=True)
    cases.append(
        classification_case("multi5_never_predicted", y, proba, note="class 4 never predicted")
    )
    y = rng.choice([0, 1, 2, 4], 200)
    cases.append(
        classification_case(
            "multi5_absent_true", y, softmax_proba(y, 5, 1.2), note="class 3 absent from y_true"
        )
    )
    y = rng.integers(0, 5, 220)
    w = rng.uniform(0.1, 4.0, 220)
    w[rng.integers(0, 220, 15)] = 0.0
    cases.append(classification_case("multi5_weighted", y, softmax_proba(y, 5, 1.2), w))
    y = rng.integers(0, 5, 160)
    rows = tie_rows(5)
    proba = np.array([rows[i] for i in rng.integers(0, len(rows), 160)])
    cases.append(classification_case("multi5_ties", y, proba))
    return cases


# ---------------------------------------------------------------- regression


def regression_case(name, y_true, y_pred, weight=None, note=""):
    y_true = np.asarray(y_true, dtype=np.float64)
    y_pred = np.asarray(y_pred, dtype=np.float64)
    sw = None if weight is None else np.asarray(weight, dtype=np.float64)
    return {
        "name": name,
        "note": note,
        "y_true": y_true,
        "y_pred": y_pred,
        "sample_weight": sw,
        "mse": mean_squared_error(y_true, y_pred, sample_weight=sw),
        "rmse": mean_squared_error(y_true, y_pred, sample_weight=sw, squared=False),
        "mae": mean_absolute_error(y_true, y_pred, sample_weight=sw),
        "r2": r2_score(y_true, y_pred, sample_weight=sw),
        "mape": mean_absolute_percentage_error(y_true, y_pred, sample_weight=sw),
    }


def regression_cases():
    cases = []
    y = rng.normal(10, 4, 150)
    cases.append(regression_case("random", y, y + rng.normal(0, 2, 150)))
    y = rng.normal(-3, 1, 90)
    w = rng.uniform(0, 3, 90)
    cases.append(regression_case("weighted", y, y + rng.normal(0.5, 1, 90), w))
    y = rng.normal(0, 1, 60)
    y[::7] = 0.0
    cases.append(regression_case("zeros_in_y_true", y, y + rng.normal(0, 0.3, 60), note="MAPE"))
    y = rng.normal(0, 1, 20)
    y[:3] = 0.0
    p = y + rng.normal(0, 0.3, 20)
    p[:3] = 0.0
    cases.append(regression_case("zeros_predicted_exactly", y, p))
    cases.append(regression_case("constant_y_imperfect", np.full(8, 2.5), rng.normal(2.5, 1, 8)))
    cases.append(regression_case("constant_y_perfect", np.full(8, 2.5), np.full(8, 2.5)))
    y = rng.normal(5, 2, 30)
    cases.append(regression_case("perfect", y, y.copy()))
    y = rng.normal(5, 2, 30)
    cases.append(regression_case("constant_predictor", y, np.full(30, 5.0)))
    cases.append(regression_case("one_row", [3.0], [2.0], note="R2 undefined"))
    y = rng.normal(1e6, 1e4, 80)
    cases.append(regression_case("large", y, y + rng.normal(0, 500, 80)))
    y = rng.normal(0, 1, 40)
    w = rng.uniform(0, 1, 40)
    w[::5] = 0.0
    cases.append(regression_case("weighted_with_zeros", y, y * 0.8 + 0.1, w))
    return cases


# ---------------------------------------------------------------- permutation importance


class FixedLinear(BaseEstimator):
    """A fixed linear model: regression y = X·coef + b, or arg-max of X·W + b."""

    def __init__(self, coef=None, intercept=0.0):
        self.coef = coef
        self.intercept = intercept

    def fit(self, X, y):
        return self

    def predict(self, X):
        z = np.asarray(X, dtype=np.float64) @ np.asarray(self.coef) + self.intercept
        return z if z.ndim == 1 else z.argmax(axis=1)


def effective_permutations(seed, n_rows, n_cols, n_repeats):
    """The row order sklearn applies to each column at each repeat, relative to the original
    column (it reshuffles the already-shuffled column in place, so the orders compose)."""
    random_seed = check_random_state(seed).randint(np.iinfo(np.int32).max + 1)
    perms = []
    for _ in range(n_cols):
        rs = check_random_state(random_seed)
        idx = np.arange(n_rows)
        current = np.arange(n_rows)
        per_col = []
        for _ in range(n_repeats):
            rs.shuffle(idx)
            current = current[idx]
            per_col.append(current.copy())
        perms.append(per_col)
    return perms


def replay(est, X, y, scorer, perms):
    """Recomputes the importances from the exported permutations (checks the export)."""
    base = scorer(est, X, y)
    out = np.zeros((X.shape[1], len(perms[0])))
    for j, per_col in enumerate(perms):
        for r, perm in enumerate(per_col):
            Xp = X.copy()
            Xp[:, j] = X[perm, j]
            out[j, r] = base - scorer(est, Xp, y)
    return out


def permutation_cases():
    from sklearn.metrics import get_scorer

    cases = []
    n, d, repeats, seed = 64, 4, 5, 42
    X = rng.normal(0, 1, (n, d)).astype(np.float32)
    coef = np.array([2.0, -1.0, 0.0, 0.5])
    y = X.astype(np.float64) @ coef + 0.25 + rng.normal(0, 0.3, n)
    est = FixedLinear(coef, 0.25)
    for scoring in ("r2", "neg_mean_squared_error"):
        res = permutation_importance(est, X, y, scoring=scoring, n_repeats=repeats, random_state=seed)
        perms = effective_permutations(seed, n, d, repeats)
        assert np.allclose(replay(est, X, y, get_scorer(scoring), perms), res.importances, atol=1e-12)
        cases.append(
            {
                "name": f"linear_regression_{scoring}",
                "task": "regression",
                "scoring": scoring,
                "X": X.astype(np.float64).ravel(),
                "rows": n,
                "cols": d,
                "y": y,
                "coef": coef,
                "intercept": 0.25,
                "repeats": repeats,
                "permutations": perms,
                "baseline": get_scorer(scoring)(est, X, y),
                "importances": res.importances,
                "importances_mean": res.importances_mean,
                "importances_std": res.importances_std,
            }
        )
    n, d, k = 90, 3, 3
    X = rng.normal(0, 1, (n, d)).astype(np.float32)
    W = np.array([[1.5, -1.0, 0.0], [0.0, 1.0, -1.0], [0.0, 0.0, 0.0]])
    b = np.array([0.1, 0.0, -0.1])
    est = FixedLinear(W, b)
    y = est.predict(X)
    flip = rng.integers(0, n, 12)
    y[flip] = rng.integers(0, k, 12)
    res = permutation_importance(est, X, y, scoring="accuracy", n_repeats=repeats, random_state=7)
    perms = effective_permutations(7, n, d, repeats)
    assert np.allclose(replay(est, X, y, get_scorer("accuracy"), perms), res.importances, atol=1e-12)
    cases.append(
        {
            "name": "linear_classifier_accuracy",
            "task": "classification",
            "scoring": "accuracy",
            "X": X.astype(np.float64).ravel(),
            "rows": n,
            "cols": d,
            "k": k,
            "y": y,
            "coef": W.ravel(),
            "intercept": b,
            "repeats": repeats,
            "permutations": perms,
            "baseline": get_scorer("accuracy")(est, X, y),
            "importances": res.importances,
            "importances_mean": res.importances_mean,
            "importances_std": res.importances_std,
        }
    )
    return cases


if __name__ == "__main__":
    write("classification.json", {"cases": classification_cases()})
    write("regression.json", {"cases": regression_cases()})
    write("permutation.json", {"cases": permutation_cases()})
    print("wrote", OUT)
