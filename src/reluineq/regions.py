"""Exact enumeration of the linear regions of a ReLU network inside a box."""

from __future__ import annotations

from collections.abc import Iterable
from fractions import Fraction
from typing import Any

import numpy as np

from . import validate
from .network import Network

__all__ = ["TOL", "Region", "TooManyRegionsError", "regions"]

#: Geometric tolerance of float networks: a vertex closer than ``TOL`` to a unit's
#: hyperplane lies on it, so a piece must reach farther than ``TOL`` beyond a hyperplane
#: to count as a region. Exact networks use no tolerance at all.
TOL = 1e-9


class TooManyRegionsError(RuntimeError):
    """The enumeration passed the ``max_regions`` limit given to :func:`regions`."""


class Region:
    """One linear region: an activation pattern, its polytope and its affine map.

    Attributes
    ----------
    pattern : tuple of int
        One 0/1 entry per ReLU unit, in layer order; 1 means active (``W h + b > 0``
        inside the region).
    A, c : numpy.ndarray
        The region is ``{x in box : A @ x <= c}``; the system is irredundant (every row
        is a facet). Rows come from unit hyperplanes in unit order, then box faces.
    M, d : numpy.ndarray
        On the region, ``net.forward(x) == M @ x + d``.
    point : numpy.ndarray
        A point of the region's interior (the mean of its vertices).
    vertices : numpy.ndarray
        The vertices, ``(k, n)``; in 2-D in counter-clockwise order around the polygon.
    labels : tuple
        For each row of ``A``: ``("unit", layer, unit)`` with ``layer`` the index of the
        layer in the network, or ``("box", axis, "low" | "high")``.

    In an exact network every array has ``object`` dtype and holds ``Fraction``.
    """

    __slots__ = ("_e", "_i", "_sys")

    def __init__(self, enum: _Enumeration, index: int) -> None:
        self._e = enum
        self._i = index
        self._sys: tuple[np.ndarray, np.ndarray, tuple] | None = None

    @property
    def network(self) -> Network:
        """The network whose region this is."""
        return self._e.net

    @property
    def pattern(self) -> tuple[int, ...]:
        return tuple(int(b) for b in self._e.patterns[self._i])

    @property
    def M(self) -> np.ndarray:
        return self._e.maps[self._i, :, :-1]

    @property
    def d(self) -> np.ndarray:
        return self._e.maps[self._i, :, -1]

    @property
    def vertices(self) -> np.ndarray:
        return self._e.vertices(self._i)

    @property
    def point(self) -> np.ndarray:
        v = self.vertices
        return v.sum(axis=0) / len(v)

    def _system(self) -> tuple[np.ndarray, np.ndarray, tuple]:
        if self._sys is None:
            self._sys = self._e.system(self._i)
        return self._sys

    @property
    def A(self) -> np.ndarray:
        return self._system()[0]

    @property
    def c(self) -> np.ndarray:
        return self._system()[1]

    @property
    def labels(self) -> tuple:
        return self._system()[2]

    def contains(self, x: Any, tol: float = 1e-9) -> np.ndarray | bool:
        """Whether points ``x`` (``(n,)`` or ``(k, n)``) satisfy ``A x <= c`` (+ ``tol``)."""
        pts = np.asarray(x, dtype=float)
        A = np.asarray(self.A, dtype=float)
        c = np.asarray(self.c, dtype=float)
        inside = np.all(pts @ A.T <= c + tol, axis=-1)
        return bool(inside) if pts.ndim == 1 else inside

    def __repr__(self) -> str:
        bits = "".join(str(b) for b in self.pattern)
        return f"Region(pattern={bits or '()'}, {len(self.A)} inequalities)"


