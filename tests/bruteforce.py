"""An independent brute-force enumerator of linear regions, for cross-checks.

It shares no code with ``reluineq.regions``: it reads the raw weights, composes every
one of the ``2**N`` activation patterns in exact rational arithmetic (float weights are
converted to their exact binary value), and decides whether a pattern's polyhedron has
positive volume with a Chebyshev-ball LP.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from fractions import Fraction

import numpy as np
from scipy.optimize import linprog

#: A pattern is a region when its Chebyshev ball is wider than this ...
RADIUS_YES = 1e-7
#: ... and is not one when its ball is narrower than this; in between it is ambiguous.
RADIUS_NO = 1e-10


def exact_layers(net) -> list[tuple[list[list[Fraction]], list[Fraction], str]]:
    """The network's layers as nested lists of ``Fraction`` (floats taken exactly)."""
    out = []
    for layer in net.layers:
        w = [[Fraction(v) for v in row] for row in layer.weight]
        b = [Fraction(v) for v in layer.bias]
        out.append((w, b, layer.activation))
    return out


def off_slope(act: str) -> Fraction | None:
    """The slope below zero of a switching activation (relu 0, ``leaky_relu(s)`` s), read
    from its name; ``None`` for one that does not switch (identity)."""
    if act == "relu":
        return Fraction(0)
    found = re.fullmatch(r"leaky_relu\((.*)\)", act)
    if found:
        return Fraction(found.group(1))
    if act == "identity":
        return None
    raise ValueError(act)


def exact_box(box) -> list[tuple[Fraction, Fraction]]:
    return [(Fraction(lo), Fraction(hi)) for lo, hi in box]


@dataclass
class Candidate:
    """One activation pattern's polyhedron ``A x <= c`` and affine map ``M x + d``."""

    pattern: tuple[int, ...]
    A: list[list[Fraction]]
    c: list[Fraction]
    M: list[list[Fraction]]
    d: list[Fraction]
    impossible: bool  # an "on" unit whose pre-activation is constant and <= 0
    # Pre-activation maps (row, constant) of every ReLU unit, in unit order.
    units: list[tuple[list[Fraction], Fraction]]


def _affine(w, b, M, d):
    """Compose ``z = w (M x + d) + b`` for one layer, exactly."""
    n = len(M[0]) if M else 0
    Z = [[sum((wr[k] * M[k][col] for k in range(len(M))), Fraction(0)) for col in range(n)]
         for wr in w]
    z = [sum((wr[k] * d[k] for k in range(len(d))), Fraction(0)) + bj
         for wr, bj in zip(w, b, strict=True)]
    return Z, z


def candidates(layers, box):
    """Every pattern's polyhedron and map (closures of the strict inequalities), in
    lexicographic pattern order; patterns sharing a prefix share its composition."""
    n = len(box)
    M = [[Fraction(int(i == j)) for j in range(n)] for i in range(n)]
    d = [Fraction(0)] * n
    A, c = [], []
    for axis, (lo, hi) in enumerate(box):
        e = [Fraction(int(j == axis)) for j in range(n)]
        A.append([-v for v in e])
        c.append(-lo)
        A.append(e)
        c.append(hi)
    yield from _walk(layers, 0, M, d, (), A, c, [], False)


def _walk(layers, li, M, d, prefix, A, c, units, impossible):
    if li == len(layers):
        yield Candidate(prefix, A, c, M, d, impossible, units)
        return
    w, b, act = layers[li]
    Z, z = _affine(w, b, M, d)
    slope = off_slope(act)
    if slope is None:
        yield from _walk(layers, li + 1, Z, z, prefix, A, c, units, impossible)
        return
    for bits in itertools.product((0, 1), repeat=len(w)):
        A2, c2, imp = list(A), list(c), impossible
        for row, const, s in zip(Z, z, bits, strict=True):
            if s:
                # on: row x + const > 0; a constant map must be positive.
                if all(v == 0 for v in row) and const <= 0:
                    imp = True
                A2.append([-v for v in row])
                c2.append(const)
            else:
                A2.append(list(row))
                c2.append(-const)
        M2 = [row if s else [slope * v for v in row] for row, s in zip(Z, bits, strict=True)]
        d2 = [const if s else slope * const for const, s in zip(z, bits, strict=True)]
        yield from _walk(layers, li + 1, M2, d2, prefix + bits, A2, c2,
                         units + list(zip(Z, z, strict=True)), imp)


def chebyshev_radius(A, c) -> float:
    """Radius of the largest ball in ``{x : A x <= c}`` (0 if empty), by LP."""
    A = np.array([[float(v) for v in row] for row in A], dtype=float)
    c = np.array([float(v) for v in c], dtype=float)
    norms = np.linalg.norm(A, axis=1)
    zero = norms == 0
    if np.any(c[zero] < 0):
        return 0.0
    A, c, norms = A[~zero], c[~zero], norms[~zero]
    n = A.shape[1]
    obj = np.zeros(n + 1)
    obj[-1] = -1.0
    res = linprog(
        obj,
        A_ub=np.hstack([A, norms[:, None]]),
        b_ub=c,
        bounds=[(None, None)] * n + [(0, None)],
        method="highs",
    )
    if res.status == 2:
        return 0.0
    assert res.status == 0, res.message
    return float(res.x[-1])


def n_relu_units(net) -> int:
    return sum(layer.weight.shape[0] for layer in net.layers
               if off_slope(layer.activation) is not None)


def brute_force(net, box):
    """Classify every pattern: ``(regions, ambiguous)``, dicts pattern -> Candidate."""
    found, ambiguous = {}, {}
    seen = 0
    for cand in candidates(exact_layers(net), exact_box(box)):
        seen += 1
        if cand.impossible:
            continue
        r = chebyshev_radius(cand.A, cand.c)
        if r > RADIUS_YES:
            found[cand.pattern] = cand
        elif r > RADIUS_NO:
            ambiguous[cand.pattern] = cand
    assert seen == 2 ** n_relu_units(net)
    return found, ambiguous


def lp_max(row, A, c, bound=1e6):
    """``max row . x`` subject to ``A x <= c`` and ``|x_i| <= bound`` (``-inf`` if empty).

    The bound keeps the LP bounded, because HiGHS may report an unbounded LP as
    "infeasible or unbounded".
    """
    A = np.array([[float(v) for v in r] for r in A], dtype=float).reshape(len(A), len(row))
    c = np.array([float(v) for v in c], dtype=float)
    res = linprog(
        -np.array([float(v) for v in row]),
        A_ub=A if len(A) else None,
        b_ub=c if len(A) else None,
        bounds=[(-bound, bound)] * len(row),
        method="highs",
    )
    if res.status == 2:
        return -np.inf
    assert res.status == 0, res.message
    return -float(res.fun)


def exact_pattern(layers, x) -> tuple[int, ...]:
    """Activation pattern at a rational point, exactly (ReLU(0) is off)."""
    h = [Fraction(v) for v in x]
    bits = []
    for w, b, act in layers:
        z = [sum((wk * hk for wk, hk in zip(row, h, strict=True)), Fraction(0)) + bj
             for row, bj in zip(w, b, strict=True)]
        slope = off_slope(act)
        if slope is not None:
            bits.extend(int(v > 0) for v in z)
            h = [v if v > 0 else slope * v for v in z]
        else:
            h = z
    return tuple(bits)
