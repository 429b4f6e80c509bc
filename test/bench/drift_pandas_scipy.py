"""Comparator for test/bench/drift.ts: the same drift statistics with pandas + scipy (Debian's).

Reads the columns drift.ts wrote (raw float64 / int32 files), builds two DataFrames (not timed), then
times every statistic Strata computes per column: numeric — ks_2samp (method auto), wasserstein_distance,
reference std, PSI over reference deciles, the overlay histogram; categorical — value counts,
chi2_contingency, jensenshannon (base 2), PSI over the category union, new/vanished categories; every
column's missing share. Prints one JSON object: seconds (best of runs) and peak RSS.
"""
import json
import resource
import sys
import time

import numpy as np
import pandas as pd
from scipy import stats
from scipy.spatial import distance

folder, runs = sys.argv[1], int(sys.argv[2])
meta = json.load(open(f"{folder}/meta.json"))


def load(side):
    cols = {}
    for c in meta["numeric"]:
        cols[c] = np.fromfile(f"{folder}/{side}-{c}.f64", dtype="<f8")
    for c in meta["categorical"]:
        codes = np.fromfile(f"{folder}/{side}-{c}.i32", dtype="<i4")
        cols[c] = pd.Categorical.from_codes(codes, meta["dict"])
    return pd.DataFrame(cols)


ref, cur = load("ref"), load("cur")


def psi(r, c, eps=1e-4):
    r = np.maximum(r, eps)
    c = np.maximum(c, eps)
    return float(np.sum((c - r) * np.log(c / r)))


def every_statistic():
    out = {}
    for c in meta["numeric"]:
        a = ref[c].dropna().to_numpy()
        b = cur[c].dropna().to_numpy()
        ks = stats.ks_2samp(a, b)
        w = stats.wasserstein_distance(a, b)
        std = np.std(a)
        edges = np.unique(np.quantile(a, np.arange(1, 10) / 10))
        rc = np.bincount(np.searchsorted(edges, a, side="right"), minlength=len(edges) + 1) / len(a)
        cc = np.bincount(np.searchsorted(edges, b, side="right"), minlength=len(edges) + 1) / len(b)
        lo = min(np.quantile(a, 0.005), np.quantile(b, 0.005))
        hi = max(np.quantile(a, 0.995), np.quantile(b, 0.995))
        np.histogram(a, bins=30, range=(lo, hi))
        np.histogram(b, bins=30, range=(lo, hi))
        out[c] = (ks.statistic, ks.pvalue, w / std, psi(rc, cc), ref[c].isna().mean() - cur[c].isna().mean())
    for c in meta["categorical"]:
        vr = ref[c].value_counts()
        vc = cur[c].value_counts()
        cats = vr.index.union(vc.index)
        r = vr.reindex(cats, fill_value=0).to_numpy()
        k = vc.reindex(cats, fill_value=0).to_numpy()
        keep = (r + k) > 0
        chi = stats.chi2_contingency(np.array([r[keep], k[keep]]))
        js = distance.jensenshannon(r, k, base=2)
        new = [x for x, n, m in zip(cats, r, k) if n == 0 and m > 0]
        gone = [x for x, n, m in zip(cats, r, k) if n > 0 and m == 0]
        out[c] = (chi[1], js, psi(r / r.sum(), k / k.sum()), new, gone)
    return out


best = float("inf")
for _ in range(runs):
    t = time.perf_counter()
    every_statistic()
    best = min(best, time.perf_counter() - t)
print(json.dumps({"seconds": best, "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
