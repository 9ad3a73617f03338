"""What the engines share: the side test by bounding boxes, snapping, index rings.

Constraint ids name the rows of a region's inequality system (see
:mod:`reluineq.partition`): ``box_face_id(axis, side)`` for a face of the box and
``unit_id(n, unit)`` for a unit's hyperplane.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np

from ..tolerances import hyperplane_tol

__all__ = ["box_face_id", "decode_id", "ranges", "ring_next", "sides", "snap", "unit_id"]


def box_face_id(axis: int, side: int) -> int:
    """The constraint id of the box's face ``x_axis >= low`` (side 0) or ``<= high`` (1)."""
    return 2 * axis + side


def unit_id(n: int, unit: int) -> int:
    """The constraint id of unit ``unit``'s hyperplane (units counted over all layers)."""
    return 2 * n + unit


def decode_id(cid: int, n: int) -> tuple[str, int, int]:
    """``("box", axis, side)`` or ``("unit", unit, 0)``: what constraint ``cid`` is.

    >>> decode_id(box_face_id(1, 0), 2), decode_id(unit_id(2, 5), 2)
    (('box', 1, 0), ('unit', 5, 0))
    """
    if cid < 2 * n:
        axis, side = divmod(cid, 2)
        return "box", axis, side
    return "unit", cid - 2 * n, 0


def sides(
    g: np.ndarray, lo: np.ndarray, hi: np.ndarray, exact: bool
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Which regions lie surely on one side of their hyperplane, from bounding boxes.

    ``g[r] = (w, b)`` is region ``r``'s hyperplane ``w . x + b = 0`` and ``lo[r]``,
    ``hi[r]`` its bounding box. Returns ``(surely_on, surely_off, tol)``: interval
    arithmetic over the box decides most regions without looking at their vertices.
    """
    w, b = g[:, :-1], g[:, -1]
    if exact:
        wpos = w > 0
        zmin = (w * np.where(wpos, lo, hi)).sum(axis=1) + b
        zmax = (w * np.where(wpos, hi, lo)).sum(axis=1) + b
        tol = np.zeros(len(g), dtype=object)
        tol[:] = Fraction(0)
        return zmin > tol, zmax < -tol, tol
    mid = np.einsum("ij,ij->i", w, lo + hi) * 0.5 + b
    rad = np.einsum("ij,ij->i", np.abs(w), hi - lo) * 0.5
    zmin, zmax = mid - rad, mid + rad
    tol = hyperplane_tol(w)
    return zmin > tol, zmax < -tol, tol


def snap(z: np.ndarray, tol: np.ndarray, exact: bool) -> np.ndarray:
    """Snap values within ``tol`` of zero onto zero (float networks only)."""
    if exact:
        return z
    return np.where(np.abs(z) <= tol, 0.0, z)


def ring_next(starts: np.ndarray, sizes: np.ndarray) -> np.ndarray:
    """Index of the next item in each ring of consecutive items, the last wrapping to the first.

    >>> ring_next(np.array([0, 3]), np.array([3, 2])).tolist()
    [1, 2, 0, 4, 3]
    """
    nxt = np.arange(int(sizes.sum())) + 1
    nxt[starts + sizes - 1] = starts
    return nxt


def ranges(starts: np.ndarray, sizes: np.ndarray) -> np.ndarray:
    """Concatenated ``arange(start, start + size)`` for every pair, without a loop."""
    offsets = np.cumsum(sizes) - sizes
    return np.repeat(starts - offsets, sizes) + np.arange(int(sizes.sum()))