class _Enumeration:
    """Everything :func:`regions` computed, from which each :class:`Region` reads."""

    def __init__(self, net: Network, box: np.ndarray) -> None:
        self.net = net
        self.box = box
        self.n = net.n_inputs
        self.exact = net.exact
        # One entry per ReLU layer: (layer index, first unit id, start maps, parents, bits).
        self.relu_layers: list[dict[str, Any]] = []
        self.patterns: np.ndarray
        self.maps: np.ndarray
        self.ancestors: list[np.ndarray] = []
        self.geometry: _Polygons | _Polytopes

    def vertices(self, i: int) -> np.ndarray:
        return self.geometry.vertices(i)

    def system(self, i: int) -> tuple[np.ndarray, np.ndarray, tuple]:
        labels = sorted(self.geometry.constraint_ids(i))
        rows, rhs, names = [], [], []
        n = self.n
        for lab in labels:
            if lab < 2 * n:
                axis, side = divmod(lab, 2)
                bound = self.box[axis, side]
                row = np.zeros(n, dtype=object if self.exact else float)
                if self.exact:
                    row[:] = Fraction(0)
                row[axis] = Fraction(1 if side else -1) if self.exact else (1.0 if side else -1.0)
                rows.append(row)
                rhs.append(bound if side else -bound)
                names.append(("box", axis, "high" if side else "low"))
            else:
                u = lab - 2 * n
                info = next(r for r in reversed(self.relu_layers) if r["first"] <= u)
                j = u - info["first"]
                g = info["maps"][j, self.ancestors[info["k"]][i]]
                w, b = g[:-1], g[-1]
                on = self.patterns[i, u]
                rows.append(-w if on else w)
                rhs.append(b if on else -b)
                names.append(("unit", info["layer"], j))
        # Units first (in unit order), then the box: ids < 2n are box faces.
        order = sorted(range(len(labels)), key=lambda k: (labels[k] < 2 * n, labels[k]))
        dtype = object if self.exact else float
        A = np.array([rows[k] for k in order], dtype=dtype).reshape(len(order), n)
        c = np.array([rhs[k] for k in order], dtype=dtype)
        return A, c, tuple(names[k] for k in order)


