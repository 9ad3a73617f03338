"""What the engines share: the side test by bounding boxes, snapping, index rings.

Constraint ids name the rows of a region's inequality system (see
:mod:`reluineq.partition`): ``box_face_id(axis, side)`` for a face of the box and
``unit_id(n, unit)`` for a unit's hyperplane.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np

from ..tolerances import hyperplane_tol

__all__ = ["FLOAT_RANGE", "FloatRangeError", "box_face_id", "check_float_box",
           "check_preactivations", "decode_id",
           "ranges", "ring_next", "sides", "snap", "unit_id"]


#: The largest magnitude a float box coordinate or pre-activation may reach: a quarter of
#: float64's largest number, so that the differences and interpolations of a split
#: (``z_i - z_j``, ``x_j - x_i``) cannot overflow.
FLOAT_RANGE = 2.0**1021


class FloatRangeError(ValueError):
    """A float network's pre-activations leave float64's range inside the box.

    Raised instead of going on with ``inf`` or ``NaN``, which would silently drop
    hyperplanes or give regions ``NaN`` vertices.
    """


def check_preactivations(G: np.ndarray, box: np.ndarray) -> None:
    """Raise :class:`FloatRangeError` unless every pre-activation ``G[j, r] . (x, 1)`` stays
    within :data:`FLOAT_RANGE` on the whole box (float ``G``, ``(units, regions, n + 1)``).

    Checked once per layer, over the box rather than each region, by the cheap bound
    ``max|G| (|x|_1 + 1)`` with ``|x|_1`` the box's farthest reach: within range, no split
    of the layer can overflow; ``inf`` or ``NaN`` in ``G`` fails it too. (It refuses a
    little early, by at most a factor ``n + 1``, near ``FLOAT_RANGE``.)
    """
    reach = float(np.abs(np.asarray(box, dtype=float)).max(axis=1).sum()) + 1.0
    bound = float(np.abs(G).max(initial=0.0)) * reach  # Python floats: inf, no warning
    if not bound <= FLOAT_RANGE:
        raise FloatRangeError(
            f"a pre-activation inside the box exceeds {FLOAT_RANGE:.3g} in magnitude (or is "
            "inf/nan): the box or the weights are too large for float arithmetic; scale "
            "them down, or use an exact network (Fraction weights)")


def check_float_box(box: np.ndarray) -> None:
    """Raise :class:`FloatRangeError` when a float box's corner is beyond
    :data:`FLOAT_RANGE`, where a split's arithmetic would overflow."""
    big = float(np.abs(np.asarray(box, dtype=float)).max(initial=0.0))
    if not big <= FLOAT_RANGE:
        raise FloatRangeError(
            f"the box reaches {big:.3g}, beyond {FLOAT_RANGE:.3g}, where float arithmetic "
            "overflows when regions are split; shrink the box, or use an exact network "
            "(Fraction weights)")


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
