"""Comparator for test/bench/drift.ts: DDM, EDDM, ADWIN and Page-Hinkley as straightforward per-item
Python loops (river's definitions and defaults, plain Python classes), over the error stream drift.ts
wrote. Prints one JSON object: seconds per detector and the detections, to check both sides agree.
"""
import json
import math
import sys
import time

import numpy as np

stream = np.fromfile(sys.argv[1], dtype="<f8").tolist()


class DDM:
    def __init__(self):
        self.reset()

    def reset(self):
        self.n = 0; self.p = 0.0; self.pmin = self.smin = self.psmin = math.inf; self.drift = False

    def update(self, x):
        if self.drift:
            self.reset()
        self.n += 1
        self.p += (x - self.p) / self.n
        s = math.sqrt(self.p * (1 - self.p) / self.n)
        if self.n > 30:
            if self.p + s <= self.psmin:
                self.pmin, self.smin, self.psmin = self.p, s, self.p + s
            if self.p + s > self.pmin + 3 * self.smin:
                self.drift = True
        return self.drift


class EDDM:
    def __init__(self):
        self.reset()

    def reset(self):
        self.n = self.last = self.errors = 0
        self.dn = 0; self.mean = 0.0; self.m2 = 0.0; self.maxlevel = -1.0; self.drift = False

    def update(self, x):
        if self.drift:
            self.reset()
        self.n += 1
        if x == 1:
            self.errors += 1
            d = self.n - self.last
            self.dn += 1
            delta = d - self.mean
            self.mean += delta / self.dn
            self.m2 += delta * (d - self.mean)
            if self.n > 30:
                level = self.mean + 2 * math.sqrt(self.m2 / (self.dn - 1) if self.dn > 1 else 0)
                if level > self.maxlevel:
                    self.maxlevel = level
                elif self.errors > 30 and level / self.maxlevel < 0.9:
                    self.drift = True
            self.last = self.n
        return self.drift


class PageHinkley:
    def __init__(self):
        self.reset()

    def reset(self):
        self.n = 0; self.mean = 0.0; self.up = self.down = 0.0
        self.minup = math.inf; self.maxdown = -math.inf; self.drift = False

    def update(self, x):
        if self.drift:
            self.reset()
        self.n += 1
        self.mean += (x - self.mean) / self.n
        dev = x - self.mean
        self.up = 0.9999 * self.up + dev - 0.005
        self.down = 0.9999 * self.down + dev + 0.005
        self.minup = min(self.minup, self.up)
        self.maxdown = max(self.maxdown, self.down)
        if self.n >= 30:
            self.drift = self.up - self.minup > 50 or self.maxdown - self.down > 50
        return self.drift


class ADWIN:
    M = 5

    def __init__(self):
        self.reset()

    def reset(self):
        self.rows = [[[], []]]  # per row: totals, variances
        self.width = 0; self.total = 0.0; self.var = 0.0; self.tick = 0; self.drift = False

    def update(self, x):
        if self.drift:
            self.reset()
        row = self.rows[0]
        row[0].append(x); row[1].append(0.0)
        self.width += 1
        if self.width > 1:
            d = x - self.total / (self.width - 1)
            self.var += (self.width - 1) * d * d / self.width
        self.total += x
        r = 0
        while r < len(self.rows) and len(self.rows[r][0]) == self.M + 1:
            if r + 1 == len(self.rows):
                self.rows.append([[], []])
            size = 2 ** r
            t, v = self.rows[r]
            mu1, mu2 = t[0] / size, t[1] / size
            self.rows[r + 1][0].append(t[0] + t[1])
            self.rows[r + 1][1].append(v[0] + v[1] + size * size * (mu1 - mu2) ** 2 / (2 * size))
            del t[:2]; del v[:2]
            r += 1
        self.drift = self.detect()
        return self.drift

    def drop(self):
        r = len(self.rows) - 1
        size = 2 ** r
        t, v = self.rows[r]
        u, var = t.pop(0), v.pop(0)
        self.width -= size
        self.total -= u
        mu, muw = u / size, self.total / self.width
        self.var -= var + size * self.width * (mu - muw) ** 2 / (size + self.width)
        if not t:
            self.rows.pop()

    def detect(self):
        self.tick += 1
        if self.tick % 32 != 0 or self.width <= 10:
            return False
        change = False
        again = True
        while again:
            again = False
            n0, n1, u0, u1 = 0, self.width, 0.0, self.total
            done = False
            for r in range(len(self.rows) - 1, -1, -1):
                if done:
                    break
                size = 2 ** r
                totals = self.rows[r][0]
                for k in range(len(totals) - 1):
                    n0 += size; n1 -= size; u0 += totals[k]; u1 -= totals[k]
                    if n0 >= 5 and n1 >= 5:
                        dp = math.log(2 * math.log(self.width) / 0.002)
                        m = 1 / (n0 - 4) + 1 / (n1 - 4)
                        eps = math.sqrt(2 * m * (self.var / self.width) * dp) + 2 / 3 * dp * m
                        if abs(u0 / n0 - u1 / n1) > eps:
                            change = True
                            again = self.width > 0
                            if again:
                                self.drop()
                            done = True
                            break
        return change


out = {}
for name, cls in [("ddm", DDM), ("eddm", EDDM), ("adwin", ADWIN), ("page_hinkley", PageHinkley)]:
    d = cls()
    t = time.perf_counter()
    at = [i for i, x in enumerate(stream) if d.update(x)]
    out[name] = {"seconds": time.perf_counter() - t, "detections": at}
print(json.dumps(out))
