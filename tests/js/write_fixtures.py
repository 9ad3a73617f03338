"""Write the networks, and their regions by ``reluineq.regions``, that the Node tests check.

``make node-test`` runs this, then ``node --test tests/js/``: the explorer's engine
(``docs/_static/explorer/regions.js``) must find the regions the library finds. Every
network goes out as ``Network.to_dict()`` JSON, exactly what the engine reads, with the
library's regions: pattern, vertices, area, ``M`` and ``d``, an interior point with the
network's value there, and the inequality system with its labels.

The cases: seeded random float networks (PyTorch's initialisation, several shapes and
boxes), exact networks with small integer or half-integer weights (which are full of
coincidences), the networks of the articles, and one network per degenerate case the
library handles: parallel and coincident lines, lines through a box corner and along a box
edge, three or more lines through a point, dead, zero and always-on units, identity layers,
a ReLU output layer, no ReLU layer at all, and several layers.

Usage: ``python tests/js/write_fixtures.py [OUT]`` (default ``_build/js-fixtures``).
"""

from __future__ import annotations

import itertools
import json
import sys
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np

from reluineq import TOL, Network, regions
from reluineq.explorer import PRESETS

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_OUT = ROOT / "_build" / "js-fixtures"

Box = list[tuple[Any, Any]]


def exact(weights: list, biases: list, acts: list[str]) -> Network:
    return Network.from_arrays(weights, biases, acts)


def random_exact(widths: list[int], seed: int, halves: bool) -> Network:
    """Small-integer (or half-integer) weights: parallel lines and shared crossings abound."""
    rng = np.random.default_rng(seed)
    denominator = 2 if halves else 1
    weights, biases = [], []
    for fan_in, fan_out in itertools.pairwise(widths):
        weights.append([[Fraction(int(v), denominator) for v in row]
                        for row in rng.integers(-3, 4, size=(fan_out, fan_in))])
        biases.append([Fraction(int(v), denominator) for v in rng.integers(-2, 3, size=fan_out)])
    acts = ["relu"] * (len(widths) - 2) + ["identity"]
    return Network.from_arrays(weights, biases, acts)


def degenerate_cases() -> list[tuple[str, Network, Box]]:
    unit = [(-1, 1), (-1, 1)]
    half = Fraction(1, 2)
    return [
        # x = 0 three times (once reversed, once scaled) and two parallels x = ±1/2.
        ("parallel and coincident lines",
         exact([[[1, 0], [2, 0], [-1, 0], [1, 0], [1, 0], [0, 1]], [[1, -1, 1, 2, -2, 1]]],
               [[0, 0, 0, half, -half, 0], [0]], ["relu", "identity"]), unit),
        # x + y = 2 touches the corner (1, 1) only; x - y = 0 runs corner to corner;
        # x = -1 and y = 1 lie along box edges; x + y = -1 cuts a corner off.
        ("lines through box corners and along box edges",
         exact([[[1, 1], [1, -1], [1, 0], [0, 1], [1, 1]], [[1, 2, -1, 1, 1]]],
               [[-2, 0, 1, -1, 1], [0]], ["relu", "identity"]), unit),
        # Four first-layer lines through the origin, then second-layer lines through it too.
        ("lines through one point, in both layers",
         exact([[[1, 0], [0, 1], [1, 1], [1, -1]], [[1, 1, 0, 0], [1, -1, 1, 0], [0, 0, 1, -1]],
                [[1, -1, 1]]],
               [[0, 0, 0, 0], [0, 0, 0], [0]], ["relu", "relu", "identity"]), unit),
        # Three lines through (1/2, 1/4) that is not a lattice point.
        ("three lines through an off-grid point",
         exact([[[1, 0], [0, 1], [1, 2]], [[1, 1, 1]]],
               [[-half, -Fraction(1, 4), -1], [0]], ["relu", "identity"]), unit),
        # Dead (0 x - 1), zero (0 x + 0: ReLU(0) is off), constant on (0 x + 1), on across
        # the box, off across it; in layer 2 a unit fed only by dead units, one whose
        # pre-activation is exactly 0 where its inputs are off, and a zero row.
        ("dead, zero and always-on units",
         exact([[[0, 0], [0, 0], [0, 0], [1, 0], [1, 0], [0, 1]],
                [[1, 1, 0, 0, 0, 0], [0, 0, 0, 0, 0, 1], [0, 0, 0, 0, 0, 0], [0, 0, 1, 0, 0, 1]],
                [[1, 1, 1, 1]]],
               [[-1, 0, 1, 5, -5, 0], [0, 0, 0, -1], [0]], ["relu", "relu", "identity"]), unit),
        ("identity layers between ReLU layers",
         exact([[[1, 2], [-1, 1], [0, 1]], [[1, 0, 1], [0, 1, -1]], [[1, -1], [1, 1], [2, -1]],
                [[1, 1, -1]], [[2]]],
               [[0, -1, half], [1, 0], [0, -half, 1], [0], [1]],
               ["relu", "identity", "relu", "identity", "identity"]), [(-2, 2), (-2, 2)]),
        ("an identity layer first",
         exact([[[1, 1], [1, -1]], [[1, 0], [0, 1], [1, 1]], [[1, -1, 1]]],
               [[0, 0], [0, 0, -1], [0]], ["identity", "relu", "identity"]), unit),
        ("a ReLU output layer",
         exact([[[1, 0], [0, 1], [1, 1]], [[1, -1, 1], [-1, 1, 1]]],
               [[0, 0, -1], [0, half]], ["relu", "relu"]), [(-2, 2), (-2, 2)]),
        ("no ReLU layer",
         exact([[[1, 2], [3, -1]], [[1, -1]]], [[1, 0], [2]], ["identity", "identity"]), unit),
        ("one ReLU unit, no other layer",
         exact([[[1, -1]]], [[0]], ["relu"]), unit),
        ("floats with exact coincidences",
         Network.from_arrays(
             [[[0.5, 0.0], [0.0, 0.25], [0.5, 0.25], [0.5, 0.5]], [[1.0, -1.0, 0.5, 2.0]]],
             [[0.0, 0.0, 0.0, -0.5], [0.0]], ["relu", "identity"]),
         [(-1.0, 1.0), (-1.0, 1.0)]),
        ("a box far from the origin, long and thin",
         Network.random([2, 10, 10, 1], seed=7), [(10.0, 14.0), (-0.001, 0.002)]),
        ("many layers, exact",
         random_exact([2, 3, 3, 3, 3, 1], seed=5, halves=False), [(-2, 2), (-2, 2)]),
    ]


