"""The arrangement engine: a float 2-D layer cut by all its lines at once.

Within polygon ``p`` a layer's lines ``G[:, p]`` are fixed, so its pieces are the cells of
a line arrangement. Their corners are the polygon's corners, the points where a line
crosses an edge, and the crossings of two lines inside it; each corner lies on exactly two
constraints and touches one, two or four cells, told apart by the signs of the lines
there. Grouping the corners by cell (parent and sign vector) and ordering them by angle
gives every piece in a fixed number of NumPy calls however many units the layer has (the
unit-by-unit split of :mod:`.polygons` costs some forty calls per unit).

The steps: :func:`_vertex_signs` (each line at each polygon vertex), :func:`_corners`
(the three kinds of corner), :func:`_incidences` (each corner once per cell it touches,
with that cell's sign vector) and :func:`_cells` (the cells as counter-clockwise polygons
with their edge labels). A layer not in general position
within :data:`~reluineq.tolerances.TOL` is declined at the step that notices it.

These NumPy steps are the reference (:func:`reference_cut_layer`). :func:`cut_layer` runs
the same steps compiled, one polygon at a time (:mod:`.arrangement_kernel`), which gives
the same cells bit for bit without the fixed cost of those NumPy calls.
"""

from __future__ import annotations

import functools
import math
from typing import NamedTuple

import numpy as np

from ..tolerances import TOL
from .common import ring_next
from .polygons import Polygons

try:
    from . import arrangement_kernel as _compiled
except ImportError:  # a source tree run without building the package (pip install -e .)
    _compiled = None

#: Whether :func:`cut_layer` runs the compiled kernel (the package was built with it).
COMPILED = _compiled is not None

__all__ = ["COMPILED", "MEMORY_LIMIT", "cut_layer", "reference_cut_layer"]

#: The sign combinations of a corner's free units: a corner on one line touches a cell
#: on either side of it, a crossing of two lines four cells.
_COMBOS = np.array([[0, 0], [1, 0], [0, 1], [1, 1]], dtype=np.int8)


class _Sides(NamedTuple):
    """Each line at each vertex of the polygons, which the next steps read."""

    X: np.ndarray          # (V, 2) vertices, polygon-major
    lab: np.ndarray        # (V,) the constraint of the edge from each vertex to the next
    par: np.ndarray        # (V,) each vertex's polygon
    first: np.ndarray      # (P,) each polygon's first vertex
    size: np.ndarray       # (P,) its number of vertices
    nxt: np.ndarray        # (V,) the next vertex around its polygon
    Z: np.ndarray          # (n_out, V) each line's value at each vertex, snapped to 0
    norm: np.ndarray       # (n_out, P) the norm of each line's normal
    straddle: np.ndarray   # (n_out, P) lines with vertices strictly on both sides
    side: np.ndarray       # (n_out, P) 1 where a line has the polygon on its active side


class _Corners(NamedTuple):
    """Every corner of every cell: its point, polygon, two tight constraints, and the
    (up to two) units whose sign is free there (-1: none)."""

    pts: np.ndarray
    par: np.ndarray
    tight: np.ndarray
    free: np.ndarray


#: A turn, a little widened: an angle in ``[0, 2 pi]`` over it is a fraction below one, so
#: that a cell's index plus its corners' fractions orders cells and corners in one sort.
_TURN = 2 * np.pi * (1 + TOL)

#: The arrangement declines a layer (the caller splits it unit by unit, which holds only
#: the regions that exist) when units times (corners + 3 crossings), the size of its
#: largest arrays, could pass this many floats: about 32 MB each. The 2-D benchmarks
#: reach 5e5 at most; a 2-1000-1 network's first layer would reach 1e9, some 12 GB.
MEMORY_LIMIT = 4_000_000


