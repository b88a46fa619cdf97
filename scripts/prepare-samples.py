#!/usr/bin/env python3
"""Writes the bundled sample datasets to public/samples/ as CSV plus index.json.

Deterministic: the same inputs give byte-identical outputs. Run from the repository root:
    /usr/bin/python3 scripts/prepare-samples.py
Needs node_modules/vega-datasets (npm) and scikit-learn (Debian python3-sklearn).
"""
import csv
import json
import os

from sklearn import datasets as skd

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "public", "samples")
VEGA = os.path.join(ROOT, "node_modules", "vega-datasets", "data")
SK_DATA = os.path.join(os.path.dirname(skd.__file__), "data")


def cell(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if value != value:
            return ""
        return repr(int(value)) if value.is_integer() else repr(value)
    return str(value)


def write_csv(file_name, header, rows):
    path = os.path.join(OUT, file_name)
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
        writer.writerow(header)
        for row in rows:
            writer.writerow([cell(v) for v in row])
    return len(rows), len(header)


def from_vega(json_name):
    with open(os.path.join(VEGA, json_name), encoding="utf-8") as f:
        records = json.load(f)
    header = list(records[0].keys())
    return header, [[r.get(k) for k in header] for r in records]


def from_sklearn(csv_name, feature_names, target_name, target_names):
    # sklearn's CSVs: first line is "n_samples,n_features,<target names>", then features + class id.
    # Feature values are copied as text so no digit is lost.
    with open(os.path.join(SK_DATA, csv_name), encoding="utf-8") as f:
        lines = list(csv.reader(f))
    rows = [r[:-1] + [target_names[int(r[-1])]] for r in lines[1:] if r]
    return list(feature_names) + [target_name], rows


def main():
    os.makedirs(OUT, exist_ok=True)
    index = []

    header, rows = from_vega("penguins.json")
    # One penguin's sex is recorded as "." in the source: it is unknown, so it becomes missing.
    sex = header.index("Sex")
    for row in rows:
        if row[sex] == ".":
            row[sex] = None
    n, c = write_csv("penguins.csv", header, rows)
    index.append({
        "id": "penguins",
        "name": "Palmer penguins",
        "file": "penguins.csv",
        "task": "multiclass",
        "target": "Species",
        "rows": n,
        "columns": c,
        "description": "Body measurements of three penguin species (Adelie, Chinstrap, Gentoo) "
        "on three islands of the Palmer Archipelago, Antarctica. Some measurements and sexes are missing.",
        "source": "Gorman, Williams & Fraser (2014), Palmer Station LTER; via palmerpenguins "
        "(Allison Horst) and vega-datasets",
        "license": "CC0-1.0",
    })

    header, rows = from_vega("cars.json")
    n, c = write_csv("cars.csv", header, rows)
    index.append({
        "id": "cars",
        "name": "Auto MPG (cars)",
        "file": "cars.csv",
        "task": "regression",
        "target": "Miles_per_Gallon",
        "rows": n,
        "columns": c,
        "description": "Fuel consumption of 1970-1982 car models with engine and body attributes. "
        "A few fuel-consumption and horsepower values are missing.",
        "source": "UCI Machine Learning Repository, Auto MPG (Quinlan, 1993); via vega-datasets",
        "license": "BSD-3-Clause (vega-datasets)",
    })

    bc = skd.load_breast_cancer()
    header, rows = from_sklearn("breast_cancer.csv", bc.feature_names, "diagnosis",
                                [str(t) for t in bc.target_names])
    n, c = write_csv("breast-cancer.csv", header, rows)
    index.append({
        "id": "breast-cancer",
        "name": "Breast cancer (Wisconsin diagnostic)",
        "file": "breast-cancer.csv",
        "task": "binary",
        "target": "diagnosis",
        "rows": n,
        "columns": c,
        "description": "Features computed from digitized images of fine needle aspirates of breast "
        "masses, labelled malignant or benign.",
        "source": "UCI Machine Learning Repository, Breast Cancer Wisconsin (Diagnostic) "
        "(Wolberg, Street & Mangasarian, 1995); via scikit-learn",
        "license": "CC-BY-4.0",
    })

    wine = skd.load_wine()
    header, rows = from_sklearn("wine_data.csv", wine.feature_names, "cultivar",
                                [str(t) for t in wine.target_names])
    n, c = write_csv("wine.csv", header, rows)
    index.append({
        "id": "wine",
        "name": "Wine recognition",
        "file": "wine.csv",
        "task": "multiclass",
        "target": "cultivar",
        "rows": n,
        "columns": c,
        "description": "Chemical analysis of wines grown in one region of Italy from three "
        "cultivars (class_0, class_1, class_2).",
        "source": "UCI Machine Learning Repository, Wine (Aeberhard & Forina, 1991); via scikit-learn",
        "license": "CC-BY-4.0",
    })

    with open(os.path.join(OUT, "index.json"), "w", encoding="utf-8") as f:
        json.dump(index, f, indent=2, ensure_ascii=False)
        f.write("\n")


if __name__ == "__main__":
    main()
