"""A prediction service for a pickled model (scikit-learn or anything with predict), with nothing but
the standard library and the model's own packages: the Open Inference Protocol v2 routes and a plain
POST /predict, each prediction logged as JSONL where drift monitors read it (docs/deploy.md).

    python3 -m strata.serve --model-dir DIR --port N [--name model] [--version 3] [--logs DIR]

Loading happens before the port is bound, so a model that fails to load exits at once with the
reason instead of answering health checks it cannot back."""

import argparse
import datetime
import json
import math
import os
import pickle
import sys
import threading
import time
import uuid
import warnings
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

FIXED_KEYS = ("id", "time", "model", "version", "request", "prediction", "probability")


class BadRequest(Exception):
    pass


def find_model_file(model_dir):
    meta = os.path.join(model_dir, "model.json")
    if os.path.isfile(meta):
        with open(meta, encoding="utf-8") as f:
            named = json.load(f).get("file")
        if named:
            return os.path.join(model_dir, named)
    for root, _dirs, files in os.walk(model_dir):
        for name in sorted(files):
            if name.endswith((".pkl", ".pickle", ".joblib")):
                return os.path.join(root, name)
    raise SystemExit("strata.serve: no model file (.pkl, .pickle or .joblib) in %s" % model_dir)


def load_model(path):
    if path.endswith(".joblib"):
        import joblib

        return joblib.load(path)
    with open(path, "rb") as f:
        return pickle.load(f)


class PredictionLog:
    """Appends one line per predicted row; a new file past max_bytes, named so name order is time order."""

    def __init__(self, folder, max_bytes):
        self.folder = folder
        self.max_bytes = max_bytes
        self.lock = threading.Lock()
        self.start = datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
        self.seq = 0
        self.file = None
        self.size = 0
        if folder:
            os.makedirs(folder, exist_ok=True)

    def _open(self):
        self.seq += 1
        name = "predictions-%s-%04d.jsonl" % (self.start, self.seq)
        self.file = open(os.path.join(self.folder, name), "a", encoding="utf-8")
        self.size = 0

    def write(self, lines):
        if not self.folder:
            return
        text = "".join(json.dumps(line, separators=(",", ":"), allow_nan=False) + "\n" for line in lines)
        with self.lock:
            if self.file is None or self.size >= self.max_bytes:
                if self.file is not None:
                    self.file.close()
                self._open()
            self.file.write(text)
            self.file.flush()
            self.size += len(text.encode("utf-8"))


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.requests = 0
        self.errors = 0
        self.latencies = []

    def record(self, ms, ok):
        with self.lock:
            self.requests += 1
            if not ok:
                self.errors += 1
            self.latencies.append(ms)
            if len(self.latencies) > 1000:
                del self.latencies[:500]

    def snapshot(self):
        with self.lock:
            lat = sorted(self.latencies)
        pick = lambda q: lat[min(len(lat) - 1, int(q * len(lat)))] if lat else None
        return {"requests": self.requests, "errors": self.errors, "p50_ms": pick(0.5), "p99_ms": pick(0.99)}