def _sides(
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
    tol = TOL * np.sqrt(np.einsum("ij,ij->i", w, w))
    return zmin > tol, zmax < -tol, tol


def _snap(z: np.ndarray, tol: np.ndarray, exact: bool) -> np.ndarray:
    """Snap values within ``tol`` of zero onto zero (float networks only)."""
    if exact:
        return z
    return np.where(np.abs(z) <= tol, 0.0, z)


#: Float 2-D layers are cut all at once (see _arrangement_layer) while units times
#: vertices stays below this; beyond it the dense unit-by-vertex arrays cost more than the
#: unit-by-unit split, which skips the polygons a line misses.
_ARRANGEMENT = 200_000

#: Up to this many candidate polygons, a split runs in plain Python (see _split_few).
_FEW_POLYGONS = 16


def _ring_next(starts: np.ndarray, sizes: np.ndarray) -> np.ndarray:
    """Index of the next item in each ring of consecutive items, the last wrapping to the first.

    >>> _ring_next(np.array([0, 3]), np.array([3, 2])).tolist()
    [1, 2, 0, 4, 3]
    """
    nxt = np.arange(int(sizes.sum())) + 1
    nxt[starts + sizes - 1] = starts
    return nxt


def _ranges(starts: np.ndarray, sizes: np.ndarray) -> np.ndarray:
    """Concatenated ``arange(start, start + size)`` for every pair, without a loop."""
    offsets = np.cumsum(sizes) - sizes
    return np.repeat(starts - offsets, sizes) + np.arange(int(sizes.sum()))


class _Polygons:
    """2-D regions as convex polygons in one append-only vertex array.

    Polygon ``p`` is ``X[start[p] : start[p] + size[p]]`` in counter-clockwise order and
    ``lab[i]`` names the constraint on which the edge from vertex ``i`` to the next lies.
    A cut polygon's active half keeps its id and its inactive half gets a new one at the
    end, so ids stay stable and the work per unit grows with the polygons near its line,
    not with all vertices.
    """

    def __init__(self, box: np.ndarray, exact: bool) -> None:
        (x0, x1), (y0, y1) = box
        self.exact = exact
        self.X = np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]], dtype=box.dtype)
        # Edge labels: bottom (y >= y0), right (x <= x1), top (y <= y1), left (x >= x0).
        self.lab = np.array([2, 1, 3, 0], dtype=np.intp)
        self.used = 4
        self.start = np.array([0], dtype=np.intp)
        self.size = np.array([4], dtype=np.intp)
        self.lo = box[:, 0][None, :].copy()
        self.hi = box[:, 1][None, :].copy()

    @property
    def count(self) -> int:
        return len(self.start)

    def _append(self, X: np.ndarray, lab: np.ndarray) -> int:
        at = self.used
        need = at + len(X)
        if need > len(self.X):
            cap = max(need, 2 * len(self.X))
            grown = np.empty((cap, 2), dtype=self.X.dtype)
            grown[:at] = self.X[:at]
            glab = np.empty(cap, dtype=np.intp)
            glab[:at] = self.lab[:at]
            self.X, self.lab = grown, glab
        self.X[at:need] = X
        self.lab[at:need] = lab
        self.used = need
        return at

    def split(
        self, gj: np.ndarray, origin: np.ndarray, unit_id: int
    ) -> tuple[np.ndarray, np.ndarray]:
        """Split every polygon by its hyperplane ``gj[origin[p]] . (x, 1) = 0``.

        Returns ``(cut, side)``: the ids of the polygons that were cut (their inactive
        halves are appended, in this order) and, for every polygon after the split,
        whether the unit is active (1) on it.
        """
        exact = self.exact
        g = gj[origin]
        on, off, tol = _sides(g, self.lo, self.hi, exact)
        side = on.astype(np.int8)
        cand = np.flatnonzero(~(on | off))
        if len(cand) == 0:
            return cand, side
        if len(cand) <= _FEW_POLYGONS:
            return self._split_few(g, cand, tol, side, unit_id)
        sz = self.size[cand]
        idx = _ranges(self.start[cand], sz)
        Xc = self.X[idx]
        gv = np.repeat(g[cand], sz, axis=0)
        z = _snap(Xc[:, 0] * gv[:, 0] + Xc[:, 1] * gv[:, 1] + gv[:, 2],
                  np.repeat(tol[cand], sz), exact)
        offs = np.cumsum(sz) - sz
        pos = np.logical_or.reduceat(z > 0, offs)
        neg = np.logical_or.reduceat(z < 0, offs)
        side[cand] = pos
        cutm = pos & neg
        if not cutm.any():
            return cand[:0], side
        cut = cand[cutm]
        vmask = np.repeat(cutm, sz)
        Xc, zc, labc = Xc[vmask], z[vmask], self.lab[idx[vmask]]
        sizes = sz[cutm]
        n_cut = len(cut)
        cstarts = np.cumsum(sizes) - sizes
        pc = np.repeat(np.arange(n_cut), sizes)
        nxt = _ring_next(cstarts, sizes)
        zn, Xn = zc[nxt], Xc[nxt]
        halves = []
        for sign in (1, -1):
            q, qn = (zc, zn) if sign == 1 else (-zc, -zn)
            emit_v = q >= 0
            emit_x = ((q > 0) & (qn < 0)) | ((q < 0) & (qn > 0))
            cnt = emit_v.astype(np.intp) + emit_x
            first = np.cumsum(cnt) - cnt
            total = int(cnt.sum())
            out_X = np.empty((total, 2), dtype=self.X.dtype)
            out_lab = np.empty(total, dtype=np.intp)
            iv = first[emit_v]
            out_X[iv] = Xc[emit_v]
            # A vertex on the line followed by one outside starts an edge along the cut.
            out_lab[iv] = np.where((qn >= 0) | (q > 0), labc, unit_id)[emit_v]
            ix = first[emit_x] + emit_v[emit_x]
            zi, zj = zc[emit_x], zn[emit_x]
            t = zi / (zi - zj)
            out_X[ix] = Xc[emit_x] + t[:, None] * (Xn[emit_x] - Xc[emit_x])
            out_lab[ix] = np.where(q[emit_x] > 0, unit_id, labc[emit_x])
            psize = np.bincount(np.repeat(pc, cnt), minlength=n_cut)
            at = self._append(out_X, out_lab)
            pstart = at + np.cumsum(psize) - psize
            lo = np.minimum.reduceat(out_X, pstart - at, axis=0)
            hi = np.maximum.reduceat(out_X, pstart - at, axis=0)
            halves.append((pstart, psize, lo, hi))
        return self._place(cut, side, *halves)

    def _place(
        self, cut: np.ndarray, side: np.ndarray, active: tuple, inactive: tuple
    ) -> tuple[np.ndarray, np.ndarray]:
        """Record the halves of the cut polygons, each ``(starts, sizes, lo, hi)``.

        The active halves keep their polygons' ids, the inactive ones are appended.
        """
        (s1, n1, lo1, hi1), (s0, n0, lo0, hi0) = active, inactive
        self.start[cut], self.size[cut] = s1, n1
        self.lo[cut], self.hi[cut] = lo1, hi1
        self.start = np.concatenate([self.start, s0])
        self.size = np.concatenate([self.size, n0])
        self.lo = np.concatenate([self.lo, lo0])
        self.hi = np.concatenate([self.hi, hi0])
        side[cut] = 1
        return cut, np.concatenate([side, np.zeros(len(cut), dtype=np.int8)])

    def _split_few(
        self, g: np.ndarray, cand: np.ndarray, tol: np.ndarray, side: np.ndarray, unit_id: int
    ) -> tuple[np.ndarray, np.ndarray]:
        """:meth:`split` for a handful of candidate polygons, in plain Python.

        A vectorised split costs some forty NumPy calls whatever its size, which dominates
        when a line crosses only a few polygons (most units of a small network). The
        arithmetic is the same expression in the same order, so both paths give the same
        vertices bit for bit.
        """
        X, lab, start, size = self.X, self.lab, self.start, self.size
        cut: list[int] = []
        halves: tuple[list, list] = ([], [])  # per half: (points, labels) per cut polygon
        for p in cand.tolist():
            s0, n = int(start[p]), int(size[p])
            gx, gy, gb = g[p].tolist()
            t0 = tol[p]
            pts = X[s0 : s0 + n].tolist()
            labs = lab[s0 : s0 + n].tolist()
            z = [x * gx + y * gy + gb for x, y in pts]
            if not self.exact:
                z = [0.0 if abs(v) <= t0 else v for v in z]
            pos = any(v > 0 for v in z)
            side[p] = pos
            if not (pos and any(v < 0 for v in z)):
                continue
            cut.append(p)
            for k, sign in enumerate((1, -1)):
                out_pts, out_lab = [], []
                for i in range(n):
                    j = i + 1 if i + 1 < n else 0
                    q, qn = sign * z[i], sign * z[j]
                    if q >= 0:
                        out_pts.append(pts[i])
                        # A vertex on the line followed by one outside starts a cut edge.
                        out_lab.append(labs[i] if (qn >= 0 or q > 0) else unit_id)
                    if (q > 0 and qn < 0) or (q < 0 and qn > 0):
                        zi, zj = z[i], z[j]
                        t = zi / (zi - zj)
                        (xi, yi), (xj, yj) = pts[i], pts[j]
                        out_pts.append([xi + t * (xj - xi), yi + t * (yj - yi)])
                        out_lab.append(unit_id if q > 0 else labs[i])
                halves[k].append((out_pts, out_lab))
        cut_ids = np.array(cut, dtype=np.intp)
        if not cut:
            return cut_ids, side
        placed = []
        for half in halves:
            pts_all = [pt for pts, _ in half for pt in pts]
            labs_all = [lb for _, labs in half for lb in labs]
            at = self._append(np.array(pts_all, dtype=self.X.dtype),
                              np.array(labs_all, dtype=np.intp))
            sizes = np.array([len(pts) for pts, _ in half], dtype=np.intp)
            starts = at + np.cumsum(sizes) - sizes
            cols = [list(zip(*pts, strict=True)) for pts, _ in half]
            lo = np.array([[min(c) for c in xy] for xy in cols], dtype=self.X.dtype)
            hi = np.array([[max(c) for c in xy] for xy in cols], dtype=self.X.dtype)
            placed.append((starts, sizes, lo, hi))
        return self._place(cut_ids, side, *placed)

    def vertices(self, i: int) -> np.ndarray:
        s = self.start[i]
        return self.X[s : s + self.size[i]]

    def constraint_ids(self, i: int) -> set[int]:
        s = self.start[i]
        return {int(v) for v in self.lab[s : s + self.size[i]]}


