"""autolog() for scikit-learn, as mlflow.sklearn.autolog does it: each outermost `fit` logs the
estimator's parameters, its training metrics and the fitted model (versioned as a model artifact).

Unlike MLflow, autolog() outside a pipeline starts a run at once, so what the script prints before
training is kept with it; the first fit logs into it, and the run stays open until the next
autologged fit (which gets a run of its own) or the end of the script, so what the script prints
after training (its test score) belongs to it too. A run the user started is never ended here."""

import functools
import os
import pickle
import platform
import shutil
import tempfile
import threading
import warnings

from . import _fluent

# Process-wide, not per thread: a forest fits its trees in joblib's worker threads, and those fits are
# part of the outer one. (Two models fitted at once in two threads log only the first.)
_state = {"depth": 0}
_lock = threading.Lock()
_patched = []
_options = {"log_models": True}


def _scalar_params(estimator):
    out = {}
    for key, value in estimator.get_params(deep=True).items():
        if value is None or isinstance(value, (bool, int, float, str)):
            out[key] = value
        else:
            out[key] = repr(value)[:250]
    return out


def _training_metrics(estimator, X, y, sample_weight):
    from sklearn import base, metrics

    if y is None:
        return {}
    found = {}

    def put(name, fn):
        try:
            found[name] = float(fn())
        except Exception:
            pass  # a metric that does not apply to this estimator or target is left out, as MLflow does

    if base.is_classifier(estimator):
        pred = estimator.predict(X)
        kw = {"sample_weight": sample_weight}
        put("training_accuracy_score", lambda: metrics.accuracy_score(y, pred, **kw))
        put("training_precision_score",
            lambda: metrics.precision_score(y, pred, average="weighted", zero_division=0, **kw))
        put("training_recall_score", lambda: metrics.recall_score(y, pred, average="weighted", zero_division=0, **kw))
        put("training_f1_score", lambda: metrics.f1_score(y, pred, average="weighted", zero_division=0, **kw))
        if hasattr(estimator, "predict_proba"):
            proba = estimator.predict_proba(X)
            put("training_log_loss", lambda: metrics.log_loss(y, proba, **kw))
            if proba.shape[1] == 2:
                put("training_roc_auc", lambda: metrics.roc_auc_score(y, proba[:, 1], **kw))
            else:
                put("training_roc_auc", lambda: metrics.roc_auc_score(y, proba, multi_class="ovr", **kw))
    elif base.is_regressor(estimator):
        pred = estimator.predict(X)
        kw = {"sample_weight": sample_weight}
        put("training_mean_squared_error", lambda: metrics.mean_squared_error(y, pred, **kw))
        put("training_root_mean_squared_error", lambda: metrics.mean_squared_error(y, pred, **kw) ** 0.5)
        put("training_mean_absolute_error", lambda: metrics.mean_absolute_error(y, pred, **kw))
        put("training_r2_score", lambda: metrics.r2_score(y, pred, **kw))
    if hasattr(estimator, "score"):
        put("training_score", lambda: estimator.score(X, y, sample_weight=sample_weight)
            if sample_weight is not None else estimator.score(X, y))
    return found


def _log_model(run, estimator):
    import sklearn

    name = type(estimator).__name__.lower()
    folder = tempfile.mkdtemp(prefix="strata-model-")
    try:
        with open(os.path.join(folder, "model.pkl"), "wb") as f:
            pickle.dump(estimator, f, protocol=pickle.DEFAULT_PROTOCOL)
        with open(os.path.join(folder, "model.json"), "w", encoding="utf-8") as f:
            f.write('{"flavor": "sklearn", "file": "model.pkl", "class": "%s.%s", "sklearn": "%s", "python": "%s"}\n' % (
                type(estimator).__module__, type(estimator).__name__, sklearn.__version__, platform.python_version()))
        run.log_model(folder, name, flavor="sklearn")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _own_run():
    run = _fluent.start_run()
    # Inside a pipeline step every fit logs into the step's run, which is never ended here.
    run._autolog_owned = not run.inside_pipeline
    run._autolog_fitted = False
    return run


def _before_fit(estimator):
    run = _fluent.active_run()
    if run is not None and getattr(run, "_autolog_owned", False) and run._autolog_fitted:
        _fluent.end_run()
        run = None
    if run is None:
        run = _own_run()
    if getattr(run, "_autolog_owned", False):
        run._autolog_fitted = True
        run.set_tag("strata.autolog", type(estimator).__name__)
    return run


def _after_fit(run, estimator, X, y, sample_weight):
    try:
        run.log_params(_scalar_params(estimator))
        run.set_tag("estimator_name", type(estimator).__name__)
        run.set_tag("estimator_class", type(estimator).__module__ + "." + type(estimator).__name__)
        found = _training_metrics(estimator, X, y, sample_weight)
        if found:
            run.log_metrics(found, step=0)
        if _options["log_models"]:
            _log_model(run, estimator)
    except Exception as err:
        warnings.warn("strata autolog: could not log %s: %s" % (type(estimator).__name__, err))


def _wrap(original):
    @functools.wraps(original)
    def fit(self, *args, **kwargs):
        # Passed through untouched: some estimators' fit takes only y (LabelEncoder), or no y at all.
        with _lock:
            inner = _state["depth"] > 0
            if not inner:
                _state["depth"] = 1
        if inner:
            return original(self, *args, **kwargs)
        X = args[0] if args else kwargs.get("X")
        y = args[1] if len(args) > 1 else kwargs.get("y")
        # Fits inside this one, and inside the metrics computed after it, are not logged.
        try:
            run = _before_fit(self)
            result = original(self, *args, **kwargs)
            _after_fit(run, self, X, y, kwargs.get("sample_weight"))
        finally:
            with _lock:
                _state["depth"] = 0
        return result

    fit._strata_original = original
    return fit


def autolog(log_models=True, disable=False):
    """Patches `fit` of every scikit-learn estimator (once; calling again only changes the options)."""
    _options["log_models"] = log_models
    if disable:
        for cls, original, own in _patched:
            if own:
                cls.fit = original
            else:
                del cls.fit
        _patched.clear()
        return
    if _patched:
        return
    from sklearn.utils import all_estimators

    if _fluent.active_run() is None and not os.environ.get("STRATA_TRACKING_FILE"):
        _own_run()
    for _, cls in all_estimators():
        # The fit a class answers with, its own or inherited from a base that all_estimators() does
        # not list (RandomForestClassifier's comes from BaseForest).
        original = getattr(cls, "fit", None)
        if original is None or hasattr(original, "_strata_original"):
            continue
        own = "fit" in cls.__dict__
        cls.fit = _wrap(original)
        _patched.append((cls, original, own))