def cut_layer(
    geom: Polygons, G: np.ndarray, unit0: int, limit: int | None = None
) -> tuple[Polygons, np.ndarray, np.ndarray] | None:
    """Cut every polygon by all of a ReLU layer's lines at once (float networks, 2-D).

    Runs the compiled kernel (:mod:`.arrangement_kernel`) when the package was built with it,
    else :func:`reference_cut_layer`; both give the same result bit for bit.

    Parameters
    ----------
    geom
        The polygons before the layer.
    G
        ``(n_out, P, 3)``: unit ``j``'s line on polygon ``p`` is ``G[j, p] . (x, y, 1) = 0``.
    unit0
        The constraint id of the layer's first unit.

    Returns
    -------
    (Polygons, origin, bits) or None
        The cells as new polygons, each one's parent polygon and its bits for the layer's
        units; ``None`` when a polygon is not in general position within
        :data:`~reluineq.tolerances.TOL` (a line through a corner, three lines through a
        point, a crossing on an edge, coincident lines), which the caller then splits
        unit by unit; also ``None`` when the layer's arrays could pass
        :data:`MEMORY_LIMIT`, or when there may be more than ``limit`` cells (a line
        across a polygon adds a cell to it unless it coincides with another, and so does
        each crossing of two lines inside it): the unit-by-unit split then stops as soon
        as the regions pass the limit, having held no more than that.
    """
    if _compiled is None:
        return reference_cut_layer(geom, G, unit0, limit)
    # The kernel reads 64-bit indices (np.intp is narrower on some platforms).
    X, lab, first, size = geom.polygon_major()
    lab, first, size = (a.astype(np.int64, copy=False) for a in (lab, first, size))
    cut = _compiled.cut(np.ascontiguousarray(X, dtype=float), lab, first, size,
                        np.ascontiguousarray(G, dtype=float), unit0, TOL, _TURN,
                        functools.partial(_crossing_budget, limit=limit))
    if cut is None:
        return None
    X, lab, start, size, origin, bits = cut
    return Polygons.from_cells(X, lab, start, size), origin.astype(np.intp, copy=False), bits


