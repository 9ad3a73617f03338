"""The polygon engine: 2-D regions as convex polygons, split unit by unit.

A layer's hyperplanes are lines; each one splits the polygons it crosses, by vectorised
clipping of all of them at once, or in plain Python when only a handful straddle it.
Exact (``Fraction``) or float.
"""

from __future__ import annotations

import numpy as np

from .common import box_face_id, ranges, ring_next, sides, snap

__all__ = ["FEW_POLYGONS", "Polygons"]

#: Up to this many candidate polygons, a split runs in plain Python (see
#: :meth:`Polygons.split`).
FEW_POLYGONS = 16


class Polygons:
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
        self.lab = np.array([box_face_id(1, 0), box_face_id(0, 1), box_face_id(1, 1),
                             box_face_id(0, 0)], dtype=np.intp)
        self.used = 4
        self.start = np.array([0], dtype=np.intp)
        self.size = np.array([4], dtype=np.intp)
        self._box: tuple[np.ndarray, np.ndarray] | None = (
            box[:, 0][None, :].copy(), box[:, 1][None, :].copy())
        # Vertices stored polygon after polygon, with none unused between them.
        self.compact = True

    @classmethod
    def from_cells(cls, X: np.ndarray, lab: np.ndarray, start: np.ndarray,
                   size: np.ndarray) -> Polygons:
        """Float polygons stored one after another: polygon ``p`` is
        ``X[start[p] : start[p] + size[p]]``, counter-clockwise, with its edge labels."""
        new = cls.__new__(cls)
        new.exact = False
        new.X = np.ascontiguousarray(X)
        new.lab = lab.astype(np.intp, copy=False)
        new.used = len(X)
        new.start = start.astype(np.intp, copy=False)
        new.size = size.astype(np.intp, copy=False)
        new.compact = True
        new._box = None  # bounding boxes, made when a split first needs them
        return new

    @property
    def count(self) -> int:
        return len(self.start)

    @property
    def lo(self) -> np.ndarray:
        """Each polygon's lower corner of its bounding box."""
        return self._bounds()[0]

    @lo.setter
    def lo(self, value: np.ndarray) -> None:
        self._box = (value, self._bounds()[1])

    @property
    def hi(self) -> np.ndarray:
        """Each polygon's upper corner of its bounding box."""
        return self._bounds()[1]

    @hi.setter
    def hi(self, value: np.ndarray) -> None:
        self._box = (self._bounds()[0], value)

    def _bounds(self) -> tuple[np.ndarray, np.ndarray]:
        if self._box is None:
            X = self.X[:self.used] if self.compact else self.X[ranges(self.start, self.size)]
            first = self.size.cumsum() - self.size
            self._box = (np.minimum.reduceat(X, first, axis=0),
                         np.maximum.reduceat(X, first, axis=0))
        return self._box

    def polygon_major(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """All vertices polygon after polygon: ``(X, lab, first, size)`` with polygon
        ``p``'s vertices at ``first[p] : first[p] + size[p]``."""
        if self.compact:
            return self.X[:self.used], self.lab[:self.used], self.start, self.size
        vid = ranges(self.start, self.size)
        return self.X[vid], self.lab[vid], self.size.cumsum() - self.size, self.size

    def _append(self, X: np.ndarray, lab: np.ndarray) -> int:
        self.compact = False  # the cut polygons' old vertices stay behind, unused
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
        on, off, tol = sides(g, self.lo, self.hi, exact)
        side = on.astype(np.int8)
        cand = np.flatnonzero(~(on | off))
        if len(cand) == 0:
            return cand, side
        if len(cand) <= FEW_POLYGONS:
            return self._split_few(g, cand, tol, side, unit_id)
        sz = self.size[cand]
        idx = ranges(self.start[cand], sz)
        Xc = self.X[idx]
        gv = np.repeat(g[cand], sz, axis=0)
        z = snap(Xc[:, 0] * gv[:, 0] + Xc[:, 1] * gv[:, 1] + gv[:, 2],
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
        nxt = ring_next(cstarts, sizes)
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

    def subset(self, ids: np.ndarray) -> Polygons:
        """A new engine holding copies of polygons ``ids`` (repeats allowed), in that order,
        with their edge labels; splitting it leaves this one as it is."""
        ids = np.asarray(ids, dtype=np.intp)
        new = object.__new__(Polygons)
        new.exact = self.exact
        idx = ranges(self.start[ids], self.size[ids])
        new.X, new.lab = self.X[idx].copy(), self.lab[idx].copy()
        new.used = len(idx)
        new.size = self.size[ids].copy()
        new.start = np.cumsum(new.size) - new.size
        new.compact = True
        new._box = (self.lo[ids].copy(), self.hi[ids].copy())
        return new

    def vertices(self, i: int) -> np.ndarray:
        s = self.start[i]
        return self.X[s : s + self.size[i]]

    def constraint_ids(self, i: int) -> set[int]:
        s = self.start[i]
        return {int(v) for v in self.lab[s : s + self.size[i]]}