class Service:
    def __init__(self, model, name, version, log):
        self.model = model
        self.name = name
        self.version = version
        self.log = log
        self.stats = Stats()
        self.n_features = getattr(model, "n_features_in_", None)
        names = getattr(model, "feature_names_in_", None)
        self.feature_names = [str(n) for n in names] if names is not None else None
        classes = getattr(model, "classes_", None)
        self.class_keys = [class_key(plain(c)) for c in classes] if classes is not None else None

    def metadata(self):
        width = self.n_features if self.n_features is not None else -1
        outputs = [{"name": "predict", "datatype": "FP64", "shape": [-1]}]
        if hasattr(self.model, "predict_proba"):
            outputs.append({"name": "predict_proba", "datatype": "FP64", "shape": [-1, -1]})
        return {
            "name": self.name,
            "versions": [str(self.version)],
            "platform": "strata-python",
            "inputs": [{"name": "input", "datatype": "FP64", "shape": [-1, width]}],
            "outputs": outputs,
            "feature_names": self.feature_names,
        }

    def rows_to_matrix(self, rows):
        if not isinstance(rows, list) or not rows:
            raise BadRequest("rows must be a non-empty list")
        names = None
        matrix = []
        for i, row in enumerate(rows):
            if isinstance(row, dict):
                if names is None:
                    names = self.feature_names or list(row.keys())
                missing = [n for n in names if n not in row]
                if missing:
                    raise BadRequest("row %d lacks %s" % (i, ", ".join(missing[:5])))
                row = [row[n] for n in names]
            elif not isinstance(row, list):
                raise BadRequest("row %d is not a list of values or an object" % i)
            if self.n_features is not None and len(row) != self.n_features:
                raise BadRequest("row %d has %d values where the model takes %d" % (i, len(row), self.n_features))
            for j, v in enumerate(row):
                if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v):
                    raise BadRequest("row %d, column %d: %s is not a finite number" % (i, j, json.dumps(v)))
            matrix.append(row)
        width = len(matrix[0])
        if any(len(r) != width for r in matrix):
            raise BadRequest("rows have different lengths")
        return matrix, names or self.feature_names or ["x%d" % j for j in range(width)]

    def predict(self, matrix):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                import numpy as np

                x = np.asarray(matrix, dtype=float)
            except ImportError:
                x = matrix
            predictions = [plain(p) for p in self.model.predict(x)]
            probabilities = None
            if hasattr(self.model, "predict_proba"):
                probabilities = [[float(q) for q in p] for p in self.model.predict_proba(x)]
        return predictions, probabilities

    def logged_probability(self, p):
        """As the ONNX server logs it (docs/deploy.md): two classes, the second's; more, {class: p}."""
        if len(p) == 2:
            return p[1]
        if self.class_keys is not None and len(self.class_keys) == len(p):
            return dict(zip(self.class_keys, p))
        return p

    def answer(self, rows, request_id):
        matrix, names = self.rows_to_matrix(rows)
        predictions, probabilities = self.predict(matrix)
        now = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")
        lines = []
        for i, row in enumerate(matrix):
            line = {"id": "%s-%d" % (request_id, i), "time": now, "model": self.name, "version": self.version, "request": request_id}
            for n, v in zip(names, row):
                line["input.%s" % n if n in FIXED_KEYS else n] = v
            line["prediction"] = predictions[i]
            if probabilities is not None:
                line["probability"] = self.logged_probability(probabilities[i])
            lines.append(line)
        self.log.write(lines)
        return predictions, probabilities


def plain(v):
    if hasattr(v, "item"):
        v = v.item()
    return v


def class_key(c):
    """A class as the text its logged prediction reads as in JSON (true, 2), the key CBPE looks it up by."""
    if isinstance(c, bool):
        return "true" if c else "false"
    if isinstance(c, float) and c.is_integer():
        return str(int(c))
    return str(c)


