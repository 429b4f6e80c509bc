"""prepare: split scikit-learn's bundled breast-cancer table into train and test CSV files."""
import os
import sys

import numpy as np
from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import train_test_split

sys.path.insert(0, os.path.dirname(__file__))
from params import read_params  # noqa: E402

p = read_params()["prepare"]
data = load_breast_cancer()
x_train, x_test, y_train, y_test = train_test_split(
    data.data, data.target, test_size=p["test_fraction"], random_state=p["seed"], stratify=data.target
)
os.makedirs("data/split", exist_ok=True)
np.savetxt("data/split/train.csv", np.column_stack([x_train, y_train]), delimiter=",", fmt="%.6g")
np.savetxt("data/split/test.csv", np.column_stack([x_test, y_test]), delimiter=",", fmt="%.6g")
print("prepare: %d training rows, %d test rows" % (len(y_train), len(y_test)))
