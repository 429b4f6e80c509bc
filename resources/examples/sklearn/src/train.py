"""train: a linear classifier trained epoch by epoch with SGD, logging loss and accuracy to Strata."""
import os
import pickle
import sys

import numpy as np
from sklearn.linear_model import SGDClassifier
from sklearn.metrics import accuracy_score, log_loss
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

import strata_client as strata

sys.path.insert(0, os.path.dirname(__file__))
from params import read_params  # noqa: E402

p = read_params()["train"]
train = np.loadtxt("data/split/train.csv", delimiter=",")
x, y = train[:, :-1], train[:, -1].astype(int)
scaler = StandardScaler().fit(x)
xs = scaler.transform(x)
clf = SGDClassifier(loss="log_loss", alpha=p["alpha"], random_state=0)

with strata.start_run(name="sklearn-sgd"):
    strata.set_tag("model", "SGDClassifier(log_loss)")
    for epoch in range(p["epochs"]):
        clf.partial_fit(xs, y, classes=np.array([0, 1]))
        strata.log_metrics({"loss": log_loss(y, clf.predict_proba(xs)), "accuracy": accuracy_score(y, clf.predict(xs))}, step=epoch)

os.makedirs("models", exist_ok=True)
with open("models/model.pkl", "wb") as f:
    pickle.dump(make_pipeline(scaler, clf), f)
print("train: %d epochs" % p["epochs"])
