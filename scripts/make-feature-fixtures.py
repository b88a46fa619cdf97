#!/usr/bin/env python3
"""Reference fixtures for test/unit/features-*.test.ts: fitted state and outputs of scikit-learn.

Run from the repository root with Debian's python3 (numpy, scikit-learn 1.2):
    /usr/bin/python3 scripts/make-feature-fixtures.py
Writes test/fixtures/features/{impute,scale,onehot,ordinal,kbins,text}.json. Deterministic: fixed
seeds, fixed data, sorted keys. Missing values (NaN in numbers, NaN/None in strings) are written as
null, and so are NaN outputs; there are no infinities in the fixtures.
"""
import json
import math
import os
import warnings

import numpy as np
import sklearn
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
from sklearn.impute import SimpleImputer
from sklearn.preprocessing import (
    KBinsDiscretizer,
    MinMaxScaler,
    OneHotEncoder,
    OrdinalEncoder,
    RobustScaler,
    StandardScaler,
)

warnings.filterwarnings("ignore")
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "test", "fixtures", "features")
rng = np.random.default_rng(20261121)


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


def columns(matrix):
    """Column-major lists (the Frame layout)."""
    return [clean(matrix[:, j]) for j in range(matrix.shape[1])]


def write(name, data):
    data = {"sklearn": sklearn.__version__, "numpy": np.__version__, **data}
    with open(os.path.join(OUT, name), "w") as f:
        json.dump(clean(data), f, indent=1, sort_keys=True, allow_nan=False)
        f.write("\n")


def with_nan(values, fraction):
    values = np.array(values, dtype=float)
    values[rng.random(len(values)) < fraction] = np.nan
    return values


# ---------------------------------------------------------------- numeric data
N_TRAIN, N_TEST = 40, 15


def numeric_table(n):
    return np.column_stack(
        [
            with_nan(np.round(rng.normal(50, 12, n), 3), 0.15),  # float with NaN
            with_nan(rng.integers(0, 6, n), 0.1),  # small integers: ties for the mode
            np.round(rng.lognormal(2, 1, n), 4),  # skewed, no NaN
            with_nan(1e9 + np.round(rng.normal(0, 1e-3, n), 6), 0.05),  # large offset
        ]
    )


X_train = numeric_table(N_TRAIN)
X_test = numeric_table(N_TEST)
X_train[:3, 1] = [2.0, 2.0, 2.0]  # make the mode tie between 2 and others less likely random
CONST = np.full((N_TRAIN, 1), 7.25)
CONST_TEST = np.array([[7.25], [8.0], [np.nan], [0.0]])


def impute_fixture():
    cases = []
    for strategy in ["mean", "median", "most_frequent", "constant"]:
        kw = {"fill_value": -7.5} if strategy == "constant" else {}
        imp = SimpleImputer(strategy=strategy, **kw).fit(X_train)
        cases.append(
            {
                "strategy": strategy,
                "fillValue": kw.get("fill_value"),
                "statistics": imp.statistics_,
                "output": columns(imp.transform(X_test)),
            }
        )
    # Ties for the most frequent value: 3 and 1 both appear 3 times, 1 is chosen (smallest).
    ties = np.array([[3, 1, 3, 1, 3, 1, 9, np.nan]], dtype=float).T
    tie = SimpleImputer(strategy="most_frequent").fit(ties)
    # A column with no value: keep_empty_features=True fills 0.
    empty = np.array([[np.nan, np.nan, np.nan], [1.0, 2.0, 4.0]]).T
    emp = SimpleImputer(strategy="mean", keep_empty_features=True).fit(empty)
    # Strings: most_frequent (ties -> smallest string) and constant ("missing_value").
    s_train = np.array(
        ["b", "a", np.nan, "b", "c", "a", "Z", np.nan, "é", "c"], dtype=object
    ).reshape(-1, 1)
    s_test = np.array([np.nan, "q", "a", np.nan], dtype=object).reshape(-1, 1)
    text_cases = []
    for strategy in ["most_frequent", "constant"]:
        imp = SimpleImputer(strategy=strategy).fit(s_train)
        text_cases.append(
            {
                "strategy": strategy,
                "statistics": list(imp.statistics_),
                "output": columns(imp.transform(s_test)),
            }
        )
    write(
        "impute.json",
        {
            "train": columns(X_train),
            "test": columns(X_test),
            "cases": cases,
            "ties": {"train": columns(ties), "statistics": tie.statistics_},
            "empty": {"train": columns(empty), "statistics": emp.statistics_},
            "text": {"train": columns(s_train), "test": columns(s_test), "cases": text_cases},
        },
    )


