"""The vertex engine: regions in any dimension as vertex sets with their tight constraints.

Splitting a polytope by a hyperplane keeps the vertices on each side and adds a vertex
on every edge that crosses it (the double-description step), exact or float.
"""

from __future__ import annotations

import numpy as np

from .common import box_face_id, sides, snap

__all__ = ["Polytopes"]


class Polytopes:
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
                m |= 1 << box_face_id(axis, int(side))
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
        on, off, tol = sides(g, self.lo, self.hi, self.exact)
        side = on.astype(np.int8)
        bit = 1 << unit_id
        cut, new_lo, new_hi = [], [], []
        for r in np.flatnonzero(~(on | off)):
            V, masks = self.verts[r], self.masks[r]
            zr = snap(V.dot(g[r, :-1]) + g[r, -1], tol[r], self.exact)
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

    def subset(self, ids: np.ndarray) -> Polytopes:
        """A new engine holding copies of polytopes ``ids`` (repeats allowed), in that
        order, with their tight sets; splitting it leaves this one as it is."""
        ids = [int(i) for i in ids]
        new = object.__new__(Polytopes)
        new.n, new.exact = self.n, self.exact
        new.verts = [self.verts[i].copy() for i in ids]
        new.masks = [list(self.masks[i]) for i in ids]
        new.lo, new.hi = self.lo[ids].copy(), self.hi[ids].copy()
        return new

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
            if n > 3 and matrix_rank(V[tight[1:]] - V[tight[0]], self.exact) < n - 1:
                continue
            ids.add(lab)
        return ids


def matrix_rank(rows: np.ndarray, exact: bool) -> int:
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
