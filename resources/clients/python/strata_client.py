"""Strata tracking client for Python: zero dependencies, one file.

Inside a Strata pipeline step (STRATA_TRACKING_FILE is set) everything logged belongs to the
step's run. Run from a terminal, a script logs into the project's .strata/inbox/, which Strata
ingests as a run the next time it opens the project.

    import strata_client as strata
    with strata.start_run(name="baseline"):
        strata.log_params({"lr": 0.1})
        for epoch in range(10):
            strata.log_metric("loss", loss, step=epoch)

Lines are buffered and written at least every 0.1 s by a background thread, so a point is visible
to Strata shortly after it is logged without a write per call.
"""

import atexit
import json
import os
import socket
import sys
import threading
import time
import uuid

__all__ = [
    "start_run", "end_run", "active_run", "log_param", "log_params", "log_metric",
    "log_metrics", "set_tag", "set_tags", "log_artifact",
]

_FLUSH_SECONDS = 0.1


def _find_project(start):
    d = os.path.abspath(start)
    while True:
        if os.path.exists(os.path.join(d, "strata.yaml")) or os.path.isdir(os.path.join(d, ".strata")):
            return d
        parent = os.path.dirname(d)
        if parent == d:
            return None
        d = parent


class Run:
    """One run's log file. Use through the module functions, or as a context manager."""

    def __init__(self, path, run_id, name, inside_pipeline):
        self.id = run_id
        self.name = name
        self.path = path
        self.inside_pipeline = inside_pipeline
        self._buf = []
        self._lock = threading.Lock()
        self._file = open(path, "a", encoding="utf-8")
        self._closed = False
        self._steps = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._flusher, name="strata-flush", daemon=True)
        self._thread.start()

    def _flusher(self):
        while not self._stop.wait(_FLUSH_SECONDS):
            self.flush()

    def _write(self, record):
        line = json.dumps(record, separators=(",", ":"), default=str)
        with self._lock:
            if self._closed:
                raise RuntimeError("this Strata run has ended")
            self._buf.append(line)

    def flush(self):
        with self._lock:
            if not self._buf or self._closed:
                return
            self._file.write("\n".join(self._buf) + "\n")
            self._buf = []
            self._file.flush()

    def _step(self, key, step):
        if step is None:
            step = self._steps.get(key, -1) + 1
        self._steps[key] = step
        return step

    def log_param(self, key, value):
        self._write({"t": "param", "k": str(key), "v": value})

    def log_params(self, params):
        self._write({"t": "params", "v": dict(params)})

    def log_metric(self, key, value, step=None, timestamp=None):
        self._write({"t": "metric", "k": str(key), "v": float(value), "s": self._step(key, step), "ts": timestamp or time.time()})

    def log_metrics(self, metrics, step=None, timestamp=None):
        if step is None:
            step = max((self._steps.get(k, -1) + 1 for k in metrics), default=0)
        for k in metrics:
            self._steps[k] = step
        self._write({"t": "metrics", "v": {str(k): float(v) for k, v in metrics.items()}, "s": step, "ts": timestamp or time.time()})

    def set_tag(self, key, value=""):
        self._write({"t": "tag", "k": str(key), "v": str(value)})

    def log_artifact(self, path):
        self._write({"t": "artifact", "p": os.path.relpath(os.path.abspath(path), _project_root() or os.getcwd())})

    def end(self, status="done"):
        if self._closed:
            return
        if not self.inside_pipeline:
            self._write({"t": "end", "status": status, "ts": time.time()})
        self.flush()
        self._stop.set()
        with self._lock:
            self._closed = True
            self._file.close()

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        self.end("failed" if exc_type else "done")
        global _active
        if _active is self:
            _active = None
        return False


_active = None


def _project_root():
    return os.environ.get("STRATA_PROJECT") or _find_project(os.getcwd())


def start_run(name=None):
    """Starts (or, inside a pipeline step, joins) a run and returns it."""
    global _active
    if _active is not None:
        return _active
    tracking = os.environ.get("STRATA_TRACKING_FILE")
    if tracking:
        _active = Run(tracking, os.environ.get("STRATA_RUN_ID", ""), name, True)
        if name:
            _active.set_tag("client.run_name", name)
        return _active
    root = _project_root()
    if root is None:
        root = os.getcwd()
        sys.stderr.write("strata_client: no Strata project here or above; logging into %s/.strata/inbox (run `strata init` there to see it)\n" % root)
    inbox = os.path.join(root, ".strata", "inbox")
    os.makedirs(inbox, exist_ok=True)
    run_id = uuid.uuid4().hex[:16]
    _active = Run(os.path.join(inbox, run_id + ".jsonl"), run_id, name, False)
    _active._write({"t": "start", "id": run_id, "name": name or os.path.basename(sys.argv[0] or "python"), "ts": time.time(), "pid": os.getpid(), "host": socket.gethostname()})
    return _active


def active_run():
    return _active


def end_run(status="done"):
    global _active
    if _active is not None:
        _active.end(status)
        _active = None


def _run():
    return _active or start_run()


def log_param(key, value):
    _run().log_param(key, value)


def log_params(params):
    _run().log_params(params)


def log_metric(key, value, step=None, timestamp=None):
    _run().log_metric(key, value, step, timestamp)


def log_metrics(metrics, step=None, timestamp=None):
    _run().log_metrics(metrics, step, timestamp)


def set_tag(key, value=""):
    _run().set_tag(key, value)


def set_tags(tags):
    for k, v in tags.items():
        _run().set_tag(k, v)


def log_artifact(path):
    _run().log_artifact(path)


_crashed = False
_previous_hook = sys.excepthook


def _excepthook(exc_type, exc, tb):
    global _crashed
    _crashed = True
    _previous_hook(exc_type, exc, tb)


def _at_exit():
    # A script that never called end_run still ends its run; one that crashed is marked failed.
    end_run("failed" if _crashed else "done")


sys.excepthook = _excepthook
atexit.register(_at_exit)
