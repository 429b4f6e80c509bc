"""The module-level API, shaped like MLflow's fluent one: one active run per process."""

import atexit
import io
import json
import sys

from . import _run

_active = None


def _forget(run):
    global _active
    if _active is run:
        _active = None


def start_run(name=None, run_name=None):
    """Starts (or, inside a pipeline step, joins) a run and returns it. `run_name` is MLflow's spelling."""
    global _active
    if _active is not None:
        return _active
    _active = _run.open_run(name or run_name)
    return _active


def active_run():
    return _active


def end_run(status="done"):
    global _active
    if _active is not None:
        _active.end(status)
        _active = None


def _current():
    return _active or start_run()


def log_param(key, value):
    _current().log_param(key, value)


def log_params(params):
    _current().log_params(params)


def log_metric(key, value, step=None, timestamp=None):
    _current().log_metric(key, value, step, timestamp)


def log_metrics(metrics, step=None, timestamp=None):
    _current().log_metrics(metrics, step, timestamp)


def set_tag(key, value=""):
    _current().set_tag(key, value)


def set_tags(tags):
    run = _current()
    for k, v in tags.items():
        run.set_tag(k, v)


def log_artifact(local_path, artifact_path=None):
    _current().log_artifact(local_path, artifact_path)


def log_artifacts(local_dir, artifact_path=None):
    _current().log_artifacts(local_dir, artifact_path)


def log_dict(dictionary, artifact_file):
    """Kept as JSON, or YAML when the name ends in .yaml/.yml and PyYAML is installed."""
    if artifact_file.endswith((".yaml", ".yml")):
        try:
            import yaml

            data = yaml.safe_dump(dictionary, sort_keys=False).encode("utf-8")
            return _current().log_file_bytes(artifact_file, data, "application/yaml")
        except ImportError:
            pass
    data = json.dumps(dictionary, indent=2, default=str).encode("utf-8")
    return _current().log_file_bytes(artifact_file, data, "application/json")


def log_text(text, artifact_file):
    return _current().log_file_bytes(artifact_file, str(text).encode("utf-8"), "text/plain")


def log_figure(figure, artifact_file):
    """A matplotlib figure, kept as PNG and SVG (the name's extension is replaced)."""
    base = artifact_file.rsplit(".", 1)[0] if "." in artifact_file.rsplit("/", 1)[-1] else artifact_file
    paths = []
    for fmt, media in (("png", "image/png"), ("svg", "image/svg+xml")):
        buf = io.BytesIO()
        figure.savefig(buf, format=fmt, bbox_inches="tight")
        paths.append(_current().log_file_bytes(base + "." + fmt, buf.getvalue(), media))
    return paths


def log_table(data, artifact_file):
    """A table (a pandas DataFrame, or a dict of equal-length columns) kept as JSON with
    `columns` and `data`, as MLflow's log_table writes it."""
    if hasattr(data, "to_dict") and hasattr(data, "columns"):
        columns = [str(c) for c in data.columns]
        rows = data.astype(object).where(data.notna(), None).values.tolist()
    elif isinstance(data, dict):
        columns = [str(c) for c in data]
        lengths = {len(v) for v in data.values()}
        if len(lengths) > 1:
            raise ValueError("log_table: the columns have different lengths %s" % sorted(lengths))
        rows = [list(r) for r in zip(*data.values())]
    else:
        raise TypeError("log_table takes a pandas DataFrame or a dict of columns")
    if not artifact_file.endswith(".json"):
        raise ValueError("log_table: artifact_file must end in .json")
    body = json.dumps({"columns": columns, "data": rows}, default=str).encode("utf-8")
    return _current().log_file_bytes(artifact_file, body, "application/vnd.strata.table+json")


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
