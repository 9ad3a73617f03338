"""Tolerances of float arithmetic, all derived from one constant, :data:`TOL`.

Exact networks use none of them: their regions, maps and checks are computed in rational
arithmetic. A float network's geometry is trusted to :data:`TOL` relative to the scale of
the numbers involved, and every other tolerance of the library is a stated multiple of it.
The LP and MILP solvers' own tolerances and gaps are settings of HiGHS; they stay named
constants of :mod:`reluineq.lp`.

Examples
--------
>>> TOL, FLOAT_TOL
(1e-09, 1e-08)
>>> hyperplane_tol(np.array([[3.0, 4.0], [0.0, 0.0]])).tolist()
[5e-09, 0.0]
"""

from __future__ import annotations

import numpy as np

__all__ = ["FLOAT_TOL", "TOL", "hyperplane_tol", "row_norms"]

#: The geometric tolerance of float networks: a point closer than ``TOL * |w|`` to a
#: unit's hyperplane ``w . x + b = 0`` lies on it, so a piece must reach farther than
#: that beyond a hyperplane to count as a region. Rounding in a few dozen float
#: operations stays orders of magnitude below it; the thinnest regions it hides are
#: far thinner than anything a page can show.
TOL = 1e-9

#: Agreement of two float values that were computed differently (a region's affine map
#: and the forward pass): ``|a - b| <= FLOAT_TOL * (1 + |b|)``. Ten times :data:`TOL`,
#: because each value carries its own rounding.
FLOAT_TOL = 10 * TOL


def row_norms(w: np.ndarray) -> np.ndarray:
    """The Euclidean norm of each row of ``w``, without overflow or underflow.

    Squaring entries near ``1e154`` overflows to ``inf`` (and near ``1e-162`` underflows
    to ``0``); each row is divided by its largest entry first.

    >>> row_norms(np.array([[3e200, 4e200], [3e-200, 4e-200], [0.0, 0.0]])).tolist()
    [5e+200, 5e-200, 0.0]
    """
    w = np.asarray(w, dtype=float)
    norms = np.sqrt(np.einsum("ij,ij->i", w, w))
    big = np.abs(w).max(axis=1, initial=0.0)
    # Only rows whose squares leave float64's comfortable range are rescaled, so that
    # ordinary rows keep the plain formula's value to the last bit.
    far = (big > 1e150) | ((big < 1e-150) & (big > 0))
    if far.any():
        unit = w[far] / big[far, None]
        norms[far] = big[far] * np.sqrt(np.einsum("ij,ij->i", unit, unit))
    return norms


def hyperplane_tol(w: np.ndarray) -> np.ndarray:
    """``TOL * |w_r|`` for each row ``w_r`` of ``w``: how near a point must be to the
    hyperplane ``w_r . x + b_r = 0``, measured as ``|w_r . x + b_r|``, to lie on it."""
    return TOL * row_norms(w)
