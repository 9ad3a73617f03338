"""Benchmark region maps on planes through data: reluineq's slices against regioncam.

A 64-64-64-10 ReLU classifier is trained (seeded) on scikit-learn's 8x8 digits. For several
seeds, three training images of three different classes span a plane; regioncam builds its
``Regioncam.through_points`` on it and reluineq the same plane as ``net.slice(points)``
followed by ``regions(slice, box)``, with the plane's origin, axes and square window taken
from regioncam's, so both partition the same square of the same plane. Counts must agree
(up to regioncam's float32 reach); the time target is reluineq within 5x of regioncam, worst
case over all planes.

Run with ``make bench`` (after ``run.py``) or ``.venv/bin/python bench/slices.py [--quick]``;
the table goes to stdout and to ``bench/results/slices-latest.md``.
"""

from __future__ import annotations

import gc
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import regioncam
from threadpoolctl import threadpool_limits

from reluineq import Network, regions

sys.path.insert(0, str(Path(__file__).resolve().parent))
from report import finish, header_line, parse_args, sig3, table, version

#: The classifier: hidden widths, seed, and how long it trains.
HIDDEN = (64, 64)
SEED = 0
MAX_ITER = 200
#: One plane per seed: three training images of three different classes.
PLANE_SEEDS = (0, 1, 2, 3, 4)
#: ``size`` of ``Regioncam.through_points``, which scales the square window it puts around
#: the three points: regioncam's default (1) and three times as wide (far from the data).
WINDOWS = (1.0, 3.0)
TARGET = 5.0
BUDGET = 5.0
#: Faces thinner than this (2 area / perimeter) are within float32's reach on these planes.
THIN32 = 16 * float(np.finfo(np.float32).eps) * 8.0


def train() -> tuple[Network, np.ndarray, np.ndarray, float]:
    """The digits classifier as a reluineq network, the training images and labels, and its
    test accuracy."""
    from sklearn.datasets import load_digits
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.model_selection import train_test_split
    from sklearn.neural_network import MLPClassifier

    X, y = load_digits(return_X_y=True)
    X = X / 16.0
    Xtr, Xte, ytr, yte = train_test_split(X, y, test_size=0.25, random_state=SEED)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf = MLPClassifier(HIDDEN, max_iter=MAX_ITER, random_state=SEED).fit(Xtr, ytr)
    return Network.from_sklearn(clf), Xtr, ytr, float(clf.score(Xte, yte))


def regioncam_model(net: Network) -> regioncam.nn.Sequential:
    layers = []
    for layer in net.layers:
        W = np.ascontiguousarray(np.asarray(layer.weight, dtype=float).T, dtype=np.float32)
        layers.append(regioncam.nn.Linear(W, np.asarray(layer.bias, dtype=np.float32)))
        if layer.activation == "relu":
            layers.append(regioncam.nn.ReLU())
    return regioncam.nn.Sequential(*layers)


def pick(X: np.ndarray, y: np.ndarray, seed: int) -> tuple[np.ndarray, list[int]]:
    """Three training images of three different classes, drawn with ``seed``."""
    rng = np.random.default_rng(seed)
    classes = rng.choice(10, size=3, replace=False)
    idx = [int(rng.choice(np.flatnonzero(y == k))) for k in classes]
    return X[idx], [int(k) for k in classes]


def frame(points: np.ndarray, size: float) -> tuple[np.ndarray, list[tuple[float, float]]]:
    """regioncam's plane through the points: three points spanning it in reluineq's affine
    coordinates (origin, origin + axis 1, origin + axis 2) and the square window."""
    cam = regioncam.Regioncam.through_points(points.astype(np.float32), size=size)
    W = np.asarray(cam.plane.weight, dtype=float)
    b = np.asarray(cam.plane.bias, dtype=float)
    corners = np.asarray(cam.vertex_inputs, dtype=float)
    lo, hi = corners.min(axis=0), corners.max(axis=0)
    return np.stack([b, b + W[0], b + W[1]]), [(lo[0], hi[0]), (lo[1], hi[1])]


def time_best(fn, repeat: int) -> tuple[int, float, int]:
    """Count and best time of up to ``repeat`` runs within :data:`BUDGET` seconds."""
    best, spent, runs, count = float("inf"), 0.0, 0, -1
    while runs < repeat and (runs == 0 or spent < BUDGET):
        gc.disable()
        t0 = time.perf_counter()
        count = fn()
        t = time.perf_counter() - t0
        gc.enable()
        best, spent, runs = min(best, t), spent + t, runs + 1
    return count, best, runs


def thin(polys: list[np.ndarray]) -> int:
    k = 0
    for V in polys:
        edges = np.roll(V, -1, axis=0) - V
        perim = float(np.hypot(edges[:, 0], edges[:, 1]).sum())
        x, y = V[:, 0], V[:, 1]
        area = 0.5 * abs(float((x * np.roll(y, -1) - np.roll(x, -1) * y).sum()))
        k += perim > 0 and 2 * area / perim < THIN32
    return k


