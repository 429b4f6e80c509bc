"""One run's log: the file protocol Strata reads (see resources/clients/README.md).

Inside a Strata pipeline step (STRATA_TRACKING_FILE is set) everything logged belongs to the step's
run, and Strata itself keeps the step's output, environment and code state. Run from a terminal or a
notebook, a run logs into the project's .strata/inbox/<id>.jsonl, with the files it logs beside it in
.strata/inbox/<id>.d/; Strata turns both into a run when the run ends (at once if the app is open).

Lines are buffered and written at least every 0.1 s by a background thread, so a point is visible to
Strata shortly after it is logged without a write per call.
"""

import json
import os
import shutil
import socket
import sys
import threading
import time
import uuid

from . import _context

_FLUSH_SECONDS = 0.1


def find_project(start):
    d = os.path.abspath(start)
    while True:
        if os.path.exists(os.path.join(d, "strata.yaml")) or os.path.isdir(os.path.join(d, ".strata")):
            return d
        parent = os.path.dirname(d)
        if parent == d:
            return None
        d = parent


def project_root():
    return os.environ.get("STRATA_PROJECT") or find_project(os.getcwd())


def _safe_relpath(name):
    """An artifact file name as given by the user, kept inside the run's folder."""
    parts = [p for p in str(name).replace("\\", "/").split("/") if p not in ("", ".")]
    if not parts or ".." in parts:
        raise ValueError("artifact file %r must be a relative path without '..'" % (name,))
    return "/".join(parts)