def _arrangement_layer(
    geom: _Polygons, G: np.ndarray, unit0: int
) -> tuple[_Polygons, np.ndarray, np.ndarray] | None:
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
    vid = _ranges(start, size)                      # the polygons' vertices, polygon-major
    par_v = np.repeat(np.arange(P), size)
    X = geom.X[vid]
    lab = geom.lab[vid]
    gp = G[:, par_v, :]                             # (n_out, V, 3): each vertex's lines
    norm = np.sqrt(G[:, :, 0] ** 2 + G[:, :, 1] ** 2)   # (n_out, P)
    tol = TOL * norm
    Z = _snap(gp[:, :, 0] * X[:, 0] + gp[:, :, 1] * X[:, 1] + gp[:, :, 2], tol[:, par_v], False)
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
    nxt = _ring_next(first, size)
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
    b = _ranges(np.arange(len(p_s)) + 1, n_partners)
    if len(a):
        pa, ja, jb = p_s[a], j_s[a], j_s[b]
        la, lb = G[ja, pa], G[jb, pa]
        det = la[:, 0] * lb[:, 1] - lb[:, 0] * la[:, 1]
        ok = np.abs(det) > 1e-12 * norm[ja, pa] * norm[jb, pa]
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
    k = _ranges(np.zeros(len(pts_a), dtype=np.intp), reps)
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
    order = np.argsort(cell_of + (ang + np.pi) / (2 * np.pi + 1e-9))
    P_sorted = P_inc[order]
    T = tight_a[inc][order]
    c_first = np.cumsum(cnt) - cnt
    nx = _ring_next(c_first, cnt)
    Tn = T[nx]
    common = np.where((T[:, 0] == Tn[:, 0]) | (T[:, 0] == Tn[:, 1]), T[:, 0],
                      np.where((T[:, 1] == Tn[:, 0]) | (T[:, 1] == Tn[:, 1]), T[:, 1], -1))
    if (common < 0).any():
        return None
    new = _Polygons.__new__(_Polygons)
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