def main(argv: list[str] | None = None) -> int:
    args = parse_args(
        argv, __doc__.splitlines()[0], out="slices-latest.md",
        quick="two planes, the default window only", repeat_default=5,
        repeat_help=f"at most N timed runs per tool and plane, best kept (default 5; a tool "
        f"stops repeating once {BUDGET:g} s are spent)",
    )
    started = time.perf_counter()
    print("training the digits classifier ...", end=" ", file=sys.stderr, flush=True)
    net, Xtr, ytr, accuracy = train()
    print(f"{net!r}, test accuracy {accuracy:.3f}", file=sys.stderr, flush=True)
    model = regioncam_model(net)
    # One thread for NumPy's BLAS, as regioncam uses one: on a shared machine, waking
    # OpenBLAS's second thread for a 64x64 product can cost more than the product.
    limits = threadpool_limits(1)
    seeds = PLANE_SEEDS[:2] if args.quick else PLANE_SEEDS
    windows = WINDOWS[:1] if args.quick else WINDOWS
    rows, ratios, notes, disagree = [], [], [], False
    for seed in seeds:
        points, classes = pick(Xtr, ytr, seed)
        for size in windows:
            pts, box = frame(points, size)

            def mine(pts=pts, box=box) -> int:
                return len(regions(net.slice(pts), box))

            def theirs(points=points, size=size) -> int:
                cam = regioncam.Regioncam.through_points(points.astype(np.float32), size=size)
                cam.add(model)
                return cam.num_faces

            mine(), theirs()  # warm-up
            n_mine, t_mine, r_mine = time_best(mine, args.repeat)
            n_theirs, t_theirs, r_theirs = time_best(theirs, args.repeat)
            ratio = t_mine / t_theirs
            ratios.append(ratio)
            if n_mine == n_theirs:
                agree = "AGREE"
            else:
                rs = regions(net.slice(pts), box)
                cam = regioncam.Regioncam.through_points(points.astype(np.float32), size=size)
                cam.add(model)
                allowed = thin([np.asarray(r.vertices, float) for r in rs]) + thin(
                    [np.asarray([cam.vertex_inputs[v.id] for v in f.vertices], float)
                     for f in cam.faces])
                ok = abs(n_mine - n_theirs) <= allowed
                agree = "AGREE (float32)" if ok else "DISAGREE"
                disagree |= not ok
                notes.append(f"plane {seed}, window {size:g}: reluineq {n_mine}, regioncam "
                             f"{n_theirs}; {allowed} faces thinner than {THIN32:.1e}")
            side = box[0][1] - box[0][0]
            rows.append([str(seed), ",".join(map(str, classes)), f"{side:.3g}", f"{n_mine:,}",
                         f"{n_theirs:,}", sig3(t_mine), sig3(t_theirs),
                         f"{ratio:.2f}", agree])
            print(f"plane {seed} window {size:g}: reluineq {n_mine} in {sig3(t_mine)} s "
                  f"({r_mine} runs), regioncam {n_theirs} in {sig3(t_theirs)} s "
                  f"({r_theirs} runs)", file=sys.stderr, flush=True)
    limits.unregister()
    elapsed = time.perf_counter() - started
    worst = max(ratios)
    verdict = "PASS" if worst <= TARGET else "FAIL"
    header = ["plane seed", "classes", "window side", "reluineq regions", "regioncam regions",
              "reluineq s", "regioncam s", "time / regioncam", "count"]
    lines = [
        "# Slices of a trained 64-input classifier: reluineq against regioncam",
        "",
        header_line("bench/slices.py", argv, elapsed,
                    f"; scikit-learn {version('scikit-learn')}, regioncam "
                    f"{version('regioncam')}"),
        "",
        f"Network: `MLPClassifier{HIDDEN}` on `load_digits` (pixels / 16), random_state={SEED}, "
        f"max_iter={MAX_ITER}, imported with `Network.from_sklearn`: {net!r}, test accuracy "
        f"{accuracy:.3f}. Each plane passes through three training images of three classes "
        f"(drawn with the plane's seed); the window is regioncam's `through_points(points, "
        f"size)` square for size in {list(windows)}, and reluineq slices the same plane "
        "(regioncam's origin and axes) over the same square.",
        "",
        table(rows, header, right={2, 3, 4, 5, 6, 7}),
        "",
        f"**Time target: {verdict}**, worst reluineq / regioncam ratio {worst:.2f} "
        f"(≤ {TARGET:g}×), over {len(ratios)} plane-window pairs.",
        "",
        "- Timed: reluineq `regions(net.slice(points), box)` (the slice's exact composition and "
        "its regions); regioncam `Regioncam.through_points(points, size)` + `add(model)` + "
        "`num_faces`. Best of up to `--repeat` runs, GC off inside the timer, NumPy's BLAS "
        "limited to one thread (regioncam runs on one); the machine may be shared, so "
        "ratios carry noise.",
        "- regioncam computes in float32, reluineq in float64: counts may differ by the faces "
        f"thinner than {THIN32:.1e} (2·area/perimeter); such a row reads *AGREE (float32)*.",
    ]
    if notes:
        lines += ["", "Count details:", "", *(f"- {n}" for n in notes)]
    return finish(lines, args.out, bool(disagree))


if __name__ == "__main__":
    sys.exit(main())
