"""Trains the scikit-learn weather models that the real-model-server tests serve.

Reads seattle-weather.csv from the vega-datasets npm package the repository already installs
(packages/models/node_modules), so nothing is downloaded, and writes for each model:

    <out>/<model>/model.joblib         the fitted estimator (MLServer's sklearn runtime and the
                                       KServe server in kserve_weather.py both load this file)
    <out>/<model>/model-settings.json  MLServer's model settings

The models take the four measurements [precipitation, temp_max, temp_min, wind] as one FP32
row each and predict the weather class as a string (drizzle, fog, rain, snow, sun), which both
servers return as a BYTES output tensor (`predict`); their class probabilities (`predict_proba`)
have one column per class in that order, the estimators' `classes_`.

Usage: python train.py <dataset.csv> <out dir>   (a few seconds)
"""

import csv
import json
import sys
from pathlib import Path

import joblib
import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.tree import DecisionTreeClassifier

FEATURES = ["precipitation", "temp_max", "temp_min", "wind"]
CLASSES = ["drizzle", "fog", "rain", "snow", "sun"]
SEED = 42

MODELS = {
    "weather-sk-tree": lambda: DecisionTreeClassifier(max_depth=4, random_state=SEED),
    "weather-sk-logreg": lambda: make_pipeline(
        StandardScaler(), LogisticRegression(max_iter=1000, random_state=SEED)
    ),
}


def load(path: Path) -> tuple[np.ndarray, np.ndarray]:
    with path.open(newline="") as f:
        rows = list(csv.DictReader(f))
    x = np.array([[float(r[name]) for name in FEATURES] for r in rows], dtype=np.float32)
    y = np.array([r["weather"] for r in rows])
    unknown = set(y) - set(CLASSES)
    if unknown:
        raise SystemExit(f"{path}: unexpected classes {sorted(unknown)}")
    return x, y


def main() -> None:
    if len(sys.argv) != 3:
        raise SystemExit("usage: train.py <seattle-weather.csv> <out dir>")
    x, y = load(Path(sys.argv[1]))
    out = Path(sys.argv[2])
    x_train, x_test, y_train, y_test = train_test_split(
        x, y, test_size=0.3, random_state=SEED, stratify=y
    )
    for name, make in MODELS.items():
        model = make().fit(x_train, y_train)
        # The model worker's config names the probability columns in this order.
        if list(model.classes_) != CLASSES:
            raise SystemExit(f"{name}: classes_ {list(model.classes_)} are not {CLASSES}")
        accuracy = float(model.score(x_test, y_test))
        target = out / name
        target.mkdir(parents=True, exist_ok=True)
        joblib.dump(model, target / "model.joblib")
        settings = {
            "name": name,
            "implementation": "mlserver_sklearn.SKLearnModel",
            "parameters": {"uri": "./model.joblib", "version": "v1"},
        }
        (target / "model-settings.json").write_text(json.dumps(settings, indent=2) + "\n")
        print(f"{name}: held-out accuracy {accuracy:.3f} on {len(y_test)} rows -> {target}")


if __name__ == "__main__":
    main()