def reference_cut_layer(
    geom: Polygons, G: np.ndarray, unit0: int, limit: int | None = None
) -> tuple[Polygons, np.ndarray, np.ndarray] | None:
    """:func:`cut_layer` in NumPy: the readable statement of what the kernel computes, and
    what it is tested against. Over a hundred NumPy calls per layer, however small."""
    sides = _vertex_signs(geom, G)
    if sides is None:
        return None
    per_polygon = sides.straddle.sum(axis=0)
    budget = _crossing_budget(geom.count, len(sides.X), len(G), int(per_polygon.sum()),
                              int((per_polygon * (per_polygon - 1) // 2).sum()), limit)
    if budget < 0:
        return None
    corners = _corners(sides, G, unit0)
    if corners is not None and int((corners.free[:, 1] >= 0).sum()) > budget:
        return None
    found = None if corners is None else _incidences(sides, corners, G)
    if found is None:
        return None
    inc, signs = found
    return _cells(corners.pts[inc], corners.tight[inc], corners.par[inc], signs, geom.count)


def _crossing_budget(polygons: int, vertices: int, units: int, straddles: int, pairs: int,
                     limit: int | None) -> float:
    """How many crossings of two lines inside the polygons a layer may have before it is
    declined: negative to decline it at once, ``inf`` for any number. Both paths ask this.

    Declined at once when its arrays could pass :data:`MEMORY_LIMIT` (units times the
    polygons' vertices, the two ends of each line's chord and four incidences of each
    pair of lines that straddle one polygon), or when the cells every straddling line
    makes, ``polygons + straddles``, already pass ``limit``; each crossing adds one more.

    >>> _crossing_budget(3, 12, 4, 5, 2, limit=10), _crossing_budget(3, 12, 4, 5, 2, None)
    (2, inf)
    """
    if units * (vertices + 2 * straddles + 4 * pairs) > MEMORY_LIMIT:
        return -1
    return math.inf if limit is None else limit - (polygons + straddles)


def _vertex_signs(geom: Polygons, G: np.ndarray) -> _Sides | None:
    """Each line's value at each vertex of its polygon, and which polygons it straddles."""
    X, lab, first, size = geom.polygon_major()
    par = np.arange(len(size)).repeat(size)
    # hypot, not the root of a sum of squares: squares of weights near 1e154 overflow,
    # which made the tolerance infinite and dropped the line.
    norm = np.hypot(G[:, :, 0], G[:, :, 1])         # (n_out, P)
    gp = G.take(par, axis=1)                        # (n_out, V, 3): each vertex's lines
    # No overflow here: regions() has checked the layer with check_preactivations, which
    # bounds every line's value on the box by FLOAT_RANGE.
    Z = gp[:, :, 0] * X[:, 0] + gp[:, :, 1] * X[:, 1] + gp[:, :, 2]
    # A vertex within tolerances.hyperplane_tol of a line lies on it.
    Z[np.abs(Z) <= TOL * norm.take(par, axis=1)] = 0.0
    pos = np.logical_or.reduceat(Z > 0, first, axis=1)      # (n_out, P)
    neg = np.logical_or.reduceat(Z < 0, first, axis=1)
    straddle = pos & neg
    # A straddling line through a corner is not general position.
    if (Z == 0)[straddle.take(par, axis=1)].any():
        return None
    return _Sides(X, lab, par, first, size, ring_next(first, size), Z, norm, straddle,
                  pos & ~neg)


def _corners(s: _Sides, G: np.ndarray, unit0: int) -> _Corners | None:
    """The polygons' own corners, the crossings of lines with edges, and the crossings of
    two lines inside a polygon; ``None`` where that is not general position."""
    V = len(s.X)
    P = s.straddle.shape[1]
    # A line crossing an edge, vertex v -> next(v); sorted by unit, polygon, edge.
    # Signs, not values: the product of two values near 1e200 overflows.
    j_b, v_b = ((np.sign(s.Z) * np.sign(s.Z[:, s.nxt])) < 0).nonzero()
    w_b = s.nxt[v_b]
    zi, zj = s.Z[j_b, v_b], s.Z[j_b, w_b]
    t = zi / (zi - zj)
    Xv = s.X[v_b]
    ends = Xv + t[:, None] * (s.X[w_b] - Xv)
    # A straddling line enters and leaves a convex polygon once, so each of its chords is
    # two consecutive rows (sorted by unit, then vertex); the crossings of two lines are
    # tested against them. chord[j, p] is line j's chord of polygon p.
    if len(j_b) != 2 * int(s.straddle.sum()):
        return None
    chord = np.empty((len(s.Z), P), dtype=np.intp)
    chord[j_b[0::2], s.par[v_b[0::2]]] = np.arange(0, len(j_b), 2)
    crossings = _line_crossings(s, G, ends, chord)
    if crossings is None:
        return None
    q, pa, ja, jb = crossings
    n_b, n_c = len(j_b), len(q)
    pts = np.empty((V + n_b + n_c, 2))
    pts[:V], pts[V:V + n_b], pts[V + n_b:] = s.X, ends, q
    par = np.concatenate([s.par, s.par[v_b], pa])
    tight = np.empty((len(pts), 2), dtype=np.intp)
    prev = np.arange(-1, V - 1)                     # the ring backwards
    prev[s.first] = s.first + s.size - 1
    tight[:V, 0], tight[:V, 1] = s.lab[prev], s.lab
    tight[V:V + n_b, 0], tight[V:V + n_b, 1] = s.lab[v_b], unit0 + j_b
    tight[V + n_b:, 0], tight[V + n_b:, 1] = unit0 + ja, unit0 + jb
    free = np.full((len(pts), 2), -1, dtype=np.intp)
    free[V:V + n_b, 0] = j_b
    free[V + n_b:, 0], free[V + n_b:, 1] = ja, jb
    return _Corners(pts, par, tight, free)


def _line_crossings(s: _Sides, G: np.ndarray, ends: np.ndarray, chord: np.ndarray
                    ) -> tuple[np.ndarray, ...] | None:
    """Where two lines that straddle a polygon cross inside it: ``(points, polygon, unit
    a, unit b)``; ``None`` for a crossing on an edge or nearly parallel lines that meet."""
    ja, jb, pa = _straddling_pairs(s.straddle)
    la, lb = G[ja, pa], G[jb, pa]
    with np.errstate(over="ignore", invalid="ignore"):
        det = la[:, 0] * lb[:, 1] - lb[:, 0] * la[:, 1]
    if not np.isfinite(det).all():
        return None                                 # weights too large to cross here
    # Lines within TOL of parallel have no reliable crossing: none is computed, and
    # where their chords meet, the layer is not in general position.
    ok = np.abs(det) > TOL * s.norm[ja, pa] * s.norm[jb, pa]
    if not ok.all():
        if _chords_meet(ends, chord[ja[~ok], pa[~ok]], lb[~ok], TOL * s.norm[jb[~ok], pa[~ok]]):
            return None
        pa, ja, jb, la, lb, det = pa[ok], ja[ok], jb[ok], la[ok], lb[ok], det[ok]
    q = np.empty((len(det), 2))
    with np.errstate(over="ignore", invalid="ignore"):
        q[:, 0] = (la[:, 1] * lb[:, 2] - lb[:, 1] * la[:, 2]) / det
        q[:, 1] = (la[:, 2] * lb[:, 0] - lb[:, 2] * la[:, 0]) / det
    if not np.isfinite(q).all():
        return None
    # The crossing lies on line ja: it is inside the polygon when it lies inside that
    # line's chord, measured as distances from the chord's two ends.
    m = chord[ja, pa]
    e1 = ends[m]
    d = ends[m + 1] - e1
    length = np.hypot(d[:, 0], d[:, 1])
    with np.errstate(over="ignore", invalid="ignore"):
        along = ((q - e1) * (d / length[:, None])).sum(axis=1)
    if not np.isfinite(along).all():
        return None
    margin = np.minimum(along, length - along)
    if (np.abs(margin) <= TOL).any():
        return None                                 # a crossing on an edge or a corner
    keep = margin > 0
    return q[keep], pa[keep], ja[keep], jb[keep]


def _incidences(s: _Sides, c: _Corners, G: np.ndarray
                ) -> tuple[np.ndarray, np.ndarray] | None:
    """Each corner once per cell it touches (``inc``, indices of corners) with that
    cell's sign vector; ``None`` where three lines meet or two coincide."""
    # Signs of every line at every corner; exactly the free units may be zero there. The
    # polygons' own corners have theirs from _vertex_signs, which also checked that no
    # straddling line passes through them; the crossings need computing.
    # Corner-major layout: gathering whole rows is cheaper than a middle axis.
    V = len(s.X)
    par = c.par[V:]
    gc = G.transpose(1, 0, 2)[par]                  # (crossings, n_out, 3)
    pts = c.pts[V:]
    Zc = np.empty((len(c.pts), G.shape[0]))
    Zc[:V] = s.Z.T
    Zc[V:] = gc[:, :, 0] * pts[:, :1] + gc[:, :, 1] * pts[:, 1:] + gc[:, :, 2]
    st = s.straddle.T[c.par]
    zero = np.abs(Zc[V:]) <= TOL * s.norm.T[par]
    n_b = len(c.pts) - V - int((c.free[:, 1] >= 0).sum())  # edge crossings: one free unit
    n_free = np.repeat(np.arange(3), [V, n_b, len(c.pts) - V - n_b])
    if ((zero & st[V:]).sum(axis=1) != n_free[V:]).any():
        return None
    sign = np.where(st, Zc > 0, s.side.T[c.par]).astype(np.int8)
    # Each corner once per combination of its free units' signs.
    reps = 1 << n_free
    inc = np.arange(len(c.pts)).repeat(reps)
    k = np.arange(len(inc)) - (reps.cumsum() - reps).repeat(reps)
    S = sign[inc]
    f = c.free[inc]
    rows, cols = (f >= 0).nonzero()
    S[rows, f[rows, cols]] = _COMBOS[k[rows], cols]
    return inc, S


def _cells(pts: np.ndarray, tight: np.ndarray, par: np.ndarray, S: np.ndarray, P: int
           ) -> tuple[Polygons, np.ndarray, np.ndarray] | None:
    """The cells, as the incidences that share a parent and a sign vector: their polygons
    (corners ordered by angle around the cell's mean, each edge labelled by the constraint
    its two ends share), parents and bits; ``None`` where that is not general position
    (a cell of fewer than three corners, two consecutive corners without a common edge).
    """
    by_key, new_cell = _sort_by_key(par, S, P)
    heads = new_cell.nonzero()[0]                  # where each cell starts, in key order
    counts = np.empty_like(heads)
    counts[:-1] = heads[1:] - heads[:-1]
    counts[-1] = len(by_key) - heads[-1]
    if (counts < 3).any():
        return None
    cell = new_cell.cumsum() - 1
    X, T = pts[by_key], tight[by_key]
    # Angles are measured around the mean of each cell's corners, summed one corner after
    # another in the order they were made, not by reduceat, whose order of summation NumPy
    # does not promise: the compiled kernel must round the same way, since a corner level
    # with the centre gets an angle of pi or -pi by the last bit of the sum.
    centre = X[heads]
    for k in range(1, int(counts.max())):
        more = counts > k
        centre[more] += X[heads[more] + k]
    centre /= counts[:, None]
    d = X - centre[cell]
    # Cell id plus the angle as a fraction of a turn: one argsort orders cells and corners.
    order = (cell + (np.arctan2(d[:, 1], d[:, 0]) + np.pi) / _TURN).argsort()
    X, T = X[order], T[order]
    Tn = T[ring_next(heads, counts)]
    common = np.where((T[:, 0] == Tn[:, 0]) | (T[:, 0] == Tn[:, 1]), T[:, 0],
                      np.where((T[:, 1] == Tn[:, 0]) | (T[:, 1] == Tn[:, 1]), T[:, 1], -1))
    if (common < 0).any():
        return None
    first = by_key[heads]                           # one incidence per cell, in cell order
    return Polygons.from_cells(X, common, heads, counts), par[first], S[first]


def _sort_by_key(par: np.ndarray, S: np.ndarray, P: int) -> tuple[np.ndarray, np.ndarray]:
    """The incidences ordered by (parent, sign vector), and where a new key starts."""
    n_out = S.shape[1]
    # The key: the parent, then the sign vector packed 62 bits to a word.
    words = [par.astype(np.int64)]
    for lo_bit in range(0, n_out, 62):
        chunk = S[:, lo_bit : lo_bit + 62].astype(np.int64)
        words.append(chunk @ (np.int64(1) << np.arange(chunk.shape[1], dtype=np.int64)))
    if len(words) == 2 and n_out + P.bit_length() <= 62:
        # Parent and signs fit in one integer: one argsort instead of a lexsort. Stable,
        # as lexsort is, so that a cell's corners are summed in the order they were made,
        # as in the compiled kernel.
        ks = (words[0] << n_out) | words[1]
        by_key = ks.argsort(kind="stable")
        ks = ks[by_key]
        differs = ks[1:] != ks[:-1]
    else:
        keys = np.stack(words, axis=1)
        by_key = np.lexsort(keys.T[::-1])
        ks = keys[by_key]
        differs = (ks[1:] != ks[:-1]).any(axis=1)
    new_cell = np.empty(len(ks), dtype=bool)
    new_cell[0] = True
    new_cell[1:] = differs
    return by_key, new_cell


def _straddling_pairs(straddle: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every pair ``ja < jb`` of lines that straddle the same polygon: ``(ja, jb, polygon)``.

    Built from each polygon's own list of straddling lines, so the cost follows the pairs
    that exist, not ``n_out**2`` times the polygons (a 64-unit layer over a few hundred
    small polygons has a few thousand pairs, not a million mask entries).

    >>> straddle = np.array([[1, 1], [1, 0], [1, 1]], dtype=bool)  # (units, polygons)
    >>> [x.tolist() for x in _straddling_pairs(straddle)]
    [[0, 0, 1, 0], [1, 2, 2, 2], [0, 0, 0, 1]]
    """
    pa, j = straddle.T.nonzero()                    # by polygon, then unit
    k = np.bincount(pa, minlength=straddle.shape[1])
    # Each entry pairs with the entries after it in its polygon's list.
    after = k[pa] - 1 - (np.arange(len(j)) - (k.cumsum() - k)[pa])
    a = np.arange(len(j)).repeat(after)
    b = a + 1 + np.arange(len(a)) - (after.cumsum() - after).repeat(after)
    return j[a], j[b], pa[a]


def _chords_meet(ends: np.ndarray, m: np.ndarray, lb: np.ndarray, tol_b: np.ndarray) -> bool:
    """Whether line ``lb`` meets (within ``tol_b``) the chord ``ends[m], ends[m + 1]``,
    for any of the given pairs."""
    z1 = ends[m, 0] * lb[:, 0] + ends[m, 1] * lb[:, 1] + lb[:, 2]
    z2 = ends[m + 1, 0] * lb[:, 0] + ends[m + 1, 1] * lb[:, 1] + lb[:, 2]
    return bool(((z1 * z2 <= 0) | (np.abs(z1) <= tol_b) | (np.abs(z2) <= tol_b)).any())