def scale_fixture():
    train = np.hstack([X_train, CONST])
    test = np.vstack([np.hstack([X_test, np.full((N_TEST, 1), 7.25)])])
    test[0, -1] = 8.0
    ss = StandardScaler().fit(train)
    mm = MinMaxScaler().fit(train)
    mm2 = MinMaxScaler(feature_range=(-1, 2), clip=True).fit(train)
    rs = RobustScaler().fit(train)
    rs2 = RobustScaler(quantile_range=(10.0, 90.0)).fit(train)
    write(
        "scale.json",
        {
            "train": columns(train),
            "test": columns(test),
            "standard": {
                "mean": ss.mean_,
                "var": ss.var_,
                "scale": ss.scale_,
                "output": columns(ss.transform(test)),
            },
            "minmax": {
                "dataMin": mm.data_min_,
                "dataMax": mm.data_max_,
                "scale": mm.scale_,
                "min": mm.min_,
                "output": columns(mm.transform(test)),
            },
            "minmaxClip": {
                "featureRange": [-1, 2],
                "scale": mm2.scale_,
                "min": mm2.min_,
                "output": columns(mm2.transform(test)),
            },
            "robust": {
                "center": rs.center_,
                "scale": rs.scale_,
                "output": columns(rs.transform(test)),
            },
            "robust1090": {
                "quantileRange": [10, 90],
                "center": rs2.center_,
                "scale": rs2.scale_,
                "output": columns(rs2.transform(test)),
            },
        },
    )


# ---------------------------------------------------------------- categories
def categorical(n, weights, missing):
    levels = ["red", "green", "blue", "cyan", "magenta", "yellow", "black", "Ünïcode", "a b"]
    p = np.array(weights[: len(levels)], dtype=float)
    p /= p.sum()
    values = rng.choice(levels, size=n, p=p).astype(object)
    values[rng.random(n) < missing] = np.nan
    return values


# Counts chosen to include ties at the max_categories cut.
C_TRAIN = np.array(
    ["red"] * 9
    + ["green"] * 6
    + ["blue"] * 6
    + ["cyan"] * 4
    + ["magenta"] * 4
    + ["yellow"] * 2
    + ["black"] * 1
    + ["Ünïcode"] * 2
    + ["a b"] * 3
    + [np.nan] * 3,
    dtype=object,
)
C_TRAIN = C_TRAIN[rng.permutation(len(C_TRAIN))]
C_TEST = np.array(
    ["red", "black", "purple", np.nan, "a b", "yellow", "Ünïcode", "cyan", "green", "blue"],
    dtype=object,
)
I_TRAIN = np.array([3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8, 9, 7, 9, 3, 2, 3, 8, 4], dtype=float)
I_TEST = np.array([1, 2, 10, 9, np.nan, 0], dtype=float)


def onehot_case(enc, train, test, **extra):
    enc.fit(train.reshape(-1, 1))
    infrequent = None
    if getattr(enc, "_infrequent_enabled", False) and enc.infrequent_categories_[0] is not None:
        infrequent = list(enc.infrequent_categories_[0])
    return {
        **extra,
        "categories": list(enc.categories_[0]),
        "infrequent": infrequent,
        "output": columns(enc.transform(test.reshape(-1, 1))),
    }


