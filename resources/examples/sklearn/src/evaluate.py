"""evaluate: scores the model on the test split and writes reports/metrics.json."""
import json
import os
import pickle

import numpy as np
from sklearn.metrics import accuracy_score, f1_score, roc_auc_score

with open("models/model.pkl", "rb") as f:
    model = pickle.load(f)
test = np.loadtxt("data/split/test.csv", delimiter=",")
x, y = test[:, :-1], test[:, -1].astype(int)
metrics = {
    "test": {
        "accuracy": accuracy_score(y, model.predict(x)),
        "f1": f1_score(y, model.predict(x)),
        "auc": roc_auc_score(y, model.predict_proba(x)[:, 1]),
    }
}
os.makedirs("reports", exist_ok=True)
with open("reports/metrics.json", "w", encoding="utf-8") as f:
    json.dump(metrics, f, indent=2)
print("evaluate:", json.dumps(metrics["test"]))