def make_handler(service):
    prefix = "/v2/models/%s" % service.name

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format, *args):
            pass

        def send_json(self, status, body):
            data = json.dumps(body).encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def read_json(self):
            length = int(self.headers.get("Content-Length") or 0)
            if length > 64 * 1024 * 1024:
                raise BadRequest("the request is larger than 64 MiB")
            try:
                return json.loads(self.rfile.read(length) or b"null")
            except ValueError as err:
                raise BadRequest("the body is not JSON: %s" % err)

        def do_GET(self):
            if self.path in ("/v2/health/live", "/v2/health/ready"):
                self.send_json(200, {"live": True} if self.path.endswith("live") else {"ready": True})
            elif self.path == "/v2":
                self.send_json(200, {"name": "strata-python", "version": "1", "extensions": []})
            elif self.path == prefix or self.path == "%s/versions/%s" % (prefix, service.version):
                self.send_json(200, service.metadata())
            elif self.path == prefix + "/ready":
                self.send_json(200, {"name": service.name, "ready": True})
            elif self.path == "/strata/stats":
                self.send_json(200, service.stats.snapshot())
            else:
                self.send_json(404, {"error": "no route %s" % self.path})

        def do_POST(self):
            start = time.perf_counter()
            ok = False
            try:
                if self.path == "/predict":
                    body = self.read_json()
                    rows = body.get("rows") if isinstance(body, dict) else body
                    predictions, probabilities = service.answer(rows, uuid.uuid4().hex)
                    out = {"predictions": predictions}
                    if probabilities is not None:
                        out["probabilities"] = probabilities
                    self.send_json(200, out)
                elif self.path in (prefix + "/infer", "%s/versions/%s/infer" % (prefix, service.version)):
                    self.infer(self.read_json())
                else:
                    self.send_json(404, {"error": "no route %s" % self.path})
                    return
                ok = True
            except BadRequest as err:
                self.send_json(400, {"error": str(err)})
            except Exception as err:  # the model's own failure: the request fails, the service stays
                self.send_json(500, {"error": "%s: %s" % (type(err).__name__, err)})
            finally:
                service.stats.record((time.perf_counter() - start) * 1000, ok)

        def infer(self, body):
            if not isinstance(body, dict) or not isinstance(body.get("inputs"), list) or len(body["inputs"]) != 1:
                raise BadRequest("an inference request has one tensor in inputs")
            tensor = body["inputs"][0]
            shape, data = tensor.get("shape"), tensor.get("data")
            if not isinstance(shape, list) or len(shape) != 2 or not all(isinstance(s, int) and s > 0 for s in shape):
                raise BadRequest("the input's shape must be [rows, features]")
            if not isinstance(data, list):
                raise BadRequest("the input's data must be a list")
            flat = [v for row in data for v in row] if data and isinstance(data[0], list) else data
            if len(flat) != shape[0] * shape[1]:
                raise BadRequest("the input's data has %d values where shape %s needs %d" % (len(flat), shape, shape[0] * shape[1]))
            rows = [flat[i * shape[1] : (i + 1) * shape[1]] for i in range(shape[0])]
            request_id = str(body.get("id") or uuid.uuid4().hex)
            predictions, probabilities = service.answer(rows, request_id)
            outputs = [{"name": "predict", "datatype": "FP64", "shape": [len(predictions)], "data": predictions}]
            if probabilities is not None:
                width = len(probabilities[0])
                outputs.append(
                    {"name": "predict_proba", "datatype": "FP64", "shape": [len(probabilities), width], "data": [q for p in probabilities for q in p]}
                )
            self.send_json(
                200, {"model_name": service.name, "model_version": str(service.version), "id": request_id, "outputs": outputs}
            )

    return Handler


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m strata.serve")
    parser.add_argument("--model-dir", required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--name", default="model")
    parser.add_argument("--version", type=int, default=0)
    parser.add_argument("--logs", default="")
    parser.add_argument("--log-max-bytes", type=int, default=64 * 1024 * 1024)
    args = parser.parse_args(argv)
    path = find_model_file(args.model_dir)
    try:
        model = load_model(path)
    except Exception as err:
        sys.stderr.write("strata.serve: %s failed to load: %s: %s\n" % (path, type(err).__name__, err))
        return 3
    if not hasattr(model, "predict"):
        sys.stderr.write("strata.serve: %s holds a %s, which has no predict()\n" % (path, type(model).__name__))
        return 3
    service = Service(model, args.name, args.version, PredictionLog(args.logs, args.log_max_bytes))
    try:
        server = ThreadingHTTPServer((args.host, args.port), make_handler(service))
    except OSError as err:
        sys.stderr.write("strata.serve: cannot listen on %s:%d: %s\n" % (args.host, args.port, err.strerror or err))
        return 4
    server.daemon_threads = True
    sys.stdout.write("strata.serve: %s@%s on http://%s:%d\n" % (args.name, args.version, args.host, args.port))
    sys.stdout.flush()
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
