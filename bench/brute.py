"""Brute-force region count: one linear program per activation pattern.

Independent of :mod:`reluineq.regions`: it reads only the raw weight matrices and tries
all ``2**N`` activation patterns of the ``N`` ReLU units. For each pattern it writes the
polytope of inputs that produce it and asks HiGHS (``scipy.optimize.linprog``) for the
largest ball inside (the Chebyshev centre). The pattern is a region when that radius is
above :data:`RADIUS`.

Conventions, the same as the library's: a unit is on where its pre-activation is > 0
(``ReLU(0)`` is off), and a unit whose pre-activation is a constant on the pattern's
cell (a zero row, e.g. after an all-off layer) is on iff that constant is > 0.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import numpy as np
from scipy.optimize import linprog

#: A pattern counts as a region when its Chebyshev radius exceeds this.
RADIUS = 1e-7
#: Rows shorter than this are constant pre-activations, decided by their sign alone.
ZERO_ROW = 1e-12


def _cell(
    layers: Sequence[tuple[np.ndarray, np.ndarray, str]],
    pattern: Sequence[int],
    n: int,
) -> tuple[np.ndarray, np.ndarray] | None:
    """Inequalities ``A x <= c`` of the cell of ``pattern``; ``None`` if decided empty."""
    # The current layer's input h = P x + q, starting with the identity.
    P, q = np.eye(n), np.zeros(n)
    rows, rhs = [], []
    k = 0
    for W, b, act in layers:
        Z, z0 = W @ P, W @ q + b
        if act == "identity":
            P, q = Z, z0
            continue
        bits = np.asarray(pattern[k : k + len(b)], dtype=bool)
        k += len(b)
        sign = np.where(bits, -1.0, 1.0)  # on: -z <= 0; off: z <= 0
        norms = np.linalg.norm(Z, axis=1)
        const = norms < ZERO_ROW
        # A constant unit is on iff its value is > 0; the pattern must say the same.
        if np.any(const & (bits != (z0 > 0))):
            return None
        live = ~const
        rows.append(sign[live, None] * Z[live])
        rhs.append(-sign[live] * z0[live])
        P, q = Z * bits[:, None], z0 * bits
    A = np.concatenate(rows) if rows else np.zeros((0, n))
    c = np.concatenate(rhs) if rhs else np.zeros(0)
    return A, c


def chebyshev_radius(A: np.ndarray, c: np.ndarray) -> float:
    """Radius of the largest ball in ``{x : A x <= c}`` (``-inf`` when empty)."""
    n = A.shape[1]
    norms = np.linalg.norm(A, axis=1)
    A_ub = np.hstack([A, norms[:, None]])
    cost = np.zeros(n + 1)
    cost[-1] = -1.0  # maximise r
    res = linprog(
        cost,
        A_ub=A_ub,
        b_ub=c,
        bounds=[(None, None)] * n + [(0, None)],
        method="highs",
    )
    if res.status != 0:
        return float("-inf")
    return float(res.x[-1])


def brute_force_patterns(
    weights: Sequence[np.ndarray],
    biases: Sequence[np.ndarray],
    activations: Sequence[str],
    box: Sequence[tuple[float, float]],
) -> set[tuple[int, ...]]:
    """Every activation pattern whose cell inside ``box`` has radius > :data:`RADIUS`.

    Solves one LP per pattern (patterns that a constant unit rules out need none).
    """
    layers = [
        (np.asarray(W, dtype=float), np.asarray(b, dtype=float), a)
        for W, b, a in zip(weights, biases, activations, strict=True)
    ]
    n = layers[0][0].shape[1]
    n_units = sum(len(b) for _, b, a in layers if a == "relu")
    lo = np.array([a for a, _ in box], dtype=float)
    hi = np.array([b for _, b in box], dtype=float)
    box_A = np.vstack([np.eye(n), -np.eye(n)])
    box_c = np.concatenate([hi, -lo])
    found = set()
    for pattern in itertools.product((0, 1), repeat=n_units):
        cell = _cell(layers, pattern, n)
        if cell is None:
            continue
        A, c = cell
        if chebyshev_radius(np.vstack([A, box_A]), np.concatenate([c, box_c])) > RADIUS:
            found.add(pattern)
    return found