class _Polytopes:
    """n-D regions by their vertices, each vertex with the set of constraints tight at it.

    Splitting a polytope by a hyperplane keeps the vertices on each side and adds one
    new vertex on every edge that crosses it (the double-description step). Two
    vertices span an edge iff no other vertex is tight on every constraint tight at both
    (the combinatorial adjacency test); in at most three dimensions sharing ``n - 1``
    tight constraints already suffices, because the constraints here are distinct
    hyperplanes. Tight sets are Python ints used as bit sets; constraint ids are
    ``2 * axis + side`` for box faces and ``2 * n + unit`` for units.
    """

    def __init__(self, box: np.ndarray, exact: bool) -> None:
        n = len(box)
        self.n = n
        self.exact = exact
        corners = np.array(np.meshgrid(*([[0, 1]] * n), indexing="ij")).reshape(n, -1).T
        verts = np.empty(corners.shape, dtype=box.dtype)
        masks = []
        for k, corner in enumerate(corners):
            m = 0
            for axis, side in enumerate(corner):
                verts[k, axis] = box[axis, side]
                m |= 1 << (2 * axis + int(side))
            masks.append(m)
        self.verts: list[np.ndarray] = [verts]
        self.masks: list[list[int]] = [masks]
        self.lo = box[:, 0][None, :].copy()
        self.hi = box[:, 1][None, :].copy()

    @property
    def count(self) -> int:
        return len(self.verts)

    def split(
        self, gj: np.ndarray, origin: np.ndarray, unit_id: int
    ) -> tuple[np.ndarray, np.ndarray]:
        n = self.n
        g = gj[origin]
        on, off, tol = _sides(g, self.lo, self.hi, self.exact)
        side = on.astype(np.int8)
        bit = 1 << unit_id
        cut, new_lo, new_hi = [], [], []
        for r in np.flatnonzero(~(on | off)):
            V, masks = self.verts[r], self.masks[r]
            zr = _snap(V.dot(g[r, :-1]) + g[r, -1], tol[r], self.exact)
            P = np.flatnonzero(zr > 0)
            N = np.flatnonzero(zr < 0)
            side[r] = len(P) > 0
            if len(P) == 0 or len(N) == 0:
                continue
            Z = np.flatnonzero(zr == 0)
            pairs = []
            for iu in P:
                mu = masks[iu]
                for iw in N:
                    common = mu & masks[iw]
                    if common.bit_count() < n - 1:
                        continue
                    if n > 3 and any(
                        (masks[k] & common) == common
                        for k in range(len(V))
                        if k != iu and k != iw
                    ):
                        continue
                    pairs.append((iu, iw, common | bit))
            iu = np.array([p[0] for p in pairs], dtype=np.intp)
            iw = np.array([p[1] for p in pairs], dtype=np.intp)
            t = zr[iu] / (zr[iu] - zr[iw])
            Vnew = V[iu] + t[:, None] * (V[iw] - V[iu])
            mnew = [p[2] for p in pairs]
            zero_m = [masks[k] | bit for k in Z]
            halves = []
            for keep in (P, N):
                Vh = np.concatenate([V[keep], V[Z], Vnew])
                halves.append((Vh, [masks[k] for k in keep] + zero_m + mnew))
            (V1, m1), (V0, m0) = halves
            self.verts[r], self.masks[r] = V1, m1
            self.lo[r], self.hi[r] = V1.min(axis=0), V1.max(axis=0)
            self.verts.append(V0)
            self.masks.append(m0)
            new_lo.append(V0.min(axis=0))
            new_hi.append(V0.max(axis=0))
            cut.append(r)
        if not cut:
            return np.array(cut, dtype=np.intp), side
        self.lo = np.concatenate([self.lo, np.array(new_lo, dtype=self.lo.dtype)])
        self.hi = np.concatenate([self.hi, np.array(new_hi, dtype=self.hi.dtype)])
        return np.array(cut, dtype=np.intp), np.concatenate(
            [side, np.zeros(len(cut), dtype=np.int8)]
        )

    def vertices(self, i: int) -> np.ndarray:
        V = self.verts[i]
        if self.n != 2:
            return V
        # A convex polygon's vertices, counter-clockwise: by angle around their mean.
        c = np.asarray(V, dtype=float).mean(axis=0)
        d = np.asarray(V, dtype=float) - c
        return V[np.argsort(np.arctan2(d[:, 1], d[:, 0]), kind="stable")]

    def constraint_ids(self, i: int) -> set[int]:
        masks = self.masks[i]
        V = self.verts[i]
        union = 0
        for m in masks:
            union |= m
        ids = set()
        n = self.n
        for lab in range(union.bit_length()):
            b = 1 << lab
            if not union & b:
                continue
            tight = [k for k, m in enumerate(masks) if m & b]
            # A facet has n affinely independent vertices on it.
            if len(tight) < n:
                continue
            if n > 3 and _rank(V[tight[1:]] - V[tight[0]], self.exact) < n - 1:
                continue
            ids.add(lab)
        return ids