def onehot_fixture():
    def enc(**kw):
        return OneHotEncoder(sparse_output=False, **kw)

    cases = [
        onehot_case(enc(handle_unknown="ignore"), C_TRAIN, C_TEST, unknown="zeros"),
        onehot_case(
            enc(handle_unknown="infrequent_if_exist", max_categories=3),
            C_TRAIN,
            C_TEST,
            unknown="other",
            maxCategories=3,
        ),
        onehot_case(
            enc(handle_unknown="infrequent_if_exist", max_categories=5),
            C_TRAIN,
            C_TEST,
            unknown="other",
            maxCategories=5,
        ),
        onehot_case(
            enc(handle_unknown="ignore", max_categories=4),
            C_TRAIN,
            C_TEST,
            unknown="zeros",
            maxCategories=4,
        ),
        onehot_case(
            enc(handle_unknown="infrequent_if_exist", min_frequency=4),
            C_TRAIN,
            C_TEST,
            unknown="other",
            minCount=4,
        ),
        onehot_case(
            enc(handle_unknown="infrequent_if_exist", max_categories=10),
            C_TRAIN,
            C_TEST,
            unknown="other",
            maxCategories=10,
        ),
    ]
    int_cases = [
        onehot_case(enc(handle_unknown="ignore"), I_TRAIN, I_TEST, unknown="zeros"),
        onehot_case(
            enc(handle_unknown="infrequent_if_exist", max_categories=4),
            I_TRAIN,
            I_TEST,
            unknown="other",
            maxCategories=4,
        ),
    ]
    write(
        "onehot.json",
        {
            "train": clean(C_TRAIN),
            "test": clean(C_TEST),
            "cases": cases,
            "integer": {"train": clean(I_TRAIN), "test": clean(I_TEST), "cases": int_cases},
        },
    )


def ordinal_fixture():
    kw = dict(handle_unknown="use_encoded_value", unknown_value=-1)
    text = OrdinalEncoder(**kw).fit(C_TRAIN.reshape(-1, 1))
    ints = OrdinalEncoder(**kw).fit(I_TRAIN.reshape(-1, 1))
    write(
        "ordinal.json",
        {
            "text": {
                "train": clean(C_TRAIN),
                "test": clean(C_TEST),
                # sklearn lists NaN as the last category; it is encoded as NaN, not as an index.
                "categories": [c for c in text.categories_[0] if isinstance(c, str)],
                "output": clean(text.transform(C_TEST.reshape(-1, 1))[:, 0]),
            },
            "integer": {
                "train": clean(I_TRAIN),
                "test": clean(I_TEST),
                "categories": [c for c in ints.categories_[0] if not math.isnan(c)],
                "output": clean(ints.transform(I_TEST.reshape(-1, 1))[:, 0]),
            },
        },
    )


def kbins_fixture():
    n = 60
    train = np.column_stack(
        [
            np.round(rng.normal(0, 3, n), 3),
            rng.integers(0, 4, n).astype(float),  # repeated values: quantile edges collapse
            np.round(rng.exponential(5, n), 2),
        ]
    )
    train[:20, 2] = 0.0  # many zeros: the first quantile edges coincide
    test = np.column_stack(
        [
            np.array([-100, -3, 0, 0.5, 2, 3, 100, 1.25]),
            np.array([-1, 0, 1, 2, 3, 4, 1.5, 2.5]),
            np.array([0, 0.1, 1, 5, 10, 50, 2, 3]),
        ]
    )
    # Put inner edges into the test data: exact edge values go to the upper bin.
    cases = []
    for strategy in ["uniform", "quantile"]:
        for bins in [3, 5]:
            kb = KBinsDiscretizer(n_bins=bins, encode="ordinal", strategy=strategy).fit(train)
            t = test.copy()
            for j in range(3):
                inner = kb.bin_edges_[j][1:-1]
                if len(inner):
                    t[-1, j] = inner[0]
            cases.append(
                {
                    "strategy": strategy,
                    "bins": bins,
                    "edges": [list(e) for e in kb.bin_edges_],
                    "nBins": kb.n_bins_,
                    "test": columns(t),
                    "output": columns(kb.transform(t)),
                }
            )
    write("kbins.json", {"train": columns(train), "cases": cases})


