"""scikit-learn baselines on exactly the rows and features Lathe's models see.

Reads test/fixtures/baselines/<name>.{train,test}.csv (written by
scripts/export-feature-splits.ts) and writes test/fixtures/baselines/baselines.json: the test
accuracy (classification) or R^2 (regression) of LogisticRegression / Ridge and
HistGradientBoosting. Deterministic (fixed random_state).

Also "cars-starter": Ridge on the raw cars sample (public/samples/cars.csv), fitted on the rows of
the starter pipeline's training split and scored on its test split
(test/fixtures/baselines/cars-starter.rows.json), with its own features: the numeric columns
median-imputed and standardised, Origin one-hot, and Year (a date) as a standardised number --
once with Year and once without.

Run with Debian's python3-sklearn:
    /usr/bin/python3 scripts/sklearn-baselines.py
"""
import csv
import json
from pathlib import Path

import numpy as np
import sklearn
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.metrics import accuracy_score, r2_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

ROOT = Path(__file__).resolve().parent.parent
HERE = ROOT / "test" / "fixtures" / "baselines"
TASKS = {"breast-cancer": "binary", "wine": "multiclass", "penguins": "multiclass", "cars": "regression"}


def load(name, split):
    data = np.loadtxt(HERE / f"{name}.{split}.csv", delimiter=",", skiprows=1)
    return data[:, :-1], data[:, -1]


out = {"sklearn": sklearn.__version__, "results": {}}
for name, task in TASKS.items():
    x_train, y_train = load(name, "train")
    x_test, y_test = load(name, "test")
    if task == "regression":
        models = {"ridge": Ridge(alpha=1.0), "hist_gradient_boosting": HistGradientBoostingRegressor(random_state=0)}
        score = r2_score
        metric = "r2"
    else:
        y_train, y_test = y_train.astype(int), y_test.astype(int)
        models = {
            "logistic_regression": LogisticRegression(max_iter=10000),
            "hist_gradient_boosting": HistGradientBoostingClassifier(random_state=0),
        }
        score = accuracy_score
        metric = "accuracy"
    scores = {}
    for label, model in models.items():
        model.fit(x_train, y_train)
        scores[label] = round(float(score(y_test, model.predict(x_test))), 6)
    out["results"][name] = {"task": task, "metric": metric, "test": scores, "best": max(scores.values())}
    print(name, metric, scores)



def cars_starter():
    with open(ROOT / "public" / "samples" / "cars.csv", newline="") as f:
        records = list(csv.DictReader(f))
    rows = json.loads((HERE / "cars-starter.rows.json").read_text())

    def number(text):
        return float(text) if text.strip() not in ("", "NA", "NaN", "null") else np.nan

    numeric = ["Cylinders", "Displacement", "Horsepower", "Weight_in_lbs", "Acceleration"]
    x = np.array(
        [[number(r[c]) for c in numeric] + [float(r["Year"][:4]), r["Origin"]] for r in records],
        dtype=object,
    )
    y = np.array([number(r["Miles_per_Gallon"]) for r in records])
    train, test = rows["train"], rows["test"]
    scores = {}
    for label, with_year in (("ridge_with_year", True), ("ridge_without_year", False)):
        numbers = list(range(len(numeric) + (1 if with_year else 0)))
        model = make_pipeline(
            ColumnTransformer(
                [
                    ("numbers", make_pipeline(SimpleImputer(strategy="median"), StandardScaler()), numbers),
                    ("origin", OneHotEncoder(handle_unknown="ignore"), [len(numeric) + 1]),
                ]
            ),
            Ridge(alpha=1.0),
        )
        model.fit(x[train], y[train])
        scores[label] = round(float(r2_score(y[test], model.predict(x[test]))), 6)
    print("cars-starter r2", scores)
    return {"task": "regression", "metric": "r2", "test": scores, "best": scores["ridge_with_year"]}


out["results"]["cars-starter"] = cars_starter()
(HERE / "baselines.json").write_text(json.dumps(out, indent=2, sort_keys=True) + "\n")