def _rank(rows: np.ndarray, exact: bool) -> int:
    if not exact:
        return int(np.linalg.matrix_rank(rows.astype(float)))
    m = [list(r) for r in rows]
    rank, cols = 0, len(m[0]) if m else 0
    for col in range(cols):
        piv = next((r for r in range(rank, len(m)) if m[r][col] != 0), None)
        if piv is None:
            continue
        m[rank], m[piv] = m[piv], m[rank]
        for r in range(len(m)):
            if r != rank and m[r][col] != 0:
                f = m[r][col] / m[rank][col]
                m[r] = [a - f * b for a, b in zip(m[r], m[rank], strict=True)]
        rank += 1
    return rank


def _too_many(max_regions: int, where: str) -> str:
    return (f"more than max_regions={max_regions} regions after {where}; raise the limit "
            "or shrink the box")


def _split_layer(
    geom: _Polygons | _Polytopes, G: np.ndarray, unit0: int, max_regions: int | None, li: int
) -> tuple[np.ndarray, np.ndarray]:
    """Split every region by each of a ReLU layer's hyperplanes in turn, in place.

    Returns each region's parent among the regions before the layer (``origin``) and its
    bits for the layer's units.
    """
    n_out = G.shape[0]
    origin = np.arange(geom.count)
    sides, cuts, before = [], [], []
    for j in range(n_out):
        before.append(len(origin))
        cut, side = geom.split(G[j], origin, unit0 + j)
        if len(cut):
            origin = np.concatenate([origin, origin[cut]])
        sides.append(side)
        cuts.append(cut)
        if max_regions is not None and geom.count > max_regions:
            raise TooManyRegionsError(_too_many(max_regions, f"unit {j} of layer {li}"))
    # Each region's bit for unit j is that of its ancestor right after unit j split;
    # walking back through the cuts finds it without copying the bits at every unit.
    bits = np.empty((geom.count, n_out), dtype=np.int8)
    ids = np.arange(geom.count)
    for j in reversed(range(n_out)):
        bits[:, j] = sides[j][ids]
        born = ids >= before[j]
        if born.any():
            ids = np.where(born, cuts[j][np.where(born, ids - before[j], 0)], ids)
    return origin, bits