DOCS_TRAIN = [
    "The quick brown fox jumps over the lazy dog",
    "the dog barks; the fox runs!",
    "A a I x y z -- single letters are not tokens",
    "Naïve café déjà vu, CAFÉ naïve",
    "snake_case tokens and numbers 42 and 3.14 and 2024",
    "",
    "dog dog dog cat cat bird",
    "Über straße STRASSE über",
    "e-mail me at someone@example.com or visit example.com",
    "fox fox fox fox",
    "lazy lazy dog",
    "cat bird fish",
]
DOCS_TEST = [
    "the lazy cat and the quick bird",
    "unknown words only zzz",
    "",
    "FOX! fox? fox... DOG",
    "café 42 example",
]
# Many tokens with equal counts, for the max_features cut over more than 16 candidates.
WORDS = ["w%02d" % i for i in range(40)]
TIE_DOCS = [" ".join(rng.choice(WORDS, size=6, replace=False)) for _ in range(30)]


def text_case(vec, train, test):
    vec.fit(train)
    vocab = sorted(vec.vocabulary_, key=lambda t: vec.vocabulary_[t])
    out = {"vocabulary": vocab, "output": columns(vec.transform(test).toarray())}
    if hasattr(vec, "idf_"):
        out["idf"] = vec.idf_
    return out


def stable_choice(docs, k):
    """The rule Lathe uses: highest total count, ties by token; then sorted."""
    cv = CountVectorizer().fit(docs)
    counts = np.asarray(cv.transform(docs).sum(axis=0)).ravel()
    terms = sorted(cv.vocabulary_, key=lambda t: (-counts[cv.vocabulary_[t]], t))
    return sorted(terms[:k])


def clean_cuts(docs, wanted):
    """max_features values where no two tokens tie at the cut, so sklearn's choice does not
    depend on numpy's (unstable) quicksort."""
    cv = CountVectorizer().fit(docs)
    counts = sorted(np.asarray(cv.transform(docs).sum(axis=0)).ravel(), reverse=True)
    cuts = []
    for k0 in wanted:
        k = next(k for k in range(k0, len(counts)) if counts[k - 1] > counts[k])
        cuts.append(k)
    return cuts


def text_fixture():
    cases = []
    for mode, cls in [("counts", CountVectorizer), ("tfidf", TfidfVectorizer)]:
        for k in [None] + clean_cuts(DOCS_TRAIN, [3, 12]):
            c = text_case(cls(max_features=k), DOCS_TRAIN, DOCS_TEST)
            cases.append({"mode": mode, "maxFeatures": k, **c})
        c = text_case(cls(min_df=2, max_df=0.5), DOCS_TRAIN, DOCS_TEST)
        cases.append({"mode": mode, "minDf": 2, "maxDf": 0.5, **c})
    ties = []
    for k in [3, 7, 10]:
        c = text_case(CountVectorizer(max_features=k), TIE_DOCS, TIE_DOCS[:5])
        c["maxFeatures"] = k
        c["matchesStableRule"] = c["vocabulary"] == stable_choice(TIE_DOCS, k)
        ties.append(c)
    write(
        "text.json",
        {
            "train": DOCS_TRAIN,
            "test": DOCS_TEST,
            "cases": cases,
            "ties": {"train": TIE_DOCS, "test": TIE_DOCS[:5], "cases": ties},
        },
    )


if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    impute_fixture()
    scale_fixture()
    onehot_fixture()
    ordinal_fixture()
    kbins_fixture()
    text_fixture()
    print("wrote", sorted(os.listdir(OUT)))
