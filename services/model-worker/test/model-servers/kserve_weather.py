"""KServe's Python model server serving the scikit-learn weather models trained by train.py.

A custom kserve.Model per model directory: it loads model.joblib and answers Open Inference (V2)
requests whose first input is an [n, 4] FP32 tensor of measurements, one row per input row, with
the outputs the request lists, as MLServer's scikit-learn runtime does: `predict`, an [n] BYTES
tensor of predicted classes (the default when the request lists none), and `predict_proba`, an
[n, classes] FP64 tensor of class probabilities, columns in the order of the estimator's
`classes_`.

Usage: python kserve_weather.py --models_dir <dir> --http_port <port> [kserve ModelServer flags]
"""

import argparse
import uuid
from pathlib import Path

import joblib
import kserve
import numpy as np
from kserve import InferOutput, InferRequest, InferResponse, Model, ModelServer
from kserve.errors import InvalidInput

OUTPUTS = ("predict", "predict_proba")


class WeatherModel(Model):
    def __init__(self, name: str, path: Path):
        super().__init__(name)
        self.path = path
        self.estimator = None

    def load(self) -> bool:
        self.estimator = joblib.load(self.path)
        self.ready = True
        return self.ready

    def output(self, name: str, rows: np.ndarray) -> InferOutput:
        if name == "predict":
            classes = [str(c) for c in self.estimator.predict(rows)]
            return InferOutput(name=name, shape=[len(classes)], datatype="BYTES", data=classes)
        proba = self.estimator.predict_proba(rows)
        return InferOutput(
            name=name, shape=list(proba.shape), datatype="FP64", data=proba.flatten().tolist()
        )

    def predict(self, payload: InferRequest, headers=None) -> InferResponse:
        rows = np.asarray(payload.inputs[0].as_numpy(), dtype=np.float32).reshape(-1, 4)
        requested = [o.name for o in payload.request_outputs or []] or ["predict"]
        unknown = [name for name in requested if name not in OUTPUTS]
        if unknown:
            raise InvalidInput(f"unknown outputs {unknown}; this model has {list(OUTPUTS)}")
        outputs = [self.output(name, rows) for name in requested]
        # The response id must be a string; a request need not carry one.
        response_id = payload.id or str(uuid.uuid4())
        return InferResponse(model_name=self.name, infer_outputs=outputs, response_id=response_id)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(parents=[kserve.model_server.parser])
    parser.add_argument("--models_dir", required=True, type=Path)
    args, _ = parser.parse_known_args()
    models = []
    for path in sorted(args.models_dir.glob("*/model.joblib")):
        model = WeatherModel(path.parent.name, path)
        model.load()
        models.append(model)
    if not models:
        raise SystemExit(f"no */model.joblib under {args.models_dir}: run train.py first")
    ModelServer().start(models)
