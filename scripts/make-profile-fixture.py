#!/usr/bin/env python3
"""Reference fixture for test/unit/profile.test.ts: a seeded dataset and its profile, by numpy.

Run from the repository root (Debian's python3 with numpy):
    /usr/bin/python3 scripts/make-profile-fixture.py
Writes test/fixtures/profile/dataset.json and test/fixtures/profile/expected.json.
Non-finite floats are written as the strings "NaN", "Infinity" and "-Infinity".
"""
import json
import os

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "test", "fixtures", "profile")
N = 3000
QS = [0.05, 0.25, 0.5, 0.75, 0.95]
rng = np.random.default_rng(20261121)


def with_nulls(values, fraction):
    values = list(values)
    for i in np.flatnonzero(rng.random(len(values)) < fraction):
        values[i] = None
    return values


def num(x):
    x = float(x)
    if np.isnan(x):
        return "NaN"
    if np.isinf(x):
        return "Infinity" if x > 0 else "-Infinity"
    return x


def make_columns():
    cols = []

    def add(name, type_, physical, values):
        cols.append({"name": name, "type": type_, "physical": physical, "values": values})

    add("int_ties", "integer", "int32", with_nulls((int(v) for v in rng.integers(-10, 50, N)), 0.1))
    add("small_int", "integer", "int32", with_nulls((int(v) for v in rng.integers(2, 8, N)), 0.05))

    f = np.round(rng.normal(10, 3, N), 2).astype(object)
    specials = rng.permutation(N)
    for i in specials[:5]:
        f[i] = float("inf")
    for i in specials[5:8]:
        f[i] = float("-inf")
    for i in specials[8:28]:
        f[i] = 0.0
    for i in specials[28:31]:
        f[i] = -0.0
    for i in specials[31:35]:
        f[i] = float("nan")
    add("float_mix", "float", "float64", with_nulls((float(v) for v in f), 0.08))

    add("constant", "float", "float64", with_nulls([7.5] * N, 0.2))
    add("all_null", "float", "float64", [None] * N)
    single = [None] * N
    single[1234] = 3.25
    add("single", "float", "float64", single)
    add("wide_int", "integer", "float64",
        with_nulls((float(v) for v in rng.integers(-5 * 10**10, 5 * 10**10, N)), 0.02))
    add("flag", "boolean", "bool", with_nulls((bool(v) for v in rng.random(N) < 0.3), 0.1))

    start = 1577836800000  # 2020-01-01T00:00:00Z
    add("when", "datetime", "timestamp",
        with_nulls((int(v) for v in start + rng.integers(0, 4 * 365 * 86400, N) * 1000), 0.07))

    # Counts chosen so that the 10th place is a tie between several categories.
    counts = {"red": 500, "blue": 400, "green": 400, "black": 300, "white": 200, "grey": 200,
              "pink": 100, "teal": 100, "navy": 100, "lime": 100, "gold": 100, "Zed": 100,
              "ácido": 50}
    pool = [k for k, c in counts.items() for _ in range(c)]
    pool = pool + [None] * (N - len(pool))
    add("color", "categorical", "dictionary", [pool[i] for i in rng.permutation(N)])

    words = ["café", "東京", "😀 ok", "", "plain text", "a,b", 'say "hi"', "line\nbreak", "naïve",
             "x"]
    add("note", "text", "dictionary",
        with_nulls((words[i] for i in rng.integers(0, len(words), N)), 0.15))
    return cols


def histogram(vals, integer):
    lo, hi = vals.min(), vals.max()
    if integer and hi - lo < 20:
        counts, edges = np.histogram(vals, bins=np.arange(lo, hi + 2))
    elif lo == hi:
        return [{"lo": num(lo), "hi": num(hi), "count": int(vals.size)}]
    else:
        counts, edges = np.histogram(vals, bins=20)
    return [{"lo": num(edges[k]), "hi": num(edges[k + 1]), "count": int(c)}
            for k, c in enumerate(counts)]


def profile(col):
    values = col["values"]
    t = col["type"]
    present = [v for v in values if v is not None and not (isinstance(v, float) and np.isnan(v))]
    out = {"name": col["name"], "type": t, "count": len(present), "missing": N - len(present),
           "distinctApproximate": False}
    if t in ("integer", "float", "datetime"):
        arr = np.array(present, dtype=np.float64)
        out["distinct"] = int(np.unique(arr).size)
        finite = arr[np.isfinite(arr)]
        infinite = int(arr.size - finite.size)
        if arr.size:
            n = finite.size
            out["numeric"] = {
                "min": num(finite.min()) if n else "NaN",
                "max": num(finite.max()) if n else "NaN",
                "mean": num(finite.mean()) if n else "NaN",
                "std": num(finite.std(ddof=1)) if n > 1 else "NaN",
                "quantiles": dict(zip(["p05", "p25", "p50", "p75", "p95"],
                                      (num(q) for q in np.quantile(finite, QS)))),
                "zeros": int((finite == 0).sum()),
                "infinite": infinite,
                "histogram": histogram(finite, t == "integer") if n else [],
            }
    elif t == "boolean":
        trues = sum(1 for v in present if v)
        out["distinct"] = len(set(present))
        out["boolean"] = {"trueCount": trues, "falseCount": len(present) - trues}
    else:
        counts = {}
        for v in present:
            counts[v] = counts.get(v, 0) + 1
        out["distinct"] = len(counts)
        ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:10]
        out["top"] = [{"value": k, "count": c} for k, c in ranked]
        if t == "text" and present:
            out["meanLength"] = sum(len(v) for v in present) / len(present)
    return out


def encode(v):
    return num(v) if isinstance(v, float) else v


def main():
    os.makedirs(OUT, exist_ok=True)
    cols = make_columns()
    dataset = {"rows": N, "columns": [dict(c, values=[encode(v) for v in c["values"]]) for c in cols]}
    expected = {"rows": N, "columns": [profile(c) for c in cols]}
    for name, doc in (("dataset.json", dataset), ("expected.json", expected)):
        with open(os.path.join(OUT, name), "w", encoding="utf-8") as f:
            json.dump(doc, f, ensure_ascii=False, allow_nan=False)
            f.write("\n")


if __name__ == "__main__":
    main()