class Run:
    """One run's log file. Use through the module functions, or as a context manager."""

    def __init__(self, path, run_id, name, inside_pipeline, project=None):
        self.id = run_id
        self.name = name
        self.path = path
        self.inside_pipeline = inside_pipeline
        self.project = project
        # Files a terminal run logs are copied here, so a later change to the original (the next run
        # overwriting model.pkl) cannot change what this run recorded.
        self.files_dir = None if inside_pipeline else path[: -len(".jsonl")] + ".d"
        self._buf = []
        self._lock = threading.Lock()
        self._file = open(path, "a", encoding="utf-8")
        self._closed = False
        self._steps = {}
        self._capture = None
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

    # -- params, metrics, tags ------------------------------------------------------------------

    def log_param(self, key, value):
        self._write({"t": "param", "k": str(key), "v": value})

    def log_params(self, params):
        self._write({"t": "params", "v": dict(params)})

    def log_metric(self, key, value, step=None, timestamp=None):
        self._write({"t": "metric", "k": str(key), "v": float(value), "s": self._step(key, step),
                     "ts": timestamp or time.time()})

    def log_metrics(self, metrics, step=None, timestamp=None):
        if step is None:
            step = max((self._steps.get(k, -1) + 1 for k in metrics), default=0)
        for k in metrics:
            self._steps[k] = step
        self._write({"t": "metrics", "v": {str(k): float(v) for k, v in metrics.items()}, "s": step,
                     "ts": timestamp or time.time()})

    def set_tag(self, key, value=""):
        self._write({"t": "tag", "k": str(key), "v": str(value)})

    # -- files ------------------------------------------------------------------------------------

    def _project_rel(self, path):
        root = self.project or project_root() or os.getcwd()
        return os.path.relpath(os.path.abspath(path), root).replace(os.sep, "/")

    def log_artifact(self, local_path, artifact_path=None):
        """Versions a file or folder into Strata's store as an output of this run."""
        if not os.path.exists(local_path):
            raise FileNotFoundError("log_artifact: %s does not exist" % local_path)
        rel = self._project_rel(local_path)
        if self.inside_pipeline:
            self._write({"t": "artifact", "p": rel})
            return
        name = _safe_relpath(artifact_path or os.path.basename(os.path.abspath(local_path)))
        dest = os.path.join(self.files_dir, "artifacts", name)
        os.makedirs(os.path.dirname(dest), exist_ok=True)
        if os.path.isdir(local_path):
            shutil.copytree(local_path, dest, dirs_exist_ok=True)
        else:
            shutil.copyfile(local_path, dest)
        self._write({"t": "artifact", "p": rel, "f": os.path.relpath(dest, os.path.dirname(self.path)).replace(os.sep, "/")})

    def log_artifacts(self, local_dir, artifact_path=None):
        for entry in sorted(os.listdir(local_dir)):
            full = os.path.join(local_dir, entry)
            self.log_artifact(full, entry if artifact_path is None else artifact_path + "/" + entry)

    def log_file_bytes(self, artifact_file, data, media=None):
        """A file made by the run itself (log_dict, log_text, log_figure…), kept with the run."""
        name = _safe_relpath(artifact_file)
        if self.inside_pipeline:
            # A step's own files live in its run folder, which Strata keeps with the run.
            base = os.environ.get("STRATA_RUN_DIR") or os.path.dirname(self.path)
            dest = os.path.join(base, "files", name)
        else:
            dest = os.path.join(self.files_dir, "files", name)
        os.makedirs(os.path.dirname(dest), exist_ok=True)
        with open(dest, "wb") as f:
            f.write(data)
        record = {"t": "file", "p": name, "f": os.path.relpath(dest, os.path.dirname(self.path)).replace(os.sep, "/")}
        if media:
            record["m"] = media
        self._write(record)
        return dest

    def log_model(self, local_dir, name, flavor=None):
        """Versions a folder holding a fitted model as version N of the model artifact `name`."""
        name = _safe_relpath(name).replace("/", "-")
        if self.inside_pipeline:
            base = os.environ.get("STRATA_RUN_DIR") or os.path.dirname(self.path)
            dest = os.path.join(base, "models", name)
        else:
            dest = os.path.join(self.files_dir, "models", name)
        if os.path.abspath(local_dir) != os.path.abspath(dest):
            shutil.copytree(local_dir, dest, dirs_exist_ok=True)
        record = {"t": "model", "name": name, "f": os.path.relpath(dest, os.path.dirname(self.path)).replace(os.sep, "/")}
        if flavor:
            record["flavor"] = flavor
        self._write(record)
        return dest

    # -- lifecycle --------------------------------------------------------------------------------

    def _begin_terminal(self, host, pid):
        self._write({"t": "start", "id": self.id, "name": self.name, "ts": time.time(), "pid": pid, "host": host,
                     "argv": list(sys.argv), "cwd": os.getcwd()})
        self._write({"t": "env", "v": _context.environment()})
        self._write({"t": "git", "v": _context.git_state(self.project or os.getcwd(), self.files_dir)})
        self._capture = _context.OutputCapture(self._write)
        self._capture.install()

    def end(self, status="done"):
        if self._closed:
            return
        if self._capture is not None:
            self._capture.uninstall()
            self._capture = None
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
        from . import _fluent

        self.end("failed" if exc_type else "done")
        _fluent._forget(self)
        return False


def open_run(name=None):
    tracking = os.environ.get("STRATA_TRACKING_FILE")
    if tracking:
        run = Run(tracking, os.environ.get("STRATA_RUN_ID", ""), name, True, os.environ.get("STRATA_PROJECT"))
        if name:
            run.set_tag("client.run_name", name)
        return run
    root = project_root()
    if root is None:
        root = os.getcwd()
        sys.stderr.write("strata: no Strata project here or above; logging into %s/.strata/inbox "
                         "(run `strata init` there to see it)\n" % root)
    inbox = os.path.join(root, ".strata", "inbox")
    os.makedirs(inbox, exist_ok=True)
    run_id = uuid.uuid4().hex[:16]
    run = Run(os.path.join(inbox, run_id + ".jsonl"), run_id, name, False, root)
    os.makedirs(run.files_dir, exist_ok=True)
    run._begin_terminal(socket.gethostname(), os.getpid())
    return run
