"""scikit-learn baselines on exactly the rows and features Lathe's models see.

Reads test/fixtures/baselines/<name>.{train,test}.csv (written by
scripts/export-feature-splits.ts) and writes test/fixtures/baselines/baselines.json: the test
accuracy (classification) or R^2 (regression) of LogisticRegression / Ridge and
HistGradientBoosting. Deterministic (fixed random_state). Run with Debian's python3-sklearn:
    /usr/bin/python3 scripts/sklearn-baselines.py
"""
import json
from pathlib import Path

import numpy as np
import sklearn
from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.metrics import accuracy_score, r2_score

HERE = Path(__file__).resolve().parent.parent / "test" / "fixtures" / "baselines"
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

(HERE / "baselines.json").write_text(json.dumps(out, indent=2, sort_keys=True) + "\n")
