"""Strata tracking client for Python: zero dependencies.

    import strata
    strata.sklearn.autolog()            # optional: fit params, training metrics, the model
    with strata.start_run(name="baseline"):
        strata.log_params({"lr": 0.1})
        for epoch in range(10):
            strata.log_metric("loss", loss, step=epoch)

Inside a Strata pipeline step everything logged belongs to the step's run. From a terminal or a
notebook, a run is kept with its output, environment and git state, in the nearest Strata project.
"""

from ._fluent import (
    active_run,
    end_run,
    log_artifact,
    log_artifacts,
    log_dict,
    log_figure,
    log_metric,
    log_metrics,
    log_param,
    log_params,
    log_table,
    log_text,
    set_tag,
    set_tags,
    start_run,
)
from . import sklearn

__version__ = "0.1.0"

__all__ = [
    "start_run", "end_run", "active_run", "log_param", "log_params", "log_metric", "log_metrics",
    "set_tag", "set_tags", "log_artifact", "log_artifacts", "log_dict", "log_text", "log_figure",
    "log_table", "autolog", "sklearn",
]


def autolog(**kwargs):
    """Autologging for the libraries Strata knows (today scikit-learn), as mlflow.autolog does."""
    sklearn.autolog(**kwargs)