def regions(
    net: Network,
    box: Iterable[Any],
    *,
    max_regions: int | None = None,
    method: str = "auto",
) -> list[Region]:
    """Every linear region of a ReLU network inside an axis-aligned box.

    The box is refined layer by layer: each region carries the affine map of the
    current layer's pre-activations, and each unit's hyperplane splits the regions it
    crosses. The work grows with the number of regions that exist, not with the
    ``2**N`` activation patterns. Regions have positive volume, cover the box and do not
    overlap.

    Parameters
    ----------
    net
        A network whose layers are ReLU or identity (sigmoid layers have no linear
        regions and raise ``ValueError``).
    box
        ``[(low, high), ...]``, one finite interval per input.
    max_regions
        Stop with :class:`TooManyRegionsError` as soon as more regions than this exist.
    method
        ``"polygon"`` (2-D only: a float layer in general position is cut by all its
        lines at once, as a line arrangement in each polygon; other layers by vectorised
        polygon clipping, unit by unit), ``"vertex"`` (any dimension: vertex/active-set
        splitting) or ``"auto"`` (polygon in 2-D).

    Returns
    -------
    list of Region

    Notes
    -----
    For a float network a vertex within :data:`TOL` of a hyperplane counts as lying on
    it, so slivers thinner than ``TOL`` are not regions; ReLU(0) counts as off and a
    constant-zero unit is off. An exact network is enumerated in rational arithmetic with
    no tolerance. On region ``r`` with pattern ``s``, unit ``j`` of a layer with
    pre-activation ``z_j(x) = w_j x + b_j`` contributes the inequality

    .. math:: (2 s_j - 1)(w_j x + b_j) \\ge 0 ,

    kept only where it is a facet of the region.

    Examples
    --------
    Two units whose lines cross at the origin cut the square into four regions:

    >>> net = Network.from_arrays([[[1, 0], [0, 1]], [[1, 1]]], [[0, 0], [0]],
    ...                           ["relu", "identity"])
    >>> rs = regions(net, box=[(-1, 1), (-1, 1)])
    >>> sorted(r.pattern for r in rs)
    [(0, 0), (0, 1), (1, 0), (1, 1)]

    On the region where only the first unit is active, ``x >= 0`` and ``y <= 0`` (the
    unit rows), with the box's ``x <= 1`` and ``y >= -1``; the network is ``x`` there:

    >>> import sympy as sp
    >>> r = next(r for r in rs if r.pattern == (1, 0))
    >>> sp.Matrix(r.A), sp.Matrix(r.c)
    (Matrix([
    [-1, 0],
    [ 0, 1],
    [ 1, 0],
    [ 0, -1]]), Matrix([
    [0],
    [0],
    [1],
    [1]]))
    >>> sp.Matrix(r.M), sp.Matrix(r.d)
    (Matrix([[1, 0]]), Matrix([[0]]))
    """
    validate.network(net, needs="linear regions")
    # bool is an int in Python; True must not silently mean a limit of one region.
    if max_regions is not None and (
        isinstance(max_regions, bool) or not isinstance(max_regions, int) or max_regions < 1
    ):
        raise ValueError(f"max_regions must be a positive integer, got {max_regions!r}")
    n = net.n_inputs
    B = validate.box(box, n, net.exact)
    if method == "auto":
        method = "polygon" if n == 2 else "vertex"
    if method == "polygon":
        if n != 2:
            raise ValueError(f"method 'polygon' needs a 2-D input, this network has {n}")
        geom: _Polygons | _Polytopes = _Polygons(B, net.exact)
    elif method == "vertex":
        geom = _Polytopes(B, net.exact)
    else:
        raise ValueError(f"unknown method {method!r}; expected 'auto', 'polygon' or 'vertex'")

    enum = _Enumeration(net, B)
    dtype = object if net.exact else float
    # H maps x to the current layer's input h, unit-major: on region r,
    # h_k = H[k, r, :n] . x + H[k, r, n]. Unit-major makes each layer one matrix product.
    H = np.zeros((n, 1, n + 1), dtype=dtype)
    if net.exact:
        H[:] = Fraction(0)
    for k in range(n):
        H[k, 0, k] = 1 if not net.exact else Fraction(1)
    first_unit = 0
    for li, layer in enumerate(net.layers):
        W, b = layer.weight, layer.bias
        k_in, R, _ = H.shape
        G = (W @ H.reshape(k_in, -1)).reshape(layer.n_out, R, n + 1)
        G[:, :, -1] += b[:, None]
        act = layer.act
        if act.identity:
            H = G
            continue
        unit0 = 2 * n + first_unit
        done = None
        if (isinstance(geom, _Polygons) and not net.exact
                and layer.n_out * int(geom.size.sum()) <= _ARRANGEMENT):
            done = _arrangement_layer(geom, G, unit0)
        if done is not None:
            geom, origin, bits = done
            if max_regions is not None and geom.count > max_regions:
                raise TooManyRegionsError(_too_many(max_regions, f"layer {li}"))
        else:
            origin, bits = _split_layer(geom, G, unit0, max_regions, li)
        enum.relu_layers.append(
            {"layer": li, "first": first_unit, "maps": G, "origin": origin, "bits": bits,
             "k": len(enum.relu_layers)}
        )
        first_unit += layer.n_out
        # Python ints, so that Fractions multiply exactly in an exact network.
        H = np.take(G, origin, axis=1)
        H *= act.gate(bits, net.exact).T[:, :, None]
    enum.geometry = geom  # the arrangement replaces it, the split grows it in place
    # Ancestors of the final regions at each ReLU layer's start, and their patterns.
    count = geom.count
    chain = np.arange(count)
    ancestors, pats = [], []
    for info in reversed(enum.relu_layers):
        pats.append(info["bits"][chain])
        chain = info["origin"][chain]
        ancestors.append(chain)
    enum.ancestors = ancestors[::-1]
    enum.patterns = (
        np.concatenate(pats[::-1], axis=1) if pats else np.zeros((count, 0), dtype=np.int8)
    )
    maps = np.ascontiguousarray(np.swapaxes(H, 0, 1))  # (region, output, n + 1)
    enum.maps = maps if len(maps) == count else np.repeat(maps, count, axis=0)
    return [Region(enum, i) for i in range(count)]
