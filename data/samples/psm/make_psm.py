#!/usr/bin/env python3
"""Writes the PSM-like sample next to this script: train.csv (400 rows),
test.csv (300 rows) and test_label.csv, laid out as eBay's Pooled Server
Metrics (timestamp_(min) counting minutes from 0, then feature_0 ..
feature_24, some cells empty). Synthetic: no PSM data is in it. Run it
again to get the same bytes (a fixed seed, no numpy)."""
import math
import os
import random

HERE = os.path.dirname(os.path.abspath(__file__))
TRAIN, TEST, M = 400, 300, 25
rng = random.Random(20261129)
phase = [rng.uniform(0, 2 * math.pi) for _ in range(M)]
level = [rng.uniform(0.2, 0.6) for _ in range(M)]
amp = [rng.uniform(0.05, 0.2) for _ in range(M)]
# anomalies of the test part: (first row, end row, metrics, offset), rows of
# the whole series
ANOMALIES = [(520, 541, (3, 7, 12), 0.35), (640, 651, (20,), 0.5)]


def value(r, m):
    v = level[m] + amp[m] * math.sin(2 * math.pi * r / 60 + phase[m])
    v += rng.gauss(0, 0.01)
    for a, b, ms, off in ANOMALIES:
        if a <= r < b and m in ms:
            v += off
    return v


def write(name, first, n):
    header = "timestamp_(min)," + ",".join("feature_%d" % m for m in range(M))
    with open(os.path.join(HERE, name), "w") as f:
        f.write(header + "\n")
        for r in range(first, first + n):
            cells = ["%.1f" % r]
            for m in range(M):
                v = value(r, m)
                # missing cells: feature_24's first 5 rows (a leading gap)
                # and one cell in 150 elsewhere
                empty = (m == 24 and r < 5) or rng.random() < 1 / 150
                cells.append("" if empty else "%.4f" % v)
            f.write(",".join(cells) + "\n")


write("train.csv", 0, TRAIN)
write("test.csv", TRAIN, TEST)
with open(os.path.join(HERE, "test_label.csv"), "w") as f:
    f.write("timestamp_(min),label\n")
    for r in range(TRAIN, TRAIN + TEST):
        f.write("%.1f,%d\n" % (r, any(a <= r < b for a, b, _, _ in ANOMALIES)))
