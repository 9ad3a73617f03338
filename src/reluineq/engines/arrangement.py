"""The arrangement engine: a float 2-D layer cut by all its lines at once.

Within each polygon a layer's lines are fixed, so its pieces are the cells of a line
arrangement; they are found in a fixed number of NumPy calls however many units the layer
has. Layers not in general position are declined and split by :mod:`.polygons`.
"""

from __future__ import annotations

import numpy as np

from ..tolerances import TOL
from .common import ranges, ring_next, snap
from .polygons import Polygons

__all__ = ["cut_layer"]


def cut_layer(
    geom: Polygons, G: np.ndarray, unit0: int
) -> tuple[Polygons, np.ndarray, np.ndarray] | None:
    """Cut every polygon by all of a ReLU layer's lines at once (float networks, 2-D).

    Within polygon ``p`` the layer's lines ``G[:, p]`` are fixed, so its pieces are the
    cells of a line arrangement. Their corners are the polygon's corners, the points where
    a line crosses an edge, and the crossings of two lines inside it; each corner lies on
    exactly two constraints and touches one, two or four cells, told apart by the signs of
    the lines there. Grouping the corners by cell (parent and sign vector) and ordering
    them by angle gives every piece in a fixed number of NumPy calls, however many units
    the layer has; the unit-by-unit split costs some forty calls per unit.

    Returns ``None`` when a polygon is not in general position within :data:`TOL` (a line
    through a corner, three lines through a point, a crossing on an edge, coincident
    lines); the caller then splits unit by unit, which handles every such case.
    """
    n_out = G.shape[0]
    P = geom.count
    start, size = geom.start, geom.size
    vid = ranges(start, size)                      # the polygons' vertices, polygon-major
    par_v = np.repeat(np.arange(P), size)
    X = geom.X[vid]
    lab = geom.lab[vid]
    gp = G[:, par_v, :]                             # (n_out, V, 3): each vertex's lines
    norm = np.hypot(G[:, :, 0], G[:, :, 1])        # (n_out, P)
    tol = TOL * norm                                # tolerances.hyperplane_tol of each line
    Z = snap(gp[:, :, 0] * X[:, 0] + gp[:, :, 1] * X[:, 1] + gp[:, :, 2], tol[:, par_v], False)
    first = np.cumsum(size) - size                  # each polygon's first vertex in vid
    last = first + size - 1
    pos = np.logical_or.reduceat(Z > 0, first, axis=1)     # (n_out, P)
    neg = np.logical_or.reduceat(Z < 0, first, axis=1)
    straddle = pos & neg
    # A straddling line through a corner is not general position.
    if (Z == 0)[straddle[:, par_v]].any():
        return None
    bits_parent = pos & ~neg                        # the side of lines that miss the polygon
    # -- corners of the cells -------------------------------------------------------------
    # (a) the polygons' own corners: tight at the two edges that meet there.
    prev = np.arange(len(vid)) - 1
    prev[first] = last                              # the ring backwards
    pts = [X]
    par = [par_v]
    tight = [np.stack([lab[prev], lab], axis=1)]
    free: list[np.ndarray] = [np.full((len(vid), 2), -1)]  # units whose sign is free there
    # (b) a straddling line crossing an edge.
    nxt = ring_next(first, size)
    cross = (Z * Z[:, nxt]) < 0                     # (n_out, V): edge v -> next(v) crossed
    j_b, v_b = np.nonzero(cross)                    # sorted by unit, polygon, edge
    if len(j_b):
        zi, zj = Z[j_b, v_b], Z[j_b, nxt[v_b]]
        t = zi / (zi - zj)
        ends = X[v_b] + t[:, None] * (X[nxt[v_b]] - X[v_b])
        # A straddling line enters and leaves a convex polygon once: its chord is two
        # consecutive rows, which the crossings of two lines are tested against below.
        chord_key = j_b * P + par_v[v_b]
        if len(j_b) % 2 or (chord_key[0::2] != chord_key[1::2]).any():
            return None
        chord_key = chord_key[0::2]
        pts.append(ends)
        par.append(par_v[v_b])
        tight.append(np.stack([lab[v_b], unit0 + j_b], axis=1))
        free.append(np.stack([j_b, np.full(len(j_b), -1)], axis=1))
    # (c) two straddling lines crossing inside the polygon.
    p_s, j_s = np.nonzero(straddle.T)               # sorted by polygon, then unit
    counts = np.bincount(p_s, minlength=P)
    gstart = np.cumsum(counts) - counts
    rank = np.arange(len(p_s)) - gstart[p_s]
    n_partners = counts[p_s] - rank - 1
    a = np.repeat(np.arange(len(p_s)), n_partners)
    b = ranges(np.arange(len(p_s)) + 1, n_partners)
    if len(a):
        pa, ja, jb = p_s[a], j_s[a], j_s[b]
        la, lb = G[ja, pa], G[jb, pa]
        det = la[:, 0] * lb[:, 1] - lb[:, 0] * la[:, 1]
        # Lines within TOL of parallel have no reliable crossing: none is computed, and
        # where their chords meet, the layer is not in general position.
        ok = np.abs(det) > TOL * norm[ja, pa] * norm[jb, pa]
        if not ok.all() and _chords_meet(ends, chord_key, P, pa[~ok], ja[~ok], lb[~ok],
                                         tol[jb[~ok], pa[~ok]]):
            return None
        pa, ja, jb, la, lb, det = pa[ok], ja[ok], jb[ok], la[ok], lb[ok], det[ok]
        qx = (la[:, 1] * lb[:, 2] - lb[:, 1] * la[:, 2]) / det
        qy = (la[:, 2] * lb[:, 0] - lb[:, 2] * la[:, 0]) / det
        q = np.stack([qx, qy], axis=1)
        # The crossing lies on line ja: it is inside the polygon when it lies inside that
        # line's chord, measured as distances from the chord's two ends.
        m = 2 * np.searchsorted(chord_key, ja * P + pa)
        e1, e2 = ends[m], ends[m + 1]
        d = e2 - e1
        length = np.sqrt(d[:, 0] ** 2 + d[:, 1] ** 2)
        along = ((q[:, 0] - e1[:, 0]) * d[:, 0] + (q[:, 1] - e1[:, 1]) * d[:, 1]) / length
        margin = np.minimum(along, length - along)
        if (np.abs(margin) <= TOL).any():
            return None                             # a crossing on an edge or a corner
        keep = margin > 0
        pts.append(q[keep])
        par.append(pa[keep])
        tight.append(np.stack([unit0 + ja[keep], unit0 + jb[keep]], axis=1))
        free.append(np.stack([ja[keep], jb[keep]], axis=1))
    pts_a = np.concatenate(pts)
    par_a = np.concatenate(par)
    tight_a = np.concatenate(tight)
    free_a = np.concatenate(free)
    # Signs of every line at every corner; exactly the free units may be zero there.
    # Corner-major layout: gathering whole rows is cheaper than a middle axis.
    gc = np.ascontiguousarray(np.moveaxis(G, 1, 0))[par_a]          # (corners, n_out, 3)
    Zc = gc[:, :, 0] * pts_a[:, :1] + gc[:, :, 1] * pts_a[:, 1:] + gc[:, :, 2]
    st = np.ascontiguousarray(straddle.T)[par_a]
    zero = np.abs(Zc) <= np.ascontiguousarray(tol.T)[par_a]
    n_free = (free_a >= 0).sum(axis=1)
    if ((zero & st).sum(axis=1) != n_free).any():
        return None                                 # three lines through a point, or two coincide
    sign = np.where(st, Zc > 0, np.ascontiguousarray(bits_parent.T)[par_a]).astype(np.int8)
    # -- cells: each corner once per combination of its free units' signs -------------------
    combos = np.array([[0, 0], [1, 0], [0, 1], [1, 1]], dtype=np.int8)
    reps = 1 << n_free
    inc = np.repeat(np.arange(len(pts_a)), reps)
    k = ranges(np.zeros(len(pts_a), dtype=np.intp), reps)
    S = sign[inc]
    f = free_a[inc]
    rows, cols = np.nonzero(f >= 0)
    S[rows, f[rows, cols]] = combos[k[rows], cols]
    # Cell key: the parent, then the sign vector packed 62 bits to a word; one lexsort.
    words = [par_a[inc].astype(np.int64)]
    for lo_bit in range(0, n_out, 62):
        chunk = S[:, lo_bit : lo_bit + 62].astype(np.int64)
        words.append(chunk @ (np.int64(1) << np.arange(chunk.shape[1], dtype=np.int64)))
    if len(words) == 2 and n_out + P.bit_length() <= 62:
        # Parent and signs fit in one integer: one argsort instead of a lexsort.
        ks = (words[0] << n_out) | words[1]
        by_key = np.argsort(ks)
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
    cell_sorted = np.cumsum(new_cell) - 1
    cell_of = np.empty(len(ks), dtype=np.intp)
    cell_of[by_key] = cell_sorted
    n_cells = int(cell_sorted[-1]) + 1
    heads = by_key[new_cell]                        # one incidence per cell, in cell order
    cells = np.concatenate([par_a[inc][heads][:, None], S[heads]], axis=1)
    cnt = np.bincount(cell_of, minlength=n_cells)
    if (cnt < 3).any():
        return None
    P_inc = pts_a[inc]
    cx = np.bincount(cell_of, P_inc[:, 0], n_cells) / cnt
    cy = np.bincount(cell_of, P_inc[:, 1], n_cells) / cnt
    ang = np.arctan2(P_inc[:, 1] - cy[cell_of], P_inc[:, 0] - cx[cell_of])
    # Cell id plus the angle as a fraction of a turn: one argsort orders cells and corners.
    order = np.argsort(cell_of + (ang + np.pi) / (2 * np.pi * (1 + TOL)))  # each in [0, 1)
    P_sorted = P_inc[order]
    T = tight_a[inc][order]
    c_first = np.cumsum(cnt) - cnt
    nx = ring_next(c_first, cnt)
    Tn = T[nx]
    common = np.where((T[:, 0] == Tn[:, 0]) | (T[:, 0] == Tn[:, 1]), T[:, 0],
                      np.where((T[:, 1] == Tn[:, 0]) | (T[:, 1] == Tn[:, 1]), T[:, 1], -1))
    if (common < 0).any():
        return None
    new = Polygons.__new__(Polygons)
    new.exact = False
    new.X = np.ascontiguousarray(P_sorted)
    new.lab = common.astype(np.intp)
    new.used = len(P_sorted)
    new.start = c_first.astype(np.intp)
    new.size = cnt.astype(np.intp)
    new.lo = np.minimum.reduceat(P_sorted, c_first, axis=0)
    new.hi = np.maximum.reduceat(P_sorted, c_first, axis=0)
    origin = cells[:, 0].astype(np.intp)
    bits = cells[:, 1:].astype(np.int8)
    return new, origin, bits


def _chords_meet(ends: np.ndarray, chord_key: np.ndarray, P: int, pa: np.ndarray,
                 ja: np.ndarray, lb: np.ndarray, tol_b: np.ndarray) -> bool:
    """Whether line ``lb`` meets (within its tolerance) line ``ja``'s chord of polygon
    ``pa``, for any of the given pairs."""
    m = 2 * np.searchsorted(chord_key, ja * P + pa)
    z1 = ends[m, 0] * lb[:, 0] + ends[m, 1] * lb[:, 1] + lb[:, 2]
    z2 = ends[m + 1, 0] * lb[:, 0] + ends[m + 1, 1] * lb[:, 1] + lb[:, 2]
    return bool(((z1 * z2 <= 0) | (np.abs(z1) <= tol_b) | (np.abs(z2) <= tol_b)).any())