def all_cases() -> list[tuple[str, Network, Box]]:
    cases = []
    for widths in ([2, 8, 1], [2, 8, 8, 1], [2, 16, 16, 1], [2, 12, 12, 12, 1], [2, 32, 32, 1],
                   [2, 6, 6, 3]):
        for seed in range(3):
            cases.append((f"random {'-'.join(map(str, widths))} seed {seed}",
                          Network.random(widths, seed=seed), [(-2.0, 2.0), (-2.0, 2.0)]))
    cases.append(("random 2-16-16-1, an off-centre box", Network.random([2, 16, 16, 1], seed=3),
                  [(-1.0, 3.0), (-0.5, 0.25)]))
    for widths in ([2, 3, 1], [2, 4, 3, 1], [2, 5, 5, 1], [2, 3, 3, 3, 1], [2, 6, 4, 2]):
        for seed in range(4):
            for halves in (False, True):
                kind = "halves" if halves else "integers"
                cases.append((f"exact {kind} {'-'.join(map(str, widths))} seed {seed}",
                              random_exact(widths, seed, halves), [(-2, 2), (-2, 2)]))
    for name, (net, box) in PRESETS.items():
        cases.append((f"preset {name}", net, box))
    cases += degenerate_cases()
    return cases


def shoelace(vertices: np.ndarray) -> Any:
    """A polygon's area from its ordered vertices; exact for Fractions."""
    pts = [tuple(p) for p in vertices]
    s = sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(pts, pts[1:] + pts[:1], strict=True))
    return s / 2


def region_record(net: Network, r: Any) -> dict[str, Any]:
    point = r.point
    value = net.forward_exact(point) if net.exact else net.forward(point)
    return {
        "pattern": list(r.pattern),
        "vertices": [[float(x), float(y)] for x, y in r.vertices],
        "area": float(shoelace(r.vertices)),
        "M": [[float(v) for v in row] for row in r.M],
        "d": [float(v) for v in r.d],
        "point": [float(v) for v in point],
        "value": [float(v) for v in value],
        "A": [[float(v) for v in row] for row in r.A],
        "c": [float(v) for v in r.c],
        "labels": [list(lab) for lab in r.labels],
    }


def box_json(box: Box) -> list[list[Any]]:
    return [[str(v) if isinstance(v, Fraction) else v for v in pair] for pair in box]


def main(argv: list[str]) -> int:
    out = Path(argv[1]) if len(argv) > 1 else DEFAULT_OUT
    out.mkdir(parents=True, exist_ok=True)
    cases = []
    for name, net, box in all_cases():
        found = regions(net, box)
        cases.append({
            "name": name,
            "exact": net.exact,
            "network": net.to_dict(),
            "box": box_json(box),
            "regions": [region_record(net, r) for r in found],
        })
    path = out / "regions.json"
    data = {"tol": TOL, "cases": cases}
    path.write_text(json.dumps(data, indent=None, separators=(",", ":")) + "\n")
    n_regions = sum(len(c["regions"]) for c in cases)
    print(f"wrote {len(cases)} networks and their {n_regions} regions to {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
